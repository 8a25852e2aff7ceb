// Between voters: who this kiosk serves, what the voter should do, and the poll worker's corner.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-idle"

    KioskFlickable {
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: unlockCorner.top
        anchors.bottomMargin: 16
        contentHeight: Math.max(height, content.height)

        Column {
            id: content
            width: parent.width
            anchors.verticalCenter: parent.verticalCenter
            spacing: Math.round(24 * Theme.fontScale)

            KioskText {
                objectName: "electionName"
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                text: kiosk.electionName
            }
            KioskText {
                objectName: "districtName"
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                color: Theme.mutedText
                text: kiosk.districtName
            }
            KioskText {
                objectName: "idleMessage"
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                text: kiosk.networked && kiosk.linkState !== KioskController.LinkState.Online
                    ? qsTr("This kiosk has no link to its station. Please ask a poll worker.")
                    : kiosk.pollWorker.pollsState === KioskPollWorker.PollsState.Closed ? qsTr("Polls are closed.")
                    : kiosk.pollWorker.pollsState === KioskPollWorker.PollsState.NotOpened ? qsTr("Polls are not open yet.")
                    : kiosk.pollWorker.pollsState === KioskPollWorker.PollsState.Paused ? qsTr("Voting is paused.")
                    : qsTr("Please ask a poll worker to start your voting session.")
            }
        }
    }

    // The link to the station, for the poll worker: small, in the corner opposite their button.
    KioskText {
        objectName: "linkStatus"
        visible: kiosk.networked
        anchors.left: parent.left
        anchors.right: unlockCorner.left
        anchors.rightMargin: 16
        anchors.verticalCenter: unlockCorner.verticalCenter
        font.pixelSize: Math.round(16 * Theme.fontScale)
        color: kiosk.linkState === KioskController.LinkState.Online ? Theme.mutedText : Theme.danger
        elide: Text.ElideRight
        text: kiosk.linkText
    }

    BigButton {
        id: unlockCorner
        objectName: "unlockCorner"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        baseFontSize: 18
        baseHeight: 48
        text: qsTr("Poll worker")
        description: qsTr("For poll workers: unlock the kiosk with the passphrase.")
        onClicked: kiosk.pollWorker.showUnlock()
    }
}
