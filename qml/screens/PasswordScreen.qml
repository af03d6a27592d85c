import QtQuick
import "../components"

// A password: a first-factor login (username too), a known card's second factor (the card named
// its user: no username asked), or (enrolling) who owns the card just tapped. The on-screen
// keyboard types into the field in use; a physical keyboard works alone (Tab between fields and
// buttons, Enter goes on, Escape cancels). The form keeps its height whatever it says (the error
// slot is there while empty) and the keyboard sits below it, so nothing moves when an error
// shows and nothing ever covers Cancel or the main button.
FocusScope {
    id: screen
    required property var greeter
    property bool enrolling: false
    objectName: enrolling ? "screen_enroll_card" : "screen_password"

    readonly property bool asksUsername: enrolling || !greeter.usernameKnown
    readonly property bool complete: (!asksUsername || username.text.trim() !== "")
                                     && password.text !== ""

    function submit() {
        if (!complete) {
            (asksUsername && username.text.trim() === "" ? username : password).input.forceActiveFocus();
            return;
        }
        // a known card's user: the flow sends the name the card gave
        const user = asksUsername ? username.text.trim() : "";
        const secret = password.text;
        password.clear();   // the secret leaves the screen as soon as it is used
        if (enrolling)
            greeter.submitCardEnrollment(user, secret, domain.domain);
        else
            greeter.submitPassword(user, secret, domain.domain);
    }

    Keys.onEscapePressed: greeter.cancel()
    Component.onCompleted: (asksUsername ? username : password).input.forceActiveFocus()

    Column {
        id: form
        objectName: "passwordForm"
        anchors.top: parent.top
        anchors.topMargin: Theme.spacing
        anchors.horizontalCenter: parent.horizontalCenter
        width: Math.min(parent.width - 2 * Theme.margin, 1216)
        spacing: Theme.spacing * 0.6

        Item {
            width: parent.width
            height: title.implicitHeight
            Text {
                id: title
                objectName: "passwordTitle"
                anchors.left: parent.left
                anchors.right: countdown.left
                anchors.rightMargin: Theme.spacing
                elide: Text.ElideRight
                text: screen.enrolling ? qsTr("Register this card")
                      : screen.greeter.usernameKnown
                        ? qsTr("Hello, %1").arg(screen.greeter.userDisplayName)
                        : qsTr("Sign in with your username")
                color: Theme.text
                font.pixelSize: Theme.fontHeading
                font.bold: true
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            Countdown {
                id: countdown
                objectName: "passwordCountdown"
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                width: 320
                seconds: screen.greeter.entryTimeout
                restartKey: screen.greeter.entryRound
            }
        }
        Text {
            objectName: "passwordHint"
            width: parent.width
            height: Theme.fontSmall + 6
            elide: Text.ElideRight
            text: screen.enrolling
                  ? qsTr("This card is not registered yet. Sign in once with your username and password to make it yours.")
                  : screen.greeter.usernameKnown
                    ? qsTr("Your card needs your password this time.") : ""
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
        }
        Banner {
            name: "passwordError"
            width: parent.width
            height: 92
            text: Messages.errorText(screen.greeter)
            detail: Messages.helpText(screen.greeter)
        }

        Row {
            id: fields
            width: parent.width
            spacing: Theme.spacing
            readonly property int buttonWidth: 230
            readonly property int fieldCount: 1 + (screen.asksUsername ? 1 : 0) + (domain.visible ? 1 : 0)
            readonly property real fieldWidth: (width - 2 * buttonWidth - (fieldCount + 1) * spacing) / fieldCount

            FormField {
                id: username
                objectName: "usernameField"
                visible: screen.asksUsername
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
                // a known card named its user, domain and all
                visible: screen.asksUsername && domains.length > 1
            }
            BigButton {
                objectName: "passwordCancel"
                anchors.bottom: parent.bottom
                width: parent.buttonWidth
                text: qsTr("Cancel")
                onClicked: screen.greeter.cancel()
            }
            BigButton {
                objectName: "passwordSubmit"
                anchors.bottom: parent.bottom
                width: parent.buttonWidth
                primary: true
                enabledState: screen.complete
                text: screen.enrolling ? qsTr("Register card") : qsTr("Sign in")
                onClicked: screen.submit()
            }
        }
    }

    OnScreenKeyboard {
        objectName: "onScreenKeyboard"
        anchors.top: form.bottom
        anchors.topMargin: Theme.spacing
        anchors.horizontalCenter: parent.horizontalCenter
        width: form.width
        target: password.input.activeFocus || !screen.asksUsername ? password.input : username.input
        onEnterPressed: {
            if (password.input.activeFocus || !screen.asksUsername)
                screen.submit();
            else
                password.input.forceActiveFocus();
        }
    }
}
