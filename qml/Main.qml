import QtQuick
import "components"

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

        // Each screen is its own file, built when the flow first asks for it: the idle screen
        // is all the first frame needs (the others compile in the background, see below).
        readonly property string screen: root.greeter.screen
        onScreenChanged: show()
        Component.onCompleted: show()

        function show() {
            if (screen === "session") {
                source = "";
                return;
            }
            const file = root.screenFiles[screen] ?? root.screenFiles.idle;
            const properties = { greeter: root.greeter };
            if (file === root.screenFiles.password)
                properties.enrolling = screen === "enroll_card";
            setSource(Qt.resolvedUrl(file), properties);
        }
    }

    readonly property var screenFiles: ({
        idle: "screens/IdleScreen.qml",
        pin: "screens/PinScreen.qml",
        password: "screens/PasswordScreen.qml",
        enroll_card: "screens/PasswordScreen.qml",
        enroll_pin: "screens/EnrollPinScreen.qml",
        role: "screens/RoleScreen.qml",
        notice: "screens/NoticeScreen.qml",
        error: "screens/ErrorScreen.qml",
        locked: "screens/LockedScreen.qml"
    })

    // Once the idle screen is up, compile the other screens off the UI thread, so the first
    // tap's PIN pad does not wait on the compiler. The components are kept: that keeps them
    // compiled.
    property var compiledScreens: []
    Timer {
        interval: 300
        running: true
        onTriggered: {
            for (const file of Object.values(root.screenFiles))
                root.compiledScreens.push(Qt.createComponent(Qt.resolvedUrl(file), Component.Asynchronous));
        }
    }

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
