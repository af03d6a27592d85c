import QtQuick
import QtQuick.Controls.Basic

// The login domain: a big drop-down, hidden when there is only one domain to choose.
Column {
    id: picker

    property var domains: []
    readonly property string domain: domains.length > 0 ? combo.currentText : ""

    spacing: 6
    visible: domains.length > 1

    Text {
        id: caption
        text: qsTr("Domain")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
    }

    ComboBox {
        id: combo
        objectName: "domainCombo"
        width: picker.width
        height: Theme.touch
        model: picker.domains
        font.pixelSize: Theme.fontBody
        Accessible.role: Accessible.ComboBox
        Accessible.name: caption.text
        background: Rectangle {
            radius: Theme.radius
            color: "#FFFFFF"
            border.width: combo.activeFocus ? 4 : 1
            border.color: combo.activeFocus ? Theme.focusRing : Theme.panelBorder
        }
        contentItem: Text {
            leftPadding: Theme.spacing
            text: combo.displayText
            font: combo.font
            color: Theme.textOnPrimary
            verticalAlignment: Text.AlignVCenter
        }
        delegate: ItemDelegate {
            required property string modelData
            required property int index
            width: combo.width
            height: Theme.touch
            text: modelData
            font.pixelSize: Theme.fontBody
            highlighted: combo.highlightedIndex === index
            Accessible.name: modelData
        }
    }
}
