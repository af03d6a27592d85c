import QtQuick

// How long a screen waits for the user (the flow's entry_timeout): before giving up, or
// (`goesOn`, the notice screen) before going on by itself. Presentation only: the flow's own
// timer decides; this starts again whenever `restartKey` changes (the View's entryRound).
Item {
    id: countdown

    property int seconds: 0
    property var restartKey
    property bool goesOn: false
    property int remaining: seconds

    visible: seconds > 0
    implicitWidth: 360
    implicitHeight: label.implicitHeight + bar.height + 8
    onRestartKeyChanged: restart()
    onSecondsChanged: restart()
    Component.onCompleted: restart()

    function restart() {
        remaining = seconds;
        ticker.restart();
    }

    Timer {
        id: ticker
        interval: 1000
        repeat: true
        running: countdown.visible && countdown.remaining > 0
        onTriggered: countdown.remaining = Math.max(0, countdown.remaining - 1)
    }

    Text {
        id: label
        objectName: "countdownText"
        anchors.horizontalCenter: parent.horizontalCenter
        text: countdown.goesOn ? qsTr("Going on by itself in %n second(s)", "", countdown.remaining)
                               : qsTr("%n second(s) left", "", countdown.remaining)
        color: countdown.remaining <= 10 ? Theme.primary : Theme.textMuted
        font.pixelSize: Theme.fontSmall
        Accessible.role: Accessible.StaticText
        Accessible.name: text
    }

    Rectangle {
        id: bar
        anchors.top: label.bottom
        anchors.topMargin: 8
        width: parent.width
        height: 6
        radius: 3
        color: Theme.key
        Rectangle {
            width: countdown.seconds > 0 ? parent.width * countdown.remaining / countdown.seconds : 0
            height: parent.height
            radius: 3
            color: countdown.remaining <= 10 ? Theme.primary : Theme.textMuted
            Behavior on width { NumberAnimation { duration: 900 } }
        }
    }
}
