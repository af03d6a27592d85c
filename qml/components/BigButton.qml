import QtQuick

// A touch button: at least Theme.touch high, its text is also its accessible name. Tab and the
// arrow keys reach it, Enter or Space presses it, and a ring shows where the keyboard is. A
// touch does not take the keyboard focus from a text field (on-screen typing keeps going there).
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
    // a disabled button is left out of the Tab chain (and gives its focus back to the screen)
    enabled: enabledState
    activeFocusOnTab: true

    Accessible.role: Accessible.Button
    Accessible.name: text
    Accessible.onPressAction: press()

    function press() {
        if (enabledState)
            clicked();
    }
    function move(forward) {
        const next = nextItemInFocusChain(forward);
        if (next)
            next.forceActiveFocus(forward ? Qt.TabFocusReason : Qt.BacktabFocusReason);
    }

    Keys.onReturnPressed: press()
    Keys.onEnterPressed: press()
    Keys.onSpacePressed: press()
    Keys.onDownPressed: move(true)
    Keys.onRightPressed: move(true)
    Keys.onUpPressed: move(false)
    Keys.onLeftPressed: move(false)

    // outside the button, so it shows on a yellow button too
    Rectangle {
        objectName: "focusRing"
        anchors.fill: parent
        anchors.margins: -7
        radius: Theme.radius + 6
        color: "transparent"
        border.width: 4
        border.color: Theme.focusRing
        visible: button.activeFocus
    }

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
        onClicked: button.clicked()
    }
}
