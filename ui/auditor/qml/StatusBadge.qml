// A status (AuditStatus, audit_status.hpp) as a small pill: Passed green with ✓, Failed red with
// ✗, NotRun and NotVerified grey. The word is always written out, so the colour is never the only
// sign. `label`, `tint` and `sign` override it for other badges (the look-up's "cast").
import QtQuick
import Psephos.Auditor

Rectangle {
    id: badge

    property int status: AuditStatus.NotVerified
    property string label: badge.word(status)
    property color tint: theme.statusColor(status)
    property string sign: status === AuditStatus.Passed ? "✓" : status === AuditStatus.Failed ? "✗" : ""

    readonly property Theme theme: Theme {}

    // The status's word, translated.
    function word(value) {
        switch (value) {
        case AuditStatus.Passed: return qsTr("passed")
        case AuditStatus.Failed: return qsTr("failed")
        case AuditStatus.NotRun: return qsTr("not run")
        default: return qsTr("not verified")
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
