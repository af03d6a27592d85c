import QtQuick
import "../components"

// More than one Spine role and none chosen: one big button per role.
Item {
    id: screen
    required property var greeter
    objectName: "screen_role"

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: Theme.spacing

        Text {
            objectName: "roleTitle"
            width: parent.width
            text: qsTr("Choose your role")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Text {
            width: parent.width
            wrapMode: Text.WordWrap
            text: qsTr("You can work in more than one role. Which one for this session?")
            color: Theme.textMuted
            font.pixelSize: Theme.fontBody
        }
        Repeater {
            model: screen.greeter.roles
            delegate: BigButton {
                required property var modelData
                objectName: "role_" + modelData.code
                width: parent.width
                height: Theme.touch + 16
                text: modelData.name + "  (" + modelData.code + ")"
                onClicked: screen.greeter.chooseRole(modelData.code)
            }
        }
        BigButton {
            objectName: "roleCancel"
            text: qsTr("Cancel")
            onClicked: screen.greeter.cancel()
        }
    }
}
