// The kiosk window: the access bar on voter screens, one Loader showing the screen that
// kiosk.screen names, and the privacy curtain of the audio-only mode. Keys and touches are handed
// to the KioskController (QML draws, C++ decides).
import QtQuick
import QtQuick.Window

Window {
    id: window

    width: 1280
    height: 800
    visible: true
    color: kiosk.palette.background
    title: qsTr("Voting kiosk")

    // Every close request (Alt+F4 through the window manager, a close button, QWindow::close)
    // asks the controller: in kiosk mode only an unlocked poll worker closes the kiosk.
    onClosing: (close) => { close.accepted = kiosk.mayCloseWindow() }

    FocusScope {
        id: root
        objectName: "root"

        readonly property var screenFiles: ({
            "error": "ErrorScreen.qml",
            "idle": "IdleScreen.qml",
            "unlock": "UnlockScreen.qml",
            "pollWorker": "PollWorkerScreen.qml",
            "report": "ReportScreen.qml",
            "welcome": "WelcomeScreen.qml",
            "contest": "ContestScreen.qml",
            "review": "ReviewScreen.qml",
            "sealed": "SealedScreen.qml",
            "working": "WorkingScreen.qml",
            "receipt": "ReceiptScreen.qml",
            "challenged": "ChallengedScreen.qml",
            "ledgerError": "LedgerErrorScreen.qml",
            "notConfirmed": "NotConfirmedScreen.qml"
        })
        readonly property var voterScreens: ["welcome", "contest", "review", "sealed", "receipt", "challenged"]
        readonly property bool voterScreen: voterScreens.indexOf(kiosk.screen) >= 0

        anchors.fill: parent
        focus: true
        // Keys nobody below used (a focused text input keeps its own) go to the controller:
        // arrows, Tab, Enter, Space, Home on the keyboard and the tactile keypad.
        Keys.onPressed: (event) => {
            kiosk.activity()
            if (kiosk.handleKey(event.key))
                event.accepted = true
        }

        AccessBar {
            id: accessBar
            objectName: "accessBar"
            visible: root.voterScreen
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
            source: root.screenFiles[kiosk.screen] !== undefined ? root.screenFiles[kiosk.screen]
                                                                 : "ErrorScreen.qml"
        }

        // Audio-only mode: nothing of the ballot may show. The curtain is black whatever the
        // contrast setting, and it swallows touches so that no hidden choice can be touched;
        // the keypad keeps working through Keys.onPressed above.
        Rectangle {
            id: curtain
            objectName: "privacyCurtain"
            anchors.fill: parent
            visible: kiosk.audioOnly
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

        // Any touch restarts the inactivity timer. The press is refused so that it carries on
        // to the button underneath: this area never takes a click.
        MouseArea {
            objectName: "activityArea"
            anchors.fill: parent
            z: 1000
            acceptedButtons: Qt.AllButtons
            onPressed: (mouse) => {
                kiosk.activity()
                mouse.accepted = false
            }
        }
    }
}
