// Tracking-code look-up: a voter's printed code, with or without dashes, searched in the record's
// district logs. The controller answers with a full sentence, and whether the ballot was cast or
// challenged (a challenged ballot is never counted).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Psephos.Auditor

Item {
    id: page

    // The window's controller (Main.qml passes its own).
    required property AuditorController auditor
    objectName: "page-lookup"

    readonly property Theme theme: Theme {}
    readonly property TrackingCodeLookup result: auditor.tracking
    readonly property bool hasResult: result.text !== ""

    readonly property Paths paths: Paths {}

    function lookUp() {
        auditor.tracking.lookup(lookupField.text)
    }

    // The proof bundle of the code found, made from the record alone and checked before it is
    // written (the controller reports in the status line).
    FileDialog {
        id: bundleDialog
        objectName: "bundleDialog"
        title: qsTr("Export the proof bundle")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "json"
        nameFilters: [qsTr("Proof bundles (*.json)"), qsTr("All files (*)")]
        onAccepted: auditor.tracking.exportProofBundle(page.result.query, page.paths.localPath(selectedFile))
    }

    ColumnLayout {
        width: Math.min(parent.width, 900)
        anchors.horizontalCenter: parent.horizontalCenter
        spacing: 16

        Panel {
            Layout.fillWidth: true

            ColumnLayout {
                width: parent.width
                spacing: 10

                AuditorText {
                    kind: "heading"
                    text: qsTr("Look up a tracking code")
                }
                AuditorText {
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    muted: true
                    text: qsTr("Type the tracking code printed on a voter’s receipt, with or without dashes. The auditor searches every district log of the record for the ballot.")
                }
                RowLayout {
                    Layout.fillWidth: true
                    spacing: 8

                    TextField {
                        id: lookupField
                        objectName: "lookupField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("Tracking code, e.g. ABCD-EFGH-…")
                        font.family: page.theme.monoFamily
                        font.pixelSize: page.theme.fontSize + 2
                        selectByMouse: true
                        focus: true
                        Accessible.name: qsTr("Tracking code")
                        Accessible.description: qsTr("The tracking code from a voter’s receipt; press Enter to look it up")
                        onAccepted: page.lookUp()
                    }
                    Button {
                        objectName: "lookupButton"
                        text: qsTr("Look up")
                        highlighted: true
                        enabled: lookupField.text !== ""
                        Accessible.description: qsTr("Searches the record for the ballot with this tracking code")
                        onClicked: page.lookUp()
                    }
                }
            }
        }

        Panel {
            objectName: "lookupResult"
            Layout.fillWidth: true
            visible: page.hasResult
            Accessible.role: Accessible.Grouping
            Accessible.name: qsTr("Look-up result")

            ColumnLayout {
                width: parent.width
                spacing: 10

                RowLayout {
                    spacing: 12
                    visible: page.hasResult && page.result.query !== ""

                    AuditorText {
                        muted: true
                        text: qsTr("Tracking code")
                    }
                    SelectableText {
                        objectName: "lookupQuery"
                        monospace: true
                        wrapMode: TextEdit.NoWrap
                        text: page.hasResult ? page.result.query : ""
                        Accessible.name: qsTr("Looked-up code: %1").arg(text)
                    }
                }

                StatusBadge {
                    objectName: "lookupBadge"
                    visible: page.hasResult && page.result.found
                    // Cast: counted, green. Challenged: not counted, but not a failure: grey.
                    label: page.result.challenged ? qsTr("challenged (not counted)")
                                                                 : qsTr("cast")
                    tint: page.result.challenged ? page.theme.notRun : page.theme.passed
                    sign: page.result.challenged ? "" : "✓"
                }

                Button {
                    objectName: "exportBundleButton"
                    visible: page.hasResult && page.result.found
                    text: qsTr("Export proof bundle…")
                    Accessible.description: qsTr("Saves a self-contained proof that this ballot is in the anchored election record")
                    onClicked: {
                        const folder = page.paths.parentOf(auditor.record.path)
                        bundleDialog.currentFolder = page.paths.fileUrl(folder)
                        bundleDialog.selectedFile = page.paths.fileUrl(folder + "/proof-" + page.result.district + "-" + page.result.index + ".json")
                        bundleDialog.open()
                    }
                }

                SelectableText {
                    objectName: "lookupText"
                    Layout.fillWidth: true
                    pixelSize: page.theme.fontSize + 2
                    text: page.hasResult ? page.result.text : ""
                    color: page.hasResult && !page.result.found ? page.theme.failed
                                                                         : page.theme.text
                    Accessible.name: text
                }
            }
        }
    }
}
