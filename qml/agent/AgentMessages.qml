import QtQuick

// The agent's sentences: the one place that turns its message keys (greeter/agent/step.py
// MESSAGES: the Spine smartcard's problems, the appliance's refusals, the agent's own news)
// into what a clinician reads: what happened, then what to do next.
QtObject {
    function text(key, triesLeft, assigned) {
        switch (key) {
        case "":
            return "";
        case "no_card":
            return qsTr("No Spine smartcard is in the reader. Insert your smartcard, then try again.");
        case "wrong_passcode":
            if (triesLeft >= 0)
                return qsTr("That passcode is not right. %n attempt(s) left before the card is blocked.", "", triesLeft);
            return qsTr("That passcode is not right. Type it again.");
        case "blocked":
            return qsTr("Your smartcard is blocked after too many wrong passcodes. Your Registration Authority can unblock it.");
        case "removed":
            return qsTr("The smartcard was taken out before it finished. Insert it again and try again.");
        case "unreadable":
            return qsTr("This smartcard cannot be read. Check it is your Spine smartcard, chip first, and try again.");
        case "wrong_card":
            return qsTr("Spine did not accept this smartcard for you. Check it is your own Spine smartcard.");
        case "try_again":
            return qsTr("That took too long. Please try again.");
        case "spine_two_factor_required":
            return qsTr("Spine needs a sign-in with your card and PIN (or password). Log out and sign in again with both.");
        case "spine_environment":
            return qsTr("This kiosk is set up for another Spine environment than the server. Please call IT.");
        case "broker_unreachable":
            return qsTr("Unable to reach the Spine Security Broker. Please try again in a moment.");
        case "spine_not_set_up":
            return qsTr("Spine is not set up on the login server. Please call IT.");
        case "spine_session_ended":
            return qsTr("Your Spine session has ended. Sign in to Spine again.");
        case "vsc_refused":
            return qsTr("Spine did not accept your virtual smartcard. Please see your Registration Authority.");
        case "admin_required":
            return qsTr("Those are not an administrator's credentials. Nothing was reset.");
        case "rate_limited":
            return qsTr("Too many requests at once. Please wait a moment and try again.");
        case "ra_card_absent":
            return qsTr("Insert your own Registration Authority smartcard in the reader, then try again.");
        case "not_an_ra":
            return qsTr("You are not a Registration Authority, so you cannot manage virtual smartcards.");
        case "user_not_found":
            return qsTr("That user no longer exists. Search again.");
        case "self_assignment":
            return qsTr("You cannot assign a virtual smartcard to yourself.");
        case "target_is_ra":
            return qsTr("That user is a Registration Authority, and a Registration Authority may not hold a virtual smartcard.");
        case "vsc_not_found":
            return qsTr("No virtual smartcard has that CIS username and serial. Check both in CIS.");
        case "vsc_revoked":
            return qsTr("That virtual smartcard has been revoked. Choose another.");
        case "vsc_expired":
            return qsTr("That virtual smartcard has expired. Choose another.");
        case "vsc_assigned":
            return qsTr("That virtual smartcard already belongs to someone. Choose another.");
        case "user_has_vsc":
            return qsTr("That user already holds a virtual smartcard.");
        case "appliance_unreachable":
            return qsTr("Unable to reach the login server. Please try again in a moment.");
        case "passcode_empty":
            return qsTr("Type your smartcard's passcode first.");
        case "reset_incomplete":
            return qsTr("Type the administrator's username, password and domain first.");
        case "reset_done":
            return qsTr("The Spine session was reset. Sign in to Spine again to use Spine.");
        case "restarted":
            return qsTr("Your Spine session was restarted.");
        case "default_set":
            return qsTr("Your default role is set. It is used from your next Spine session.");
        case "assigned":
            return assigned
                ? qsTr("Virtual smartcard %1 is now assigned to %2.").arg(assigned.serial).arg(assigned.owner)
                : qsTr("The virtual smartcard is assigned.");
        case "no_users":
            return qsTr("Nobody matches that name.");
        case "no_vscs":
            return qsTr("There are no unassigned virtual smartcards. Ask for more in CIS.");
        default:
            return qsTr("The login server refused that. Please call IT.");
        }
    }
}
