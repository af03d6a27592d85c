<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE" sourcelanguage="en">
<context>
    <name>Agent</name>
    <message>
        <location filename="../agent/Agent.qml" line="32"/>
        <source>Spine role: %1. Open the menu</source>
        <translation>Spine-roll: %1. Öppna menyn</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="33"/>
        <source>%1. Open the menu</source>
        <translation>%1. Öppna menyn</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="73"/>
        <source>Close</source>
        <translation>Stäng</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="73"/>
        <source>Back</source>
        <translation>Tillbaka</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="92"/>
        <source>Please wait…</source>
        <translation>Vänta…</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="136"/>
        <source>Not signed in to Spine</source>
        <translation>Inte inloggad i Spine</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="137"/>
        <source>Role: %1</source>
        <translation>Roll: %1</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="138"/>
        <source>No role chosen</source>
        <translation>Ingen roll vald</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="142"/>
        <source>Change role</source>
        <translation>Byt roll</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="147"/>
        <source>Set default role</source>
        <translation>Välj standardroll</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="152"/>
        <location filename="../agent/Agent.qml" line="263"/>
        <source>Restart Spine session</source>
        <translation>Starta om Spine-sessionen</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="152"/>
        <location filename="../agent/Agent.qml" line="207"/>
        <source>Sign in to Spine</source>
        <translation>Logga in i Spine</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="158"/>
        <source>Manage virtual smartcards</source>
        <translation>Hantera virtuella smartkort</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="163"/>
        <source>Lock</source>
        <translation>Lås</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="168"/>
        <source>Log out</source>
        <translation>Logga ut</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="187"/>
        <source>To restart your Spine session, insert your Spine smartcard and type its passcode.</source>
        <translation>Sätt i ditt Spine-smartkort och skriv dess kod för att starta om Spine-sessionen.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="188"/>
        <source>To sign in to Spine, insert your Spine smartcard and type its passcode.</source>
        <translation>Sätt i ditt Spine-smartkort och skriv dess kod för att logga in i Spine.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="194"/>
        <source>Passcode</source>
        <translation>Kod</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="226"/>
        <source>Choose your default role for future Spine sessions.</source>
        <translation>Välj din standardroll för kommande Spine-sessioner.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="228"/>
        <source>Choose the role for your Spine session, then type your smartcard&apos;s passcode.</source>
        <translation>Välj roll för din Spine-session och skriv sedan smartkortets kod.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="229"/>
        <source>Choose your Spine role.</source>
        <translation>Välj din Spine-roll.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="259"/>
        <source>Smartcard users change role by restarting the Spine session: insert your smartcard, type its passcode, then choose the role.</source>
        <translation>Med smartkort byter du roll genom att starta om Spine-sessionen: sätt i smartkortet, skriv dess kod och välj sedan roll.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="280"/>
        <source>Reset Spine session: an administrator signs in here. The user must then sign in to Spine again.</source>
        <translation>Återställ Spine-sessionen: en administratör loggar in här. Användaren måste sedan logga in i Spine igen.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="286"/>
        <source>Administrator&apos;s username</source>
        <translation>Administratörens användarnamn</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="292"/>
        <source>Password</source>
        <translation>Lösenord</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="298"/>
        <source>Domain</source>
        <translation>Domän</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="304"/>
        <source>Reset Spine session</source>
        <translation>Återställ Spine-sessionen</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="332"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="352"/>
        <source>Find a user by name</source>
        <translation>Sök användare på namn</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="357"/>
        <source>Search</source>
        <translation>Sök</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="366"/>
        <source>%1 (%2): VSC %3</source>
        <translation>%1 (%2): VSC %3</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="367"/>
        <source>%1 (%2): no VSC</source>
        <translation>%1 (%2): inget VSC</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="388"/>
        <source>%1 (%2@%3) holds virtual smartcard %4 (%5).</source>
        <translation>%1 (%2@%3) har det virtuella smartkortet %4 (%5).</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="389"/>
        <source>%1 (%2@%3) holds no virtual smartcard.</source>
        <translation>%1 (%2@%3) har inget virtuellt smartkort.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="393"/>
        <source>Assign VSC</source>
        <translation>Tilldela VSC</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="410"/>
        <source>Choose the virtual smartcard whose CIS username and serial match the ones in CIS.</source>
        <translation>Välj det virtuella smartkort vars CIS-användarnamn och serienummer stämmer med dem i CIS.</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="419"/>
        <source>CIS %1 · %2</source>
        <translation>CIS %1 · %2</translation>
    </message>
    <message>
        <location filename="../agent/Agent.qml" line="420"/>
        <source>CIS username %1, serial %2, valid until %3</source>
        <translation>CIS-användarnamn %1, serienummer %2, giltigt till %3</translation>
    </message>
