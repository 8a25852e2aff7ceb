// The guardian step, for elections run from the desktop: a guardian chooses its key file (and
// types its passphrase if the file is sealed) and the election's ledger directory, and records
// its proved partial decryption of every district tally it has not decrypted yet. The work, and
// every decision, is the controller's (auditor.guardian.decrypt); this page only collects the
// three inputs and shows the outcome per district.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Psephos.Auditor

Item {
    id: page

    // The window's controller (Main.qml passes its own).
    required property AuditorController auditor
    objectName: "page-guardian"

    readonly property Theme theme: Theme {}
    readonly property Paths paths: Paths {}

    FileDialog {
        id: keyDialog
        objectName: "guardianKeyDialog"
        title: qsTr("Choose your guardian key file")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("Guardian key files (*.key)"), qsTr("All files (*)")]
        onAccepted: keyField.text = page.paths.localPath(selectedFile)
    }
    FolderDialog {
        id: dataDialog
        objectName: "guardianDataDialog"
        title: qsTr("Choose the election's ledger directory")
        onAccepted: dataField.text = page.paths.localPath(selectedFolder)
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
                    text: qsTr("Guardian: decrypt the tallies")
                }
                AuditorText {
                    Layout.fillWidth: true
                    wrapMode: Text.WordWrap
                    muted: true
                    text: qsTr("After the polls close and the tallies are recorded, each guardian decrypts them with its key share. Only the homomorphic tallies are decrypted, never a single ballot; every partial decryption carries a proof that the ledger checks.")
                }
                GridLayout {
                    Layout.fillWidth: true
                    columns: 3
                    columnSpacing: 8
                    rowSpacing: 8

                    AuditorText { text: qsTr("Key file") }
                    TextField {
                        id: keyField
                        objectName: "guardianKeyField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("guardian-N.key from the key ceremony")
                        selectByMouse: true
                        Accessible.name: qsTr("Guardian key file")
                        Accessible.description: qsTr("The path of your guardian key file")
                    }
                    Button {
                        objectName: "guardianKeyBrowse"
                        text: qsTr("Browse…")
                        Accessible.description: qsTr("Choose the guardian key file")
                        onClicked: keyDialog.open()
                    }

                    AuditorText { text: qsTr("Passphrase") }
                    TextField {
                        id: passphraseField
                        objectName: "guardianPassphraseField"
                        Layout.fillWidth: true
                        Layout.columnSpan: 2
                        echoMode: TextInput.Password
                        placeholderText: qsTr("only if the key file is sealed")
                        Accessible.name: qsTr("Key file passphrase")
                        Accessible.description: qsTr("The passphrase that seals your key file; leave empty if it is not sealed")
                    }

                    AuditorText { text: qsTr("Ledger directory") }
                    TextField {
                        id: dataField
                        objectName: "guardianDataField"
                        Layout.fillWidth: true
                        placeholderText: qsTr("the --data directory of the election's ledger")
                        selectByMouse: true
                        Accessible.name: qsTr("Ledger directory")
                        Accessible.description: qsTr("The directory holding the election's ledger and its key")
                    }
                    Button {
                        objectName: "guardianDataBrowse"
                        text: qsTr("Browse…")
                        Accessible.description: qsTr("Choose the ledger directory")
                        onClicked: dataDialog.open()
                    }
                }
                Button {
                    objectName: "guardianDecryptButton"
                    enabled: !auditor.guardian.busy && keyField.text !== "" && dataField.text !== ""
                    text: auditor.guardian.busy ? qsTr("Decrypting…") : qsTr("Produce my decryption shares")
                    Accessible.description: qsTr("Decrypts every district tally this guardian has not decrypted yet and records the shares with their proofs")
                    onClicked: {
                        auditor.guardian.decrypt(keyField.text, passphraseField.text, dataField.text)
                        passphraseField.text = ""
                    }
                }
                SelectableText {
                    objectName: "guardianSummary"
                    Layout.fillWidth: true
                    text: auditor.guardian.summary
                    visible: text !== ""
                    Accessible.name: text
                }
                Repeater {
                    model: auditor.guardian.outcome
                    RowLayout {
                        id: outcomeRow
                        required property string district
                        required property int state
                        required property string text
                        required property int index
                        objectName: "guardianRow-" + index
                        Layout.fillWidth: true
                        spacing: 12
                        AuditorText {
                            Layout.preferredWidth: 180
                            font.family: page.theme.monoFamily
                            text: outcomeRow.district
                        }
                        AuditorText {
                            Layout.fillWidth: true
                            wrapMode: Text.WordWrap
                            color: outcomeRow.state === GuardianStep.Refused ? page.theme.failed
                                   : outcomeRow.state === GuardianStep.Decrypted ? page.theme.passed
                                   : page.theme.text
                            text: outcomeRow.text
                        }
                    }
                }
            }
        }
    }
}
