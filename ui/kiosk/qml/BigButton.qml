// The kiosk's one button, built from a Rectangle, a Text and a MouseArea (no QtQuick.Controls,
// so the look follows the Theme exactly and no Controls style is involved). `checked` draws
// the marked colours and a check mark; `highlighted` is the keyboard cursor kept by the C++ side.
import QtQuick
import Psephos.Kiosk

Rectangle {
    id: button

    property string text
    property string description
    property string accessibleName: text
    property bool checked: false
    property bool checkable: false
    property bool highlighted: false
    property bool primary: false          // the screen's main action, drawn in the accent colour
    property bool showDescription: false  // the description is always given to assistive tech
    property int horizontalAlignment: Text.AlignHCenter
    property int accessibleRole: checkable ? Accessible.CheckBox : Accessible.Button
    // font = baseFontSize × sizeScale; height ≥ baseHeight × sizeScale
    property real sizeScale: Theme.fontScale
    property real baseFontSize: 26
    property real baseHeight: 72

    property real padding: Math.round(16 * sizeScale)
    readonly property bool emphasized: highlighted || activeFocus || mouseArea.pressed

    signal clicked()

    function activate() {
        if (enabled)
            clicked()
    }

    implicitWidth: Math.max(label.implicitWidth,
                            showDescription ? descriptionLabel.implicitWidth : 0) + 2 * padding
    implicitHeight: Math.max(baseHeight * sizeScale, content.height + 2 * padding)
    radius: 10
    color: !enabled ? Theme.background
         : checked ? Theme.marked
         : primary ? Theme.accent
         : Theme.surface
    border.width: emphasized ? 6 : 2
    // The 6 px accent border; on a button already filled with the accent or marked colour (the
    // high-contrast palettes use one colour for both) the border takes the fill's text colour.
    border.color: !emphasized ? (enabled ? Theme.border : Theme.mutedText)
                : !enabled ? Theme.accent
                : checked ? Theme.markedText
                : primary ? Theme.accentText
                : Theme.accent
    // Disabled buttons are also faded: in the high-contrast palettes mutedText equals text.
    opacity: enabled ? 1 : 0.45

    readonly property color ink: !enabled ? Theme.mutedText
                               : checked ? Theme.markedText
                               : primary ? Theme.accentText
                               : Theme.text

    activeFocusOnTab: true
    Keys.onReturnPressed: (event) => { button.activate(); event.accepted = true }
    Keys.onEnterPressed: (event) => { button.activate(); event.accepted = true }
    Keys.onSpacePressed: (event) => { button.activate(); event.accepted = true }

    Accessible.role: accessibleRole
    Accessible.name: accessibleName
    Accessible.description: description
    Accessible.checkable: checkable
    Accessible.checked: checked
    Accessible.focusable: true
    Accessible.onPressAction: button.activate()
    Accessible.onToggleAction: button.activate()

    // The keyboard cursor (or Tab focus) also draws a ring just outside the button, in the accent
    // colour, which every palette sets apart from the background: it shows on any fill.
    Rectangle {
        objectName: "cursorRing"
        visible: button.highlighted || button.activeFocus
        anchors.fill: parent
        anchors.margins: -7
        radius: button.radius + 7
        color: "transparent"
        border.width: 4
        border.color: Theme.accent
    }

    Column {
        id: content
        x: button.padding
        width: button.width - 2 * button.padding
        anchors.verticalCenter: parent.verticalCenter
        spacing: Math.round(4 * button.sizeScale)

        Text {
            id: label
            width: parent.width
            text: (button.checked ? "✓ " : "") + button.text
            color: button.ink
            font.pixelSize: Math.round(button.baseFontSize * button.sizeScale)
            font.bold: button.checked || button.primary
            horizontalAlignment: button.horizontalAlignment
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            textFormat: Text.PlainText  // an option's label comes from the manifest
            Accessible.ignored: true
        }
        Text {
            id: descriptionLabel
            width: parent.width
            visible: button.showDescription && button.description !== ""
            text: button.description
            color: button.ink
            font.pixelSize: Math.round(0.75 * button.baseFontSize * button.sizeScale)
            horizontalAlignment: button.horizontalAlignment
            wrapMode: Text.WrapAtWordBoundaryOrAnywhere
            textFormat: Text.PlainText  // an option's label comes from the manifest
            Accessible.ignored: true
        }
    }

    MouseArea {
        id: mouseArea
        anchors.fill: parent
        cursorShape: Qt.PointingHandCursor
        onClicked: button.activate()
    }
}