</context>
<context>
    <name>AgentMessages</name>
    <message>
        <location filename="../agent/AgentMessages.qml" line="12"/>
        <source>No Spine smartcard is in the reader. Insert your smartcard, then try again.</source>
        <translation>Inget Spine-smartkort sitter i läsaren. Sätt i ditt smartkort och försök igen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../agent/AgentMessages.qml" line="15"/>
        <source>That passcode is not right. %n attempt(s) left before the card is blocked.</source>
        <translation>
            <numerusform>Koden är fel. %n försök kvar innan kortet spärras.</numerusform>
            <numerusform>Koden är fel. %n försök kvar innan kortet spärras.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="16"/>
        <source>That passcode is not right. Type it again.</source>
        <translation>Koden är fel. Skriv den igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="18"/>
        <source>Your smartcard is blocked after too many wrong passcodes. Your Registration Authority can unblock it.</source>
        <translation>Ditt smartkort är spärrat efter för många felaktiga koder. Din registreringsansvarige (RA) kan låsa upp det.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="20"/>
        <source>The smartcard was taken out before it finished. Insert it again and try again.</source>
        <translation>Smartkortet togs ut för tidigt. Sätt i det igen och försök igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="22"/>
        <source>This smartcard cannot be read. Check it is your Spine smartcard, chip first, and try again.</source>
        <translation>Smartkortet kan inte läsas. Kontrollera att det är ditt Spine-smartkort, chipet först, och försök igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="24"/>
        <source>Spine did not accept this smartcard for you. Check it is your own Spine smartcard.</source>
        <translation>Spine godtog inte det här smartkortet för dig. Kontrollera att det är ditt eget Spine-smartkort.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="26"/>
        <source>That took too long. Please try again.</source>
        <translation>Det tog för lång tid. Försök igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="28"/>
        <source>Spine needs a sign-in with your card and PIN (or password). Log out and sign in again with both.</source>
        <translation>Spine kräver inloggning med kort och PIN-kod (eller lösenord). Logga ut och logga in igen med båda.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="30"/>
        <source>This kiosk is set up for another Spine environment than the server. Please call IT.</source>
        <translation>Den här kiosken är inställd för en annan Spine-miljö än servern. Ring IT.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="32"/>
        <source>Unable to reach the Spine Security Broker. Please try again in a moment.</source>
        <translation>Det går inte att nå Spine Security Broker. Försök igen om en stund.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="34"/>
        <source>Spine is not set up on the login server. Please call IT.</source>
        <translation>Spine är inte inställt på inloggningsservern. Ring IT.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="36"/>
        <source>Your Spine session has ended. Sign in to Spine again.</source>
        <translation>Din Spine-session har upphört. Logga in i Spine igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="38"/>
        <source>Spine did not accept your virtual smartcard. Please see your Registration Authority.</source>
        <translation>Spine godtog inte ditt virtuella smartkort. Kontakta din registreringsansvarige (RA).</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="40"/>
        <source>Those are not an administrator&apos;s credentials. Nothing was reset.</source>
        <translation>Det är inte en administratörs inloggningsuppgifter. Inget återställdes.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="42"/>
        <source>Too many requests at once. Please wait a moment and try again.</source>
        <translation>För många förfrågningar på en gång. Vänta en stund och försök igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="44"/>
        <source>Insert your own Registration Authority smartcard in the reader, then try again.</source>
        <translation>Sätt i ditt eget smartkort som registreringsansvarig (RA) i läsaren och försök igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="46"/>
        <source>You are not a Registration Authority, so you cannot manage virtual smartcards.</source>
        <translation>Du är inte registreringsansvarig (RA) och kan därför inte hantera virtuella smartkort.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="48"/>
        <source>That user no longer exists. Search again.</source>
        <translation>Användaren finns inte längre. Sök igen.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="50"/>
        <source>You cannot assign a virtual smartcard to yourself.</source>
        <translation>Du kan inte tilldela dig själv ett virtuellt smartkort.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="52"/>
        <source>That user is a Registration Authority, and a Registration Authority may not hold a virtual smartcard.</source>
        <translation>Användaren är registreringsansvarig (RA), och en RA får inte ha ett virtuellt smartkort.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="54"/>
        <source>No virtual smartcard has that CIS username and serial. Check both in CIS.</source>
        <translation>Inget virtuellt smartkort har det CIS-användarnamnet och serienumret. Kontrollera båda i CIS.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="56"/>
        <source>That virtual smartcard has been revoked. Choose another.</source>
        <translation>Det virtuella smartkortet är återkallat. Välj ett annat.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="58"/>
        <source>That virtual smartcard has expired. Choose another.</source>
        <translation>Det virtuella smartkortet har gått ut. Välj ett annat.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="60"/>
        <source>That virtual smartcard already belongs to someone. Choose another.</source>
        <translation>Det virtuella smartkortet tillhör redan någon. Välj ett annat.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="62"/>
        <source>That user already holds a virtual smartcard.</source>
        <translation>Användaren har redan ett virtuellt smartkort.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="64"/>
        <source>Unable to reach the login server. Please try again in a moment.</source>
        <translation>Det går inte att nå inloggningsservern. Försök igen om en stund.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="66"/>
        <source>Type your smartcard&apos;s passcode first.</source>
        <translation>Skriv smartkortets kod först.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="68"/>
        <source>Type the administrator&apos;s username, password and domain first.</source>
        <translation>Skriv administratörens användarnamn, lösenord och domän först.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="70"/>
        <source>The Spine session was reset. Sign in to Spine again to use Spine.</source>
        <translation>Spine-sessionen återställdes. Logga in i Spine igen för att använda Spine.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="72"/>
        <source>Your Spine session was restarted.</source>
        <translation>Din Spine-session startades om.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="74"/>
        <source>Your default role is set. It is used from your next Spine session.</source>
        <translation>Din standardroll är vald. Den används från nästa Spine-session.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="77"/>
        <source>Virtual smartcard %1 is now assigned to %2.</source>
        <translation>Det virtuella smartkortet %1 är nu tilldelat %2.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="78"/>
        <source>The virtual smartcard is assigned.</source>
        <translation>Det virtuella smartkortet är tilldelat.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="80"/>
        <source>Nobody matches that name.</source>
        <translation>Ingen matchar det namnet.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="82"/>
        <source>There are no unassigned virtual smartcards. Ask for more in CIS.</source>
        <translation>Det finns inga otilldelade virtuella smartkort. Beställ fler i CIS.</translation>
    </message>
    <message>
        <location filename="../agent/AgentMessages.qml" line="84"/>
        <source>The login server refused that. Please call IT.</source>
        <translation>Inloggningsservern nekade det. Ring IT.</translation>
    </message>
