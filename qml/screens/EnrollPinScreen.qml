import QtQuick
import "../components"

// Choosing a PIN for the first time: the rules first, then the new PIN twice, on the keypad or
// a physical keyboard (Enter goes on, Escape cancels, Tab reaches the buttons). A refusal says
// which rule the PIN broke, in a slot that is there while empty: nothing moves when it fills.
FocusScope {
    id: screen
    required property var greeter
    objectName: "screen_enroll_pin"
    focus: true

    property string first: ""
    property string second: ""
    property bool confirming: false
    readonly property bool complete: first.length >= greeter.pinMin && second.length >= greeter.pinMin

    function add(value) {
        if (confirming) {
            if (second.length < greeter.pinMax)
                second += value;
        } else if (first.length < greeter.pinMax) {
            first += value;
        }
    }
    function erase() {
        if (confirming)
            second = second.slice(0, -1);
        else
            first = first.slice(0, -1);
    }
    function next() {
        if (!confirming) {
            if (first.length >= greeter.pinMin)
                confirming = true;
            return;
        }
        if (!complete)
            return;
        const pin = first, confirm = second;
        first = "";
        second = "";
        confirming = false;
        greeter.submitNewPin(pin, confirm);
    }

    Keys.onPressed: event => {
        if (event.text.length === 1 && (!greeter.pinDigitsOnly || (event.text >= "0" && event.text <= "9"))
                && event.text.trim() !== "") {
            add(event.text);
        } else if (event.key === Qt.Key_Backspace) {
            erase();
        } else if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter) {
            next();
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
                objectName: "enrollPinTitle"
                width: parent.width
                wrapMode: Text.WordWrap
                text: qsTr("Choose your PIN")
                color: Theme.text
                font.pixelSize: Theme.fontTitle
                font.bold: true
                Accessible.role: Accessible.Heading
                Accessible.name: text
            }
            Text {
                objectName: "enrollPinRules"
                width: parent.width
                wrapMode: Text.WordWrap
                text: Messages.pinRulesText(screen.greeter.pinMin, screen.greeter.pinMax,
                                            screen.greeter.pinDigitsOnly)
                      + " " + qsTr("You will type it each time you start a shift.")
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }

            Repeater {
                model: [
                    { label: qsTr("New PIN"), confirm: false },
                    { label: qsTr("Type it again"), confirm: true }
                ]
                delegate: Rectangle {
                    id: slot
                    required property var modelData
                    readonly property bool active: screen.confirming === modelData.confirm
                    objectName: modelData.confirm ? "confirmPinSlot" : "newPinSlot"
                    width: parent.width
                    height: Theme.touch + 24
                    radius: Theme.radius
                    color: Theme.panel
                    border.width: active ? 4 : 1
                    border.color: active ? Theme.focusRing : Theme.panelBorder
                    Accessible.role: Accessible.EditableText
                    Accessible.name: modelData.label
                    Accessible.passwordEdit: true
                    Text {
                        x: Theme.spacing
                        y: 6
                        text: slot.modelData.label
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                    PinDots {
                        x: Theme.spacing
                        anchors.bottom: parent.bottom
                        anchors.bottomMargin: 10
                        count: slot.modelData.confirm ? screen.second.length : screen.first.length
                        slots: screen.greeter.pinMin
                        active: slot.active
                    }
                    MouseArea {
                        anchors.fill: parent
                        onClicked: screen.confirming = slot.modelData.confirm && screen.first.length > 0
                    }
                }
            }

            Banner {
                name: "enrollPinError"
                width: parent.width
                text: Messages.errorText(screen.greeter)
                detail: Messages.helpText(screen.greeter)
            }
            Countdown {
                objectName: "enrollPinCountdown"
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
                onBackspace: screen.erase()
                onClear: {
                    screen.first = "";
                    screen.second = "";
                    screen.confirming = false;
                }
            }
            Row {
                spacing: Theme.spacing
                BigButton {
                    objectName: "enrollPinCancel"
                    width: (keypad.width - Theme.spacing) / 2
                    text: qsTr("Cancel")
                    onClicked: screen.greeter.cancel()
                }
                BigButton {
                    objectName: "enrollPinOk"
                    width: (keypad.width - Theme.spacing) / 2
                    primary: true
                    enabledState: screen.confirming ? screen.complete
                                                    : screen.first.length >= screen.greeter.pinMin
                    text: screen.confirming ? qsTr("Save PIN") : qsTr("Next")
                    onClicked: screen.next()
                }
            }
        }
    }
}
