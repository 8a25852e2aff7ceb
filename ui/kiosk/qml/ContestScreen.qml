// One contest of the ballot: its title and instructions, one button per choice (marked or not, as
// the controller says), the controller's notice (an extra mark refused) and Back / Next.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-contest"

    readonly property bool lastContest: kiosk.ballot.contestIndex + 1 >= kiosk.ballot.contestCount

    function showCursor() {
        const item = optionRepeater.itemAt(kiosk.cursor)
        if (item)
            flick.ensureVisible(item)
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
        anchors.bottom: notice.visible ? notice.top : navigation.top
        anchors.bottomMargin: 16
        contentHeight: content.height
        // The screen gets its size, and the list its layout, after it is created: show the
        // cursor again once they have.
        onHeightChanged: screen.showCursor()
        onContentHeightChanged: screen.showCursor()

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)  // room for the scroll bar
            spacing: Math.round(12 * Theme.fontScale)

            KioskText {
                objectName: "contestPosition"
                width: parent.width
                color: Theme.mutedText
                text: qsTr("Contest %1 of %2").arg(kiosk.ballot.contestIndex + 1).arg(kiosk.ballot.contestCount)
            }
            KioskText {
                objectName: "contestTitle"
                width: parent.width
                kind: "title"
                text: kiosk.ballot.contestTitle
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            KioskText {
                objectName: "contestInstructions"
                width: parent.width
                text: kiosk.ballot.contestInstructions
            }

            Column {
                id: optionList
                width: parent.width
                spacing: Math.max(16, Math.round(12 * Theme.fontScale))  // room for the cursor ring
                topPadding: Math.round(8 * Theme.fontScale)
                bottomPadding: 8
                leftPadding: 8
                rightPadding: 8

                Repeater {
                    id: optionRepeater
                    model: kiosk.ballot.options
                    BigButton {
                        id: optionButton
                        // The roles of KioskBallot.options (OptionRow).
                        required property int index
                        required property string optionLabel
                        required property bool marked

                        objectName: "option-" + index
                        width: optionList.width - optionList.leftPadding - optionList.rightPadding
                        horizontalAlignment: Text.AlignLeft
                        checkable: true
                        text: optionButton.optionLabel
                        description: kiosk.ballot.contestTitle
                        checked: optionButton.marked
                        highlighted: optionButton.index === kiosk.cursor
                        onClicked: kiosk.ballot.toggleOption(optionButton.index)
                    }
                }
            }
        }
    }

    // The notice stays in view whatever the scroll position: it explains a refused mark.
    Rectangle {
        id: notice
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: navigation.top
        anchors.bottomMargin: 16
        visible: kiosk.ballot.notice !== ""
        height: noticeText.height + 2 * noticeText.y
        radius: 10
        color: Theme.surface
        border.width: 4
        border.color: Theme.warning

        KioskText {
            id: noticeText
            objectName: "noticeText"
            x: Math.round(16 * Theme.fontScale)
            y: Math.round(12 * Theme.fontScale)
            width: parent.width - 2 * x
            color: Theme.warning
            font.bold: true
            text: kiosk.ballot.notice
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }
    }

    Row {
        id: navigation
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        spacing: Math.round(16 * Theme.fontScale)

        BigButton {
            objectName: "backButton"
            width: (parent.width - parent.spacing) / 2
            enabled: kiosk.ballot.contestIndex > 0
            text: qsTr("Back")
            description: qsTr("Go to the previous contest.")
            onClicked: kiosk.ballot.previousContest()
        }
        BigButton {
            objectName: "nextButton"
            width: (parent.width - parent.spacing) / 2
            primary: true
            text: screen.lastContest ? qsTr("Review my ballot") : qsTr("Next")
            description: screen.lastContest ? qsTr("See all your choices before you cast your ballot.")
                                            : qsTr("Go to the next contest.")
            onClicked: kiosk.ballot.nextContest()
        }
    }
}