</context>
<context>
    <name>Countdown</name>
    <message numerus="yes">
        <location filename="../components/Countdown.qml" line="38"/>
        <source>Going on by itself in %n second(s)</source>
        <translation>
            <numerusform>Fortsätter av sig själv om %n sekund</numerusform>
            <numerusform>Fortsätter av sig själv om %n sekunder</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Countdown.qml" line="39"/>
        <source>%n second(s) left</source>
        <translation>
            <numerusform>%n sekund kvar</numerusform>
            <numerusform>%n sekunder kvar</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>DomainPicker</name>
    <message>
        <location filename="../components/DomainPicker.qml" line="16"/>
        <source>Domain</source>
        <translation>Domän</translation>
    </message>
</context>
<context>
    <name>EnrollPinScreen</name>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="76"/>
        <source>Choose your PIN</source>
        <translation>Välj din PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="89"/>
        <source>You will type it each time you start a shift.</source>
        <translation>Du skriver den varje gång du börjar ett pass.</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="96"/>
        <source>New PIN</source>
        <translation>Ny PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="97"/>
        <source>Type it again</source>
        <translation>Skriv den igen</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="166"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="175"/>
        <source>Save PIN</source>
        <translation>Spara PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="175"/>
        <source>Next</source>
        <translation>Nästa</translation>
    </message>
