// The body of a table: a vertical ListView with a scroll bar, clipped, focusable from the
// keyboard (users add their keys; scrollBy() helps). ensureVisible() scrolls to an item inside
// a delegate (tests call it before a click). The cache buffer keeps every row of a record's
// tables (a few hundred at most) instantiated, so each row can be found by its objectName.
import QtQuick
import QtQuick.Controls

ListView {
    id: list

    clip: true
    boundsBehavior: Flickable.StopAtBounds
    activeFocusOnTab: true
    keyNavigationEnabled: false
    cacheBuffer: 20000
    ScrollBar.vertical: ScrollBar { policy: ScrollBar.AsNeeded }

    Accessible.role: Accessible.Table

    // Scrolls just enough to show `item` (a delegate or a descendant of one).
    function ensureVisible(item) {
        if (!item || height <= 0)
            return
        const top = item.mapToItem(contentItem, 0, 0).y
        const bottom = top + item.height
        if (top < contentY)
            contentY = top
        else if (bottom > contentY + height)
            contentY = bottom - height
        returnToBounds()
    }

    // Scrolls by dy pixels (negative: up), within the content.
    function scrollBy(dy) {
        const last = Math.max(originY, originY + contentHeight - height)
        contentY = Math.max(originY, Math.min(last, contentY + dy))
    }
}
