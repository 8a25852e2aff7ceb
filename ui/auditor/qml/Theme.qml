// The auditor's light theme: colours, font sizes and the monospace family, in one place. Every
// file that draws in colour holds one (Theme { id: theme }); a QtObject is cheap, and the module
// has no qmldir for a singleton.
import QtQuick
import Psephos.Auditor

QtObject {
    readonly property color background: "#f4f6f8"
    readonly property color panel: "#ffffff"
    readonly property color border: "#c8d0d8"
    readonly property color text: "#1a1d21"
    readonly property color mutedText: "#4a5560"
    readonly property color accent: "#0b5cad"
    readonly property color accentText: "#ffffff"
    readonly property color passed: "#1b7f3b"
    readonly property color failed: "#b00020"
    readonly property color notRun: "#6b7280"
    // Table rows: alternate stripes, the selected row, and the bar track.
    readonly property color stripe: "#f8fafb"
    readonly property color selection: "#dce9f7"
    readonly property color track: "#e3e8ed"

    readonly property int fontSize: 14
    readonly property int headingSize: 20
    readonly property int smallSize: 12
    readonly property string monoFamily: "DejaVu Sans Mono"

    // The colour of a status (AuditStatus): passed, failed, or grey for NotRun and NotVerified.
    function statusColor(status) {
        if (status === AuditStatus.Passed)
            return passed
        if (status === AuditStatus.Failed)
            return failed
        return notRun
    }
}