</context>
<context>
    <name>ErrorScreen</name>
    <message>
        <location filename="../screens/ErrorScreen.qml" line="57"/>
        <source>Try again</source>
        <translation>Försök igen</translation>
    </message>
    <message>
        <location filename="../screens/ErrorScreen.qml" line="65"/>
        <source>Back</source>
        <translation>Tillbaka</translation>
    </message>
</context>
<context>
    <name>IdleScreen</name>
    <message>
        <location filename="../screens/IdleScreen.qml" line="27"/>
        <source>Tap your card</source>
        <translation>Blippa ditt kort</translation>
    </message>
    <message>
        <location filename="../screens/IdleScreen.qml" line="41"/>
        <source>Hold your badge or smartcard against the reader to sign in.</source>
        <translation>Håll ditt passerkort eller smartkort mot läsaren för att logga in.</translation>
    </message>
</context>
<context>
    <name>Keypad</name>
    <message>
        <location filename="../components/Keypad.qml" line="22"/>
        <source>Clear</source>
        <translation>Rensa</translation>
    </message>
    <message>
        <location filename="../components/Keypad.qml" line="34"/>
        <source>Delete last digit</source>
        <translation>Radera sista siffran</translation>
    </message>
    <message>
        <location filename="../components/Keypad.qml" line="35"/>
        <source>Clear PIN</source>
        <translation>Rensa PIN-kod</translation>
    </message>
