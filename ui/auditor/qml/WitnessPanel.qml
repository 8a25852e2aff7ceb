// A county's record on the overview (docs/election-record.md §3.9): the witness policy the
// auditor gives as a trust anchor (a policy file: "witness VKEY" lines and "quorum K"), what V32
// station-checkpoints, V33 equivocation-evidence and V34 witness-cosignatures found, and the
// verifier's notices (a station's proven equivocation). The controller reads, parses and
// decides (auditor.witnesses); this panel only collects the policy file and shows.
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Psephos.Auditor

Panel {
    id: panel

    // The window's controller (Main.qml passes its own).
    required property AuditorController auditor

    readonly property Paths paths: Paths {}
    readonly property var witnesses: auditor.witnesses

    FileDialog {
        id: policyDialog
        objectName: "witnessPolicyDialog"
        title: qsTr("Choose the witness policy file")
        fileMode: FileDialog.OpenFile
        onAccepted: policyField.text = panel.paths.localPath(selectedFile)
    }

    GridLayout {
        width: parent.width
        columns: 2
        columnSpacing: 24
        rowSpacing: 6

        AuditorText {
            Layout.columnSpan: 2
            kind: "heading"
            text: qsTr("Stations and witnesses")
        }

        AuditorText { text: qsTr("Witness policy"); muted: true }
        SelectableText {
            objectName: "witnessPolicyText"
            Layout.fillWidth: true
            muted: panel.witnesses.policyText === ""
            text: panel.witnesses.policyText !== "" ? panel.witnesses.policyText
                                                    : qsTr("none given")
            Accessible.name: qsTr("Witness policy: %1").arg(text)
        }

        AuditorText { text: qsTr("V32 stations"); muted: true }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            StatusBadge {
                objectName: "witnessStationsStatus"
                status: panel.witnesses.stationsStatus
            }
            SelectableText {
                objectName: "witnessStationsText"
                Layout.fillWidth: true
                text: panel.witnesses.stationsText
            }
        }

        AuditorText { text: qsTr("V33 evidence"); muted: true }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            StatusBadge {
                objectName: "witnessEvidenceStatus"
                status: panel.witnesses.evidenceStatus
            }
            SelectableText {
                objectName: "witnessEvidenceText"
                Layout.fillWidth: true
                text: panel.witnesses.evidenceText
            }
        }

        AuditorText { text: qsTr("V34 cosignatures"); muted: true }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            StatusBadge {
                objectName: "witnessCosignaturesStatus"
                status: panel.witnesses.cosignaturesStatus
            }
            SelectableText {
                objectName: "witnessCosignaturesText"
                Layout.fillWidth: true
                text: panel.witnesses.cosignaturesText
            }
        }

        Repeater {
            objectName: "witnessNotices"
            model: panel.witnesses.notices
            delegate: SelectableText {
                required property string modelData
                Layout.columnSpan: 2
                Layout.fillWidth: true
                font.bold: true
                text: qsTr("Notice: %1").arg(modelData)
            }
        }

        RowLayout {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            spacing: 8

            TextField {
                id: policyField
                objectName: "witnessPolicyField"
                Layout.fillWidth: true
                placeholderText: qsTr("a witness policy file: witness VKEY lines, quorum K")
                selectByMouse: true
                Accessible.name: qsTr("Witness policy file")
                Accessible.description: qsTr("The path of a witness policy file: the witnesses you trust and how many of them must have cosigned the election")
                onAccepted: policyButton.clicked()
            }
            Button {
                objectName: "witnessPolicyBrowse"
                text: qsTr("Browse…")
                Accessible.description: qsTr("Choose the witness policy file")
                onClicked: policyDialog.open()
            }
            Button {
                id: policyButton
                objectName: "witnessPolicyButton"
                enabled: policyField.text !== ""
                text: qsTr("Use this policy")
                Accessible.description: qsTr("Require this policy in the next verification")
                onClicked: {
                    if (panel.witnesses.setPolicyFile(policyField.text))
                        policyField.text = ""
                }
            }
            Button {
                objectName: "witnessPolicyClear"
                visible: panel.witnesses.policyText !== ""
                text: qsTr("Forget")
                Accessible.description: qsTr("Verify without a witness policy")
                onClicked: panel.witnesses.clearPolicy()
            }
        }

        AuditorText {
            objectName: "witnessPolicyError"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: text !== ""
            wrapMode: Text.WordWrap
            color: theme.failed
            text: panel.witnesses.policyError
        }
    }
}
