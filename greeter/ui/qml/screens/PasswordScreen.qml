import QtQuick
import "../components"

// Username, password and domain: a first-factor password login, or (enrolling) who owns the
// card just tapped. The on-screen keyboard types into whichever field has focus.
FocusScope {
    id: screen
    required property var greeter
    property bool enrolling: false
    objectName: enrolling ? "screen_enroll_card" : "screen_password"

    readonly property bool complete: username.text.trim() !== "" && password.text !== ""

    function submit() {
        if (!complete) {
            (username.text.trim() === "" ? username : password).input.forceActiveFocus();
            return;
        }
        const user = username.text.trim();
        const secret = password.text;
        password.clear();   // the secret leaves the screen as soon as it is used
        if (enrolling)
            greeter.submitCardEnrollment(user, secret, domain.domain);
        else
            greeter.submitPassword(user, secret, domain.domain);
    }

    Keys.onEscapePressed: greeter.cancel()
    Component.onCompleted: username.input.forceActiveFocus()

    Column {
        id: form
        anchors.top: parent.top
        anchors.topMargin: Theme.margin
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
        spacing: Theme.spacing

        Text {
            objectName: "passwordTitle"
            width: parent.width
            text: screen.enrolling ? qsTr("Register this card")
                  : screen.greeter.userDisplayName
                    ? qsTr("Hello, %1").arg(screen.greeter.userDisplayName)
                    : qsTr("Sign in with your username")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Text {
            objectName: "passwordHint"
            width: parent.width
            visible: text !== ""
            wrapMode: Text.WordWrap
            text: screen.enrolling
                  ? qsTr("This card is not registered yet. Sign in once with your username and password to make it yours.")
                  : screen.greeter.userDisplayName
                    ? qsTr("Your card needs your username and password this time.") : ""
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        Banner {
            objectName: "passwordError"
            width: parent.width
            text: Messages.errorText(screen.greeter.errorKey, screen.greeter.attemptsLeft,
                                     screen.greeter.lockedUntil)
            detail: screen.greeter.errorMessage
        }

        Row {
            width: parent.width
            spacing: Theme.spacing
            readonly property real fieldWidth: (width - 2 * spacing - buttons.width) / (domain.visible ? 3 : 2)

            FormField {
                id: username
                objectName: "usernameField"
                width: parent.fieldWidth
                label: qsTr("Username")
                onAccepted: password.input.forceActiveFocus()
            }
            FormField {
                id: password
                objectName: "passwordField"
                width: parent.fieldWidth
                label: qsTr("Password")
                secret: true
                onAccepted: screen.submit()
            }
            DomainPicker {
                id: domain
                objectName: "domainPicker"
                width: parent.fieldWidth
                domains: screen.greeter.domains
            }
            Column {
                id: buttons
                width: 260
                spacing: Theme.spacing
                BigButton {
                    objectName: "passwordSubmit"
                    width: parent.width
                    primary: true
                    enabledState: screen.complete
                    text: screen.enrolling ? qsTr("Register card") : qsTr("Sign in")
                    onClicked: screen.submit()
                }
                BigButton {
                    objectName: "passwordCancel"
                    width: parent.width
                    text: qsTr("Cancel")
                    onClicked: screen.greeter.cancel()
                }
            }
        }
    }

    OnScreenKeyboard {
        objectName: "onScreenKeyboard"
        anchors.bottom: parent.bottom
        anchors.bottomMargin: Theme.spacing
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, 1100)
        target: password.input.activeFocus ? password.input : username.input
        onEnterPressed: {
            if (password.input.activeFocus)
                screen.submit();
            else
                password.input.forceActiveFocus();
        }
    }
}
