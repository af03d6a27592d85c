import QtQuick
import "../components"

// A login that cannot go on: what happened and what to do next, the site's help line, and a way
// back. It stays until dismissed (Back, Escape) or the next tap. Enter takes the main button.
FocusScope {
    id: screen
    required property var greeter
    objectName: "screen_error"
    focus: true

    Keys.onEscapePressed: greeter.cancel()

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
            text: Messages.errorText(screen.greeter)
            color: Theme.text
            font.pixelSize: Theme.fontHeading
            font.bold: true
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text + " " + help.text
        }
        Text {
            id: help
            objectName: "errorHelp"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: Messages.helpText(screen.greeter)
            color: Theme.primary
            font.pixelSize: Theme.fontLarge
        }
        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: Theme.spacing
            BigButton {
                objectName: "errorRetry"
                visible: screen.greeter.canRetry
                focus: screen.greeter.canRetry
                primary: true
                width: 320
                text: qsTr("Try again")
                onClicked: screen.greeter.retry()
            }
            BigButton {
                objectName: "errorBack"
                focus: !screen.greeter.canRetry
                width: 320
                primary: !screen.greeter.canRetry
                text: qsTr("Back")
                onClicked: screen.greeter.cancel()
            }
        }
    }
}
