// The tracking code as the voter copies it: large monospace groups, four to a line (fewer when the
// text size does not leave room), and the whole code once more in small type underneath.
import QtQuick
import Psephos.Kiosk

Column {
    id: code

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    // The width of four groups on one line (independent of the width given to this item).
    readonly property real lineWidth: 4 * groupFlow.cellWidth + 3 * groupFlow.spacing

    spacing: Math.round(8 * Theme.fontScale)

    TextMetrics {
        id: groupMetrics
        font.family: "monospace"
        font.pixelSize: Math.round(44 * Theme.fontScale)
        font.bold: true
        // The groups have one length; measure the longest to be safe.
        text: {
            let longest = ""
            const groups = kiosk.ballot.trackingGroups
            for (let i = 0; i < groups.length; ++i)
                if (groups[i].length > longest.length)
                    longest = groups[i]
            return longest
        }
    }

    Flow {
        id: groupFlow
        objectName: "trackingGroups"
        readonly property real cellWidth: Math.ceil(groupMetrics.advanceWidth)
        width: Math.min(code.width, code.lineWidth)
        spacing: Math.round(24 * Theme.fontScale)
        Accessible.role: Accessible.StaticText
        Accessible.name: kiosk.ballot.trackingGroups.join(" ")

        Repeater {
            model: kiosk.ballot.trackingGroups
            KioskText {
                objectName: "trackingGroup-" + index
                kind: "code"
                monospace: true
                font.bold: true
                width: groupFlow.cellWidth
                text: modelData
                wrapMode: Text.NoWrap
                Accessible.ignored: true
            }
        }
    }

    KioskText {
        objectName: "trackingCodeText"
        width: code.width
        kind: "small"
        monospace: true
        color: Theme.mutedText
        text: kiosk.ballot.trackingCode
        Accessible.role: Accessible.StaticText
        Accessible.name: kiosk.ballot.trackingCode
    }
}
