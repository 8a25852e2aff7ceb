// A polls report as the controller prepared it: the zero report when the polls open, the closing
// report when they close. The checkpoint is what observers copy down, so it is shown in full.
import QtQuick
import Psephos.Kiosk
import QtQuick.Layouts

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-report"

    component ReportLabel: KioskText {
        Layout.alignment: Qt.AlignTop
        Layout.maximumWidth: reportGrid.width / 3
        color: Theme.mutedText
    }
    component ReportValue: KioskText {
        Layout.fillWidth: true
        Layout.alignment: Qt.AlignTop
    }

    KioskFlickable {
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: reportDoneButton.top
        anchors.bottomMargin: 16
        contentHeight: content.height

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)
            spacing: Math.round(20 * Theme.fontScale)

            KioskText {
                objectName: "reportTitle"
                width: parent.width
                kind: "title"
                text: kiosk.pollWorker.report.title
            }

            GridLayout {
                id: reportGrid
                width: parent.width
                columns: 2
                columnSpacing: Math.round(24 * Theme.fontScale)
                rowSpacing: Math.round(12 * Theme.fontScale)

                ReportLabel { text: qsTr("Ballots cast") }
                ReportValue {
                    objectName: "reportCast"
                    kind: "title"
                    text: String(kiosk.pollWorker.report.ballotsCast)
                }
                ReportLabel { text: qsTr("Ballots challenged") }
                ReportValue {
                    objectName: "reportChallenged"
                    kind: "title"
                    text: String(kiosk.pollWorker.report.ballotsChallenged)
                }
                ReportLabel { text: qsTr("Ledger record") }
                ReportValue {
                    objectName: "reportRecord"
                    text: kiosk.pollWorker.report.record
                }
                ReportLabel { text: qsTr("District checkpoint") }
                ReportValue {
                    objectName: "reportCheckpoint"
                    monospace: true
                    text: kiosk.pollWorker.report.checkpoint
                }
            }
        }
    }

    BigButton {
        id: reportDoneButton
        objectName: "reportDoneButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        width: Math.min(Math.max(implicitWidth, 320 * Theme.fontScale), parent.width)
        primary: true
        text: qsTr("Done")
        description: qsTr("Close the report and go back to the poll worker screen.")
        onClicked: kiosk.pollWorker.dismissReport()
    }
}
