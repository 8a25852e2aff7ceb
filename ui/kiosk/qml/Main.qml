// The kiosk window: the access bar on voter screens, one Loader showing the screen that
// kiosk.screen names, and the privacy curtain of the audio-only mode. Keys and touches are handed
// to the KioskController (QML draws, C++ decides).
import QtQuick
import QtQuick.Window
import Psephos.Kiosk

Window {
    id: window

    // Given by C++ (setInitialProperties, kiosk_qml.hpp): the window shows this controller.
    required property KioskController kiosk

    width: 1280
    height: 800
    visible: true
    color: Theme.background
    title: qsTr("Voting kiosk")

    // The voter's contrast and text size, decided by the controller, drawn by the theme.
    Binding {
        target: Theme
        property: "contrast"
        value: window.kiosk.access.contrast
    }
    Binding {
        target: Theme
        property: "fontScale"
        value: window.kiosk.access.fontScale
    }

    // Every close request (Alt+F4 through the window manager, a close button, QWindow::close)
    // asks the controller: in kiosk mode only an unlocked poll worker closes the kiosk.
    onClosing: (close) => { close.accepted = kiosk.mayCloseWindow() }

    FocusScope {
        id: root
        objectName: "root"

        // The component of each screen (KioskController.Screen); each hands the screen its
        // controller, a required property.
        function screenComponent(screen) {
            switch (screen) {
            case KioskController.Screen.Error: return errorScreen
            case KioskController.Screen.Idle: return idleScreen
            case KioskController.Screen.Unlock: return unlockScreen
            case KioskController.Screen.PollWorker: return pollWorkerScreen
            case KioskController.Screen.Report: return reportScreen
            case KioskController.Screen.Welcome: return welcomeScreen
            case KioskController.Screen.Contest: return contestScreen
            case KioskController.Screen.Review: return reviewScreen
            case KioskController.Screen.Sealed: return sealedScreen
            case KioskController.Screen.Working: return workingScreen
            case KioskController.Screen.Receipt: return receiptScreen
            case KioskController.Screen.Challenged: return challengedScreen
            case KioskController.Screen.LedgerError: return ledgerErrorScreen
            case KioskController.Screen.NotConfirmed: return notConfirmedScreen
            }
            return errorScreen
        }

        anchors.fill: parent
        focus: true
        // Keys nobody below used (a focused text input keeps its own) go to the controller:
        // arrows, Tab, Enter, Space, Home on the keyboard and the tactile keypad.
        Keys.onPressed: (event) => {
            if (kiosk.handleKey(event.key))
                event.accepted = true
        }

        AccessBar {
            id: accessBar
            kiosk: window.kiosk
            objectName: "accessBar"
            visible: kiosk.voterScreen
            anchors.top: parent.top
            anchors.left: parent.left
            anchors.right: parent.right
        }

        Loader {
            id: screenLoader
            objectName: "screenLoader"
            // A Loader is a focus scope: it must have focus for the unlock screen's input to get it.
            focus: true
            anchors.top: accessBar.visible ? accessBar.bottom : parent.top
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: 24
            sourceComponent: root.screenComponent(kiosk.screen)
        }

        Component {
            id: errorScreen
            ErrorScreen { kiosk: window.kiosk }
        }
        Component {
            id: idleScreen
            IdleScreen { kiosk: window.kiosk }
        }
        Component {
            id: unlockScreen
            UnlockScreen { kiosk: window.kiosk }
        }
        Component {
            id: pollWorkerScreen
            PollWorkerScreen { kiosk: window.kiosk }
        }
        Component {
            id: reportScreen
            ReportScreen { kiosk: window.kiosk }
        }
        Component {
            id: welcomeScreen
            WelcomeScreen { kiosk: window.kiosk }
        }
        Component {
            id: contestScreen
            ContestScreen { kiosk: window.kiosk }
        }
        Component {
            id: reviewScreen
            ReviewScreen { kiosk: window.kiosk }
        }
        Component {
            id: sealedScreen
            SealedScreen { kiosk: window.kiosk }
        }
        Component {
            id: workingScreen
            WorkingScreen { kiosk: window.kiosk }
        }
        Component {
            id: receiptScreen
            ReceiptScreen { kiosk: window.kiosk }
        }
        Component {
            id: challengedScreen
            ChallengedScreen { kiosk: window.kiosk }
        }
        Component {
            id: ledgerErrorScreen
            LedgerErrorScreen { kiosk: window.kiosk }
        }
        Component {
            id: notConfirmedScreen
            NotConfirmedScreen { kiosk: window.kiosk }
        }

        // Audio-only mode: nothing of the ballot may show. The curtain is black whatever the
        // contrast setting, and it swallows touches so that no hidden choice can be touched;
        // the keypad keeps working through Keys.onPressed above.
        Rectangle {
            id: curtain
            objectName: "privacyCurtain"
            anchors.fill: parent
            visible: kiosk.access.audioOnly
            color: "black"
            z: 100

            MouseArea {
                anchors.fill: parent
                acceptedButtons: Qt.AllButtons
                onWheel: (wheel) => { wheel.accepted = true }
            }

            Text {
                objectName: "privacyCurtainText"
                anchors.bottom: parent.bottom
                anchors.horizontalCenter: parent.horizontalCenter
                anchors.bottomMargin: 16
                width: parent.width - 32
                horizontalAlignment: Text.AlignHCenter
                wrapMode: Text.WordWrap
                textFormat: Text.PlainText
                // Dim on purpose: readable up close, not across the room.
                color: "#808080"
                font.pixelSize: 16
                text: qsTr("Audio ballot: screen blanked for privacy")
            }
        }
    }
}
