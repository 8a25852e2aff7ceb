// Networked: the connection to the station was lost while the voter's ballot was being recorded.
// The ballot has left the kiosk; whether the station holds it is not known until the kiosk asks it
// again (docs/station-protocol.md §6). The voter waits, seeing the tracking code; the kiosk shows
// the receipt once the ballot is settled. Nothing to press: the controller decides.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-notConfirmed"

    KioskFlickable {
        anchors.fill: parent
        contentHeight: Math.max(height, content.height)

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)
            anchors.verticalCenter: parent.verticalCenter
            spacing: Math.round(24 * Theme.fontScale)

            KioskText {
                objectName: "notConfirmedTitle"
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                color: Theme.warning
                text: qsTr("Not confirmed yet — please wait")
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            KioskText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("The kiosk lost its connection to the polling place's station while "
                           + "recording your ballot. It is asking the station whether your ballot "
                           + "was recorded, and will show your receipt. Please do not vote again.")
            }
            TrackingCodeGroups {
                kiosk: screen.kiosk
                objectName: "notConfirmedCode"
                width: parent.width
            }
            KioskText {
                objectName: "notConfirmedLink"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                color: Theme.mutedText
                text: kiosk.linkText
            }
        }
    }
}
