// A white panel with a thin border, sized by its one child (a Column or a layout), like a Frame.
import QtQuick
import QtQuick.Controls

Frame {
    id: panel

    readonly property Theme theme: Theme {}

    padding: 12
    background: Rectangle {
        color: panel.theme.panel
        border.color: panel.theme.border
        border.width: 1
        radius: 4
    }
}
