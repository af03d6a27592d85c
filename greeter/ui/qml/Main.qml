import QtQuick
import "components"
import "screens"

// The greeter: a top bar, the screen the flow asks for, a spinner while the kiosk waits on the
// server. Everything shown comes from `greeter` (the bridge); everything typed goes back to it.
Rectangle {
    id: root
    required property var greeter

    objectName: "greeterRoot"
    width: 1280
    height: 800
    color: Theme.background

    TopBar {
        id: topBar
        anchors.left: parent.left
        anchors.right: parent.right
        kioskName: root.greeter.kioskName
        readersOk: root.greeter.readersOk
    }

    Loader {
        id: screenLoader
        objectName: "screenLoader"
        anchors.top: topBar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        focus: true
        sourceComponent: {
            switch (root.greeter.screen) {
            case "pin": return pinScreen;
            case "password": return passwordScreen;
            case "enroll_card": return enrollCardScreen;
            case "enroll_pin": return enrollPinScreen;
            case "role": return roleScreen;
            case "notice": return noticeScreen;
            case "error": return errorScreen;
            case "locked": return lockedScreen;
            case "session": return null;
            default: return idleScreen;
            }
        }
    }

    Component { id: idleScreen; IdleScreen { greeter: root.greeter } }
    Component { id: pinScreen; PinScreen { greeter: root.greeter } }
    Component { id: passwordScreen; PasswordScreen { greeter: root.greeter } }
    Component { id: enrollCardScreen; PasswordScreen { greeter: root.greeter; enrolling: true } }
    Component { id: enrollPinScreen; EnrollPinScreen { greeter: root.greeter } }
    Component { id: roleScreen; RoleScreen { greeter: root.greeter } }
    Component { id: noticeScreen; NoticeScreen { greeter: root.greeter } }
    Component { id: errorScreen; ErrorScreen { greeter: root.greeter } }
    Component { id: lockedScreen; LockedScreen { greeter: root.greeter } }

    // while the server thinks: dim everything and swallow taps so nothing is sent twice
    Rectangle {
        objectName: "busyOverlay"
        anchors.fill: parent
        visible: root.greeter.busy
        color: "#C00B2545"
        MouseArea { anchors.fill: parent }
        Column {
            anchors.centerIn: parent
            spacing: Theme.margin
            Spinner { anchors.horizontalCenter: parent.horizontalCenter }
            Text {
                objectName: "busyText"
                text: qsTr("Please wait…")
                color: Theme.text
                font.pixelSize: Theme.fontLarge
                Accessible.role: Accessible.StaticText
                Accessible.name: text
            }
        }
    }
}
