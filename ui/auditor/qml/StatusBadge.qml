// A check status as a small pill: "passed" green with ✓, "failed" red with ✗, anything else
// ("not run", "not verified", "verifying", "cancelled") grey. The word is always written out, so
// the colour is never the only sign. `label` overrides the shown word (e.g. "cast").
import QtQuick

Rectangle {
    id: badge

    property string status
    property string label: badge.translated(status)
    // Colour and sign; by default from the status, overridable for other badges (look-up).
    property color tint: theme.statusColor(status)
    property string sign: status === "passed" ? "✓" : status === "failed" ? "✗" : ""

    readonly property Theme theme: Theme {}

    function translated(word) {
        switch (word) {
        case "passed": return qsTr("passed")
        case "failed": return qsTr("failed")
        case "not run": return qsTr("not run")
        case "not verified": return qsTr("not verified")
        case "verifying": return qsTr("verifying")
        case "cancelled": return qsTr("cancelled")
        default: return word
        }
    }

    implicitWidth: badgeText.implicitWidth + 16
    implicitHeight: badgeText.implicitHeight + 4
    radius: height / 2
    color: Qt.rgba(tint.r, tint.g, tint.b, 0.10)
    border.color: tint
    border.width: 1

    Accessible.role: Accessible.StaticText
    Accessible.name: badge.label

    Text {
        id: badgeText
        anchors.centerIn: parent
        text: (badge.sign !== "" ? badge.sign + " " : "") + badge.label
        color: badge.tint
        font.pixelSize: badge.theme.smallSize
        font.bold: true
        textFormat: Text.PlainText
        Accessible.ignored: true
    }
}
