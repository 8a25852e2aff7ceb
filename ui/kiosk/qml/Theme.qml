// The kiosk's look, one singleton per engine: the four palettes the voter chooses from (standard,
// high contrast light, high contrast dark, yellow on black; their names are
// KioskAccess.contrastNames) and the text scale. Main.qml binds `contrast` and `fontScale` to
// the controller, which decides them (the access bar, the keypad's +/-, reset for each voter);
// every file that draws reads its colours and sizes here.
pragma Singleton
import QtQuick

QtObject {
    // The controller's contrast (0…3) and font scale, bound by Main.qml.
    property int contrast: 0
    property real fontScale: 1.0

    readonly property var palettes: [
        { background: "#eef2f6", surface: "#ffffff", text: "#1a1d21", mutedText: "#4a5560",
          accent: "#0b5cad", accentText: "#ffffff", marked: "#0b5cad", markedText: "#ffffff",
          border: "#8a96a3", warning: "#8a4b00", danger: "#b00020" },
        { background: "#ffffff", surface: "#ffffff", text: "#000000", mutedText: "#000000",
          accent: "#000000", accentText: "#ffffff", marked: "#000000", markedText: "#ffffff",
          border: "#000000", warning: "#000000", danger: "#000000" },
        { background: "#000000", surface: "#000000", text: "#ffffff", mutedText: "#ffffff",
          accent: "#ffffff", accentText: "#000000", marked: "#ffffff", markedText: "#000000",
          border: "#ffffff", warning: "#ffffff", danger: "#ffffff" },
        { background: "#000000", surface: "#000000", text: "#ffff00", mutedText: "#ffff00",
          accent: "#ffff00", accentText: "#000000", marked: "#ffff00", markedText: "#000000",
          border: "#ffff00", warning: "#ffffff", danger: "#ffffff" }
    ]
    readonly property var palette: palettes[contrast >= 0 && contrast < palettes.length ? contrast : 0]

    readonly property color background: palette.background
    readonly property color surface: palette.surface
    readonly property color text: palette.text
    readonly property color mutedText: palette.mutedText
    readonly property color accent: palette.accent
    readonly property color accentText: palette.accentText
    // A marked choice's fill and text.
    readonly property color marked: palette.marked
    readonly property color markedText: palette.markedText
    readonly property color border: palette.border
    readonly property color warning: palette.warning
    readonly property color danger: palette.danger
}
