// Verification of the whole record: start and cancel it, follow its progress overall and per
// log, read the verdict, go through the checks (table on the left) and a check's failures
// (detail on the right). The controller runs and judges everything; this page only draws it.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import Psephos.Auditor

Item {
    id: page

    // The window's controller (Main.qml passes its own).
    required property AuditorController auditor
    objectName: "page-verify"

    readonly property Theme theme: Theme {}

    function count(n) {
        return Number(n || 0).toLocaleString(Qt.locale(), "f", 0)
    }
    function percent(fraction) {
        return qsTr("%1 %").arg(Number((fraction || 0) * 100).toLocaleString(Qt.locale(), "f", 0))
    }
    function scopeText(scope) {
        return scope && scope !== "" ? scope : qsTr("election")
    }
    // The verdict as the theme colours a status.
    readonly property int verdictStatus: auditor.verification.verdict === Verification.Passed ? AuditStatus.Passed
                                         : auditor.verification.verdict === Verification.Failed ? AuditStatus.Failed
                                         : AuditStatus.NotVerified

    // The table row that shows the check with this index (its row: the checks are listed in the
    // report's order), or -1.
    function rowOf(checkIndex) {
        return checkIndex >= 0 && checkIndex < auditor.verification.checks.count ? checkIndex : -1
    }
    // Keyboard: selects the check `step` rows from the selected one (the first row when none).
    function selectRow(step) {
        const count = auditor.verification.checks.count
        if (count === 0)
            return
        const current = rowOf(auditor.verification.selectedCheck)
        const row = current < 0 ? 0 : Math.max(0, Math.min(count - 1, current + step))
        auditor.verification.selectCheck(row)
    }

    // The checks table's column widths (the name takes what is left).
    readonly property int cellSpacing: 8
    readonly property int idWidth: 48
    readonly property int scopeWidth: 130
    readonly property int statusWidth: 104
    readonly property int numberWidth: 70
    readonly property int nameWidth: Math.max(120, checksView.width - 16 - idWidth - scopeWidth
                                                   - statusWidth - 2 * numberWidth - 5 * cellSpacing)

    // Keeps the selected row in view when the selection moves (keyboard, First failure).
    Connections {
        target: auditor.verification
        function onSelectionChanged() {
            const row = page.rowOf(auditor.verification.selectedCheck)
            if (row >= 0)
                checksView.positionViewAtIndex(row, ListView.Contain)
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        // Controls, verdict and progress
        Panel {
            Layout.fillWidth: true

            ColumnLayout {
                width: parent.width
                spacing: 10

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 8

                    Button {
                        objectName: "verifyButton"
                        text: qsTr("Verify")
                        highlighted: true
                        enabled: !auditor.verification.verifying
                        Accessible.description: qsTr("Verifies the whole record from its stored bytes, every district in parallel")
                        onClicked: auditor.verify(0)
                    }
                    Button {
                        objectName: "cancelButton"
                        text: qsTr("Cancel")
                        enabled: auditor.verification.verifying
                        Accessible.description: qsTr("Stops the running verification")
                        onClicked: auditor.cancelVerification()
                    }
                    Button {
                        objectName: "firstFailureButton"
                        text: qsTr("First failure")
                        enabled: auditor.verification.failedCount > 0
                        Accessible.description: qsTr("Selects the first failed check")
                        onClicked: {
                            const first = auditor.verification.firstFailure()
                            if (first >= 0)
                                auditor.verification.selectCheck(first)
                        }
                    }

                    Item { Layout.fillWidth: true }

                    Column {
                        spacing: 2
                        Layout.alignment: Qt.AlignRight | Qt.AlignVCenter

                        Row {
                            anchors.right: parent.right
                            spacing: 8

                            AuditorText {
                                visible: text !== ""
                                kind: "heading"
                                color: page.theme.statusColor(page.verdictStatus)
                                text: auditor.verification.verdict === Verification.Passed ? "✓"
                                      : auditor.verification.verdict === Verification.Failed ? "✗" : ""
                                Accessible.ignored: true
                            }
                            AuditorText {
                                objectName: "verdictText"
                                kind: "heading"
                                color: page.theme.statusColor(page.verdictStatus)
                                text: auditor.verification.verdictText
                            }
                        }
                        AuditorText {
                            objectName: "verdictCounts"
                            anchors.right: parent.right
                            muted: true
                            text: qsTr("%1 passed · %2 failed").arg(auditor.verification.passedCount)
                                                               .arg(auditor.verification.failedCount)
                        }
                    }
                }

                RowLayout {
                    Layout.fillWidth: true
                    spacing: 12

                    AuditorText {
                        text: qsTr("All logs")
                        font.bold: true
                    }
                    ProgressBar {
                        objectName: "overallProgress"
                        Layout.fillWidth: true
                        from: 0
                        to: 1
                        value: auditor.verification.progress
                        Accessible.name: qsTr("Verification progress, all logs")
                        Accessible.description: page.percent(auditor.verification.progress)
                    }
                    AuditorText {
                        objectName: "overallProgressText"
                        Layout.preferredWidth: 48
                        horizontalAlignment: Text.AlignRight
                        text: page.percent(auditor.verification.progress)
                    }
                }

                // One small bar per log: four to a row at the default width, so 12 logs take
                // three rows.
                Flow {
                    id: logFlow
                    Layout.fillWidth: true
                    spacing: 8

                    readonly property int columns: Math.max(1, Math.floor((width + spacing) / (290 + spacing)))
                    readonly property real itemWidth: (width - (columns - 1) * spacing) / columns

                    Repeater {
                        model: auditor.verification.logProgress

                        RowLayout {
                            id: logRow
                            required property int index
                            required property string name
                            required property real done
                            required property real total
                            required property real fraction
                            objectName: "logProgress-" + index
                            width: logFlow.itemWidth
                            spacing: 6
                            Accessible.role: Accessible.ProgressBar
                            Accessible.name: qsTr("Log %1: %2 of %3").arg(name)
                                             .arg(page.count(done))
                                             .arg(page.count(total))

                            AuditorText {
                                Layout.preferredWidth: 96
                                elide: Text.ElideRight
                                kind: "small"
                                text: logRow.name
                                Accessible.ignored: true
                            }
                            ProgressBar {
                                Layout.fillWidth: true
                                from: 0
                                to: 1
                                value: logRow.fraction
                                Accessible.ignored: true
                            }
                            AuditorText {
                                Layout.preferredWidth: 92
                                horizontalAlignment: Text.AlignRight
                                kind: "small"
                                muted: true
                                text: qsTr("%1 / %2").arg(page.count(logRow.done))
                                                     .arg(page.count(logRow.total))
                                Accessible.ignored: true
                            }
                        }
                    }
                }
            }
        }

        SplitView {
            Layout.fillWidth: true
            Layout.fillHeight: true
            orientation: Qt.Horizontal

            // The checks
            Panel {
                SplitView.preferredWidth: page.width * 0.58
                SplitView.minimumWidth: 420
                padding: 0

                ColumnLayout {
                    anchors.fill: parent
                    spacing: 0

                    TableHeader {
                        Layout.fillWidth: true
                        spacing: page.cellSpacing
                        columns: [
                            { title: qsTr("Id"), width: page.idWidth },
                            { title: qsTr("Check"), width: page.nameWidth },
                            { title: qsTr("Scope"), width: page.scopeWidth },
                            { title: qsTr("Status"), width: page.statusWidth },
                            { title: qsTr("Items"), width: page.numberWidth, alignRight: true },
                            { title: qsTr("Failures"), width: page.numberWidth, alignRight: true }
                        ]
                    }

                    Item {
                        Layout.fillWidth: true
                        Layout.fillHeight: true

                        AuditorListView {
                            id: checksView
                            objectName: "checksView"
                            anchors.fill: parent
                            model: auditor.verification.checks
                            Accessible.name: qsTr("Checks")
                            Accessible.description: qsTr("Every check of the verification with its scope, status, items checked and failures. Up and Down select a check; its details show on the right.")

                            Keys.onUpPressed: page.selectRow(-1)
                            Keys.onDownPressed: page.selectRow(1)
                            Keys.onPressed: (event) => {
                                if (event.key === Qt.Key_PageUp)
                                    page.selectRow(-10)
                                else if (event.key === Qt.Key_PageDown)
                                    page.selectRow(10)
                                else if (event.key === Qt.Key_Home)
                                    page.selectRow(-auditor.verification.checks.count)
                                else if (event.key === Qt.Key_End)
                                    page.selectRow(auditor.verification.checks.count)
                                else
                                    return
                                event.accepted = true
                            }

                            delegate: Rectangle {
                                id: checkRow
                                required property int index
                                required property string checkId
                                required property string name
                                required property string scope
                                required property int status  // an AuditStatus value
                                required property double items
                                required property double failureCount
                                readonly property bool selected: index === auditor.verification.selectedCheck

                                objectName: "check-" + index
                                width: checksView.width
                                height: 30
                                color: selected ? page.theme.selection
                                     : index % 2 ? page.theme.stripe : page.theme.panel
                                Accessible.role: Accessible.Row
                                Accessible.selectable: true
                                Accessible.selected: selected
                                Accessible.name: qsTr("%1 %2 (%3): %4, %5 items, %6 failures")
                                                 .arg(checkRow.checkId).arg(checkRow.name)
                                                 .arg(page.scopeText(checkRow.scope))
                                                 .arg(rowStatus.label)
                                                 .arg(page.count(checkRow.items))
                                                 .arg(page.count(checkRow.failureCount))
                                Accessible.onPressAction: auditor.verification.selectCheck(checkRow.index)

                                // The selected row's accent edge.
                                Rectangle {
                                    visible: checkRow.selected
                                    width: 3
                                    height: parent.height
                                    color: page.theme.accent
                                }

                                Row {
                                    x: 8
                                    anchors.verticalCenter: parent.verticalCenter
                                    spacing: page.cellSpacing

                                    AuditorText {
                                        width: page.idWidth
                                        monospace: true
                                        font.bold: checkRow.selected
                                        text: checkRow.checkId
                                    }
                                    AuditorText {
                                        width: page.nameWidth
                                        elide: Text.ElideRight
                                        font.bold: checkRow.selected
                                        text: checkRow.name
                                    }
                                    AuditorText {
                                        width: page.scopeWidth
                                        elide: Text.ElideRight
                                        muted: !checkRow.scope
                                        text: page.scopeText(checkRow.scope)
                                    }
                                    Item {
                                        width: page.statusWidth
                                        height: rowStatus.height
                                        anchors.verticalCenter: parent.verticalCenter

                                        StatusBadge {
                                            id: rowStatus
                                            status: checkRow.status
                                        }
                                    }
                                    AuditorText {
                                        width: page.numberWidth
                                        horizontalAlignment: Text.AlignRight
                                        text: page.count(checkRow.items)
                                    }
                                    AuditorText {
                                        width: page.numberWidth
                                        horizontalAlignment: Text.AlignRight
                                        color: checkRow.failureCount > 0 ? page.theme.failed
                                                                                   : page.theme.text
                                        font.bold: checkRow.failureCount > 0
                                        text: page.count(checkRow.failureCount)
                                    }
                                }

                                MouseArea {
                                    anchors.fill: parent
                                    onClicked: {
                                        checksView.forceActiveFocus()
                                        auditor.verification.selectCheck(checkRow.index)
                                    }
                                }
                            }
                        }

                        AuditorText {
                            anchors.centerIn: parent
                            width: parent.width - 32
                            horizontalAlignment: Text.AlignHCenter
                            wrapMode: Text.WordWrap
                            visible: auditor.verification.checks.count === 0
                            muted: true
                            text: qsTr("No checks yet. Press Verify to verify the record.")
                        }
                    }
                }
            }

            // The selected check
            Panel {
                id: detailPanel
                objectName: "checkDetail"
                SplitView.fillWidth: true
                SplitView.minimumWidth: 320

                // A CheckDetail (check_row.hpp); its checkId is "" when no check is selected.
                readonly property checkDetail detail: auditor.verification.selectedDetail
                readonly property bool hasDetail: auditor.verification.selectedCheck >= 0
                                                  && detail.checkId !== ""
                readonly property var failures: hasDetail ? detail.failures : []

                Accessible.role: Accessible.Grouping
                Accessible.name: qsTr("Selected check")

                ColumnLayout {
                    anchors.fill: parent
                    spacing: 8

                    AuditorText {
                        Layout.fillWidth: true
                        visible: !detailPanel.hasDetail
                        wrapMode: Text.WordWrap
                        muted: true
                        text: qsTr("Select a check to see what it verified and every failure it found.")
                    }

                    AuditorText {
                        objectName: "detailTitle"
                        Layout.fillWidth: true
                        visible: detailPanel.hasDetail
                        kind: "heading"
                        wrapMode: Text.WrapAtWordBoundaryOrAnywhere
                        text: detailPanel.hasDetail
                              ? "%1 %2 (%3)".arg(detailPanel.detail.checkId).arg(detailPanel.detail.name)
                                            .arg(page.scopeText(detailPanel.detail.scope))
                              : ""
                    }

                    RowLayout {
                        visible: detailPanel.hasDetail
                        spacing: 12

                        StatusBadge {
                            objectName: "detailStatus"
                            status: detailPanel.hasDetail ? detailPanel.detail.status : AuditStatus.NotVerified
                        }
                        AuditorText {
                            objectName: "detailFailureCount"
                            color: detailPanel.hasDetail && detailPanel.detail.failureCount > 0
                                   ? page.theme.failed : page.theme.mutedText
                            text: !detailPanel.hasDetail ? ""
                                  : detailPanel.detail.failureCount > detailPanel.failures.length
                                    ? qsTr("%1 failures (the first %2 listed)")
                                      .arg(page.count(detailPanel.detail.failureCount))
                                      .arg(page.count(detailPanel.failures.length))
                                    : qsTr("%1 failures").arg(page.count(detailPanel.detail.failureCount))
                        }
                    }

                    SelectableText {
                        objectName: "detailNote"
                        Layout.fillWidth: true
                        visible: detailPanel.hasDetail && text !== ""
                        text: detailPanel.hasDetail && detailPanel.detail.note ? detailPanel.detail.note : ""
                        Accessible.name: qsTr("Note: %1").arg(text)
                    }

                    RowLayout {
                        Layout.fillWidth: true
                        visible: detailPanel.failures.length > 0

                        AuditorText {
                            Layout.fillWidth: true
                            font.bold: true
                            text: qsTr("Failures")
                        }
                        Button {
                            objectName: "copyFailuresButton"
                            text: qsTr("Copy all")
                            flat: true
                            Accessible.description: qsTr("Copies every listed failure to the clipboard")
                            onClicked: {
                                clipboardHelper.text = detailPanel.failures.join("\n")
                                clipboardHelper.selectAll()
                                clipboardHelper.copy()
                            }
                        }
                        // Holds the text to copy: TextEdit is the one clipboard QML has.
                        TextEdit {
                            id: clipboardHelper
                            visible: false
                            Accessible.ignored: true
                        }
                    }

                    Rectangle {
                        Layout.fillWidth: true
                        Layout.fillHeight: true
                        visible: detailPanel.failures.length > 0
                        color: page.theme.background
                        border.color: page.theme.border
                        radius: 2

                        AuditorListView {
                            id: failuresView
                            objectName: "failuresView"
                            anchors.fill: parent
                            anchors.margins: 1
                            model: detailPanel.failures
                            Accessible.name: qsTr("Failures of the selected check")
                            Accessible.description: qsTr("One line per failure: the object, then the reason. The text can be selected and copied.")
                            Keys.onUpPressed: scrollBy(-24)
                            Keys.onDownPressed: scrollBy(24)

                            delegate: SelectableText {
                                required property int index
                                required property string modelData
                                objectName: "failureText-" + index
                                width: failuresView.width - 16
                                leftPadding: 8
                                topPadding: 3
                                bottomPadding: 3
                                monospace: true
                                pixelSize: page.theme.smallSize + 1
                                text: modelData
                            }
                        }
                    }

                    Item {
                        Layout.fillHeight: true
                        visible: detailPanel.failures.length === 0
                    }
                }
            }
        }
    }
}
