import QtQuick
import QtQuick.Controls.Basic

// A labelled text field sized for fingers.
Column {
    id: field

    property alias label: caption.text
    property alias text: input.text
    property alias input: input
    property bool secret: false
    signal accepted

    spacing: 6

    function clear() {
        input.clear();
    }

    Text {
        id: caption
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
    }

    TextField {
        id: input
        width: field.width
        height: Theme.touch
        font.pixelSize: Theme.fontBody
        color: Theme.textOnPrimary
        echoMode: field.secret ? TextInput.Password : TextInput.Normal
        inputMethodHints: field.secret ? Qt.ImhSensitiveData | Qt.ImhNoPredictiveText
                                       : Qt.ImhNoAutoUppercase | Qt.ImhNoPredictiveText
        leftPadding: Theme.spacing
        Accessible.role: Accessible.EditableText
        Accessible.name: caption.text
        Accessible.passwordEdit: field.secret
        onAccepted: field.accepted()
        background: Rectangle {
            radius: Theme.radius
            color: "#FFFFFF"
            border.width: input.activeFocus ? 4 : 1
            border.color: input.activeFocus ? Theme.focusRing : Theme.panelBorder
        }
    }
}