</context>
<context>
    <name>LockedScreen</name>
    <message>
        <location filename="../screens/LockedScreen.qml" line="28"/>
        <source>This kiosk is locked</source>
        <translation>Datorn är låst</translation>
    </message>
    <message>
        <location filename="../screens/LockedScreen.qml" line="41"/>
        <source>%1 is signed in.</source>
        <translation>%1 är inloggad.</translation>
    </message>
    <message>
        <location filename="../screens/LockedScreen.qml" line="52"/>
        <source>Tap your card to unlock. Someone else can tap their card to sign in instead.</source>
        <translation>Blippa ditt kort för att låsa upp. Någon annan kan blippa sitt kort för att logga in i stället.</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <location filename="../Main.qml" line="89"/>
        <source>Please wait…</source>
        <translation>Vänta…</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../components/Messages.qml" line="50"/>
        <source>This card cannot be read. Hold it flat on the reader, or try another card.</source>
        <translation>Kortet går inte att läsa. Håll det plant mot läsaren eller prova ett annat kort.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="54"/>
        <source>The login server took too long to answer. Please try again.</source>
        <translation>Inloggningsservern svarade inte i tid. Försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="58"/>
        <source>You took too long, so the sign-in was cancelled. Please start again.</source>
        <translation>Det tog för lång tid, så inloggningen avbröts. Börja om.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="84"/>
        <source>Something went wrong. Please try again.</source>
        <translation>Något gick fel. Försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="97"/>
        <source>Your account is disabled, so you cannot sign in. Please ask IT about it.</source>
        <translation>Ditt konto är avstängt, så du kan inte logga in. Fråga IT om det.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="137"/>
        <source>Not one digit over and over (1111), not a run (1234, 4321), and not one of the most common PINs.</source>
        <translation>Inte samma siffra om och om igen (1111), inte en talföljd (1234, 4321) och inte någon av de vanligaste PIN-koderna.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="143"/>
        <source>This kiosk cannot read cards right now.</source>
        <translation>Datorn kan inte läsa kort just nu.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="144"/>
        <source>No card reader is working. Check that the reader is plugged in.</source>
        <translation>Ingen kortläsare fungerar. Kontrollera att läsaren är ansluten.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="135"/>
        <source>Your PIN must be %1 to %2 digits long.</source>
        <translation>PIN-koden ska vara %1 till %2 siffror lång.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="11"/>
        <source>If you need help, call IT.</source>
        <translation>Ring IT om du behöver hjälp.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="24"/>
        <source>%1 on %2</source>
        <translation>%1 den %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="33"/>
        <source>That PIN is not right. %n attempt(s) left: type it again.</source>
        <translation>
            <numerusform>Fel PIN-kod. %n försök kvar: skriv den igen.</numerusform>
            <numerusform>Fel PIN-kod. %n försök kvar: skriv den igen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="34"/>
        <source>That PIN is not right. Please type it again.</source>
        <translation>Fel PIN-kod. Skriv den igen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="37"/>
        <source>That password is not right. %n attempt(s) left: check Caps Lock and type it again.</source>
        <translation>
            <numerusform>Fel lösenord. %n försök kvar: kontrollera Caps Lock och skriv det igen.</numerusform>
            <numerusform>Fel lösenord. %n försök kvar: kontrollera Caps Lock och skriv det igen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="39"/>
        <source>That username or password is not right. %n attempt(s) left: check both and type them again.</source>
        <translation>
            <numerusform>Fel användarnamn eller lösenord. %n försök kvar: kontrollera båda och skriv dem igen.</numerusform>
            <numerusform>Fel användarnamn eller lösenord. %n försök kvar: kontrollera båda och skriv dem igen.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="40"/>
        <source>That username or password is not right. Check both and try again.</source>
        <translation>Fel användarnamn eller lösenord. Kontrollera båda och försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="44"/>
        <source>Too many wrong attempts: your sign-in is locked until %1. Try again then, or ask IT to unlock it sooner.</source>
        <translation>För många felaktiga försök: din inloggning är låst till %1. Försök igen då, eller be IT att låsa upp den tidigare.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="45"/>
        <source>Too many wrong attempts: your sign-in is locked for now. Try again later, or ask IT to unlock it sooner.</source>
        <translation>För många felaktiga försök: din inloggning är låst tills vidare. Försök igen senare, eller be IT att låsa upp den tidigare.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="48"/>
        <source>This card is not registered, and cards cannot be registered at this kiosk. Please ask your Registration Authority to register it.</source>
        <translation>Kortet är inte registrerat, och kort kan inte registreras vid den här datorn. Be din registreringsenhet att registrera det.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="52"/>
        <source>Unable to reach the login server. Please try again in a moment.</source>
        <translation>Det går inte att nå inloggningsservern. Försök igen om en stund.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="56"/>
        <source>The login server gave an answer this kiosk does not understand. Please try again.</source>
        <translation>Inloggningsservern gav ett svar som datorn inte förstår. Försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="60"/>
        <source>The two PINs are not the same. Type your new PIN again, twice.</source>
        <translation>PIN-koderna är inte likadana. Skriv din nya PIN-kod igen, två gånger.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="66"/>
        <source>Unable to start your desktop. Please try again.</source>
        <translation>Det gick inte att starta ditt skrivbord. Försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="69"/>
        <source>The login server is busy. Please try again in a moment.</source>
        <translation>Inloggningsservern är upptagen. Försök igen om en stund.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="71"/>
        <source>This kiosk may not use the login server. Please use another kiosk.</source>
        <translation>Den här datorn får inte använda inloggningsservern. Använd en annan dator.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="72"/>
        <source>The login server refused the request. Please try again.</source>
        <translation>Inloggningsservern nekade begäran. Försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="74"/>
        <source>This kiosk is offline. Until the login server is back, only the signed-in user can unlock it, with their card and PIN. Please use another kiosk.</source>
        <translation>Datorn är offline. Tills inloggningsservern är tillbaka kan bara den inloggade användaren låsa upp den, med sitt kort och sin PIN-kod. Använd en annan dator.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="76"/>
        <source>This kiosk is offline. Your session can be unlocked once the login server is back: please try again in a moment.</source>
        <translation>Datorn är offline. Din session kan låsas upp när inloggningsservern är tillbaka: försök igen om en stund.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="78"/>
        <source>Too many wrong PINs. This kiosk is offline, so your session can be unlocked once the login server is back: please try again later.</source>
        <translation>För många felaktiga PIN-koder. Datorn är offline, så din session kan låsas upp först när inloggningsservern är tillbaka: försök igen senare.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="80"/>
        <source>This kiosk is offline: the login server cannot be reached. Only people who signed in here recently with their card and PIN can sign in. Please use another kiosk.</source>
        <translation>Datorn är offline: det går inte att nå inloggningsservern. Bara den som nyligen loggat in här med kort och PIN-kod kan logga in. Använd en annan dator.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="82"/>
        <source>Too many wrong PINs. This kiosk is offline, so you can sign in here again once the login server is back. Please use another kiosk.</source>
        <translation>För många felaktiga PIN-koder. Datorn är offline, så du kan logga in här igen först när inloggningsservern är tillbaka. Använd en annan dator.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="91"/>
        <source>This card has been revoked. Please use another card, or ask your Registration Authority for a new one.</source>
        <translation>Kortet har spärrats. Använd ett annat kort, eller be din registreringsenhet om ett nytt.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="93"/>
        <source>This card is registered but waits for IT to approve it. Please try again once it is approved.</source>
        <translation>Kortet är registrerat men väntar på att IT godkänner det. Försök igen när det är godkänt.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="95"/>
        <source>This card is already registered to someone else. Please use your own card.</source>
        <translation>Kortet är redan registrerat på någon annan. Använd ditt eget kort.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="99"/>
        <source>Your account may not sign in this way. Please ask IT how you should sign in.</source>
        <translation>Ditt konto får inte logga in på det här sättet. Fråga IT hur du ska logga in.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="101"/>
        <source>Cards cannot be registered for your account at a kiosk. Please ask your Registration Authority.</source>
        <translation>Kort kan inte registreras för ditt konto vid en dator. Kontakta din registreringsenhet.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="103"/>
        <source>You cannot sign in at this kiosk. Please ask IT why.</source>
        <translation>Du kan inte logga in vid den här datorn. Fråga IT varför.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="112"/>
        <source>That PIN is too short: use at least %1 digits.</source>
        <translation>PIN-koden är för kort: använd minst %1 siffror.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="113"/>
        <source>That PIN is too short: use at least %1 characters.</source>
        <translation>PIN-koden är för kort: använd minst %1 tecken.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="115"/>
        <source>That PIN is too long: use at most %1 digits.</source>
        <translation>PIN-koden är för lång: använd högst %1 siffror.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="116"/>
        <source>That PIN is too long: use at most %1 characters.</source>
        <translation>PIN-koden är för lång: använd högst %1 tecken.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="118"/>
        <source>Use digits only in your PIN.</source>
        <translation>Använd bara siffror i din PIN-kod.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="120"/>
        <source>Use only letters, digits and symbols in your PIN.</source>
        <translation>Använd bara bokstäver, siffror och symboler i din PIN-kod.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="122"/>
        <source>That PIN is one digit over and over, which is easy to guess. Choose another PIN.</source>
        <translation>PIN-koden är samma siffra om och om igen och är lätt att gissa. Välj en annan PIN-kod.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="124"/>
        <source>That PIN is a run of digits, like 1234 or 4321, which is easy to guess. Choose another PIN.</source>
        <translation>PIN-koden är en talföljd, som 1234 eller 4321, och är lätt att gissa. Välj en annan PIN-kod.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="126"/>
        <source>That PIN is one of the most common PINs, which is easy to guess. Choose another PIN.</source>
        <translation>PIN-koden är en av de vanligaste PIN-koderna och är lätt att gissa. Välj en annan PIN-kod.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="128"/>
        <source>That PIN does not follow the rules. Choose another PIN.</source>
        <translation>PIN-koden följer inte reglerna. Välj en annan PIN-kod.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="136"/>
        <source>Your PIN must be %1 to %2 characters long.</source>
        <translation>PIN-koden ska vara %1 till %2 tecken lång.</translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="150"/>
        <source>Your virtual smartcard expires in %n day(s). Renew it in the Care Identity Service (CIS) before then.</source>
        <translation>
            <numerusform>Ditt virtuella smartkort går ut om %n dag. Förnya det i Care Identity Service (CIS) innan dess.</numerusform>
            <numerusform>Ditt virtuella smartkort går ut om %n dagar. Förnya det i Care Identity Service (CIS) innan dess.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="152"/>
        <source>Your virtual smartcard has expired and can no longer be used for Spine. Please see your Registration Authority.</source>
        <translation>Ditt virtuella smartkort har gått ut och kan inte längre användas för Spine. Kontakta din registreringsenhet.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="154"/>
        <source>Your virtual smartcard was renewed: it is valid until %1.</source>
        <translation>Ditt virtuella smartkort har förnyats: det gäller till och med %1.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="155"/>
        <source>There is a message about your account. Please ask IT about it.</source>
        <translation>Det finns ett meddelande om ditt konto. Fråga IT om det.</translation>
    </message>
