// After a cast: the tracking code (groups, the whole code, a QR code) and how to check it later.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-receipt"

    KioskFlickable {
        id: flick
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: receiptDoneButton.top
        anchors.bottomMargin: 16
        contentHeight: content.height

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)  // room for the scroll bar
            spacing: Math.round(16 * Theme.fontScale)

            KioskText {
                objectName: "receiptTitle"
                width: parent.width
                kind: "title"
                text: qsTr("Your ballot was cast")
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }

            // The code and the QR code side by side when they fit, one above the other when not.
            Flow {
                id: codeAndQr
                width: parent.width
                spacing: Math.round(32 * Theme.fontScale)

                Column {
                    id: codeColumn
                    width: Math.min(codeAndQr.width,
                                    Math.max(groups.lineWidth,
                                             codeAndQr.width - qrImage.width - codeAndQr.spacing))
                    spacing: Math.round(12 * Theme.fontScale)

                    KioskText {
                        width: parent.width
                        text: qsTr("Your tracking code")
                    }
                    TrackingCodeGroups {
                        kiosk: screen.kiosk
                        id: groups
                        width: parent.width
                    }
                }

                Image {
                    id: qrImage
                    objectName: "qrImage"
                    width: 240
                    height: 240
                    source: kiosk.ballot.qrSource
                    sourceSize: Qt.size(240, 240)
                    smooth: false
                    cache: false
                    fillMode: Image.PreserveAspectFit
                    Accessible.role: Accessible.Graphic
                    Accessible.name: qsTr("QR code of your tracking code")
                }
            }

            KioskText {
                objectName: "checkLaterText"
                width: parent.width
                text: qsTr("Write down this tracking code or scan the QR code. Later you can look it up on the election's public website to check that your ballot was recorded as cast. The code does not show how you voted.")
            }

            KioskText {
                objectName: "receiptFileText"
                width: parent.width
                visible: kiosk.ballot.receiptFile !== ""
                text: qsTr("Your signed receipt is ready (%1). Ask a poll worker for your copy: it proves that the ledger recorded your ballot, even if the ballot later disappears from the published record.").arg(kiosk.ballot.receiptFile)
            }
        }
    }

    BigButton {
        id: receiptDoneButton
        objectName: "receiptDoneButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        width: Math.min(Math.max(implicitWidth, 320 * Theme.fontScale), parent.width)
        primary: true
        text: qsTr("Done")
        description: qsTr("Finish and leave the kiosk for the next voter.")
        onClicked: kiosk.ballot.finishReceipt()
    }
}
