// After a challenge: the ballot is not counted; its tracking code and what its encryption opened
// to (recovered by the controller from the revealed nonces), for the voter to compare with what
// they marked. Then a fresh ballot.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-challenged"

    function joinMarks(marks) {
        let joined = ""
        if (marks)
            for (let i = 0; i < marks.length; ++i)
                joined += (i > 0 ? ", " : "") + marks[i]
        return joined
    }

    KioskFlickable {
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: startOverButton.top
        anchors.bottomMargin: 16
        contentHeight: content.height

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)  // room for the scroll bar
            spacing: Math.round(14 * Theme.fontScale)

            KioskText {
                objectName: "challengedTitle"
                width: parent.width
                kind: "title"
                text: qsTr("Your ballot was challenged and will not be counted")
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }

            KioskText {
                objectName: "challengedCodeLabel"
                width: parent.width
                text: qsTr("Tracking code of the challenged ballot: it must be the code shown before you chose to challenge")
            }
            TrackingCodeGroups {
                kiosk: screen.kiosk
                width: parent.width
            }

            KioskText {
                objectName: "challengeExplanation"
                width: parent.width
                text: qsTr("The kiosk revealed the secret numbers (nonces) it used to encrypt this ballot. With them, the encrypted ballot was opened again; it contains the choices below. They should match what you marked. If they do not, or if the code differs from the one you noted, tell a poll worker. You can also look this code up on the election's public record, where the challenged ballot is published and anyone can check it.")
            }

            Repeater {
                model: kiosk.ballot.challengeItems

                Rectangle {
                    id: card
                    // The roles of KioskBallot.challengeItems (ChallengeRow).
                    required property int index
                    required property string title
                    required property var marks

                    objectName: "challengeItem-" + index
                    readonly property string marksText: screen.joinMarks(marks)

                    width: content.width
                    height: cardContent.height + 2 * cardContent.y
                    radius: 10
                    color: Theme.surface
                    border.width: 2
                    border.color: Theme.border

                    Column {
                        id: cardContent
                        x: Math.round(16 * Theme.fontScale)
                        y: Math.round(12 * Theme.fontScale)
                        width: card.width - 2 * x
                        spacing: Math.round(6 * Theme.fontScale)

                        KioskText {
                            width: parent.width
                            font.bold: true
                            text: card.title
                        }
                        KioskText {
                            objectName: "challengeMarks-" + card.index
                            width: parent.width
                            kind: "button"
                            color: card.marksText !== "" ? Theme.text : Theme.mutedText
                            font.italic: card.marksText === ""
                            text: card.marksText !== "" ? card.marksText : qsTr("No selection")
                        }
                    }
                }
            }
        }
    }

    BigButton {
        id: startOverButton
        objectName: "startOverButton"
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        width: Math.min(Math.max(implicitWidth, 360 * Theme.fontScale), parent.width)
        primary: true
        text: qsTr("Vote again")
        description: qsTr("Start a new ballot. Nothing from the challenged ballot is kept.")
        onClicked: kiosk.ballot.startOver()
    }
}
