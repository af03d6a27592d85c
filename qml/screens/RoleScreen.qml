import QtQuick
import "../components"

// More than one Spine role and none chosen: one big button per role. On a keyboard the first
// role has the focus, the arrows and Tab move it, Enter chooses, Escape cancels.
FocusScope {
    id: screen
    required property var greeter
    objectName: "screen_role"
    focus: true

    Keys.onEscapePressed: greeter.cancel()

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: Theme.spacing

        Text {
            objectName: "roleTitle"
            width: parent.width
            text: screen.greeter.userDisplayName
                  ? qsTr("Choose your role, %1").arg(screen.greeter.userDisplayName)
                  : qsTr("Choose your role")
            elide: Text.ElideRight
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
                required property int index
                objectName: "role_" + modelData.code
                focus: index === 0
                width: parent.width
                height: Theme.touch + 16
                text: modelData.name + "  (" + modelData.code + ")"
                onClicked: screen.greeter.chooseRole(modelData.code)
            }
        }
        Item {
            width: parent.width
            height: Theme.touch
            BigButton {
                objectName: "roleCancel"
                text: qsTr("Cancel")
                onClicked: screen.greeter.cancel()
            }
            Countdown {
                objectName: "roleCountdown"
                anchors.right: parent.right
                anchors.verticalCenter: parent.verticalCenter
                width: 320
                seconds: screen.greeter.entryTimeout
                restartKey: screen.greeter.entryRound
            }
        }
    }
}
