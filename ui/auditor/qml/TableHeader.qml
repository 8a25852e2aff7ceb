// The header row of a table: one bold muted title per column. `columns` is a list of
// {"title", "width", "alignRight"}; the table's rows lay their cells out with the same widths.
import QtQuick

Rectangle {
    id: header

    property var columns: []
    property int spacing: 8
    property int leftPadding: 8

    readonly property Theme theme: Theme {}

    implicitHeight: 30
    color: theme.background
    border.color: theme.border
    border.width: 1
    Accessible.ignored: true

    Row {
        x: header.leftPadding
        anchors.verticalCenter: parent.verticalCenter
        spacing: header.spacing

        Repeater {
            model: header.columns

            AuditorText {
                required property var modelData
                width: modelData.width
                text: modelData.title
                muted: true
                font.bold: true
                elide: Text.ElideRight
                horizontalAlignment: modelData.alignRight ? Text.AlignRight : Text.AlignLeft
                Accessible.role: Accessible.ColumnHeader
            }
        }
    }
}
