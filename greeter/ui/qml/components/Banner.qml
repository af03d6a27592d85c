import QtQuick

// A sentence that needs attention (an error, a warning), with an optional second line.
Rectangle {
    id: banner

    property string text: ""
    property string detail: ""
    property bool warning: false

    visible: text !== ""
    implicitHeight: column.implicitHeight + 2 * Theme.spacing
    radius: Theme.radius
    color: warning ? Theme.warningPanel : Theme.dangerPanel
    border.width: 2
    border.color: warning ? Theme.primary : Theme.danger
    Accessible.role: Accessible.AlertMessage
    Accessible.name: detail ? text + " " + detail : text

    Column {
        id: column
        anchors.left: parent.left
        anchors.right: parent.right
        anchors.verticalCenter: parent.verticalCenter
        anchors.margins: Theme.spacing
        spacing: 4
        Text {
            objectName: "bannerText"
            width: parent.width
            text: banner.text
            color: Theme.text
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        Text {
            objectName: "bannerDetail"
            width: parent.width
            visible: text !== "" && text !== banner.text
            text: banner.detail
            color: Theme.textMuted
            wrapMode: Text.WordWrap
            font.pixelSize: Theme.fontSmall
        }
    }
}