</context>
<context>
    <name>NotSetUp</name>
    <message>
        <location filename="../../greeter/ui/not_set_up.py" line="136"/>
        <source>This kiosk is not set up</source>
        <translation>Den här datorn är inte konfigurerad</translation>
    </message>
    <message>
        <location filename="../../greeter/ui/not_set_up.py" line="139"/>
        <source>Nobody can sign in here until it is. Please call IT.</source>
        <translation>Ingen kan logga in här förrän det är åtgärdat. Ring IT.</translation>
    </message>
    <message>
        <location filename="../../greeter/ui/not_set_up.py" line="144"/>
        <source>For IT</source>
        <translation>För IT</translation>
    </message>
</context>
<context>
    <name>NoticeScreen</name>
    <message>
        <location filename="../screens/NoticeScreen.qml" line="28"/>
        <source>Please note, %1</source>
        <translation>Observera, %1</translation>
    </message>
    <message>
        <location filename="../screens/NoticeScreen.qml" line="28"/>
        <source>Please note</source>
        <translation>Observera</translation>
    </message>
    <message>
        <location filename="../screens/NoticeScreen.qml" line="53"/>
        <source>OK, continue</source>
        <translation>OK, fortsätt</translation>
    </message>
</context>
<context>
    <name>OnScreenKeyboard</name>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="24"/>
        <source>On-screen keyboard</source>
        <translation>Skärmtangentbord</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="101"/>
        <source>Shift</source>
        <translation>Skift</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="119"/>
        <source>Delete</source>
        <translation>Radera</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="131"/>
        <source>Letters</source>
        <translation>Bokstäver</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="131"/>
        <source>Symbols</source>
        <translation>Symboler</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="137"/>
        <source>space</source>
        <translation>mellanslag</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="138"/>
        <source>Space</source>
        <translation>Mellanslag</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="144"/>
        <source>Next</source>
        <translation>Nästa</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="145"/>
        <source>Next field</source>
        <translation>Nästa fält</translation>
    </message>
