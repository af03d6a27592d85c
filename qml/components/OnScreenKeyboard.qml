import QtQuick

// A plain on-screen keyboard for kiosks with no keyboard (Qt Virtual Keyboard is not in
// PySide6-Essentials). It types into `target` (a TextInput/TextField) and never takes focus,
// so a physical keyboard keeps working alongside it.
Rectangle {
    id: keyboard

    property Item target: null
    property bool shifted: false
    property bool symbols: false
    // Swedish kiosks get å ä ö on the letter rows
    property bool nordic: Qt.uiLanguage.startsWith("sv")
    signal enterPressed

    readonly property real unit: (width - 2 * Theme.spacing - 10 * gap) / 11
    readonly property int gap: 8
    readonly property int keyHeight: 64

    implicitHeight: rows.implicitHeight + 2 * Theme.spacing
    color: Theme.panel
    radius: Theme.radius
    Accessible.role: Accessible.Grouping
    Accessible.name: qsTr("On-screen keyboard")

    readonly property var letterRows: [
        "1234567890".split(""),
        (nordic ? "qwertyuiopå" : "qwertyuiop-").split(""),
        (nordic ? "asdfghjklöä" : "asdfghjkl_@").split(""),
        "zxcvbnm,.".split("")
    ]
    readonly property var symbolRows: [
        "1234567890".split(""),
        "!@#$%^&*()".split("").concat(["-"]),
        "+=[]{};:'\"".split("").concat(["/"]),
        "\\|<>?~_,.".split("")
    ]

    function type(value) {
        if (!target)
            return;
        target.insert(target.cursorPosition, shifted ? value.toUpperCase() : value);
        shifted = false;
    }

    function erase() {
        if (target && target.cursorPosition > 0)
            target.remove(target.cursorPosition - 1, target.cursorPosition);
    }

    // not "Key": PySide6 before 6.12 confuses a QML type of that name with the Qt.Key enum
    // when it wraps one of these for Python (tests, screenshots) and corrupts memory
    component KeyButton: Rectangle {
        id: key
        property string label: ""
        property string name: label
        property real units: 1
        property bool highlighted: false
        signal pressed

        width: keyboard.unit * units + keyboard.gap * (units - 1)
        height: keyboard.keyHeight
        radius: 8
        color: area.pressed || highlighted ? Theme.keyPressed : Theme.key
        border.width: 1
        border.color: Theme.panelBorder
        Accessible.role: Accessible.Button
        Accessible.name: name
        Accessible.onPressAction: key.pressed()

        Text {
            anchors.centerIn: parent
            text: key.label
            color: Theme.text
            font.pixelSize: Theme.fontBody
        }
        MouseArea {
            id: area
            anchors.fill: parent
            onClicked: key.pressed()
        }
    }

    Column {
        id: rows
        anchors.centerIn: parent
        spacing: keyboard.gap

        Repeater {
            model: keyboard.symbols ? keyboard.symbolRows : keyboard.letterRows
            delegate: Row {
                id: row
                required property var modelData
                required property int index
                anchors.horizontalCenter: parent ? parent.horizontalCenter : undefined
                spacing: keyboard.gap

                KeyButton {
                    visible: row.index === 3
                    label: "⇧"
                    name: qsTr("Shift")
                    units: 1
                    highlighted: keyboard.shifted
                    onPressed: keyboard.shifted = !keyboard.shifted
                }
                Repeater {
                    model: row.modelData
                    delegate: KeyButton {
                        required property string modelData
                        label: keyboard.shifted ? modelData.toUpperCase() : modelData
                        objectName: "osk_" + modelData
                        onPressed: keyboard.type(modelData)
                    }
                }
                KeyButton {
                    visible: row.index === 3
                    objectName: "osk_backspace"
                    label: "⌫"
                    name: qsTr("Delete")
                    units: 1
                    onPressed: keyboard.erase()
                }
            }
        }

        Row {
            anchors.horizontalCenter: parent.horizontalCenter
            spacing: keyboard.gap
            KeyButton {
                label: keyboard.symbols ? "abc" : "?123"
                name: keyboard.symbols ? qsTr("Letters") : qsTr("Symbols")
                units: 2
                onPressed: keyboard.symbols = !keyboard.symbols
            }
            KeyButton {
                objectName: "osk_space"
                label: qsTr("space")
                name: qsTr("Space")
                units: 6
                onPressed: keyboard.type(" ")
            }
            KeyButton {
                objectName: "osk_enter"
                label: qsTr("Next")
                name: qsTr("Next field")
                units: 3
                onPressed: keyboard.enterPressed()
            }
        }
    }
}
