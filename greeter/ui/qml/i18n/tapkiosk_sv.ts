<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="sv_SE" sourcelanguage="en">
<context>
    <name>Countdown</name>
    <message numerus="yes">
        <location filename="../components/Countdown.qml" line="36"/>
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
        <location filename="../screens/EnrollPinScreen.qml" line="74"/>
        <source>Choose your PIN</source>
        <translation>Välj din PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="87"/>
        <source>You will type it each time you start a shift.</source>
        <translation>Du skriver den varje gång du börjar ett pass.</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="94"/>
        <source>New PIN</source>
        <translation>Ny PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="95"/>
        <source>Type it again</source>
        <translation>Skriv den igen</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="159"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="168"/>
        <source>Save PIN</source>
        <translation>Spara PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/EnrollPinScreen.qml" line="168"/>
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
        <location filename="../screens/ErrorScreen.qml" line="64"/>
        <source>Back</source>
        <translation>Tillbaka</translation>
    </message>
</context>
<context>
    <name>IdleScreen</name>
    <message>
        <location filename="../screens/IdleScreen.qml" line="25"/>
        <source>Tap your card</source>
        <translation>Blippa ditt kort</translation>
    </message>
    <message>
        <location filename="../screens/IdleScreen.qml" line="39"/>
        <source>Hold your badge or smartcard against the reader to sign in.</source>
        <translation>Håll ditt passerkort eller smartkort mot läsaren för att logga in.</translation>
    </message>
    <message>
        <location filename="../screens/IdleScreen.qml" line="41"/>
        <source>No card reader is working. Please call IT.</source>
        <translation>Ingen kortläsare fungerar. Ring IT.</translation>
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
        <location filename="../screens/LockedScreen.qml" line="26"/>
        <source>This kiosk is locked</source>
        <translation>Datorn är låst</translation>
    </message>
    <message>
        <location filename="../screens/LockedScreen.qml" line="39"/>
        <source>%1 is signed in.</source>
        <translation>%1 är inloggad.</translation>
    </message>
    <message>
        <location filename="../screens/LockedScreen.qml" line="50"/>
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
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="22"/>
        <source>That PIN is not right. %n attempt(s) left.</source>
        <translation>
            <numerusform>Fel PIN-kod. %n försök kvar.</numerusform>
            <numerusform>Fel PIN-kod. %n försök kvar.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="23"/>
        <source>That PIN is not right. Please try again.</source>
        <translation>Fel PIN-kod. Försök igen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="26"/>
        <source>That username or password is not right. %n attempt(s) left.</source>
        <translation>
            <numerusform>Fel användarnamn eller lösenord. %n försök kvar.</numerusform>
            <numerusform>Fel användarnamn eller lösenord. %n försök kvar.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="27"/>
        <source>That username or password is not right. Please try again.</source>
        <translation>Fel användarnamn eller lösenord. Försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="31"/>
        <source>Too many wrong attempts. You can try again at %1.</source>
        <translation>För många felaktiga försök. Du kan försöka igen klockan %1.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="32"/>
        <source>Too many wrong attempts. Your sign-in is locked for now.</source>
        <translation>För många felaktiga försök. Din inloggning är låst tills vidare.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="35"/>
        <source>This card is not registered, and cards cannot be registered at this kiosk. Please see your Registration Authority.</source>
        <translation>Kortet är inte registrerat, och kort kan inte registreras vid den här datorn. Kontakta din registreringsenhet.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="37"/>
        <source>This card cannot be read. Hold it flat on the reader, or try another card.</source>
        <translation>Kortet går inte att läsa. Håll det plant mot läsaren eller prova ett annat kort.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="39"/>
        <source>Unable to reach the login server. Please try again in a moment; if it keeps happening, call IT.</source>
        <translation>Det går inte att nå inloggningsservern. Försök igen om en stund; ring IT om det fortsätter.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="41"/>
        <source>The login server took too long to answer. Please try again.</source>
        <translation>Inloggningsservern svarade inte i tid. Försök igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="43"/>
        <source>The login server gave an answer this kiosk does not understand. Please call IT.</source>
        <translation>Inloggningsservern gav ett svar som datorn inte förstår. Ring IT.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="45"/>
        <source>You took too long, so the sign-in was cancelled. Please start again.</source>
        <translation>Det tog för lång tid, så inloggningen avbröts. Börja om.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="47"/>
        <source>The two PINs are not the same. Please type them again.</source>
        <translation>PIN-koderna är inte likadana. Skriv dem igen.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="49"/>
        <source>That PIN does not follow the rules.</source>
        <translation>PIN-koden följer inte reglerna.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="51"/>
        <source>You cannot sign in at this kiosk.</source>
        <translation>Du kan inte logga in vid den här datorn.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="53"/>
        <source>This card is already registered to someone else.</source>
        <translation>Kortet är redan registrerat på någon annan.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="55"/>
        <source>Unable to start your desktop. Please try again; if it keeps happening, call IT.</source>
        <translation>Det gick inte att starta ditt skrivbord. Försök igen; ring IT om det fortsätter.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="57"/>
        <source>The login server refused the request. Please call IT.</source>
        <translation>Inloggningsservern nekade begäran. Ring IT.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="59"/>
        <source>This kiosk is offline. Until the login server is back, only the signed-in user can unlock it, with their card and PIN.</source>
        <translation>Datorn är offline. Tills inloggningsservern är tillbaka kan bara den inloggade användaren låsa upp den, med sitt kort och sin PIN-kod.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="61"/>
        <source>This kiosk is offline. Your session can be unlocked once the login server is back.</source>
        <translation>Datorn är offline. Din session kan låsas upp när inloggningsservern är tillbaka.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="63"/>
        <source>Too many wrong PINs. This kiosk is offline, so your session can be unlocked once the login server is back.</source>
        <translation>För många felaktiga PIN-koder. Datorn är offline, så din session kan låsas upp först när inloggningsservern är tillbaka.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="65"/>
        <source>Something went wrong. Please try again.</source>
        <translation>Något gick fel. Försök igen.</translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="71"/>
        <source>Your virtual smartcard expires in %n day(s).</source>
        <translation>
            <numerusform>Ditt virtuella smartkort går ut om %n dag.</numerusform>
            <numerusform>Ditt virtuella smartkort går ut om %n dagar.</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="73"/>
        <source>Your virtual smartcard has expired. Please see your Registration Authority.</source>
        <translation>Ditt virtuella smartkort har gått ut. Kontakta din registreringsenhet.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="79"/>
        <source>Your PIN must be %1 to %2 digits long.</source>
        <translation>PIN-koden ska vara %1 till %2 siffror lång.</translation>
    </message>
    <message>
        <location filename="../components/Messages.qml" line="80"/>
        <source>Your PIN must be %1 to %2 characters long.</source>
        <translation>PIN-koden ska vara %1 till %2 tecken lång.</translation>
    </message>
