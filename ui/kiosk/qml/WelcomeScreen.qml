// The first screen of a voter session: what the access bar above can do, and the way in.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-welcome"

    KioskFlickable {
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: startButton.top
        anchors.bottomMargin: 16
        contentHeight: Math.max(height, content.height)

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)
            anchors.verticalCenter: parent.verticalCenter
            spacing: Math.round(24 * Theme.fontScale)

            KioskText {
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("Welcome")
            }
            KioskText {
                objectName: "electionName"
                width: parent.width
                kind: "title"
                horizontalAlignment: Text.AlignHCenter
                text: kiosk.electionName
            }
            KioskText {
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                text: qsTr("You can change the text size, the contrast, the language and the audio at any time with the buttons at the top of the screen.")
            }
        }
    }

    BigButton {
        id: startButton
        objectName: "startButton"
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
        width: Math.min(Math.max(implicitWidth, 480 * Theme.fontScale), parent.width)
        primary: true
        text: qsTr("Start voting")
        description: qsTr("Show the first contest on your ballot.")
        onClicked: kiosk.ballot.startBallot()
    }
}
