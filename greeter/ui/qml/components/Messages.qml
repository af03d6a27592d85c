pragma Singleton
import QtQuick

// The flow names what went wrong with a stable key; this is the one place that turns a key into
// a sentence a clinician reads. The appliance's own message, where it gave one, is shown under it.
QtObject {
    function lockedTime(iso) {
        if (!iso)
            return "";
        const when = new Date(iso);
        if (isNaN(when.getTime()))
            return "";
        return when.toLocaleTimeString(Qt.locale(), Locale.ShortFormat);
    }

    function errorText(key, attemptsLeft, lockedUntil) {
        switch (key) {
        case "":
            return "";
        case "bad_pin":
            if (attemptsLeft >= 0)
                return qsTr("That PIN is not right. %n attempt(s) left.", "", attemptsLeft);
            return qsTr("That PIN is not right. Please try again.");
        case "bad_password":
            if (attemptsLeft >= 0)
                return qsTr("That username or password is not right. %n attempt(s) left.", "", attemptsLeft);
            return qsTr("That username or password is not right. Please try again.");
        case "locked": {
            const time = lockedTime(lockedUntil);
            if (time)
                return qsTr("Too many wrong attempts. You can try again at %1.").arg(time);
            return qsTr("Too many wrong attempts. Your sign-in is locked for now.");
        }
        case "card_not_registered":
            return qsTr("This card is not registered, and cards cannot be registered at this kiosk. Please see your Registration Authority.");
        case "card_not_supported":
            return qsTr("This card cannot be read. Hold it flat on the reader, or try another card.");
        case "unreachable":
            return qsTr("Unable to reach the login server. Please try again in a moment; if it keeps happening, call IT.");
        case "timeout":
            return qsTr("The login server took too long to answer. Please try again.");
        case "bad_reply":
            return qsTr("The login server gave an answer this kiosk does not understand. Please call IT.");
        case "state_expired":
            return qsTr("You took too long, so the sign-in was cancelled. Please start again.");
        case "pin_mismatch":
            return qsTr("The two PINs are not the same. Please type them again.");
        case "pin_rules":
            return qsTr("That PIN does not follow the rules.");
        case "denied":
            return qsTr("You cannot sign in at this kiosk.");
        case "card_taken":
            return qsTr("This card is already registered to someone else.");
        case "session_failed":
            return qsTr("Unable to start your desktop. Please try again; if it keeps happening, call IT.");
        case "rejected":
            return qsTr("The login server refused the request. Please call IT.");
        case "offline_owner_only":
            return qsTr("This kiosk is offline. Until the login server is back, only the signed-in user can unlock it, with their card and PIN.");
        case "offline_needs_server":
            return qsTr("This kiosk is offline. Your session can be unlocked once the login server is back.");
        case "offline_pin_limit":
            return qsTr("Too many wrong PINs. This kiosk is offline, so your session can be unlocked once the login server is back.");
        default:
            return qsTr("Something went wrong. Please try again.");
        }
    }

    function noticeText(code, daysLeft, message) {
        if (code === "vsc_expiring" && daysLeft >= 0)
            return qsTr("Your virtual smartcard expires in %n day(s).", "", daysLeft);
        if (code === "vsc_expired")
            return qsTr("Your virtual smartcard has expired. Please see your Registration Authority.");
        return message;
    }

    function pinRulesText(minLength, maxLength, digitsOnly) {
        if (digitsOnly)
            return qsTr("Your PIN must be %1 to %2 digits long.").arg(minLength).arg(maxLength);
        return qsTr("Your PIN must be %1 to %2 characters long.").arg(minLength).arg(maxLength);
    }
}
