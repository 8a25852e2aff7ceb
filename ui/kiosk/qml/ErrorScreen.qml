// The kiosk could not start, or lost its ledger: no ballots can be taken. errorText says why.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-error"

    KioskFlickable {
        anchors.fill: parent
        contentHeight: Math.max(height, content.height)

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)
            anchors.verticalCenter: parent.verticalCenter
            spacing: Math.round(24 * Theme.fontScale)

            KioskText {
                objectName: "errorTitle"
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                color: Theme.danger
                text: qsTr("This kiosk cannot take ballots")
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            KioskText {
                objectName: "errorText"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: kiosk.errorText
            }
        }
    }
}