</context>
<context>
    <name>NotSetUp</name>
    <message>
        <location filename="../../not_set_up.py" line="136"/>
        <source>This kiosk is not set up</source>
        <translation>Den här datorn är inte konfigurerad</translation>
    </message>
    <message>
        <location filename="../../not_set_up.py" line="139"/>
        <source>Nobody can sign in here until it is. Please call IT.</source>
        <translation>Ingen kan logga in här förrän det är åtgärdat. Ring IT.</translation>
    </message>
    <message>
        <location filename="../../not_set_up.py" line="144"/>
        <source>For IT</source>
        <translation>För IT</translation>
    </message>
</context>
<context>
    <name>NoticeScreen</name>
    <message>
        <location filename="../screens/NoticeScreen.qml" line="29"/>
        <source>Please note, %1</source>
        <translation>Observera, %1</translation>
    </message>
    <message>
        <location filename="../screens/NoticeScreen.qml" line="29"/>
        <source>Please note</source>
        <translation>Observera</translation>
    </message>
    <message>
        <location filename="../screens/NoticeScreen.qml" line="52"/>
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
        <location filename="../components/OnScreenKeyboard.qml" line="99"/>
        <source>Shift</source>
        <translation>Skift</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="117"/>
        <source>Delete</source>
        <translation>Radera</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="129"/>
        <source>Letters</source>
        <translation>Bokstäver</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="129"/>
        <source>Symbols</source>
        <translation>Symboler</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="135"/>
        <source>space</source>
        <translation>mellanslag</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="136"/>
        <source>Space</source>
        <translation>Mellanslag</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="142"/>
        <source>Next</source>
        <translation>Nästa</translation>
    </message>
    <message>
        <location filename="../components/OnScreenKeyboard.qml" line="143"/>
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
        <location filename="../screens/PasswordScreen.qml" line="42"/>
        <source>Register this card</source>
        <translation>Registrera kortet</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="44"/>
        <source>Hello, %1</source>
        <translation>Hej, %1</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="45"/>
        <source>Sign in with your username</source>
        <translation>Logga in med ditt användarnamn</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="58"/>
        <source>This card is not registered yet. Sign in once with your username and password to make it yours.</source>
        <translation>Kortet är inte registrerat än. Logga in en gång med användarnamn och lösenord så blir det ditt.</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="60"/>
        <source>Your card needs your username and password this time.</source>
        <translation>Kortet behöver ditt användarnamn och lösenord den här gången.</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="81"/>
        <source>Username</source>
        <translation>Användarnamn</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="88"/>
        <source>Password</source>
        <translation>Lösenord</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="107"/>
        <source>Register card</source>
        <translation>Registrera kort</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="107"/>
        <source>Sign in</source>
        <translation>Logga in</translation>
    </message>
    <message>
        <location filename="../screens/PasswordScreen.qml" line="113"/>
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
        <location filename="../screens/PinScreen.qml" line="56"/>
        <source>Hello, %1</source>
        <translation>Hej, %1</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="56"/>
        <source>Hello</source>
        <translation>Hej</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="67"/>
        <source>Enter your PIN</source>
        <translation>Skriv din PIN-kod</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="78"/>
        <source>This kiosk is offline: the login server cannot be reached. You can still unlock your own session with your PIN.</source>
        <translation>Datorn är offline: det går inte att nå inloggningsservern. Du kan ändå låsa upp din egen session med din PIN-kod.</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="90"/>
        <source>%1 will be signed out of this kiosk.</source>
        <translation>%1 loggas ut från den här datorn.</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="127"/>
        <source>Cancel</source>
        <translation>Avbryt</translation>
    </message>
    <message>
        <location filename="../screens/PinScreen.qml" line="135"/>
        <source>OK</source>
        <translation>OK</translation>
    </message>
