<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="en">
<context>
    <name>AgentMessages</name>
    <message numerus="yes">
        <location filename="../agent/AgentMessages.qml" line="15"/>
        <source>That passcode is not right. %n attempt(s) left before the card is blocked.</source>
        <translation>
            <numerusform>That passcode is not right. %n attempt left before the card is blocked.</numerusform>
            <numerusform>That passcode is not right. %n attempts left before the card is blocked.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Countdown</name>
    <message numerus="yes">
        <location filename="../components/Countdown.qml" line="38"/>
        <source>Going on by itself in %n second(s)</source>
        <translation>
            <numerusform>Going on by itself in %n second</numerusform>
            <numerusform>Going on by itself in %n seconds</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Countdown.qml" line="39"/>
        <source>%n second(s) left</source>
        <translation>
            <numerusform>%n second left</numerusform>
            <numerusform>%n seconds left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="33"/>
        <source>That PIN is not right. %n attempt(s) left: type it again.</source>
        <translation>
            <numerusform>That PIN is not right. %n attempt left: type it again.</numerusform>
            <numerusform>That PIN is not right. %n attempts left: type it again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="37"/>
        <source>That password is not right. %n attempt(s) left: check Caps Lock and type it again.</source>
        <translation>
            <numerusform>That password is not right. %n attempt left: check Caps Lock and type it again.</numerusform>
            <numerusform>That password is not right. %n attempts left: check Caps Lock and type it again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="39"/>
        <source>That username or password is not right. %n attempt(s) left: check both and type them again.</source>
        <translation>
            <numerusform>That username or password is not right. %n attempt left: check both and type them again.</numerusform>
            <numerusform>That username or password is not right. %n attempts left: check both and type them again.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="150"/>
        <source>Your virtual smartcard expires in %n day(s). Renew it in the Care Identity Service (CIS) before then.</source>
        <translation>
            <numerusform>Your virtual smartcard expires in %n day. Renew it in the Care Identity Service (CIS) before then.</numerusform>
            <numerusform>Your virtual smartcard expires in %n days. Renew it in the Care Identity Service (CIS) before then.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>PinDots</name>
    <message numerus="yes">
        <location filename="../components/PinDots.qml" line="13"/>
        <source>%n digit(s) entered</source>
        <translation>
            <numerusform>%n digit entered</numerusform>
            <numerusform>%n digits entered</numerusform>
        </translation>
    </message>
</context>
</TS>
