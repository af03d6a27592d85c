import QtQuick

// The PIN as dots: shows how many digits are typed, never which.
Row {
    id: dots

    property int count: 0
    property int slots: 4
    property bool active: true

    spacing: 18
    Accessible.role: Accessible.StaticText
    Accessible.name: qsTr("%n digit(s) entered", "", count)

    Repeater {
        model: Math.max(dots.slots, dots.count)
        delegate: Rectangle {
            required property int index
            width: 30
            height: 30
            radius: 15
            color: index < dots.count ? Theme.text : "transparent"
            border.width: 3
            border.color: dots.active ? Theme.text : Theme.panelBorder
        }
    }
}
