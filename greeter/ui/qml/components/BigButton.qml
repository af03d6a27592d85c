import QtQuick

// A touch button: at least Theme.touch high, its text is also its accessible name. It never
// takes keyboard focus from a text field (so on-screen typing keeps going to the field).
Rectangle {
    id: button

    property string text: ""
    property bool primary: false
    property bool enabledState: true
    property int fontSize: Theme.fontBody
    signal clicked

    implicitWidth: Math.max(label.implicitWidth + 2 * Theme.margin, 200)
    implicitHeight: Theme.touch
    radius: Theme.radius
    opacity: enabledState ? 1 : 0.4
    color: mouse.pressed ? (primary ? Theme.primaryPressed : Theme.keyPressed)
                         : (primary ? Theme.primary : Theme.key)
    border.width: primary ? 0 : 2
    border.color: Theme.panelBorder

    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.onPressAction: if (enabledState) button.clicked()

    Text {
        id: label
        anchors.centerIn: parent
        width: parent.width - 2 * Theme.spacing
        horizontalAlignment: Text.AlignHCenter
        elide: Text.ElideRight
        text: button.text
        color: button.primary ? Theme.textOnPrimary : Theme.text
        font.pixelSize: button.fontSize
        font.bold: button.primary
    }

    MouseArea {
        id: mouse
        anchors.fill: parent
        enabled: button.enabledState
        onClicked: button.clicked()
    }
}
