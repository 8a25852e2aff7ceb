// A vertical Flickable for content that can outgrow the screen at the larger text sizes (options,
// review, receipts): nothing is cut off, a bar on the right shows that there is more, and
// ensureVisible() keeps the keyboard cursor's item on screen.
import QtQuick
import Psephos.Kiosk

Flickable {
    id: flick

    contentWidth: width
    clip: true
    boundsBehavior: Flickable.StopAtBounds
    flickableDirection: Flickable.VerticalFlick

    // Scrolls just enough to show `item` (a descendant of the content).
    function ensureVisible(item) {
        if (!item || height <= 0 || contentHeight <= height)
            return
        const top = item.mapToItem(contentItem, 0, 0).y
        const bottom = top + item.height
        const margin = 12
        if (top - margin < contentY)
            contentY = Math.max(0, top - margin)
        else if (bottom + margin > contentY + height)
            contentY = Math.min(contentHeight - height, bottom + margin - height)
    }

    // Scroll position bar; parented to the Flickable itself so it does not scroll away.
    Rectangle {
        parent: flick
        visible: flick.contentHeight > flick.height
        anchors.right: parent.right
        width: Math.round(8 * Theme.fontScale)
        radius: width / 2
        color: Theme.accent
        y: flick.visibleArea.yPosition * flick.height
        height: Math.max(width * 4, flick.visibleArea.heightRatio * flick.height)
        Accessible.ignored: true
    }
}
