pragma Singleton
import QtQuick

// The one place that turns the flow's stable codes into sentences a clinician reads: what
// happened, then what to do next. Every sentence is here, in the translation catalogue; no
// text from the appliance or a developer reaches the screen. `g` is the bridge (its errorKey,
// errorReason, attemptsLeft, lockedUntil, pinMin/pinMax/pinDigitsOnly, usernameKnown).
QtObject {
    // the site's help line from the config ends every error
    function helpText(g) {
        return g.helpLine || qsTr("If you need help, call IT.");
    }

    // a time of day today, with the date on another day (a lockout may last days)
    function lockedTime(iso) {
        if (!iso)
            return "";
        const when = new Date(iso);
        if (isNaN(when.getTime()))
            return "";
        const time = when.toLocaleTimeString(Qt.locale(), Locale.ShortFormat);
        if (when.toDateString() === new Date().toDateString())
            return time;
        return qsTr("%1 on %2").arg(time).arg(when.toLocaleDateString(Qt.locale(), Locale.ShortFormat));
    }

    function errorText(g) {
        switch (g.errorKey) {
        case "":
            return "";
        case "bad_pin":
            if (g.attemptsLeft >= 0)
                return qsTr("That PIN is not right. %n attempt(s) left: type it again.", "", g.attemptsLeft);
            return qsTr("That PIN is not right. Please type it again.");
        case "bad_password":
            if (g.usernameKnown && g.attemptsLeft >= 0)
                return qsTr("That password is not right. %n attempt(s) left: check Caps Lock and type it again.", "", g.attemptsLeft);
            if (g.attemptsLeft >= 0)
                return qsTr("That username or password is not right. %n attempt(s) left: check both and type them again.", "", g.attemptsLeft);
            return qsTr("That username or password is not right. Check both and try again.");
        case "locked": {
            const time = lockedTime(g.lockedUntil);
            if (time)
                return qsTr("Too many wrong attempts: your sign-in is locked until %1. Try again then, or ask IT to unlock it sooner.").arg(time);
            return qsTr("Too many wrong attempts: your sign-in is locked for now. Try again later, or ask IT to unlock it sooner.");
        }
        case "card_not_registered":
            return qsTr("This card is not registered, and cards cannot be registered at this kiosk. Please ask your Registration Authority to register it.");
        case "card_not_supported":
            return qsTr("This card cannot be read. Hold it flat on the reader, or try another card.");
        case "unreachable":
            return qsTr("Unable to reach the login server. Please try again in a moment.");
        case "timeout":
            return qsTr("The login server took too long to answer. Please try again.");
        case "bad_reply":
            return qsTr("The login server gave an answer this kiosk does not understand. Please try again.");
        case "state_expired":
            return qsTr("You took too long, so the sign-in was cancelled. Please start again.");
        case "pin_mismatch":
            return qsTr("The two PINs are not the same. Type your new PIN again, twice.");
        case "pin_rules":
            return pinRuleText(g);
        case "denied":
            return deniedText(g.errorReason);
        case "session_failed":
            return qsTr("Unable to start your desktop. Please try again.");
        case "rejected":
            if (g.errorReason === "rate_limited")
                return qsTr("The login server is busy. Please try again in a moment.");
            if (g.errorReason === "kiosk_unauthorized")
                return qsTr("This kiosk may not use the login server. Please use another kiosk.");
            return qsTr("The login server refused the request. Please try again.");
        case "offline_owner_only":
            return qsTr("This kiosk is offline. Until the login server is back, only the signed-in user can unlock it, with their card and PIN. Please use another kiosk.");
        case "offline_needs_server":
            return qsTr("This kiosk is offline. Your session can be unlocked once the login server is back: please try again in a moment.");
        case "offline_pin_limit":
            return qsTr("Too many wrong PINs. This kiosk is offline, so your session can be unlocked once the login server is back: please try again later.");
        case "offline_recent_only":
            return qsTr("This kiosk is offline: the login server cannot be reached. Only people who signed in here recently with their card and PIN can sign in. Please use another kiosk.");
        case "offline_login_locked":
            return qsTr("Too many wrong PINs. This kiosk is offline, so you can sign in here again once the login server is back. Please use another kiosk.");
        default:
            return qsTr("Something went wrong. Please try again.");
        }
    }

    function deniedText(reason) {
        switch (reason) {
        case "card_revoked":
            return qsTr("This card has been revoked. Please use another card, or ask your Registration Authority for a new one.");
        case "card_pending":
            return qsTr("This card is registered but waits for IT to approve it. Please try again once it is approved.");
        case "card_taken":
            return qsTr("This card is already registered to someone else. Please use your own card.");
        case "user_disabled":
            return qsTr("Your account is disabled, so you cannot sign in. Please ask IT about it.");
        case "factor_not_allowed":
            return qsTr("Your account may not sign in this way. Please ask IT how you should sign in.");
        case "enrollment_not_allowed":
            return qsTr("Cards cannot be registered for your account at a kiosk. Please ask your Registration Authority.");
        default:
            return qsTr("You cannot sign in at this kiosk. Please ask IT why.");
        }
    }

    // a new PIN refused, by the rule it broke (the appliance's `rule`)
    function pinRuleText(g) {
        const digits = g.pinDigitsOnly;
        switch (g.errorReason) {
        case "too_short":
            return digits ? qsTr("That PIN is too short: use at least %1 digits.").arg(g.pinMin)
                          : qsTr("That PIN is too short: use at least %1 characters.").arg(g.pinMin);
        case "too_long":
            return digits ? qsTr("That PIN is too long: use at most %1 digits.").arg(g.pinMax)
                          : qsTr("That PIN is too long: use at most %1 characters.").arg(g.pinMax);
        case "digits_only":
            return qsTr("Use digits only in your PIN.");
        case "printable":
            return qsTr("Use only letters, digits and symbols in your PIN.");
        case "repeated":
            return qsTr("That PIN is one digit over and over, which is easy to guess. Choose another PIN.");
        case "sequential":
            return qsTr("That PIN is a run of digits, like 1234 or 4321, which is easy to guess. Choose another PIN.");
        case "common":
            return qsTr("That PIN is one of the most common PINs, which is easy to guess. Choose another PIN.");
        default:
            return qsTr("That PIN does not follow the rules. Choose another PIN.");
        }
    }

    // the rules, up front on the screen where a new PIN is chosen
    function pinRulesText(minLength, maxLength, digitsOnly) {
        const length = digitsOnly
            ? qsTr("Your PIN must be %1 to %2 digits long.").arg(minLength).arg(maxLength)
            : qsTr("Your PIN must be %1 to %2 characters long.").arg(minLength).arg(maxLength);
        return length + " " + qsTr("Not one digit over and over (1111), not a run (1234, 4321), and not one of the most common PINs.");
    }

    // why no card can be read (the View's readerProblem)
    function readerText(problem) {
        if (problem === "down")
            return qsTr("This kiosk cannot read cards right now.");
        return qsTr("No card reader is working. Check that the reader is plugged in.");
    }

    // the appliance's notice codes (docs/api.md "notices"); its own wording is English only
    function noticeText(code, daysLeft, validUntil) {
        if (code === "vsc_expiring" && daysLeft >= 0)
            return qsTr("Your virtual smartcard expires in %n day(s). Renew it in the Care Identity Service (CIS) before then.", "", daysLeft);
        if (code === "vsc_expired")
            return qsTr("Your virtual smartcard has expired and can no longer be used for Spine. Please see your Registration Authority.");
        if (code === "vsc_renewed" && validUntil)
            return qsTr("Your virtual smartcard was renewed: it is valid until %1.").arg(validUntil);
        return qsTr("There is a message about your account. Please ask IT about it.");
    }
}
