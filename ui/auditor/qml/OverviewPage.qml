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
                        text: auditor.record.electionName
                    }

                    AuditorText { text: qsTr("Election id"); muted: true }
                    SelectableText {
                        objectName: "electionId"
                        Layout.fillWidth: true
                        monospace: true
                        text: auditor.record.electionId
                        Accessible.name: qsTr("Election id: %1").arg(auditor.record.electionId)
                    }

                    AuditorText { text: qsTr("Dates"); muted: true }
                    AuditorText {
                        objectName: "electionDates"
                        Layout.fillWidth: true
                        wrapMode: Text.WordWrap
                        text: auditor.record.electionDates
                    }

                    AuditorText { text: qsTr("Guardians"); muted: true }
                    AuditorText {
                        objectName: "guardians"
                        Layout.fillWidth: true
                        wrapMode: Text.WordWrap
                        text: auditor.record.guardians
                    }

                    AuditorText { text: qsTr("Ballots cast"); muted: true }
                    AuditorText {
                        objectName: "totalCast"
                        font.bold: true
                        text: page.count(auditor.record.totalCast)
                    }

                    AuditorText { text: qsTr("Ballots challenged"); muted: true }
                    Row {
                        spacing: 6

                        AuditorText {
                            objectName: "totalChallenged"
                            text: page.count(auditor.record.totalChallenged)
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
                        text: auditor.record.path
                        Accessible.name: qsTr("Record directory: %1").arg(auditor.record.path)
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
                        model: auditor.record.districts

                        Rectangle {
                            id: districtRow
                            required property int index
                            required property string districtId
                            required property string name
                            required property int ballotsCast
                            required property int ballotsChallenged
                            required property real share
                            required property int status  // an AuditStatus value
                            required property bool counting
                            objectName: "district-" + index
                            width: districtTable.width
                            height: 34
                            color: index % 2 ? page.theme.stripe : page.theme.panel
                            Accessible.role: Accessible.Row
                            Accessible.name: qsTr("%1: %2 cast, %3 challenged, %4 of all cast, %5")
                                             .arg(name)
                                             .arg(page.count(ballotsCast))
                                             .arg(page.count(ballotsChallenged))
                                             .arg(page.percent(share))
                                             .arg(districtStatus.label)

                            Row {
                                x: 8
                                anchors.verticalCenter: parent.verticalCenter
                                spacing: page.cellSpacing

                                AuditorText {
                                    objectName: "districtName-" + districtRow.index
                                    width: page.nameWidth
                                    elide: Text.ElideRight
                                    text: districtRow.name
                                }
                                AuditorText {
                                    width: page.idWidth
                                    elide: Text.ElideRight
                                    monospace: true
                                    muted: true
                                    text: districtRow.districtId
                                }
                                AuditorText {
                                    objectName: "districtCast-" + districtRow.index
                                    width: page.countWidth
                                    horizontalAlignment: Text.AlignRight
                                    // "counting…" while the controller reads the district's log
                                    text: districtRow.counting ? qsTr("counting…")
                                                                         : page.count(districtRow.ballotsCast)
                                }
                                AuditorText {
                                    objectName: "districtChallenged-" + districtRow.index
                                    width: page.countWidth
                                    horizontalAlignment: Text.AlignRight
                                    text: districtRow.counting ? ""
                                                                         : page.count(districtRow.ballotsChallenged)
                                }
                                ShareBar {
                                    width: page.shareWidth
                                    anchors.verticalCenter: parent.verticalCenter
                                    fillObjectName: "districtShare-" + districtRow.index
                                    fraction: districtRow.share
                                    label: page.percent(districtRow.share)
                                }
                                Item {
                                    width: page.statusWidth
                                    height: districtStatus.height
                                    anchors.verticalCenter: parent.verticalCenter

                                    StatusBadge {
                                        id: districtStatus
                                        objectName: "districtStatus-" + districtRow.index
                                        status: districtRow.status
                                    }
                                }
                            }
                        }
                    }

                    AuditorText {
                        x: 8
                        height: 34
                        verticalAlignment: Text.AlignVCenter
                        visible: auditor.record.districts.count === 0
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
                    model: auditor.record.contests

                    Panel {
                        id: contestPanel
                        required property int index
                        required property string contestId
                        required property string title
                        required property string kind
                        required property int voteFor
                        required property var options
                        objectName: "contest-" + index
                        width: Math.max(280, (content.width - 2 * 12) / 3)
                        Accessible.role: Accessible.Grouping
                        Accessible.name: title

                        Column {
                            width: parent.width
                            spacing: 4

                            AuditorText {
                                width: parent.width
                                wrapMode: Text.WordWrap
                                font.bold: true
                                text: contestPanel.title
                            }
                            AuditorText {
                                width: parent.width
                                wrapMode: Text.WordWrap
                                muted: true
                                kind: "small"
                                text: qsTr("%1 · vote for %2 · id %3")
                                      .arg(contestPanel.kind === "ballot measure"
                                           ? qsTr("ballot measure")
                                           : contestPanel.kind === "candidate"
                                             ? qsTr("candidate")
                                             : contestPanel.kind)
                                      .arg(contestPanel.voteFor)
                                      .arg(contestPanel.contestId)
                            }
                            Repeater {
                                model: contestPanel.options

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
