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

    // The screen the flow asks for. Every screen shown is a fresh instance, so nothing typed
    // on one outlives it. The screens a tap leads to (`sparedScreens`) are built ahead, off the
    // visual tree, and a switch takes that spare instead of building one while the user
    // waits (~5 ms for the PIN pad on a thin client's CPU); a new spare is built in the
    // background a moment later, once the new screen is drawn.
    FocusScope {
        id: screenHost
        objectName: "screenHost"
        anchors.top: topBar.bottom
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.bottom: parent.bottom
        focus: true

        property Item item: null
        readonly property string screen: root.greeter.screen
        onScreenChanged: show()
        Component.onCompleted: show()

        function show() {
            const old = item;
            item = screen === "session" ? null : root.freshScreen(screen);
            if (item !== null) {
                item.parent = screenHost;
                item.anchors.fill = screenHost;
                item.focus = true;
            }
            if (old !== null) {
                old.visible = false;
                old.destroy();
            }
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
    readonly property var sparedScreens: ["pin", "idle", "locked"]

    // Where spares wait: not in the visual tree (never drawn, never found by name), and
    // invisible, so their countdowns do not run before they are shown.
    property Item spareShelf: Item { visible: false }
    property var spares: ({})
    property var components: ({})

    function propertiesOf(screen) {
        const properties = { greeter: root.greeter };
        if (root.screenFiles[screen] === root.screenFiles.password)
            properties.enrolling = screen === "enroll_card";
        return properties;
    }

    // `now`: the caller builds at once, so a component still compiling in the background is
    // replaced by one compiled here
    function componentOf(screen, now) {
        const file = root.screenFiles[screen] ?? root.screenFiles.idle;
        let component = root.components[file];
        if (component === undefined || component.status === Component.Error
                || (now && component.status === Component.Loading)) {
            component = Qt.createComponent(Qt.resolvedUrl(file));
            root.components[file] = component;
        }
        return component;
    }

    function freshScreen(screen) {
        const spare = root.spares[screen];
        delete root.spares[screen];
        if (spare !== undefined && spare.status === Component.Loading)
            spare.forceCompletion();
        const item = spare?.object ?? root.componentOf(screen, true).createObject(root.spareShelf, root.propertiesOf(screen));
        if (item === null)
            console.error("unable to show the " + screen + " screen: " + root.componentOf(screen, true).errorString());
        spareTimer.restart();
        return item;
    }

    function buildSpare(screen) {
        if (!root.sparedScreens.includes(screen) || root.spares[screen] !== undefined)
            return;
        const component = root.componentOf(screen);
        if (component.status !== Component.Ready)
            return;
        root.spares[screen] = component.incubateObject(root.spareShelf, root.propertiesOf(screen),
                                                       Qt.Asynchronous);
    }

    // at shut-down (the window calls it): a spare still being built is finished and dropped,
    // so none is left half made when the engine goes
    function releaseSpares() {
        spareTimer.stop();
        for (const screen of Object.keys(root.spares)) {
            const spare = root.spares[screen];
            if (spare.status === Component.Loading)
                spare.forceCompletion();
            if (spare.object)
                spare.object.destroy();
        }
        root.spares = {};
    }

    // Once the idle screen is up, compile the other screens off the UI thread, so the first
    // tap's PIN pad does not wait on the compiler, then build the spares. The components are
    // kept: that keeps them compiled.
    Timer {
        interval: 300
        running: true
        onTriggered: {
            for (const file of new Set(Object.values(root.screenFiles))) {
                if (root.components[file] === undefined)
                    root.components[file] = Qt.createComponent(Qt.resolvedUrl(file), Component.Asynchronous);
            }
            spareTimer.start();
        }
    }
    // builds the missing spares, after the screen that used one is drawn (incubating sooner
    // would hold back its frame), and until the compiler has every component
    Timer {
        id: spareTimer
        interval: 250
        repeat: true
        onTriggered: {
            let waiting = false;
            for (const screen of root.sparedScreens) {
                if (root.componentOf(screen).status === Component.Loading)
                    waiting = true;
                else
                    root.buildSpare(screen);
            }
            if (!waiting)
                stop();
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
