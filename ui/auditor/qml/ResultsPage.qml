// The results: the status of the checks behind the figures, then every contest with each
// option's total, a bar scaled to the contest's largest total and the counts per district.
// Exports to CSV and to a PDF report (the controller writes them).
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import Psephos.Auditor

Item {
    id: page

    // The window's controller (Main.qml passes its own).
    required property AuditorController auditor
    objectName: "page-results"

    readonly property Theme theme: Theme {}
    readonly property Paths paths: Paths {}

    function count(n) {
        return Number(n || 0).toLocaleString(Qt.locale(), "f", 0)
    }
    // "Ward 1: 120 · Ward 2: 98" from counts in the districts' order; a line breaks only
    // between districts (each "name: count" is held together by no-break spaces).
    // Each figure carries the status of the checks behind it: ✓ every check of the district
    // passed, ✗ one failed, ? not verified yet (the district's status).
    function statusMark(status) {
        return status === AuditStatus.Passed ? "✓" : status === AuditStatus.Failed ? "✗" : "?"
    }
    // Bumped when the districts' rows change (their statuses, after a verification): a binding
    // that calls districtCounts reads it, so it is evaluated again then (get() is no dependency).
    property int districtsRevision: 0
    Connections {
        target: auditor.record.districts
        function onDataChanged() { ++page.districtsRevision }
        function onModelReset() { ++page.districtsRevision }
    }
    function districtCounts(byDistrict) {
        const districts = auditor.record.districts
        const parts = []
        for (let d = 0; page.districtsRevision >= 0 && byDistrict && d < byDistrict.length; ++d) {
            const district = d < districts.count ? districts.get(d) : null
            const name = district ? district.name : qsTr("district %1").arg(d + 1)
            const mark = district ? page.statusMark(district.status) : "?"
            parts.push(qsTr("%1: %2 %3").arg(name).arg(page.count(byDistrict[d])).arg(mark).replace(/ /g, "\u00a0"))
        }
        return parts.join("  ·  ")
    }
    // Opens a save dialog next to the record, with a file name from the election id.
    function openSaveDialog(dialog, suffix) {
        const folder = page.paths.parentOf(auditor.record.path)
        const name = (auditor.record.electionId !== "" ? auditor.record.electionId : "election") + suffix
        dialog.currentFolder = page.paths.fileUrl(folder)
        dialog.selectedFile = page.paths.fileUrl(folder + "/" + name)
        dialog.open()
    }

    FileDialog {
        id: csvDialog
        objectName: "csvDialog"
        title: qsTr("Export the results as CSV")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "csv"
        nameFilters: [qsTr("CSV files (*.csv)"), qsTr("All files (*)")]
        onAccepted: auditor.exportResultsCsv(page.paths.localPath(selectedFile))
    }

    FileDialog {
        id: pdfDialog
        objectName: "pdfDialog"
        title: qsTr("Export the audit report as PDF")
        fileMode: FileDialog.SaveFile
        defaultSuffix: "pdf"
        nameFilters: [qsTr("PDF files (*.pdf)"), qsTr("All files (*)")]
        onAccepted: auditor.exportReportPdf(page.paths.localPath(selectedFile))
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 12

        Panel {
            Layout.fillWidth: true

            RowLayout {
                width: parent.width
                spacing: 8

                Column {
                    Layout.fillWidth: true
                    spacing: 2

                    AuditorText {
                        width: parent.width
                        muted: true
                        kind: "small"
                        text: qsTr("Checks behind these figures (results and every district’s tally)")
                    }
                    Row {
                        width: parent.width
                        spacing: 6

                        AuditorText {
                            id: resultsSign
                            visible: text !== ""
                            font.bold: true
                            color: page.theme.statusColor(auditor.verification.resultsState)
                            text: auditor.verification.resultsState === AuditStatus.Passed ? "✓"
                                  : auditor.verification.resultsState === AuditStatus.Failed ? "✗" : ""
                            Accessible.ignored: true
                        }
                        AuditorText {
                            objectName: "resultsStatus"
                            width: parent.width - (resultsSign.visible ? resultsSign.width + 6 : 0)
                            wrapMode: Text.WordWrap
                            font.bold: true
                            color: page.theme.statusColor(auditor.verification.resultsState)
                            text: auditor.verification.resultsStatus
                        }
                    }
                }

                Button {
                    objectName: "exportCsvButton"
                    text: qsTr("Export CSV…")
                    enabled: auditor.record.resultsComplete
                    Accessible.description: qsTr("Saves the results per district and in total as a CSV file")
                    onClicked: page.openSaveDialog(csvDialog, "-results.csv")
                }
                Button {
                    objectName: "exportPdfButton"
                    text: qsTr("Export PDF report…")
                    Accessible.description: qsTr("Saves a PDF report: the election, the verdict with every check, the results and the anchors")
                    onClicked: page.openSaveDialog(pdfDialog, "-report.pdf")
                }
            }
        }

        Panel {
            Layout.fillWidth: true
            visible: !auditor.record.resultsComplete

            AuditorText {
                objectName: "noResultsText"
                width: parent.width
                wrapMode: Text.WordWrap
                muted: true
                text: qsTr("The record has no results yet (polls not closed or tallies not decrypted).")
            }
        }

        AuditorFlickable {
            id: flick
            objectName: "resultsFlick"
            Layout.fillWidth: true
            Layout.fillHeight: true
            contentHeight: contests.height

            Column {
                id: contests
                width: flick.width - 16   // room for the scroll bar
                spacing: 12

                Repeater {
                    model: auditor.record.results

                    Panel {
                        id: contestBlock
                        required property int index
                        required property string title
                        required property int max
                        required property var options
                        objectName: "result-" + index
                        width: contests.width
                        Accessible.role: Accessible.Grouping
                        Accessible.name: title

                        Column {
                            id: optionRows
                            width: parent.width
                            spacing: 10

                            AuditorText {
                                width: parent.width
                                kind: "heading"
                                wrapMode: Text.WordWrap
                                text: contestBlock.title
                            }

                            Repeater {
                                model: contestBlock.options

                                Column {
                                    id: optionBlock
                                    required property int index
                                    required property var modelData
                                    readonly property real fraction: contestBlock.max > 0
                                        ? modelData.total / contestBlock.max : 0

                                    width: optionRows.width
                                    spacing: 2
                                    Accessible.role: Accessible.Row
                                    Accessible.name: qsTr("%1: %2 votes. %3").arg(modelData.label)
                                                     .arg(page.count(modelData.total))
                                                     .arg(page.districtCounts(modelData.byDistrict))

                                    RowLayout {
                                        width: parent.width
                                        spacing: 12

                                        AuditorText {
                                            objectName: "optionLabel-" + contestBlock.index + "-" + optionBlock.index
                                            Layout.preferredWidth: 260
                                            elide: Text.ElideRight
                                            text: optionBlock.modelData.label
                                            Accessible.ignored: true
                                        }
                                        AuditorText {
                                            objectName: "optionTotal-" + contestBlock.index + "-" + optionBlock.index
                                            Layout.preferredWidth: 110
                                            horizontalAlignment: Text.AlignRight
                                            font.bold: true
                                            // The total's checks: V23–V26 (auditor.verification.resultsState).
                                            text: page.count(optionBlock.modelData.total) + " "
                                                  + page.statusMark(auditor.verification.resultsState)
                                            color: page.theme.statusColor(auditor.verification.resultsState)
                                            Accessible.ignored: true
                                        }
                                        ShareBar {
                                            Layout.fillWidth: true
                                            barHeight: 16
                                            fillObjectName: "bar-" + contestBlock.index + "-" + optionBlock.index
                                            fraction: optionBlock.fraction
                                            Accessible.ignored: true
                                        }
                                    }
                                    AuditorText {
                                        objectName: "districtCounts-" + contestBlock.index + "-" + optionBlock.index
                                        width: parent.width
                                        leftPadding: 272   // under the total and the bar
                                        wrapMode: Text.WordWrap
                                        kind: "small"
                                        muted: true
                                        text: page.districtCounts(optionBlock.modelData.byDistrict)
                                        Accessible.ignored: true
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
