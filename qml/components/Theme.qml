pragma Singleton
import QtQuick

// One place for colours and sizes. High contrast for a bright ward: white on deep blue (about
// 13:1), a warm yellow for the one action that matters on each screen, touch targets >= 64 px.
QtObject {
    readonly property color background: "#0B2545"
    readonly property color panel: "#13315C"
    readonly property color panelBorder: "#3E6A9E"
    readonly property color key: "#1D4477"
    readonly property color keyPressed: "#3E6A9E"
    readonly property color text: "#FFFFFF"
    readonly property color textMuted: "#C9D6E8"
    readonly property color primary: "#FFB81C"
    readonly property color primaryPressed: "#E09B00"
    readonly property color textOnPrimary: "#0B1B2B"
    readonly property color ok: "#3DDC84"
    readonly property color danger: "#FF8A7A"
    readonly property color dangerPanel: "#5C1A1A"
    readonly property color warningPanel: "#5A4300"
    readonly property color focusRing: "#FFB81C"

    readonly property int touch: 72          // minimum height of anything a finger must hit
    readonly property int bannerHeight: 116  // the slot an error fills: three lines of text
    readonly property int keySize: 88        // keypad keys
    readonly property int radius: 10
    readonly property int margin: 32
    readonly property int spacing: 16

    readonly property int fontHuge: 64
    readonly property int fontTitle: 44
    readonly property int fontHeading: 36
    readonly property int fontLarge: 30
    readonly property int fontBody: 24
    readonly property int fontSmall: 20
}
