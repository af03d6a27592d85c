"""The screen shown when the theme cannot load: a kiosk must never be blank (SDDM's habit).

It lives in Python, not in a .qml file next to the theme, so whatever broke the theme (a bad
custom theme directory, a damaged install, a missing Qt Quick Controls) cannot break it too: it
imports only QtQuick. It is plain but complete enough to sign in with a card and PIN, a password,
and to get past notices, roles and errors. Its English is not translated on purpose: it has no
dependencies, not even the translation files.
"""

from __future__ import annotations

FALLBACK_QML = b"""
import QtQuick

Rectangle {
    id: root
    required property var greeter
    objectName: "fallbackRoot"
    width: parent ? parent.width : 1280
    height: parent ? parent.height : 800
    color: "#0B2545"

    readonly property string screen: greeter.screen
    readonly property var headlines: ({
        "idle": "Tap your card",
        "pin": "Enter your PIN",
        "password": "Username and password",
        "enroll_card": "Register this card: username and password",
        "enroll_pin": "Choose a PIN, then type it again",
        "role": "Choose your role",
        "notice": "Please note",
        "error": "Sign-in did not work",
        "locked": "Locked - tap your card to unlock"
    })
    readonly property bool wantsSecret: ["pin", "password", "enroll_card", "enroll_pin"]
        .indexOf(screen) >= 0
    readonly property bool wantsName: (screen === "password" && !greeter.usernameKnown)
        || screen === "enroll_card"

    function submit() {
        if (screen === "pin") greeter.submitPin(secret.text);
        else if (screen === "enroll_pin") greeter.submitNewPin(name.text, secret.text);
        else if (screen === "password")
            greeter.submitPassword(name.text, secret.text, greeter.domains[0] || "");
        else if (screen === "enroll_card")
            greeter.submitCardEnrollment(name.text, secret.text, greeter.domains[0] || "");
        else if (screen === "notice") greeter.acknowledgeNotices();
        else if (screen === "error" && greeter.canRetry) greeter.retry();
        name.text = "";
        secret.text = "";
    }
    onScreenChanged: {
        name.text = "";
        secret.text = "";
        const named = screen === "password" || screen === "enroll_card" || screen === "enroll_pin";
        (named ? name : secret).forceActiveFocus();
    }

    Text {
        objectName: "fallbackKioskName"
        x: 32; y: 24
        text: greeter.kioskName
        color: "white"; font.pixelSize: 24; font.bold: true
    }

    component Field: Rectangle {
        property alias text: input.text
        property alias echo: input.echoMode
        property alias label: caption.text
        function forceActiveFocus() { input.forceActiveFocus() }
        width: 600; height: 72; radius: 8; color: "white"
        Accessible.role: Accessible.EditableText
        Accessible.name: caption.text
        Text { id: caption; y: -30; color: "#C9D6E8"; font.pixelSize: 20 }
        TextInput {
            id: input
            anchors.fill: parent; anchors.margins: 16
            font.pixelSize: 28; color: "black"
            activeFocusOnTab: true
            onAccepted: root.submit()
        }
    }
    component Action: Rectangle {
        property alias text: label.text
        signal clicked
        width: 280; height: 72; radius: 8; color: "#FFB81C"
        Accessible.role: Accessible.Button
        Accessible.name: label.text
        Accessible.onPressAction: clicked()
        Text { id: label; anchors.centerIn: parent; font.pixelSize: 26; color: "#0B1B2B" }
        MouseArea { anchors.fill: parent; onClicked: parent.clicked() }
    }

    Column {
        anchors.centerIn: parent
        spacing: 44
        width: 900
        Text {
            objectName: "fallbackHeadline"
            width: parent.width
            text: root.screen === "pin" && greeter.offline
                  ? "Offline - enter your PIN to unlock your session"
                  : root.headlines[root.screen] || ""
            color: "white"; font.pixelSize: 52; font.bold: true; wrapMode: Text.WordWrap
        }
        Text {
            objectName: "fallbackDetail"
            width: parent.width
            visible: text !== ""
            text: root.screen === "notice"
                  ? greeter.notices.map(n => n.message).join("\\n")
                  : [greeter.errorKey ? "Problem: " + greeter.errorKey.replace(/_/g, " ")
                                      + (greeter.errorReason
                                         ? " (" + greeter.errorReason.replace(/_/g, " ") + ")" : "")
                                      + (greeter.attemptsLeft >= 0
                                         ? " (" + greeter.attemptsLeft + " left)" : "") : "",
                     greeter.readersOk ? "" : "No card reader is working",
                     greeter.errorKey || !greeter.readersOk
                         ? greeter.helpLine || "If you need help, call IT." : ""
                    ].filter(s => s).join("\\n")
            color: "#FF8A7A"; font.pixelSize: 26; wrapMode: Text.WordWrap
        }
        Field { id: name; visible: root.wantsName || root.screen === "enroll_pin"
                label: root.screen === "enroll_pin" ? "New PIN" : "Username"
                echo: root.screen === "enroll_pin" ? TextInput.Password : TextInput.Normal }
        Field { id: secret; visible: root.wantsSecret; echo: TextInput.Password
                label: root.screen === "enroll_pin" ? "New PIN again"
                       : root.screen === "pin" ? "PIN" : "Password" }
        Repeater {
            model: root.screen === "role" ? greeter.roles : []
            delegate: Action { required property var modelData; text: modelData.name
                               onClicked: greeter.chooseRole(modelData.code) }
        }
        Row {
            spacing: 24
            Action { text: "OK"; objectName: "fallbackOk"
                     visible: root.wantsSecret || root.screen === "notice"
                              || (root.screen === "error" && greeter.canRetry)
                     onClicked: root.submit() }
            Action { text: "Password login"
                     visible: (root.screen === "idle" || root.screen === "locked")
                              && greeter.canPasswordLogin
                     onClicked: greeter.requestPasswordLogin() }
            Action { text: "Cancel"; objectName: "fallbackCancel"
                     visible: root.screen !== "idle" && root.screen !== "locked"
                     onClicked: greeter.cancel() }
        }
    }
}
"""
