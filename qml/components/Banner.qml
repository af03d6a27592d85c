import QtQuick

// A sentence that needs attention (an error, a warning) and a second line (the help line), in
// a slot of fixed height that is there while empty too: nothing on a screen moves when a
// banner appears, so a tap aimed at a key lands on that key. Long text shrinks to fit the slot
// rather than grow out of it.
Item {
    id: banner

    property string text: ""
    property string detail: ""
    property bool warning: false
    // the panel's objectName: tests and screenshots find a banner by it
    property alias name: panel.objectName

    implicitHeight: Theme.bannerHeight

    Rectangle {
        id: panel
        anchors.fill: parent
        visible: banner.text !== ""
        radius: Theme.radius
        color: banner.warning ? Theme.warningPanel : Theme.dangerPanel
        border.width: 2
        border.color: banner.warning ? Theme.primary : Theme.danger
        Accessible.role: Accessible.AlertMessage
        Accessible.name: banner.detail ? banner.text + " " + banner.detail : banner.text

        Text {
            id: sentence
            objectName: "bannerText"
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.top: parent.top
            anchors.bottom: help.visible ? help.top : parent.bottom
            anchors.margins: Theme.spacing * 0.75
            anchors.bottomMargin: help.visible ? 2 : Theme.spacing * 0.75
            text: banner.text
            color: Theme.text
            wrapMode: Text.WordWrap
            verticalAlignment: Text.AlignVCenter
            fontSizeMode: Text.Fit
            minimumPixelSize: 14
            font.pixelSize: Theme.fontBody
            font.bold: true
        }
        Text {
            id: help
            objectName: "bannerDetail"
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: Theme.spacing * 0.75
            height: visible ? Theme.fontSmall + 6 : 0
            visible: text !== "" && text !== banner.text
            text: banner.detail
            color: Theme.textMuted
            elide: Text.ElideRight
            fontSizeMode: Text.Fit
            minimumPixelSize: 14
            font.pixelSize: Theme.fontSmall
        }
    }
}
