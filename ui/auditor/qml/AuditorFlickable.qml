// A vertical Flickable with a scroll bar for a page or panel that can outgrow the window.
// ensureVisible() scrolls just enough to show an item inside it (tests call it before a click).
import QtQuick
import QtQuick.Controls

Flickable {
    id: flick

    contentWidth: width
    clip: true
    boundsBehavior: Flickable.StopAtBounds
    flickableDirection: Flickable.VerticalFlick
    ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

    // Scrolls just enough to show `item` (a descendant of the content).
    function ensureVisible(item) {
        if (!item || height <= 0 || contentHeight <= height)
            return
        const top = item.mapToItem(contentItem, 0, 0).y
        const bottom = top + item.height
        const margin = 8
        if (top - margin < contentY)
            contentY = Math.max(originY, top - margin)
        else if (bottom + margin > contentY + height)
            contentY = Math.min(originY + contentHeight - height, bottom + margin - height)
    }
}
