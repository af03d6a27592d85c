import QtQuick

// "Sign in with password", on the idle and the lock screen: shown only where the appliance's
// policy allows a password as the first factor.
BigButton {
    id: button
    required property var greeter

    objectName: "passwordLoginButton"
    visible: greeter.canPasswordLogin
    width: Math.max(implicitWidth, 520)
    text: qsTr("Sign in with password")
    onClicked: greeter.requestPasswordLogin()
}
