import QtQuick

// The PIN keypad: 1-9, clear, 0, backspace in a 3x4 grid of large keys. It only reports what
// was pressed; the screen owns the digits.
Grid {
    id: keypad

    signal digit(string value)
    signal backspace
    signal clear

    columns: 3
    spacing: Theme.spacing

    Repeater {
        model: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back"]

        delegate: Rectangle {
            id: key
            required property string modelData
            readonly property bool isDigit: modelData !== "clear" && modelData !== "back"
            readonly property string label: modelData === "clear" ? qsTr("Clear")
                                          : modelData === "back" ? "⌫" : modelData

            objectName: "key_" + modelData
            width: Theme.keySize * 1.4
            height: Theme.keySize
            radius: Theme.radius
            color: area.pressed ? Theme.keyPressed : Theme.key
            border.width: 2
            border.color: Theme.panelBorder

            Accessible.role: Accessible.Button
            Accessible.name: modelData === "back" ? qsTr("Delete last digit")
                           : modelData === "clear" ? qsTr("Clear PIN") : modelData
            Accessible.onPressAction: key.press()

            function press() {
                if (isDigit)
                    keypad.digit(modelData);
                else if (modelData === "back")
                    keypad.backspace();
                else
                    keypad.clear();
            }

            Text {
                anchors.centerIn: parent
                text: key.label
                color: Theme.text
                font.pixelSize: key.isDigit ? Theme.fontTitle : Theme.fontBody
                font.bold: key.isDigit
            }

            MouseArea {
                id: area
                anchors.fill: parent
                onClicked: key.press()
            }
        }
    }
}
