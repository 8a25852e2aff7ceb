// Text in the kiosk's theme: the colour comes from the Theme and the size is the base size of
// `kind` times Theme.fontScale, so the voter's text-size choice reaches every line. Wraps by word.
// Always plain text: names and titles come from the manifest, and Qt's default (AutoText) would
// draw "<b>" or "<font color=red>" in a candidate's name as markup.
import QtQuick
import Psephos.Kiosk

Text {
    // "body" 22, "title" 34, "button" 26, "code" 44 (tracking code), "small" 16 (px at scale 1)
    property string kind: "body"
    property bool monospace: false

    readonly property real baseSize: kind === "title" ? 34
                                   : kind === "button" ? 26
                                   : kind === "code" ? 44
                                   : kind === "small" ? 16
                                   : 22

    color: Theme.text
    font.pixelSize: Math.round(baseSize * Theme.fontScale)
    font.bold: kind === "title"
    font.family: monospace ? "monospace" : Qt.application.font.family
    // Word wrap; a word longer than the line (a hash, a long name at the largest text size)
    // breaks instead of running off the screen.
    wrapMode: Text.WrapAtWordBoundaryOrAnywhere
    textFormat: Text.PlainText
}
