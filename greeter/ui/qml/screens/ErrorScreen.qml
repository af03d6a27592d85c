import QtQuick
import "../components"

// A login that cannot go on: one plain sentence, and a way back.
Item {
    id: screen
    required property var greeter
    objectName: "screen_error"

    readonly property string sentence: Messages.errorText(greeter.errorKey, greeter.attemptsLeft,
                                                          greeter.lockedUntil)

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 960)
        spacing: Theme.margin

        CardIcon {
            anchors.horizontalCenter: parent.horizontalCenter
            symbol: screen.greeter.errorKey === "locked" ? "lock" : "warning"
            accent: Theme.danger
            width: 140
            height: 120
        }
        Text {
            objectName: "errorText"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.sentence
            color: Theme.text
            font.pixelSize: Theme.fontHeading
            font.bold: true
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }
        Text {
            objectName: "errorDetail"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: text !== ""
            text: screen.greeter.errorMessage
            color: Theme.textMuted
            font.pixelSize: Theme.fontBody
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.spacing
            BigButton {
                objectName: "errorRetry"
                visible: screen.greeter.canRetry
                primary: true
                width: 320
                text: qsTr("Try again")
                onClicked: screen.greeter.retry()
            }
            BigButton {
                objectName: "errorBack"
                width: 320
                primary: !screen.greeter.canRetry
                text: qsTr("Back")
                onClicked: screen.greeter.cancel()
            }
        }
    }
}
