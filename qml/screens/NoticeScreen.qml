import QtQuick
import "../components"

// Something the user must read before the session starts, e.g. a virtual smartcard expiring.
// The login has succeeded: the screen goes on into the session by itself when its time is up.
FocusScope {
    id: screen
    required property var greeter
    objectName: "screen_notice"
    focus: true

    Column {
        anchors.centerIn: parent
        width: Math.min(parent.width - 2 * Theme.margin, 900)
        spacing: Theme.margin

        CardIcon {
            anchors.horizontalCenter: parent.horizontalCenter
            symbol: "warning"
            width: 140
            height: 120
        }
        Text {
            objectName: "noticeTitle"
            width: parent.width
            horizontalAlignment: Text.AlignHCenter
            text: screen.greeter.userDisplayName
                  ? qsTr("Please note, %1").arg(screen.greeter.userDisplayName) : qsTr("Please note")
            color: Theme.text
            font.pixelSize: Theme.fontTitle
            font.bold: true
            Accessible.role: Accessible.Heading
            Accessible.name: text
        }
        Repeater {
            model: screen.greeter.notices
            delegate: Banner {
                required property var modelData
                required property int index
                name: "notice_" + index
                width: parent.width
                height: Theme.touch + 24
                warning: true
                text: Messages.noticeText(modelData.code, modelData.daysLeft, modelData.validUntil)
            }
        }
        BigButton {
            objectName: "noticeContinue"
            anchors.horizontalCenter: parent.horizontalCenter
            focus: true
            primary: true
            width: 400
            text: qsTr("OK, continue")
            onClicked: screen.greeter.acknowledgeNotices()
        }
        Countdown {
            objectName: "noticeCountdown"
            anchors.horizontalCenter: parent.horizontalCenter
            width: 400
            goesOn: true
            seconds: screen.greeter.entryTimeout
            restartKey: screen.greeter.entryRound
        }
    }
}