</context>
<context>
    <name>RoleScreen</name>
    <message>
        <location filename="../screens/RoleScreen.qml" line="18"/>
        <source>Choose your role</source>
        <translation>Välj din roll</translation>
    </message>
    <message>
        <location filename="../screens/RoleScreen.qml" line="28"/>
        <source>You can work in more than one role. Which one for this session?</source>
        <translation>Du kan arbeta i mer än en roll. Vilken gäller för det här passet?</translation>
    </message>
    <message>
        <location filename="../screens/RoleScreen.qml" line="45"/>
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
        <location filename="../../stand_in.py" line="175"/>
        <source>Signed in: %1</source>
        <translation>Inloggad: %1</translation>
    </message>
    <message>
        <location filename="../../stand_in.py" line="183"/>
        <source>role %1</source>
        <translation>roll %1</translation>
    </message>
    <message>
        <location filename="../../stand_in.py" line="185"/>
        <source>no Spine role</source>
        <translation>ingen Spine-roll</translation>
    </message>
    <message>
        <location filename="../../stand_in.py" line="190"/>
        <source>This window stands in for the clinical desktop. Lock it, log out, or tap a card with F1-F4 to switch user.</source>
        <translation>Det här fönstret står i stället för det kliniska skrivbordet. Lås det, logga ut eller blippa ett kort med F1-F4 för att byta användare.</translation>
    </message>
    <message>
        <location filename="../../stand_in.py" line="197"/>
        <source>Lock</source>
        <translation>Lås</translation>
    </message>
    <message>
        <location filename="../../stand_in.py" line="200"/>
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
