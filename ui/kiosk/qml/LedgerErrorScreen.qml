// The ledger did not record the ballot: it was NOT cast. The voter is told plainly and a poll
// worker acknowledges; the controller's errorText says what went wrong. After a failed write
// (unconfirmedCode set) the ledger may yet hold the ballot: the screen says it could not be
// confirmed, and the kiosk settles it at its restart.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-ledgerError"

    KioskFlickable {
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: ledgerErrorOk.top
        anchors.bottomMargin: 16
        contentHeight: Math.max(height, content.height)

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)
            anchors.verticalCenter: parent.verticalCenter
            spacing: Math.round(24 * Theme.fontScale)

            KioskText {
                objectName: "ledgerErrorTitle"
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                color: Theme.danger
                text: kiosk.unconfirmedCode !== "" ? qsTr("Your ballot could NOT be confirmed")
                                                   : qsTr("Your ballot was NOT cast")
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            KioskText {
                objectName: "errorText"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: kiosk.errorText
            }
            KioskText {
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("Please call a poll worker.")
            }
        }
    }

    BigButton {
        id: ledgerErrorOk
        objectName: "ledgerErrorOk"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        width: Math.min(Math.max(implicitWidth, 480 * Theme.fontScale), parent.width)
        text: qsTr("Poll worker: acknowledge")
        description: qsTr("For poll workers: confirm that you have seen this error.")
        onClicked: kiosk.acknowledgeLedgerError()
    }
}
