<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_GB" sourcelanguage="en">
<context>
    <name>Countdown</name>
    <message numerus="yes">
        <location filename="../components/Countdown.qml" line="36" />
        <source>%n second(s) left</source>
        <translation>
            <numerusform>%n second left</numerusform><numerusform>%n seconds left</numerusform></translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="22" />
        <source>That PIN is not right. %n attempt(s) left.</source>
        <translation>
            <numerusform>That PIN is not right. %n attempt left.</numerusform><numerusform>That PIN is not right. %n attempts left.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="26" />
        <source>That username or password is not right. %n attempt(s) left.</source>
        <translation>
            <numerusform>That username or password is not right. %n attempt left.</numerusform><numerusform>That username or password is not right. %n attempts left.</numerusform></translation>
    </message>
    <message numerus="yes">
        <location filename="../components/Messages.qml" line="65" />
        <source>Your virtual smartcard expires in %n day(s).</source>
        <translation>
            <numerusform>Your virtual smartcard expires in %n day.</numerusform><numerusform>Your virtual smartcard expires in %n days.</numerusform></translation>
    </message>
</context>
<context>
    <name>PinDots</name>
    <message numerus="yes">
        <location filename="../components/PinDots.qml" line="13" />
        <source>%n digit(s) entered</source>
        <translation>
            <numerusform>%n digit entered</numerusform><numerusform>%n digits entered</numerusform></translation>
    </message>
</context>
</TS>