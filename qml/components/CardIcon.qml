import QtQuick

// A badge with contactless waves, drawn (no image files to go missing); `symbol` "lock" draws
// a padlock instead, "warning" a warning sign.
Canvas {
    id: icon

    property string symbol: "card"
    property color stroke: Theme.text
    property color accent: Theme.primary

    implicitWidth: 200
    implicitHeight: 160
    Accessible.ignored: true
    onSymbolChanged: requestPaint()

    onPaint: {
        const ctx = getContext("2d");
        ctx.reset();
        ctx.lineWidth = 8;
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        const w = width, h = height;
        if (symbol === "lock") {
            const r = Math.min(w, h) * 0.2;
            ctx.strokeStyle = stroke;
            ctx.lineWidth = Math.max(8, r * 0.28);
            ctx.beginPath();
            ctx.moveTo(w / 2 - r, h * 0.52);
            ctx.lineTo(w / 2 - r, h * 0.12 + r);
            ctx.arc(w / 2, h * 0.12 + r, r, Math.PI, 0);
            ctx.lineTo(w / 2 + r, h * 0.52);
            ctx.stroke();
            ctx.fillStyle = accent;
            ctx.beginPath();
            ctx.roundedRect(w / 2 - r * 1.7, h * 0.46, r * 3.4, h * 0.48, 10, 10);
            ctx.fill();
            ctx.fillStyle = Theme.background;
            ctx.beginPath();
            ctx.arc(w / 2, h * 0.64, r * 0.3, 0, 2 * Math.PI);
            ctx.fill();
            ctx.fillRect(w / 2 - r * 0.12, h * 0.64, r * 0.24, h * 0.16);
            return;
        }
        if (symbol === "warning") {
            ctx.fillStyle = accent;
            ctx.beginPath();
            ctx.moveTo(w / 2, h * 0.08);
            ctx.lineTo(w / 2 + h * 0.5, h * 0.92);
            ctx.lineTo(w / 2 - h * 0.5, h * 0.92);
            ctx.closePath();
            ctx.fill();
            ctx.fillStyle = Theme.textOnPrimary;
            ctx.fillRect(w / 2 - 5, h * 0.35, 10, h * 0.32);
            ctx.fillRect(w / 2 - 5, h * 0.74, 10, 10);
            return;
        }
        // the badge
        ctx.strokeStyle = stroke;
        ctx.beginPath();
        ctx.roundedRect(w * 0.06, h * 0.22, w * 0.5, h * 0.7, 10, 10);
        ctx.stroke();
        ctx.fillStyle = accent;
        ctx.fillRect(w * 0.14, h * 0.34, w * 0.16, h * 0.16);
        ctx.fillRect(w * 0.14, h * 0.62, w * 0.34, 8);
        ctx.fillRect(w * 0.14, h * 0.74, w * 0.24, 8);
        // the waves
        ctx.strokeStyle = accent;
        for (let i = 0; i < 3; i++) {
            ctx.beginPath();
            ctx.arc(w * 0.6, h * 0.5, w * (0.12 + 0.1 * i), -Math.PI / 4, Math.PI / 4);
            ctx.stroke();
        }
    }
}