</context>
<context>
    <name>PasswordLoginButton</name>
    <message>
        <location filename="../components/PasswordLoginButton.qml" line="12"/>
        <source>Sign in with password</source>
        <translation>Logga in med lösenord</translation>
    </message>
</context>
<context>
    <name>PasswordScreen</name>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="57"/>
        <source>Register this card</source>
        <translation>Registrera kortet</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="59"/>
        <source>Hello, %1</source>
        <translation>Hej, %1</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="60"/>
        <source>Sign in with your username</source>
        <translation>Logga in med ditt användarnamn</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="83"/>
        <source>This card is not registered yet. Sign in once with your username and password to make it yours.</source>
        <translation>Kortet är inte registrerat än. Logga in en gång med användarnamn och lösenord så blir det ditt.</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="85"/>
        <source>Your card needs your password this time.</source>
        <translation>Kortet behöver ditt lösenord den här gången.</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="110"/>
        <source>Username</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="117"/>
        <source>Password</source>
        <translation>Lösenord</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="142"/>
        <source>Register card</source>
        <translation>Registrera kort</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="142"/>
        <source>Sign in</source>
        <translation>Logga in</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="133"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
</context>
<context>
    <name>PinDots</name>
    <message numerus="yes">
        <location filename="../components/PinDots.qml" line="13"/>
        <source>%n digit(s) entered</source>
        <translation>
            <numerusform>%n siffra inskriven</numerusform>
            <numerusform>%n siffror inskrivna</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <location filename="../screens/PinScreen.qml" line="57"/>
        <source>Hello, %1</source>
        <translation>Hej, %1</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="57"/>
        <source>Hello</source>
        <translation>Hej</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="68"/>
        <source>Enter your PIN</source>
        <translation>Skriv din PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="80"/>
        <source>This kiosk is offline: the login server cannot be reached. You can still unlock your own session with your PIN.</source>
        <translation>Datorn är offline: det går inte att nå inloggningsservern. Du kan ändå låsa upp din egen session med din PIN-kod.</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="81"/>
        <source>This kiosk is offline: the login server cannot be reached. You signed in here recently, so you can still sign in with your PIN.</source>
        <translation>Datorn är offline: det går inte att nå inloggningsservern. Du loggade in här nyligen, så du kan ändå logga in med din PIN-kod.</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="93"/>
        <source>%1 will be signed out of this kiosk.</source>
        <translation>%1 loggas ut från den här datorn.</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="129"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="137"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>RoleScreen</name>
    <message>
        <location filename="../screens/RoleScreen.qml" line="23"/>
        <source>Choose your role, %1</source>
        <translation>Välj din roll, %1</translation>
    </message>
    <message>
        <location filename="../screens/RoleScreen.qml" line="24"/>
        <source>Choose your role</source>
        <translation>Välj din roll</translation>
    </message>
    <message>
        <location filename="../screens/RoleScreen.qml" line="35"/>
        <source>You can work in more than one role. Which one for this session?</source>
        <translation>Du kan arbeta i mer än en roll. Vilken gäller för det här passet?</translation>
    </message>
    <message>
        <location filename="../screens/RoleScreen.qml" line="57"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
