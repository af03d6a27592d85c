import QtQuick
import "../components"

// The second factor after a tap: the PIN on a big keypad, or a physical keyboard (digits,
// Backspace, Enter, Escape to cancel, Tab to the buttons). Offline, the same screen unlocks the
// owner's own locked session. The error slot is there while empty: nothing moves when it fills.
FocusScope {
    id: screen
    required property var greeter
    objectName: "screen_pin"
    focus: true

    property string pin: ""
    readonly property bool complete: pin.length >= greeter.pinMin

    function add(value) {
        if (pin.length < greeter.pinMax)
            pin += value;
    }
    function submit() {
        if (!complete)
            return;
        const entered = pin;
        pin = "";   // the secret leaves the screen as soon as it is used
        greeter.submitPin(entered);
    }

    Keys.onPressed: event => {
        if (event.text.length === 1 && event.text >= "0" && event.text <= "9") {
            add(event.text);
        } else if (event.key === Qt.Key_Backspace) {
            pin = pin.slice(0, -1);
        } else if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter) {
            submit();
        } else if (event.key === Qt.Key_Escape) {
            greeter.cancel();
        } else {
            return;
        }
        event.accepted = true;
    }

    Row {
        anchors.centerIn: parent
        spacing: Theme.margin * 2

        Column {
            width: 520
            anchors.verticalCenter: parent.verticalCenter
            spacing: Theme.spacing

            Text {
                objectName: "pinGreeting"
                width: parent.width
                wrapMode: Text.WordWrap
                text: screen.greeter.userDisplayName
                      ? qsTr("Hello, %1").arg(screen.greeter.userDisplayName) : qsTr("Hello")
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.bold: true
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            Text {
                objectName: "pinPrompt"
                width: parent.width
                wrapMode: Text.WordWrap
                text: qsTr("Enter your PIN")
                color: Theme.textMuted
                font.pixelSize: Theme.fontLarge
            }
            // the appliance cannot be reached: the kiosk checks the PIN itself
            Text {
                objectName: "pinOffline"
                width: parent.width
                visible: screen.greeter.offline
                wrapMode: Text.WordWrap
                // over a locked session: its owner unlocks; on an idle kiosk: a recent user signs in
                text: screen.greeter.lockedUser !== ""
                    ? qsTr("This kiosk is offline: the login server cannot be reached. You can still unlock your own session with your PIN.")
                    : qsTr("This kiosk is offline: the login server cannot be reached. You signed in here recently, so you can still sign in with your PIN.")
                color: Theme.primary
                font.pixelSize: Theme.fontBody
                font.bold: true
                Accessible.role: Accessible.AlertMessage
                Accessible.name: text
            }
            Text {
                objectName: "pinSwitching"
                width: parent.width
                visible: screen.greeter.switching && screen.greeter.lockedUser !== ""
                wrapMode: Text.WordWrap
                text: qsTr("%1 will be signed out of this kiosk.").arg(screen.greeter.lockedUser)
                color: Theme.primary
                font.pixelSize: Theme.fontSmall
            }
            PinDots {
                objectName: "pinDots"
                count: screen.pin.length
                slots: screen.greeter.pinMin
            }
            Banner {
                name: "pinError"
                width: parent.width
                text: Messages.errorText(screen.greeter)
                detail: Messages.helpText(screen.greeter)
            }
            Countdown {
                objectName: "pinCountdown"
                width: parent.width
                seconds: screen.greeter.entryTimeout
                restartKey: screen.greeter.entryRound
            }
        }

        Column {
            spacing: Theme.spacing
            Keypad {
                id: keypad
                onDigit: value => screen.add(value)
                onBackspace: screen.pin = screen.pin.slice(0, -1)
                onClear: screen.pin = ""
            }
            Row {
                spacing: Theme.spacing
                BigButton {
                    objectName: "pinCancel"
                    width: (keypad.width - Theme.spacing) / 2
                    text: qsTr("Cancel")
                    onClicked: screen.greeter.cancel()
                }
                BigButton {
                    objectName: "pinOk"
                    width: (keypad.width - Theme.spacing) / 2
                    primary: true
                    enabledState: screen.complete
                    text: qsTr("OK")
                    onClicked: screen.submit()
                }
            }
        }
    }
}
