// Read-only text the auditor can select and copy (ids, hashes, failure reasons, look-up
// answers): a TextEdit in the auditor's theme that wraps anywhere, so long hashes stay inside.
import QtQuick

TextEdit {
    property bool muted: false
    property bool monospace: false
    property int pixelSize: theme.fontSize

    readonly property Theme theme: Theme {}

    readOnly: true
    selectByMouse: true
    persistentSelection: false
    activeFocusOnTab: true
    textFormat: TextEdit.PlainText
    wrapMode: TextEdit.WrapAtWordBoundaryOrAnywhere
    color: muted ? theme.mutedText : theme.text
    selectionColor: theme.accent
    selectedTextColor: theme.accentText
    font.pixelSize: pixelSize
    font.family: monospace ? theme.monoFamily : Qt.application.font.family

    Accessible.role: Accessible.StaticText
    Accessible.name: text
    Accessible.readOnly: true
}