</context>
<context>
    <name>Spinner</name>
    <message>
        <location filename="../components/Spinner.qml" line="9"/>
        <source>Please wait</source>
        <translation>Vänta</translation>
    </message>
</context>
<context>
    <name>StandIn</name>
    <message>
        <location filename="../../greeter/ui/stand_in.py" line="175"/>
        <source>Signed in: %1</source>
        <translation>Inloggad: %1</translation>
    </message>
    <message>
        <location filename="../../greeter/ui/stand_in.py" line="183"/>
        <source>role %1</source>
        <translation>roll %1</translation>
    </message>
    <message>
        <location filename="../../greeter/ui/stand_in.py" line="185"/>
        <source>no Spine role</source>
        <translation>ingen Spine-roll</translation>
    </message>
    <message>
        <location filename="../../greeter/ui/stand_in.py" line="190"/>
        <source>This window stands in for the clinical desktop. Lock it, log out, or tap a card with F1-F4 to switch user.</source>
        <translation>Det här fönstret står i stället för det kliniska skrivbordet. Lås det, logga ut eller blippa ett kort med F1-F4 för att byta användare.</translation>
    </message>
    <message>
        <location filename="../../greeter/ui/stand_in.py" line="197"/>
        <source>Lock</source>
        <translation>Lås</translation>
    </message>
    <message>
        <location filename="../../greeter/ui/stand_in.py" line="200"/>
        <source>Log out</source>
        <translation>Logga ut</translation>
    </message>
</context>
<context>
    <name>TopBar</name>
    <message>
        <location filename="../components/TopBar.qml" line="24"/>
        <source>Kiosk %1</source>
        <translation>Dator %1</translation>
    </message>
    <message>
        <location filename="../components/TopBar.qml" line="39"/>
        <source>Card reader ready</source>
        <translation>Kortläsaren är redo</translation>
    </message>
    <message>
        <location filename="../components/TopBar.qml" line="39"/>
        <source>Card reader not working</source>
        <translation>Kortläsaren fungerar inte</translation>
    </message>
</context>
</TS>
