// A horizontal bar: a grey track the width of the item and a fill `fraction` (0…1) of it, with
// an optional label after the fill. fillObjectName names the fill (tests read its width).
import QtQuick

Item {
    id: bar

    property real fraction: 0
    property color fillColor: theme.accent
    property string label
    property alias fillObjectName: fill.objectName
    property int barHeight: 12

    readonly property Theme theme: Theme {}
    readonly property real clamped: Math.max(0, Math.min(1, isNaN(fraction) ? 0 : fraction))

    implicitWidth: 160
    implicitHeight: Math.max(barHeight, labelText.implicitHeight)
    Accessible.role: Accessible.Indicator
    Accessible.name: label

    Rectangle {
        id: track
        anchors.left: parent.left
        anchors.right: labelText.visible ? labelText.left : parent.right
        anchors.rightMargin: labelText.visible ? 8 : 0
        anchors.verticalCenter: parent.verticalCenter
        height: bar.barHeight
        radius: 2
        color: bar.theme.track

        Rectangle {
            id: fill
            width: track.width * bar.clamped
            height: parent.height
            radius: 2
            color: bar.fillColor
        }
    }

    AuditorText {
        id: labelText
        visible: bar.label !== ""
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        width: 64
        horizontalAlignment: Text.AlignRight
        kind: "small"
        text: bar.label
        Accessible.ignored: true
    }
}
