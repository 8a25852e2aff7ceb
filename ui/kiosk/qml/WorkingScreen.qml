// Shown while the ballot is encrypted and written to the ledger off the GUI thread. The spinner
// uses a RotationAnimator, which runs on the render thread, so it keeps turning even if the GUI
// thread is briefly busy.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-working"

    Column {
        width: parent.width
        anchors.verticalCenter: parent.verticalCenter
        spacing: Math.round(32 * Theme.fontScale)

        Item {
            id: spinner
            objectName: "workingIndicator"
            readonly property real size: Math.round(120 * Math.min(Theme.fontScale, 1.5))
            width: size
            height: size
            anchors.horizontalCenter: parent.horizontalCenter
            Accessible.role: Accessible.Animation
            Accessible.name: qsTr("Working")

            Repeater {
                model: 12
                Rectangle {
                    readonly property real angle: index * 2 * Math.PI / 12
                    width: spinner.size / 7
                    height: width
                    radius: width / 2
                    color: Theme.accent
                    opacity: 0.15 + 0.85 * index / 11
                    x: spinner.size / 2 + (spinner.size / 2 - width / 2) * Math.cos(angle) - width / 2
                    y: spinner.size / 2 + (spinner.size / 2 - width / 2) * Math.sin(angle) - height / 2
                }
            }

            RotationAnimator on rotation {
                from: 0
                to: 360
                duration: 1200
                loops: Animation.Infinite
                running: true
            }
        }

        KioskText {
            objectName: "progressText"
            width: parent.width
            kind: "title"
            horizontalAlignment: Text.AlignHCenter
            text: kiosk.progressText
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }
}
