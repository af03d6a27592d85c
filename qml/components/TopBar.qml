import QtQuick

// Kiosk name, reader health and the time: always on top, so a clinician sees at a glance
// whether this kiosk can read their card.
Rectangle {
    id: bar

    property string kioskName: ""
    property bool readersOk: true

    implicitHeight: 72
    color: Theme.panel

    Text {
        objectName: "kioskName"
        anchors.left: parent.left
        anchors.leftMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        text: bar.kioskName
        color: Theme.text
        font.pixelSize: Theme.fontBody
        font.bold: true
        Accessible.role: Accessible.StaticText
        Accessible.name: qsTr("Kiosk %1").arg(bar.kioskName)
    }

    Row {
        anchors.centerIn: parent
        spacing: 10
        Rectangle {
            anchors.verticalCenter: parent.verticalCenter
            width: 18
            height: 18
            radius: 9
            color: bar.readersOk ? Theme.ok : Theme.danger
        }
        Text {
            objectName: "readerHealth"
            text: bar.readersOk ? qsTr("Card reader ready") : qsTr("Card reader not working")
            color: bar.readersOk ? Theme.textMuted : Theme.danger
            font.pixelSize: Theme.fontSmall
            font.bold: !bar.readersOk
            Accessible.role: Accessible.StaticText
            Accessible.name: text
        }
    }

    Text {
        id: clock
        objectName: "clock"
        anchors.right: parent.right
        anchors.rightMargin: Theme.margin
        anchors.verticalCenter: parent.verticalCenter
        color: Theme.text
        font.pixelSize: Theme.fontLarge
        Accessible.role: Accessible.StaticText
        Accessible.name: text
        // wakes once a minute, just after the minute turns (the text shows no seconds): an
        // idle kiosk neither wakes nor redraws in between
        function refresh() {
            const now = new Date();
            text = now.toLocaleTimeString(Qt.locale(), Locale.ShortFormat);
            minuteTimer.interval = 60000 - now.getSeconds() * 1000 - now.getMilliseconds() + 20;
            minuteTimer.restart();
        }
        Component.onCompleted: refresh()
        Timer {
            id: minuteTimer
            objectName: "clockTimer"
            onTriggered: clock.refresh()
        }
    }
}
