// Text in the auditor's theme. `kind` picks the size: "body" 14, "heading" 20 (bold), "small" 12.
// `muted` draws secondary text; `monospace` uses DejaVu Sans Mono (ids, hashes, codes). No wrap
// unless a user sets wrapMode: desktop tables elide instead.
import QtQuick

Text {
    property string kind: "body"
    property bool muted: false
    property bool monospace: false

    readonly property Theme theme: Theme {}

    color: muted ? theme.mutedText : theme.text
    font.pixelSize: kind === "heading" ? theme.headingSize
                  : kind === "small" ? theme.smallSize
                  : theme.fontSize
    font.bold: kind === "heading"
    font.family: monospace ? theme.monoFamily : Qt.application.font.family
    textFormat: Text.PlainText
    Accessible.role: kind === "heading" ? Accessible.Heading : Accessible.StaticText
    Accessible.name: text
}
