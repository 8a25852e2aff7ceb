// The open record at a glance: the election (name, id, dates, guardians, totals), the election
// authority (its key, the auditor's trust anchor, V29–V30), the districts with their turnout
// share and verification status, and the contests on the ballot.
import QtQuick
import QtQuick.Layouts
import Psephos.Auditor

Item {
    id: page

    // The window's controller (Main.qml passes its own).
    required property AuditorController auditor
    objectName: "page-overview"

    readonly property Theme theme: Theme {}

    // A count in the user's locale (1,234).
    function count(n) {
        return Number(n || 0).toLocaleString(Qt.locale(), "f", 0)
    }
    // A share 0…1 as a percentage with one decimal.
    function percent(share) {
        return qsTr("%1 %").arg(Number((share || 0) * 100).toLocaleString(Qt.locale(), "f", 1))
    }

    // The districts table's column widths (the name takes what is left).
    readonly property int idWidth: 140
    readonly property int countWidth: 110
    readonly property int shareWidth: 260
    readonly property int statusWidth: 130
    readonly property int cellSpacing: 8
    readonly property int nameWidth: Math.max(140, content.width - 16 - idWidth - 2 * countWidth
                                                   - shareWidth - statusWidth - 5 * cellSpacing)

    AuditorFlickable {
        id: flick
        anchors.fill: parent
        contentHeight: content.height

        Column {
            id: content
            width: flick.width - 16   // room for the scroll bar
            spacing: 16
            bottomPadding: 8

            // The election
            Panel {
                width: content.width

                GridLayout {
                    width: parent.width
                    columns: 2
                    columnSpacing: 24
                    rowSpacing: 6

                    AuditorText {
                        objectName: "electionName"
                        Layout.columnSpan: 2
                        Layout.fillWidth: true
                        kind: "heading"
                        wrapMode: Text.WordWrap
                        text: auditor.electionName
                    }

                    AuditorText { text: qsTr("Election id"); muted: true }
                    SelectableText {
                        objectName: "electionId"
                        Layout.fillWidth: true
                        monospace: true
                        text: auditor.electionId
                        Accessible.name: qsTr("Election id: %1").arg(auditor.electionId)
                    }

                    AuditorText { text: qsTr("Dates"); muted: true }
                    AuditorText {
                        objectName: "electionDates"
                        Layout.fillWidth: true
                        wrapMode: Text.WordWrap
                        text: auditor.electionDates
                    }

                    AuditorText { text: qsTr("Guardians"); muted: true }
                    AuditorText {
                        objectName: "guardians"
                        Layout.fillWidth: true
                        wrapMode: Text.WordWrap
                        text: auditor.guardians
                    }

                    AuditorText { text: qsTr("Ballots cast"); muted: true }
                    AuditorText {
                        objectName: "totalCast"
                        font.bold: true
                        text: page.count(auditor.totalCast)
                    }

                    AuditorText { text: qsTr("Ballots challenged"); muted: true }
                    Row {
                        spacing: 6

                        AuditorText {
                            objectName: "totalChallenged"
                            text: page.count(auditor.totalChallenged)
                        }
                        AuditorText {
                            muted: true
                            text: qsTr("(not counted)")
                        }
                    }

                    AuditorText { text: qsTr("Record"); muted: true }
                    SelectableText {
                        Layout.fillWidth: true
                        monospace: true
                        muted: true
                        pixelSize: theme.smallSize
                        text: auditor.recordPath
                        Accessible.name: qsTr("Record directory: %1").arg(auditor.recordPath)
                    }
                }
            }

            // The election authority: its key, the trust anchor, V29–V30
            AuthorityPanel {
                objectName: "authorityPanel"
                auditor: page.auditor
                width: content.width
            }

            // A county's record: the witness policy, V32–V34, the notices
            WitnessPanel {
                objectName: "witnessPanel"
                auditor: page.auditor
                width: content.width
            }

            // The districts
            AuditorText {
                kind: "heading"
                text: qsTr("Districts")
            }

            Panel {
                width: content.width
                padding: 0

                Column {
                    id: districtTable
                    width: parent.width
                    Accessible.role: Accessible.Table
                    Accessible.name: qsTr("Districts")
                    Accessible.description: qsTr("Every district of the record: ballots cast and challenged, its share of all ballots cast, and whether its logs verified")

                    TableHeader {
                        width: parent.width
                        spacing: page.cellSpacing
                        columns: [
                            { title: qsTr("District"), width: page.nameWidth },
                            { title: qsTr("Id"), width: page.idWidth },
                            { title: qsTr("Cast"), width: page.countWidth, alignRight: true },
                            { title: qsTr("Challenged"), width: page.countWidth, alignRight: true },
                            { title: qsTr("Share of all cast"), width: page.shareWidth },
                            { title: qsTr("Verification"), width: page.statusWidth }
                        ]
                    }

                    Repeater {
                        model: auditor.districts

                        Rectangle {
                            id: districtRow
                            required property int index
                            required property var modelData
                            objectName: "district-" + index
                            width: districtTable.width
                            height: 34
                            color: index % 2 ? page.theme.stripe : page.theme.panel
                            Accessible.role: Accessible.Row
                            Accessible.name: qsTr("%1: %2 cast, %3 challenged, %4 of all cast, %5")
                                             .arg(modelData.name)
                                             .arg(page.count(modelData.ballotsCast))
                                             .arg(page.count(modelData.ballotsChallenged))
                                             .arg(page.percent(modelData.share))
                                             .arg(districtStatus.label)

                            Row {
                                x: 8
                                anchors.verticalCenter: parent.verticalCenter
                                spacing: page.cellSpacing

                                AuditorText {
                                    objectName: "districtName-" + districtRow.index
                                    width: page.nameWidth
                                    elide: Text.ElideRight
                                    text: districtRow.modelData.name
                                }
                                AuditorText {
                                    width: page.idWidth
                                    elide: Text.ElideRight
                                    monospace: true
                                    muted: true
                                    text: districtRow.modelData.id
                                }
                                AuditorText {
                                    objectName: "districtCast-" + districtRow.index
                                    width: page.countWidth
                                    horizontalAlignment: Text.AlignRight
                                    // "counting…" while the controller reads the district's log
                                    text: districtRow.modelData.counting ? qsTr("counting…")
                                                                         : page.count(districtRow.modelData.ballotsCast)
                                }
                                AuditorText {
                                    objectName: "districtChallenged-" + districtRow.index
                                    width: page.countWidth
                                    horizontalAlignment: Text.AlignRight
                                    text: districtRow.modelData.counting ? ""
                                                                         : page.count(districtRow.modelData.ballotsChallenged)
                                }
                                ShareBar {
                                    width: page.shareWidth
                                    anchors.verticalCenter: parent.verticalCenter
                                    fillObjectName: "districtShare-" + districtRow.index
                                    fraction: districtRow.modelData.share
                                    label: page.percent(districtRow.modelData.share)
                                }
                                Item {
                                    width: page.statusWidth
                                    height: districtStatus.height
                                    anchors.verticalCenter: parent.verticalCenter

                                    StatusBadge {
                                        id: districtStatus
                                        objectName: "districtStatus-" + districtRow.index
                                        status: districtRow.modelData.status
                                    }
                                }
                            }
                        }
                    }

                    AuditorText {
                        x: 8
                        height: 34
                        verticalAlignment: Text.AlignVCenter
                        visible: auditor.districts.length === 0
                        muted: true
                        text: qsTr("The record lists no districts.")
                    }
                }
            }

            // The contests
            AuditorText {
                kind: "heading"
                text: qsTr("Contests")
            }

            Flow {
                width: content.width
                spacing: 12

                Repeater {
                    model: auditor.contests

                    Panel {
                        id: contestPanel
                        required property int index
                        required property var modelData
                        objectName: "contest-" + index
                        width: Math.max(280, (content.width - 2 * 12) / 3)
                        Accessible.role: Accessible.Grouping
                        Accessible.name: modelData.title

                        Column {
                            width: parent.width
                            spacing: 4

                            AuditorText {
                                width: parent.width
                                wrapMode: Text.WordWrap
                                font.bold: true
                                text: contestPanel.modelData.title
                            }
                            AuditorText {
                                width: parent.width
                                wrapMode: Text.WordWrap
                                muted: true
                                kind: "small"
                                text: qsTr("%1 · vote for %2 · id %3")
                                      .arg(contestPanel.modelData.kind === "ballot measure"
                                           ? qsTr("ballot measure")
                                           : contestPanel.modelData.kind === "candidate"
                                             ? qsTr("candidate")
                                             : contestPanel.modelData.kind)
                                      .arg(contestPanel.modelData.voteFor)
                                      .arg(contestPanel.modelData.id)
                            }
                            Repeater {
                                model: contestPanel.modelData.options

                                AuditorText {
                                    required property var modelData
                                    width: parent.width
                                    leftPadding: 12
                                    wrapMode: Text.WordWrap
                                    text: "• " + modelData
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
