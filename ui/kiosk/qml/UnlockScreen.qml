// The poll worker's passphrase, or (kiosk.pollWorker.closingUnlock) a second poll worker's, without which
// this kiosk's polls do not close. The controller checks it and rate-limits attempts; this screen
// only collects the text and clears it after every try.
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-unlock"

    function submit() {
        kiosk.pollWorker.unlock(passphraseInput.text)
        passphraseInput.text = ""
    }

    Component.onCompleted: passphraseInput.forceActiveFocus()

    KioskFlickable {
        anchors.fill: parent
        contentHeight: Math.max(height, content.height)

        Column {
            id: content
            width: Math.min(parent.width, Math.round(720 * Math.max(1, Theme.fontScale * 0.75)))
            anchors.horizontalCenter: parent.horizontalCenter
            anchors.verticalCenter: parent.verticalCenter
            spacing: Math.round(20 * Theme.fontScale)

            KioskText {
                id: heading
                width: parent.width
                objectName: "unlockHeading"
                kind: "title"
                text: kiosk.pollWorker.closingUnlock ? qsTr("Second poll worker: passphrase to close the polls")
                                          : qsTr("Poll worker passphrase")
            }

            Rectangle {
                objectName: "passphraseField"
                width: parent.width
                height: passphraseInput.implicitHeight + 2 * Math.round(14 * Theme.fontScale)
                // The field, as screen readers see it. Qt 6.4 gives a password edit (and a
                // TextInput in password mode) no accessible name at all, so the field is announced
                // here, by name, and the input itself is not announced twice; its characters are
                // never exposed.
                Accessible.role: Accessible.EditableText
                Accessible.name: heading.text
                Accessible.description: kiosk.pollWorker.closingUnlock
                    ? qsTr("A second poll worker types their own passphrase, then presses Enter or Close the polls.")
                    : qsTr("Type the passphrase, then press Enter or Unlock.")
                Accessible.focusable: true
                Accessible.focused: passphraseInput.activeFocus
                radius: 10
                color: Theme.surface
                border.width: passphraseInput.activeFocus ? 6 : 2
                border.color: passphraseInput.activeFocus ? Theme.accent : Theme.border

                TextInput {
                    id: passphraseInput
                    objectName: "passphraseInput"
                    anchors.verticalCenter: parent.verticalCenter
                    x: Math.round(16 * Theme.fontScale)
                    width: parent.width - 2 * x
                    focus: true
                    echoMode: TextInput.Password
                    passwordCharacter: "•"
                    color: Theme.text
                    selectionColor: Theme.accent
                    selectedTextColor: Theme.accentText
                    font.pixelSize: Math.round(26 * Theme.fontScale)
                    clip: true
                    inputMethodHints: Qt.ImhSensitiveData | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase

                    Accessible.ignored: true

                    // Enter submits here and goes no further (the controller's key handling
                    // would otherwise see it too).
                    Keys.onReturnPressed: (event) => {
                        screen.submit()
                        event.accepted = true
                    }
                    Keys.onEnterPressed: (event) => {
                        screen.submit()
                        event.accepted = true
                    }
                }
            }

            KioskText {
                objectName: "unlockMessage"
                width: parent.width
                visible: text !== ""
                color: Theme.warning
                font.bold: true
                text: kiosk.pollWorker.unlockMessage
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }

            Row {
                width: parent.width
                spacing: Math.round(16 * Theme.fontScale)

                BigButton {
                    objectName: "cancelUnlock"
                    width: (parent.width - parent.spacing) / 2
                    text: qsTr("Cancel")
                    description: kiosk.pollWorker.closingUnlock ? qsTr("Go back without closing the polls.")
                                                     : qsTr("Go back without unlocking.")
                    onClicked: kiosk.pollWorker.cancelUnlock()
                }
                BigButton {
                    objectName: "unlockButton"
                    width: (parent.width - parent.spacing) / 2
                    primary: true
                    text: kiosk.pollWorker.closingUnlock ? qsTr("Close the polls") : qsTr("Unlock")
                    description: kiosk.pollWorker.closingUnlock
                        ? qsTr("Check the second passphrase and close the polls for good.")
                        : qsTr("Check the passphrase and open the poll worker screen.")
                    onClicked: screen.submit()
                }
            }
        }
    }
}
