// The anchors the record's bridge log holds: for each, why it was made, on which chain and in
// which transaction and block, how many confirmations it had, the log size it covers, whether its
// payload matches the record, the status of the check that verified it (V28), and, when asked, what
// an EVM node says of it now.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Psephos.Auditor

Item {
    id: page

    // The window's controller (Main.qml passes its own).
    required property AuditorController auditor
    objectName: "page-anchors"

    readonly property Theme theme: Theme {}

    function count(n) {
        return Number(n || 0).toLocaleString(Qt.locale(), "f", 0)
    }

    // Column widths (the transaction hash takes what is left).
    readonly property int cellSpacing: 8
    readonly property int sequenceWidth: 40
    readonly property int reasonWidth: 140
    readonly property int chainWidth: 220
    readonly property int blockWidth: 90
    readonly property int confirmationsWidth: 120
    readonly property int sizeWidth: 80
    readonly property int matchesWidth: 130
    readonly property int statusWidth: 100
    readonly property int hashWidth: Math.max(160, anchorsView.width - 16 - sequenceWidth
                                                   - reasonWidth - chainWidth - blockWidth
                                                   - confirmationsWidth - sizeWidth - matchesWidth
                                                   - statusWidth - 9 * cellSpacing)

    Panel {
        anchors.fill: parent
        padding: 0

        ColumnLayout {
            anchors.fill: parent
            spacing: 0

            // Live confirmations: the EVM node to ask (verify_anchors_on_chain).
            RowLayout {
                Layout.fillWidth: true
                Layout.margins: 10
                spacing: 8
                AuditorText { text: qsTr("EVM node") }
                TextField {
                    id: rpcField
                    objectName: "rpcField"
                    Layout.fillWidth: true
                    placeholderText: qsTr("http://127.0.0.1:8545")
                    selectByMouse: true
                    Accessible.name: qsTr("EVM node URL")
                    Accessible.description: qsTr("The JSON-RPC endpoint of a node of the anchors' EVM chain")
                    onAccepted: if (checkChainButton.enabled) checkChainButton.clicked()
                }
                TextField {
                    id: rpcCertificatesField
                    objectName: "rpcCertificatesField"
                    Layout.preferredWidth: 260
                    placeholderText: qsTr("pinned certificate (PEM file, optional)")
                    selectByMouse: true
                    Accessible.name: qsTr("Pinned certificate of the EVM node")
                    Accessible.description: qsTr("For an https node: a PEM file of the certificates to trust instead of the system's certificate authorities")
                    onAccepted: if (checkChainButton.enabled) checkChainButton.clicked()
                }
                Button {
                    id: checkChainButton
                    objectName: "checkChainButton"
                    enabled: !auditor.anchors.checking && rpcField.text !== "" && auditor.anchors.rows.count > 0
                    text: auditor.anchors.checking ? qsTr("Asking the node…") : qsTr("Check on chain")
                    Accessible.description: qsTr("Asks the node whether each EVM anchor's transaction is mined with the recorded payload, and its confirmations now")
                    onClicked: auditor.anchors.checkOnChain(rpcField.text, rpcCertificatesField.text)
                }
            }

            TableHeader {
                Layout.fillWidth: true
                spacing: page.cellSpacing
                columns: [
                    { title: qsTr("#"), width: page.sequenceWidth, alignRight: true },
                    { title: qsTr("Reason"), width: page.reasonWidth },
                    { title: qsTr("Chain"), width: page.chainWidth },
                    { title: qsTr("Transaction"), width: page.hashWidth },
                    { title: qsTr("Block"), width: page.blockWidth, alignRight: true },
                    { title: qsTr("Confirmations"), width: page.confirmationsWidth, alignRight: true },
                    { title: qsTr("Log size"), width: page.sizeWidth, alignRight: true },
                    { title: qsTr("Matches record"), width: page.matchesWidth },
                    { title: qsTr("Check"), width: page.statusWidth }
                ]
            }

            Item {
                Layout.fillWidth: true
                Layout.fillHeight: true

                AuditorListView {
                    id: anchorsView
                    objectName: "anchorsView"
                    anchors.fill: parent
                    model: auditor.anchors.rows
                    Accessible.name: qsTr("Anchors")
                    Accessible.description: qsTr("Every anchor of the election on a public chain: reason, chain, transaction, block, confirmations, the log size it covers, whether its payload matches the record, and the check status")
                    Keys.onUpPressed: scrollBy(-32)
                    Keys.onDownPressed: scrollBy(32)

                    delegate: Rectangle {
                        id: anchorRow
                        required property int index
                        required property double sequence
                        required property string reason
                        required property string chain
                        required property string chainId
                        required property string txHash
                        required property string block
                        required property int confirmations
                        required property double logSize
                        required property bool matchesRecord
                        required property int status  // an AuditStatus value

                        objectName: "anchor-" + index
                        width: anchorsView.width
                        height: 34
                        color: index % 2 ? page.theme.stripe : page.theme.panel
                        Accessible.role: Accessible.Row
                        Accessible.name: qsTr("Anchor %1, %2, on %3 (chain %4), block %5, %6 confirmations, log size %7, %8, check %9")
                                         .arg(anchorRow.sequence).arg(anchorRow.reason)
                                         .arg(anchorRow.chain).arg(anchorRow.chainId)
                                         .arg(page.count(anchorRow.block))
                                         .arg(page.count(anchorRow.confirmations))
                                         .arg(page.count(anchorRow.logSize))
                                         .arg(anchorRow.matchesRecord
                                              ? qsTr("payload matches the record")
                                              : qsTr("payload does not match the record"))
                                         .arg(anchorStatus.label)

                        Row {
                            x: 8
                            anchors.verticalCenter: parent.verticalCenter
                            spacing: page.cellSpacing

                            AuditorText {
                                width: page.sequenceWidth
                                horizontalAlignment: Text.AlignRight
                                text: anchorRow.sequence
                            }
                            AuditorText {
                                width: page.reasonWidth
                                elide: Text.ElideRight
                                text: anchorRow.reason
                            }
                            AuditorText {
                                width: page.chainWidth
                                elide: Text.ElideRight
                                text: qsTr("%1 (%2)").arg(anchorRow.chain)
                                                     .arg(anchorRow.chainId)
                            }
                            HashText {
                                objectName: "txHash-" + anchorRow.index
                                width: page.hashWidth
                                text: anchorRow.txHash
                                accessibleName: qsTr("Transaction hash of anchor %1")
                                                .arg(anchorRow.sequence)
                            }
                            AuditorText {
                                width: page.blockWidth
                                horizontalAlignment: Text.AlignRight
                                monospace: true
                                text: page.count(anchorRow.block)
                            }
                            AuditorText {
                                width: page.confirmationsWidth
                                horizontalAlignment: Text.AlignRight
                                text: page.count(anchorRow.confirmations)
                            }
                            AuditorText {
                                width: page.sizeWidth
                                horizontalAlignment: Text.AlignRight
                                text: page.count(anchorRow.logSize)
                            }
                            AuditorText {
                                objectName: "anchorMatches-" + anchorRow.index
                                width: page.matchesWidth
                                elide: Text.ElideRight
                                font.bold: true
                                color: anchorRow.matchesRecord ? page.theme.passed
                                                                         : page.theme.failed
                                text: anchorRow.matchesRecord ? qsTr("✓ yes")
                                                                        : qsTr("✗ no")
                            }
                            Item {
                                width: page.statusWidth
                                height: anchorStatus.height
                                anchors.verticalCenter: parent.verticalCenter

                                StatusBadge {
                                    id: anchorStatus
                                    objectName: "anchorStatus-" + anchorRow.index
                                    status: anchorRow.status
                                }
                            }
                        }
                    }
                }

                // What the node said, anchor by anchor, once asked.
                Column {
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.bottom: parent.bottom
                    anchors.margins: 10
                    spacing: 4
                    Repeater {
                        model: auditor.anchors.rows
                        SelectableText {
                            id: liveRow
                            required property double sequence
                            required property string chain
                            required property string live
                            required property string liveDetail
                            required property int index
                            objectName: "liveText-" + index
                            width: parent.width
                            visible: liveRow.live !== ""
                            color: liveRow.live === "on chain" ? page.theme.passed
                                   : liveRow.live === "failed" ? page.theme.failed : page.theme.mutedText
                            text: "#" + liveRow.sequence + " " + liveRow.chain + ": " + liveRow.live
                                  + " — " + liveRow.liveDetail
                            Accessible.name: text
                        }
                    }
                }

                AuditorText {
                    objectName: "noAnchorsText"
                    anchors.centerIn: parent
                    width: parent.width - 32
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    visible: auditor.anchors.rows.count === 0
                    muted: true
                    text: qsTr("This record has no anchors (the bridge has not anchored this election yet).")
                }
            }
        }
    }
}
