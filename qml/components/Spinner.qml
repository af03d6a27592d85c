import QtQuick

// A turning arc: something is happening, please wait.
Item {
    id: spinner
    implicitWidth: 96
    implicitHeight: 96
    Accessible.role: Accessible.Animation
    Accessible.name: qsTr("Please wait")

    Canvas {
        id: arc
        anchors.fill: parent
        onPaint: {
            const ctx = getContext("2d");
            ctx.reset();
            ctx.lineWidth = 10;
            ctx.lineCap = "round";
            ctx.strokeStyle = Theme.key;
            ctx.beginPath();
            ctx.arc(width / 2, height / 2, width / 2 - 8, 0, 2 * Math.PI);
            ctx.stroke();
            ctx.strokeStyle = Theme.primary;
            ctx.beginPath();
            ctx.arc(width / 2, height / 2, width / 2 - 8, 0, Math.PI / 2);
            ctx.stroke();
        }
        RotationAnimation on rotation {
            running: spinner.visible
            from: 0
            to: 360
            duration: 1000
            loops: Animation.Infinite
        }
    }
}
