// Every contest and its marks before the ballot is sealed: what is marked, the controller's
// warnings (an undervote), a Change button per contest, then Continue, which encrypts the ballot
// and shows its tracking code (SealedScreen) before the voter chooses to cast or challenge it.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-review"

    function joinMarks(marks) {
        let joined = ""
        if (marks)
            for (let i = 0; i < marks.length; ++i)
                joined += (i > 0 ? ", " : "") + marks[i]
        return joined
    }

    // The cursor runs over the contests, then Continue (as the controller counts).
    readonly property int sealCursor: kiosk.ballot.reviewItems.count

    function showCursor() {
        for (let i = 0; i < reviewRepeater.count; ++i) {
            const item = reviewRepeater.itemAt(i)
            if (item && item.contest === kiosk.cursor) {
                flick.ensureVisible(item)
                return
            }
        }
    }

    Connections {
        target: kiosk
        function onCursorChanged() { screen.showCursor() }
    }

    KioskFlickable {
        id: flick
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: sealButton.top
        anchors.bottomMargin: 16
        contentHeight: content.height
        // The screen gets its size, and the list its layout, after it is created: show the
        // cursor again once they have.
        onHeightChanged: screen.showCursor()
        onContentHeightChanged: screen.showCursor()

        Column {
            id: content
            // Room for the cursor ring on the left and top, and for the scroll bar on the right.
            x: 8
            width: parent.width - 8 - Math.round(16 * Theme.fontScale)
            topPadding: 8
            bottomPadding: 8
            spacing: Math.max(16, Math.round(12 * Theme.fontScale))

            KioskText {
                width: parent.width
                kind: "title"
                text: qsTr("Review your ballot")
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }

            Repeater {
                id: reviewRepeater
                model: kiosk.ballot.reviewItems

                Rectangle {
                    id: card
                    // The roles of KioskBallot.reviewItems (ReviewRow).
                    required property int index
                    required property int contest
                    required property string title
                    required property var marks
                    required property string warning

                    objectName: "reviewItem-" + index
                    readonly property string marksText: screen.joinMarks(marks)
                    readonly property bool highlighted: contest === kiosk.cursor

                    width: content.width
                    height: cardContent.height + 2 * cardContent.y
                    radius: 10
                    color: Theme.surface
                    border.width: highlighted ? 6 : 2
                    border.color: highlighted ? Theme.accent : Theme.border

                    Column {
                        id: cardContent
                        x: Math.round(16 * Theme.fontScale)
                        y: Math.round(12 * Theme.fontScale)
                        width: card.width - 2 * x
                        spacing: Math.round(8 * Theme.fontScale)

                        KioskText {
                            objectName: "reviewTitle-" + card.index
                            width: parent.width
                            font.bold: true
                            text: card.title
                        }
                        KioskText {
                            objectName: "reviewMarks-" + card.index
                            width: parent.width
                            kind: "button"
                            color: card.marksText !== "" ? Theme.text : Theme.mutedText
                            font.italic: card.marksText === ""
                            text: card.marksText !== "" ? card.marksText : qsTr("No selection")
                        }
                        KioskText {
                            objectName: "reviewWarning-" + card.index
                            width: parent.width
                            visible: text !== ""
                            color: Theme.warning
                            font.bold: true
                            text: card.warning
                        }
                        BigButton {
                            objectName: "change-" + card.index
                            width: Math.min(parent.width, Math.max(implicitWidth, 240 * Theme.fontScale))
                            highlighted: card.highlighted
                            text: qsTr("Change")
                            accessibleName: qsTr("Change %1").arg(card.title)
                            description: card.marksText !== ""
                                         ? qsTr("Now marked: %1").arg(card.marksText)
                                         : qsTr("No selection")
                            onClicked: kiosk.ballot.changeContest(card.contest)
                        }
                    }
                }
            }
        }
    }

    BigButton {
        id: sealButton
        objectName: "sealButton"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        anchors.bottomMargin: 8
        primary: true
        highlighted: kiosk.cursor === screen.sealCursor
        text: qsTr("Continue: encrypt my ballot")
        description: qsTr("The kiosk encrypts your ballot and shows its tracking code. Then you choose to cast it or to check it.")
        onClicked: kiosk.ballot.seal()
    }
}
