// The auditor window: a header bar to open a record (folder dialog, recent records, a typed
// path), a welcome panel until a record is open, then one tab per view (overview, verification,
// results, anchors, tracking-code look-up) and a status line with the controller's message.
// Everything shown comes from `auditor` (AuditorController, the window's required property,
// handed to each page); QML draws, C++ decides.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import QtQuick.Window
import Psephos.Auditor

ApplicationWindow {
    id: window

    // Given by C++ (setInitialProperties, auditor_qml.hpp): the window shows this controller.
    required property AuditorController auditor

    readonly property Theme theme: Theme {}
    readonly property Paths paths: Paths {}

    function openTyped() {
        auditor.openRecord(pathField.text)
    }

    width: 1280
    height: 860
    minimumWidth: 960
    minimumHeight: 640
    visible: true
    color: theme.background
    font.pixelSize: theme.fontSize
    // The controls take the theme's accent (progress bars, selections, focus); their text colours
    // stay the style's, which greys disabled controls out.
    palette.window: theme.background
    palette.base: theme.panel
    palette.highlight: theme.accent
    palette.highlightedText: theme.accentText
    palette.dark: theme.accent   // Basic: progress fill, highlighted (primary) buttons
    palette.brightText: theme.accentText
    title: auditor.record.electionName !== "" ? qsTr("Psephos auditor — %1").arg(auditor.record.electionName)
                                       : qsTr("Psephos auditor")

    // Keyboard: Ctrl+O opens a record, Ctrl+L goes to the path field, Ctrl+1…5 pick a tab.
    Shortcut {
        sequence: StandardKey.Open
        onActivated: folderDialog.open()
    }
    Shortcut {
        sequence: "Ctrl+L"
        onActivated: {
            pathField.forceActiveFocus()
            pathField.selectAll()
        }
    }
    Repeater {
        model: 6
        Item {
            required property int index
            Shortcut {
                sequence: "Ctrl+" + (index + 1)
                enabled: auditor.record.loaded
                onActivated: tabs.currentIndex = index
            }
        }
    }

    FolderDialog {
        id: folderDialog
        objectName: "folderDialog"
        title: qsTr("Open an election record")
        // Next to the open record, to open another one of the same election.
        currentFolder: auditor.record.path !== ""
                       ? window.paths.fileUrl(window.paths.parentOf(auditor.record.path)) : ""
        onAccepted: auditor.openRecord(window.paths.localPath(selectedFolder))
    }

    header: ToolBar {
        padding: 8
        background: Rectangle {
            color: window.theme.panel
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: window.theme.border
            }
        }

        RowLayout {
            anchors.fill: parent
            spacing: 8

            Button {
                objectName: "openButton"
                text: qsTr("Open record…")
                highlighted: !auditor.record.loaded
                Accessible.description: qsTr("Choose the directory of an election record (Ctrl+O)")
                onClicked: folderDialog.open()
            }

            ComboBox {
                id: recentCombo
                objectName: "recentRecords"
                Layout.preferredWidth: 220
                model: auditor.record.recentRecords
                enabled: auditor.record.recentRecords.length > 0
                displayText: qsTr("Recent records")
                popup.width: Math.max(recentCombo.width, 640)
                Accessible.name: qsTr("Recent records")
                Accessible.description: qsTr("Opens a record that was opened before")
                onActivated: (index) => auditor.openRecord(auditor.record.recentRecords[index])
            }

            TextField {
                id: pathField
                objectName: "pathField"
                Layout.fillWidth: true
                placeholderText: qsTr("Path of an election record directory")
                font.family: window.theme.monoFamily
                selectByMouse: true
                Accessible.name: qsTr("Record path")
                Accessible.description: qsTr("Type the path of an election record directory, then press Enter or Open")
                onAccepted: window.openTyped()
            }

            Button {
                objectName: "openPathButton"
                text: qsTr("Open")
                enabled: pathField.text !== ""
                Accessible.description: qsTr("Opens the record at the typed path")
                onClicked: window.openTyped()
            }
        }
    }

    footer: Rectangle {
        implicitHeight: statusRow.implicitHeight + 10
        color: window.theme.panel

        Rectangle {
            width: parent.width
            height: 1
            color: window.theme.border
        }

        RowLayout {
            id: statusRow
            anchors.fill: parent
            anchors.leftMargin: 12
            anchors.rightMargin: 12
            spacing: 16

            AuditorText {
                objectName: "messageText"
                Layout.fillWidth: true
                text: auditor.message
                elide: Text.ElideRight
                Accessible.role: Accessible.StatusBar
            }
            AuditorText {
                objectName: "recordPathText"
                Layout.maximumWidth: window.width / 2
                visible: auditor.record.loaded
                text: auditor.record.path
                muted: true
                kind: "small"
                monospace: true
                elide: Text.ElideMiddle
                Accessible.name: qsTr("Open record: %1").arg(auditor.record.path)
            }
        }
    }

    // Before a record is open (or after one failed to open): what to do, and why it failed.
    Item {
        anchors.fill: parent
        visible: !auditor.record.loaded

        Panel {
            objectName: "welcomePanel"
            anchors.centerIn: parent
            width: Math.min(parent.width - 48, 680)
            padding: 24

            Column {
                width: parent.width
                spacing: 14

                AuditorText {
                    width: parent.width
                    kind: "heading"
                    text: qsTr("Open an election record")
                }
                AuditorText {
                    width: parent.width
                    wrapMode: Text.WordWrap
                    muted: true
                    text: qsTr("An election record is the directory written by “psephos export”: the manifest, the ledger logs of every district, the results and the bridge’s anchors. The auditor shows it, verifies it from the stored bytes and looks tracking codes up.")
                }
                Button {
                    objectName: "welcomeOpenButton"
                    text: qsTr("Open record…")
                    highlighted: true
                    onClicked: folderDialog.open()
                }
                AuditorText {
                    objectName: "loadError"
                    width: parent.width
                    visible: auditor.record.loadError !== ""
                    wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                    color: window.theme.failed
                    font.bold: true
                    text: auditor.record.loadError
                    Accessible.role: Accessible.AlertMessage
                }
                AuditorText {
                    width: parent.width
                    visible: auditor.record.recentRecords.length > 0
                    font.bold: true
                    text: qsTr("Recent records")
                }
                Repeater {
                    model: auditor.record.recentRecords

                    ItemDelegate {
                        required property int index
                        required property string modelData
                        objectName: "welcomeRecent-" + index
                        width: parent.width
                        text: modelData
                        font.family: window.theme.monoFamily
                        Accessible.name: qsTr("Open %1").arg(modelData)
                        onClicked: auditor.openRecord(modelData)
                    }
                }
                Button {
                    objectName: "clearRecentButton"
                    visible: auditor.record.recentRecords.length > 0
                    flat: true
                    text: qsTr("Forget recent records")
                    onClicked: auditor.record.clearRecentRecords()
                }
            }
        }
    }

    // A record is open: the tabs.
    ColumnLayout {
        anchors.fill: parent
        spacing: 0
        visible: auditor.record.loaded

        // A later open that failed while this record stays open.
        Rectangle {
            objectName: "loadErrorBar"
            Layout.fillWidth: true
            visible: auditor.record.loadError !== ""
            implicitHeight: loadErrorBarText.implicitHeight + 12
            color: Qt.rgba(window.theme.failed.r, window.theme.failed.g, window.theme.failed.b, 0.08)

            AuditorText {
                id: loadErrorBarText
                anchors.verticalCenter: parent.verticalCenter
                x: 12
                width: parent.width - 24
                wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                color: window.theme.failed
                text: auditor.record.loadError
                Accessible.role: Accessible.AlertMessage
            }
        }

        TabBar {
            id: tabs
            objectName: "tabs"
            background: Item {}
            Layout.fillWidth: true
            Layout.topMargin: 8
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            Accessible.name: qsTr("Views of the record")

            AuditorTabButton {
                objectName: "tab-overview"
                text: qsTr("Overview")
            }
            AuditorTabButton {
                objectName: "tab-verify"
                text: qsTr("Verify")
            }
            AuditorTabButton {
                objectName: "tab-results"
                text: qsTr("Results")
            }
            AuditorTabButton {
                objectName: "tab-anchors"
                text: qsTr("Anchors")
            }
            AuditorTabButton {
                objectName: "tab-lookup"
                text: qsTr("Tracking code")
            }
            AuditorTabButton {
                objectName: "tab-guardian"
                text: qsTr("Guardian")
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.leftMargin: 12
            Layout.rightMargin: 12
            implicitHeight: 1
            color: window.theme.border
        }

        StackLayout {
            id: pages
            objectName: "pages"
            Layout.fillWidth: true
            Layout.fillHeight: true
            Layout.margins: 12
            currentIndex: tabs.currentIndex

            OverviewPage {
                auditor: window.auditor
            }
            VerifyPage {
                auditor: window.auditor
            }
            ResultsPage {
                auditor: window.auditor
            }
            AnchorsPage {
                auditor: window.auditor
            }
            LookupPage {
                auditor: window.auditor
            }
            GuardianPage {
                auditor: window.auditor
            }
        }
    }
}
