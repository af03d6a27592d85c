import QtQuick
import "../components"

// Waiting for a tap: what to do, in the largest type on the screen. On a keyboard, Tab reaches
// "Sign in with password" (where allowed) and Enter takes it.
FocusScope {
    id: screen
    required property var greeter
    focus: true
    objectName: "screen_idle"

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: Theme.margin

        CardIcon {
            anchors.horizontalCenter: parent.horizontalCenter
            width: 240
            height: 190
        }

        Text {
            objectName: "idleHeadline"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: qsTr("Tap your card")
            color: Theme.text
            font.pixelSize: Theme.fontHuge
            font.bold: true
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }

        Text {
            objectName: "idleHint"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: screen.greeter.readersOk
                  ? qsTr("Hold your badge or smartcard against the reader to sign in.")
                  : Messages.readerText(screen.greeter.readerProblem) + "\n"
                    + Messages.helpText(screen.greeter)
            color: screen.greeter.readersOk ? Theme.textMuted : Theme.danger
            font.pixelSize: Theme.fontLarge
            font.bold: !screen.greeter.readersOk
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }


        PasswordLoginButton {
            anchors.horizontalCenter: parent.horizontalCenter
            greeter: screen.greeter
        }
    }
}
