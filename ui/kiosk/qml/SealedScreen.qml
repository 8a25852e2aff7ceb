// Commit before the choice (docs/kiosk.md §3): the ballot is encrypted and signed, and its
// tracking code is on the screen, before the voter chooses. Cast records and counts it; Challenge
// reveals what this same ballot contains (its code does not change) and it is not counted;
// Change discards it and returns to the review (a new ballot is sealed afterwards).
import QtQuick
import Psephos.Kiosk

Item {
    id: screen

    // The controller this draws (given by whoever creates this).
    required property KioskController kiosk

    objectName: "screen-sealed"

    // The cursor runs over Cast, Challenge, Change (as the controller counts).
    function showCursor() {
        if (kiosk.cursor === 1)
            flick.ensureVisible(challengeButton)
        else if (kiosk.cursor === 2)
            flick.ensureVisible(changeButton)
    }

    Connections {
        target: kiosk
        function onCursorChanged() { screen.showCursor() }
    }

    KioskFlickable {
        id: flick
        anchors.top: parent.top
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: castButton.top
        anchors.bottomMargin: 16
        contentHeight: content.height

        Column {
            id: content
            x: 8
            width: parent.width - 8 - Math.round(16 * Theme.fontScale)
            topPadding: 8
            bottomPadding: 8
            spacing: Math.round(14 * Theme.fontScale)

            KioskText {
                objectName: "sealedTitle"
                width: parent.width
                kind: "title"
                text: qsTr("Your ballot is encrypted: note its tracking code")
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }

            Flow {
                id: codeAndQr
                width: parent.width
                spacing: Math.round(32 * Theme.fontScale)

                Column {
                    width: Math.min(codeAndQr.width,
                                    Math.max(groups.lineWidth,
                                             codeAndQr.width - qrImage.width - codeAndQr.spacing))
                    spacing: Math.round(12 * Theme.fontScale)

                    KioskText {
                        width: parent.width
                        text: qsTr("Tracking code of this ballot")
                    }
                    TrackingCodeGroups {
                        kiosk: screen.kiosk
                        id: groups
                        width: parent.width
                    }
                }

                Image {
                    id: qrImage
                    objectName: "qrImage"
                    width: 200
                    height: 200
                    source: kiosk.ballot.qrSource
                    sourceSize: Qt.size(200, 200)
                    smooth: false
                    cache: false
                    fillMode: Image.PreserveAspectFit
                    Accessible.role: Accessible.Graphic
                    Accessible.name: qsTr("QR code of the tracking code")
                }
            }

            KioskText {
                objectName: "sealedExplanation"
                width: parent.width
                text: qsTr("Write down or photograph this code now, before you choose. Cast records your ballot and counts it. Challenge is optional: the kiosk reveals what this ballot contains so you can check it; a challenged ballot shows this same code, is never counted, and you then vote again. If the code shown after a challenge differs, tell a poll worker.")
            }

            BigButton {
                id: challengeButton
                objectName: "challengeButton"
                width: parent.width
                highlighted: kiosk.cursor === 1
                text: qsTr("Challenge (check this ballot, then vote again)")
                description: qsTr("This ballot will not be counted. You will see what it contains, then vote again.")
                onClicked: kiosk.ballot.challenge()
            }
            BigButton {
                id: changeButton
                objectName: "changeButton"
                width: parent.width
                highlighted: kiosk.cursor === 2
                text: qsTr("Change my choices")
                description: qsTr("This encrypted ballot is thrown away; you get a new one after your changes.")
                onClicked: kiosk.ballot.changeSealed()
            }
        }
    }

    BigButton {
        id: castButton
        objectName: "castButton"
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        anchors.leftMargin: 8
        anchors.rightMargin: 8
        anchors.bottomMargin: 8
        primary: true
        highlighted: kiosk.cursor === 0
        text: qsTr("Cast this ballot")
        description: qsTr("Record your ballot. You cannot change it afterwards.")
        onClicked: kiosk.ballot.cast()
    }
}
