// A tab of the main TabBar, drawn the same in every Controls style: the current tab is white
// with an accent underline and accent text, the others are muted on the window background.
import QtQuick
import QtQuick.Controls

TabButton {
    id: tab

    readonly property Theme theme: Theme {}

    width: implicitWidth
    leftPadding: 18
    rightPadding: 18
    topPadding: 9
    bottomPadding: 9

    contentItem: Text {
        text: tab.text
        font.pixelSize: tab.theme.fontSize
        font.bold: tab.checked
        color: tab.checked ? tab.theme.accent : tab.enabled ? tab.theme.text : tab.theme.notRun
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        textFormat: Text.PlainText
        Accessible.ignored: true
    }

    background: Rectangle {
        implicitHeight: 38
        color: tab.checked ? tab.theme.panel
             : tab.hovered ? tab.theme.track
             : "transparent"
        border.width: tab.visualFocus ? 2 : 0
        border.color: tab.theme.accent

        Rectangle {
            visible: tab.checked
            anchors.bottom: parent.bottom
            width: parent.width
            height: 3
            color: tab.theme.accent
        }
    }
}
