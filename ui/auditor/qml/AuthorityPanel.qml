// The election authority on the overview: the key that approved the record (authority.bin), the
// trust anchor the auditor gives (the authority's published public key file, or its "ed25519:…"
// text), and what V29 authority-approval and V30 device-authorisations found. The controller
// reads, parses and decides (auditor.authority); this panel only collects the anchor and shows.
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
    readonly property var authority: auditor.authority

    FileDialog {
        id: keyDialog
        objectName: "authorityKeyDialog"
        title: qsTr("Choose the election authority's public key file")
        fileMode: FileDialog.OpenFile
        nameFilters: [qsTr("Public key files (*.pub)"), qsTr("All files (*)")]
        onAccepted: anchorField.text = panel.paths.localPath(selectedFile)
    }

    GridLayout {
        width: parent.width
        columns: 2
        columnSpacing: 24
        rowSpacing: 6

        AuditorText {
            Layout.columnSpan: 2
            kind: "heading"
            text: qsTr("Election authority")
        }

        AuditorText { text: qsTr("Approved by"); muted: true }
        SelectableText {
            objectName: "authorityRecordKey"
            Layout.fillWidth: true
            monospace: true
            text: panel.authority.recordKey !== "" ? panel.authority.recordKey
                                                   : panel.authority.recordKeyError
            Accessible.name: qsTr("The record's approval key: %1").arg(text)
        }

        AuditorText { text: qsTr("Trusted key"); muted: true }
        SelectableText {
            objectName: "authorityTrustedKey"
            Layout.fillWidth: true
            monospace: panel.authority.trustedKey !== ""
            muted: panel.authority.trustedKey === ""
            text: panel.authority.trustedKey !== "" ? panel.authority.trustedKey : qsTr("none given")
            Accessible.name: qsTr("Trusted authority key: %1").arg(text)
        }

        AuditorText { text: qsTr("V29 approval"); muted: true }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            StatusBadge {
                objectName: "authorityApprovalStatus"
                status: panel.authority.approvalStatus
            }
            SelectableText {
                objectName: "authorityApprovalText"
                Layout.fillWidth: true
                text: panel.authority.approvalText
            }
        }

        AuditorText { text: qsTr("V30 devices"); muted: true }
        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            StatusBadge {
                objectName: "authorityDevicesStatus"
                status: panel.authority.devicesStatus
            }
            SelectableText {
                objectName: "authorityDevicesText"
                Layout.fillWidth: true
                text: panel.authority.devicesText
            }
        }

        SelectableText {
            objectName: "authorityAnchorText"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            font.bold: panel.authority.trustedKey === ""
            text: panel.authority.anchorText
        }

        RowLayout {
            Layout.columnSpan: 2
            Layout.fillWidth: true
            spacing: 8

            TextField {
                id: anchorField
                objectName: "authorityAnchorField"
                Layout.fillWidth: true
                placeholderText: qsTr("the authority's published key: a .pub file, or ed25519:…")
                selectByMouse: true
                Accessible.name: qsTr("Trusted authority key")
                Accessible.description: qsTr("The path of the election authority's public key file, or its ed25519: text, as the authority published it")
                onAccepted: trustButton.clicked()
            }
            Button {
                objectName: "authorityBrowse"
                text: qsTr("Browse…")
                Accessible.description: qsTr("Choose the authority's public key file")
                onClicked: keyDialog.open()
            }
            Button {
                id: trustButton
                objectName: "authorityTrustButton"
                enabled: anchorField.text !== ""
                text: qsTr("Trust this key")
                Accessible.description: qsTr("Use this key as the trust anchor of the next verification")
                onClicked: {
                    if (panel.authority.setTrustedKey(anchorField.text))
                        anchorField.text = ""
                }
            }
            Button {
                objectName: "authorityClearButton"
                visible: panel.authority.trustedKey !== ""
                text: qsTr("Forget")
                Accessible.description: qsTr("Verify without a trusted authority key")
                onClicked: panel.authority.clearTrustedKey()
            }
        }

        AuditorText {
            objectName: "authorityTrustError"
            Layout.columnSpan: 2
            Layout.fillWidth: true
            visible: text !== ""
            wrapMode: Text.WordWrap
            color: theme.failed
            text: panel.authority.trustError
        }
    }
}
