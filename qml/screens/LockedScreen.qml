import QtQuick
import "../components"

// A session is running but locked: who is signed in, and how to get back in. On a keyboard,
// Tab reaches "Sign in with password" (where allowed) and Enter takes it.
FocusScope {
    id: screen
    required property var greeter
    focus: true
    objectName: "screen_locked"

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: Theme.margin

        CardIcon {
            anchors.horizontalCenter: parent.horizontalCenter
            symbol: "lock"
            width: 200
            height: 170
        }
        Text {
            objectName: "lockedTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("This kiosk is locked")
            color: Theme.text
            font.pixelSize: Theme.fontHuge
            font.bold: true
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Text {
            objectName: "lockedUser"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            visible: screen.greeter.lockedUser !== ""
            text: qsTr("%1 is signed in.").arg(screen.greeter.lockedUser)
            color: Theme.primary
            font.pixelSize: Theme.fontLarge
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        Text {
            objectName: "lockedHint"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            wrapMode: Text.WordWrap
            text: qsTr("Tap your card to unlock. Someone else can tap their card to sign in instead.")
            color: Theme.textMuted
            font.pixelSize: Theme.fontBody
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
        // a forgotten badge must not lock its owner out: the password, where policy allows
        PasswordLoginButton {
            anchors.horizontalCenter: parent.horizontalCenter
            greeter: screen.greeter
        }
    }
}
