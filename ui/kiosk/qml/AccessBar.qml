// The voter's access bar, on every voter screen: text size, contrast, language and audio. Each
// button writes a KioskController property; what is checked is read back from it.
// The bar keeps one size at every text size: scaled with the ballot it took three rows (a third
// of the screen) at the largest size and pushed the ballot out of view. The text-size buttons
// show their letter at growing sizes so they can be told apart without reading.
import QtQuick
import Psephos.Kiosk

Rectangle {
    id: bar

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    readonly property real barScale: 1.0
    readonly property real margin: 8

    implicitHeight: groups.height + 2 * margin
    color: Theme.surface

    component BarButton: BigButton {
        sizeScale: bar.barScale
        baseFontSize: 20
        baseHeight: 48
        padding: 12
    }

    Flow {
        id: groups
        x: bar.margin
        y: bar.margin
        width: bar.width - 2 * bar.margin
        spacing: 20

        Row {
            spacing: 6
            Repeater {
                model: 4
                BarButton {
                    objectName: "textSize-" + index
                    text: ["A", "A+", "A++", "A+++"][index]
                    baseFontSize: [18, 22, 26, 30][index]
                    accessibleName: qsTr("Text size %1 of %2").arg(index + 1).arg(4)
                    description: qsTr("Makes the text on the screen larger or smaller.")
                    accessibleRole: Accessible.RadioButton
                    checkable: true
                    checked: kiosk.access.textSize === index
                    onClicked: kiosk.access.textSize = index
                }
            }
        }

        Row {
            spacing: 6
            Repeater {
                model: 4
                BarButton {
                    objectName: "contrast-" + index
                    text: kiosk.access.contrastNames[index] !== undefined ? kiosk.access.contrastNames[index] : ""
                    description: qsTr("Changes the colors and contrast of the screen.")
                    accessibleRole: Accessible.RadioButton
                    checkable: true
                    checked: kiosk.access.contrast === index
                    onClicked: kiosk.access.contrast = index
                }
            }
        }

        Row {
            spacing: 6
            // Language names are written in their own language and never translated, so a
            // voter finds theirs whatever the screen is showing.
            BarButton {
                objectName: "language-en"
                text: "English"
                description: "Show the ballot in English."
                accessibleRole: Accessible.RadioButton
                checkable: true
                checked: kiosk.access.language === "en"
                onClicked: kiosk.access.language = "en"
            }
            BarButton {
                objectName: "language-es"
                text: "Español"
                description: "Mostrar la boleta en español."
                accessibleRole: Accessible.RadioButton
                checkable: true
                checked: kiosk.access.language === "es"
                onClicked: kiosk.access.language = "es"
            }
        }

        Row {
            spacing: 6
            BarButton {
                objectName: "audioToggle"
                text: kiosk.access.audio ? qsTr("Audio on") : qsTr("Audio off")
                description: qsTr("Reads the ballot aloud through the headphones.")
                checkable: true
                checked: kiosk.access.audio
                onClicked: kiosk.access.audio = !kiosk.access.audio
            }
            BarButton {
                objectName: "audioOnlyToggle"
                text: qsTr("Audio only (blank screen)")
                description: qsTr("Blanks the screen for privacy; vote with the headphones and the keypad.")
                checkable: true
                checked: kiosk.access.audioOnly
                onClicked: kiosk.access.audioOnly = !kiosk.access.audioOnly
            }
        }
    }

    Rectangle {
        anchors.bottom: parent.bottom
        width: parent.width
        height: 2
        color: Theme.border
    }
}
