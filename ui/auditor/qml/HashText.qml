// A long hex string (a transaction hash, a root) in a table cell: monospace, elided in the middle
// so that both ends show, the whole value in a tool tip. Clicking (or Tab) turns the cell into a
// read-only field with the whole value selected, ready to copy (Ctrl+C); it scrolls sideways.
import QtQuick
import QtQuick.Controls

Item {
    id: cell

    property string text
    property string accessibleName: qsTr("Hash")

    readonly property Theme theme: Theme {}

    implicitHeight: shown.implicitHeight
    implicitWidth: 200
    clip: true

    Accessible.role: Accessible.EditableText
    Accessible.name: accessibleName
    Accessible.description: cell.text
    Accessible.readOnly: true

    AuditorText {
        id: shown
        anchors.fill: parent
        verticalAlignment: Text.AlignVCenter
        visible: !field.activeFocus
        monospace: true
        elide: Text.ElideMiddle
        text: cell.text
        Accessible.ignored: true
    }

    TextInput {
        id: field
        anchors.fill: parent
        verticalAlignment: TextInput.AlignVCenter
        visible: activeFocus
        readOnly: true
        selectByMouse: true
        activeFocusOnTab: true
        text: cell.text
        color: cell.theme.text
        selectionColor: cell.theme.accent
        selectedTextColor: cell.theme.accentText
        font.family: cell.theme.monoFamily
        font.pixelSize: cell.theme.fontSize
        onActiveFocusChanged: {
            if (activeFocus)
                selectAll()
            else
                ensureVisible(0)
        }
        Accessible.ignored: true
    }

    MouseArea {
        id: hover
        anchors.fill: parent
        visible: !field.activeFocus
        hoverEnabled: true
        cursorShape: Qt.IBeamCursor
        onClicked: field.forceActiveFocus()
    }

    ToolTip.visible: hover.containsMouse && cell.text !== "" && shown.truncated
    ToolTip.text: cell.text
    ToolTip.delay: 500
}
