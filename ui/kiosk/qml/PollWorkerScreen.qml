// The poll worker's screen: the station's status and the actions the controller allows in the
// current polls state (open, pause, resume, close, start a voter session, lock).
import QtQuick
import Psephos.Kiosk
import QtQuick.Layouts

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-pollWorker"

    readonly property bool pollsNotOpened: kiosk.pollWorker.pollsState === KioskPollWorker.PollsState.NotOpened
    readonly property bool pollsOpen: kiosk.pollWorker.pollsState === KioskPollWorker.PollsState.Open
    readonly property bool pollsPaused: kiosk.pollWorker.pollsState === KioskPollWorker.PollsState.Paused
    readonly property string pollsLabel: pollsNotOpened ? qsTr("Not opened")
                                       : pollsOpen ? qsTr("Open")
                                       : pollsPaused ? qsTr("Paused")
                                       : kiosk.pollWorker.pollsState === KioskPollWorker.PollsState.Closed ? qsTr("Closed")
                                       : qsTr("Unknown (no link to the station)")

    component StatusLabel: KioskText {
        Layout.alignment: Qt.AlignTop
        Layout.maximumWidth: statusGrid.width / 3
        color: Theme.mutedText
    }
    component StatusValue: KioskText {
        Layout.fillWidth: true
        Layout.alignment: Qt.AlignTop
    }

    KioskFlickable {
        id: flick
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: actions.top
        anchors.bottomMargin: 16
        contentHeight: content.height

        Column {
            id: content
            width: parent.width - Math.round(16 * Theme.fontScale)  // room for the scroll bar
            spacing: Math.round(16 * Theme.fontScale)

            KioskText {
                width: parent.width
                kind: "title"
                text: qsTr("Poll worker")
            }

            // Who unlocked, with the roles that say what they may do (named credentials only).
            KioskText {
                objectName: "pollWorkerName"
                width: parent.width
                visible: kiosk.pollWorker.pollWorkerName !== ""
                text: qsTr("Unlocked by %1").arg(kiosk.pollWorker.pollWorkerName)
            }

            KioskText {
                objectName: "pollWorkerMessage"
                width: parent.width
                visible: text !== ""
                color: Theme.warning
                font.bold: true
                text: kiosk.pollWorker.pollWorkerMessage
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }

            Rectangle {
                width: parent.width
                height: statusGrid.height + 2 * statusGrid.y
                radius: 10
                color: Theme.surface
                border.width: 2
                border.color: Theme.border

                GridLayout {
                    id: statusGrid
                    x: Math.round(16 * Theme.fontScale)
                    y: x
                    width: parent.width - 2 * x
                    columns: 2
                    columnSpacing: Math.round(24 * Theme.fontScale)
                    rowSpacing: Math.round(8 * Theme.fontScale)

                    StatusLabel { text: qsTr("Election") }
                    StatusValue { objectName: "statusElection"; text: kiosk.electionName }
                    StatusLabel { text: qsTr("District") }
                    StatusValue {
                        objectName: "statusDistrict"
                        text: kiosk.districtName + " (" + kiosk.districtId + ")"
                    }
                    StatusLabel { text: qsTr("Device") }
                    StatusValue { objectName: "statusDevice"; monospace: true; text: kiosk.deviceId }
                    StatusLabel { text: qsTr("Polls") }
                    StatusValue { objectName: "statusPolls"; font.bold: true; text: screen.pollsLabel }
                    StatusLabel { text: qsTr("Ballots cast") }
                    StatusValue { objectName: "statusCast"; text: String(kiosk.pollWorker.ballotsCast) }
                    StatusLabel { text: qsTr("Ballots challenged") }
                    StatusValue { objectName: "statusChallenged"; text: String(kiosk.pollWorker.ballotsChallenged) }
                    StatusLabel { text: qsTr("Ledger") }
                    StatusValue { objectName: "statusLedger"; text: kiosk.pollWorker.ledgerStatus }
                    StatusLabel { text: qsTr("Station link"); visible: kiosk.networked }
                    StatusValue {
                        objectName: "statusLink"
                        visible: kiosk.networked
                        font.bold: kiosk.linkState !== KioskController.LinkState.Online
                        color: kiosk.linkState === KioskController.LinkState.Online ? Theme.text : Theme.danger
                        text: kiosk.linkText
                    }
                    StatusLabel { text: qsTr("Disk free") }
                    StatusValue { objectName: "statusDisk"; text: kiosk.pollWorker.diskFree }
                    StatusLabel { text: qsTr("Battery") }
                    StatusValue { objectName: "statusBattery"; text: kiosk.pollWorker.battery }
                    StatusLabel { text: qsTr("Last checkpoint") }
                    StatusValue {
                        objectName: "lastCheckpointText"
                        kind: "small"
                        monospace: true
                        text: kiosk.pollWorker.lastCheckpoint
                    }
                }
            }
        }
    }

    Flow {
        id: actions
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        spacing: Math.round(16 * Theme.fontScale)

        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "openPollsButton"
            visible: screen.pollsNotOpened
            primary: true
            text: qsTr("Open polls")
            description: qsTr("Open the polls and show the zero report.")
            onClicked: kiosk.pollWorker.openPolls()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "activateVoterButton"
            enabled: screen.pollsOpen && !kiosk.pollWorker.kioskFinished
            primary: true
            text: qsTr("Start a voter session")
            description: qsTr("Hand the kiosk to the next voter.")
            onClicked: kiosk.pollWorker.activateVoter()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "pausePollsButton"
            visible: screen.pollsOpen
            text: qsTr("Pause voting")
            description: qsTr("Stop taking ballots for a while; the polls stay open.")
            onClicked: kiosk.pollWorker.pausePolls()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "resumePollsButton"
            visible: screen.pollsPaused
            text: qsTr("Resume voting")
            description: qsTr("Take ballots again.")
            onClicked: kiosk.pollWorker.resumePolls()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "closePollsButton"
            visible: (screen.pollsOpen || screen.pollsPaused)
                     && !kiosk.pollWorker.closeConfirmationPending
            text: qsTr("Close polls")
            description: qsTr("Close the polls for good and show the closing report.")
            onClicked: kiosk.pollWorker.closePolls()
        }
        // A networked kiosk finishes for the day before the polls close at another (or this) kiosk.
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "finishKioskButton"
            visible: kiosk.networked && !kiosk.pollWorker.kioskFinished
                     && (screen.pollsOpen || screen.pollsPaused)
                     && !kiosk.pollWorker.closeConfirmationPending && !kiosk.pollWorker.finishConfirmationPending
            text: qsTr("Finish this kiosk")
            description: qsTr("End voting on this kiosk for the day and send its count to the station.")
            onClicked: kiosk.pollWorker.finishKiosk()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "confirmFinishKioskButton"
            visible: kiosk.pollWorker.finishConfirmationPending
            primary: true
            text: qsTr("Yes, finish this kiosk")
            description: qsTr("No more ballots on this kiosk today.")
            onClicked: kiosk.pollWorker.confirmFinishKiosk()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "cancelFinishKioskButton"
            visible: kiosk.pollWorker.finishConfirmationPending
            text: qsTr("Do not finish")
            description: qsTr("Keep this kiosk taking voters.")
            onClicked: kiosk.pollWorker.cancelFinishKiosk()
        }
        // Closing cannot be undone: it takes a second, explicit press.
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "confirmClosePollsButton"
            visible: kiosk.pollWorker.closeConfirmationPending
            primary: true
            text: qsTr("Yes, close the polls")
            description: qsTr("Close the polls for good: no more ballots can be cast in this district.")
            onClicked: kiosk.pollWorker.confirmClosePolls()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "cancelClosePollsButton"
            visible: kiosk.pollWorker.closeConfirmationPending
            text: qsTr("Do not close")
            description: qsTr("Keep the polls as they are.")
            onClicked: kiosk.pollWorker.cancelClosePolls()
        }
        BigButton {
            width: Math.min(implicitWidth, actions.width)
            objectName: "lockButton"
            text: qsTr("Lock")
            description: qsTr("Lock the kiosk and go back to the waiting screen.")
            onClicked: kiosk.pollWorker.lockKiosk()
        }
    }
}
