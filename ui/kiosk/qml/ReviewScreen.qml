// Every contest and its marks before casting: what is marked, the controller's warnings (an
// undervote), a Change button per contest, then Cast or Challenge.
import QtQuick

Item {
    id: screen
    objectName: "screen-review"

    function joinMarks(marks) {
        let joined = ""
        if (marks)
            for (let i = 0; i < marks.length; ++i)
                joined += (i > 0 ? ", " : "") + marks[i]
        return joined
    }

    // The cursor runs over the contests, then Cast, then Challenge (as the controller counts).
    readonly property int castCursor: kiosk.reviewItems.length
    readonly property int challengeCursor: kiosk.reviewItems.length + 1

    function showCursor() {
        if (kiosk.cursor === screen.challengeCursor) {
            flick.ensureVisible(challengeButton)
            return
        }
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
        anchors.bottom: castButton.top
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
            width: parent.width - 8 - Math.round(16 * kiosk.fontScale)
            topPadding: 8
            bottomPadding: 8
            spacing: Math.max(16, Math.round(12 * kiosk.fontScale))

            KioskText {
                width: parent.width
                kind: "title"
                text: qsTr("Review your ballot")
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }

            Repeater {
                id: reviewRepeater
                model: kiosk.reviewItems

                Rectangle {
                    id: card
                    objectName: "reviewItem-" + index
                    readonly property int contest: modelData.index
                    readonly property string marksText: screen.joinMarks(modelData.marks)
                    readonly property bool highlighted: modelData.index === kiosk.cursor

                    width: content.width
                    height: cardContent.height + 2 * cardContent.y
                    radius: 10
                    color: kiosk.palette.surface
                    border.width: highlighted ? 6 : 2
                    border.color: highlighted ? kiosk.palette.accent : kiosk.palette.border

                    Column {
                        id: cardContent
                        x: Math.round(16 * kiosk.fontScale)
                        y: Math.round(12 * kiosk.fontScale)
                        width: card.width - 2 * x
                        spacing: Math.round(8 * kiosk.fontScale)

                        KioskText {
                            objectName: "reviewTitle-" + index
                            width: parent.width
                            font.bold: true
                            text: modelData.title
                        }
                        KioskText {
                            objectName: "reviewMarks-" + index
                            width: parent.width
                            kind: "button"
                            color: card.marksText !== "" ? kiosk.palette.text : kiosk.palette.mutedText
                            font.italic: card.marksText === ""
                            text: card.marksText !== "" ? card.marksText : qsTr("No selection")
                        }
                        KioskText {
                            objectName: "reviewWarning-" + index
                            width: parent.width
                            visible: text !== ""
                            color: kiosk.palette.warning
                            font.bold: true
                            text: modelData.warning !== undefined ? modelData.warning : ""
                        }
                        BigButton {
                            objectName: "change-" + index
                            width: Math.min(parent.width, Math.max(implicitWidth, 240 * kiosk.fontScale))
                            highlighted: card.highlighted
                            text: qsTr("Change")
                            accessibleName: qsTr("Change %1").arg(modelData.title)
                            description: card.marksText !== ""
                                         ? qsTr("Now marked: %1").arg(card.marksText)
                                         : qsTr("No selection")
                            onClicked: kiosk.changeContest(modelData.index)
                        }
                    }
                }
            }

            // Challenging is optional and rarer than casting, so it sits after the contests with
            // its explanation, away from the Cast button; Cast stays in view below.
            Item { width: 1; height: Math.round(8 * kiosk.fontScale) }
            KioskText {
                objectName: "challengeExplanation"
                width: parent.width
                color: kiosk.palette.mutedText
                text: qsTr("Challenge is optional. It lets you check that the kiosk encrypted your choices correctly: the kiosk reveals how it encrypted this ballot and shows you what the encryption contains. A challenged ballot is never counted; you then vote again.")
            }
            BigButton {
                id: challengeButton
                objectName: "challengeButton"
                width: parent.width
                highlighted: kiosk.cursor === screen.challengeCursor
                text: qsTr("Challenge (check the encryption, then vote again)")
                description: qsTr("This ballot will not be counted. You will see what its encryption contains, then vote again.")
                onClicked: kiosk.challenge()
            }
        }
    }

    BigButton {
        id: castButton
        objectName: "castButton"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        anchors.bottomMargin: 8
        primary: true
        highlighted: kiosk.cursor === screen.castCursor
        text: qsTr("Cast my ballot")
        description: qsTr("Record your ballot. You cannot change it afterwards.")
        onClicked: kiosk.cast()
    }
}
