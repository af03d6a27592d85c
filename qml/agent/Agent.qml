import QtQuick
import "../components"

// The in-session agent. Collapsed: one control in the corner showing the Spine role (or the
// user's name). Open: the menu and its pages. Everything shown comes from `agent.view`
// (greeter/ui/agent_bridge.py); everything typed goes back through `agent`'s slots. Escape
// (or Back) goes one page up. Ctrl+click or a long press on the title: the hidden Reset.
FocusScope {
    id: root
    required property var agent
    readonly property var v: agent.view

    objectName: "agentRoot"
    width: 540
    height: 720
    focus: true

    Keys.onEscapePressed: root.agent.back()

    AgentMessages { id: messages }

    Rectangle { anchors.fill: parent; color: Theme.background; border.color: Theme.panelBorder; border.width: 2 }

    // --- collapsed ---------------------------------------------------------------------------
    BigButton {
        objectName: "agentToggle"
        visible: root.v.page === "collapsed"
        anchors.fill: parent
        fontSize: Theme.fontSmall
        text: root.v.roleName || root.v.displayName
        Accessible.name: root.v.roleName
                         ? qsTr("Spine role: %1. Open the menu").arg(root.v.roleName)
                         : qsTr("%1. Open the menu").arg(root.v.displayName)
        onClicked: root.agent.open()
    }

    // --- open ----------------------------------------------------------------------------------
    Column {
        id: open
        visible: root.v.page !== "collapsed"
        x: Theme.spacing; y: Theme.spacing
        width: root.width - 2 * Theme.spacing
        spacing: 8

        Item {
            width: parent.width; height: 64
            Text {
                objectName: "agentTitle"
                anchors.left: parent.left; anchors.right: closeButton.left
                anchors.verticalCenter: parent.verticalCenter
                text: root.v.displayName
                elide: Text.ElideRight
                color: Theme.text; font.pixelSize: Theme.fontLarge; font.bold: true
                Accessible.role: Accessible.Heading
                Accessible.name: text
                MouseArea {
                    objectName: "agentTitleArea"
                    anchors.fill: parent
                    pressAndHoldInterval: 1500
                    onClicked: (mouse) => {
                        if (mouse.modifiers & Qt.ControlModifier)
                            root.agent.choose("reset");
                    }
                    onPressAndHold: root.agent.choose("reset")
                }
            }
            BigButton {
                id: closeButton
                objectName: "agentClose"
                anchors.right: parent.right
                width: 140; height: 64; implicitWidth: 140
                fontSize: Theme.fontSmall
                text: root.v.page === "menu" ? qsTr("Close") : qsTr("Back")
                onClicked: root.agent.back()
            }
        }

        Text {
            objectName: "agentMessage"
            width: parent.width
            visible: text !== "" && root.v.page !== "message"
            text: messages.text(root.v.message, root.v.triesLeft, root.v.assigned)
            wrapMode: Text.WordWrap
            color: Theme.danger; font.pixelSize: Theme.fontSmall
            Accessible.role: Accessible.AlertMessage
            Accessible.name: text
        }

        Text {
            objectName: "agentBusy"
            visible: root.v.busy
            text: qsTr("Please wait…")
            color: Theme.textMuted; font.pixelSize: Theme.fontSmall
        }

        Loader {
            id: page
            objectName: "agentPage"
            width: parent.width
            focus: true
            sourceComponent: ({
                menu: menuPage, passcode: passcodePage, roles: rolesPage, card_role: cardRolePage,
                reset: resetPage, message: messagePage, ra_search: raSearchPage,
                ra_user: raUserPage, ra_vscs: raVscsPage
            })[root.v.page] || null
            onLoaded: item.forceActiveFocus()
        }
    }

    component Action: BigButton {
        width: parent ? parent.width : 400
        height: 64
        fontSize: Theme.fontSmall
        enabledState: !root.v.busy
    }

    component Heading: Text {
        width: parent ? parent.width : 400
        wrapMode: Text.WordWrap
        color: Theme.text; font.pixelSize: Theme.fontBody
        Accessible.role: Accessible.StaticText
        Accessible.name: text
    }

    Component {
        id: menuPage
        FocusScope {
            objectName: "agentMenu"
            height: menuColumn.height
            Column {
                id: menuColumn
                width: parent.width
                spacing: 8
                Heading {
                    objectName: "agentCurrentRole"
                    text: !root.v.hasTicket ? qsTr("Not signed in to Spine")
                          : root.v.roleName ? qsTr("Role: %1").arg(root.v.roleName)
                          : qsTr("No role chosen")
                }
                Action {
                    objectName: "agentChangeRole"; focus: true
                    text: qsTr("Change role")
                    onClicked: root.agent.choose("change_role")
                }
                Action {
                    objectName: "agentDefaultRole"
                    text: qsTr("Set default role")
                    onClicked: root.agent.choose("default_role")
                }
                Action {
                    objectName: "agentRestart"
                    text: root.v.hasTicket ? qsTr("Restart Spine session") : qsTr("Sign in to Spine")
                    onClicked: root.agent.choose("restart")
                }
                Action {
                    objectName: "agentManageVscs"
                    visible: root.v.canManageVscs
                    text: qsTr("Manage virtual smartcards")
                    onClicked: root.agent.choose("manage_vscs")
                }
                Action {
                    objectName: "agentLock"
                    text: qsTr("Lock")
                    onClicked: root.agent.choose("lock")
                }
                Action {
                    objectName: "agentLogOut"
                    text: qsTr("Log out")
                    onClicked: root.agent.choose("log_out")
                }
            }
        }
    }

    Component {
        id: passcodePage
        FocusScope {
            objectName: "agentPasscodePage"
            height: passcodeColumn.height
            Column {
                id: passcodeColumn
                width: parent.width
                spacing: 12
                Heading {
                    objectName: "agentPasscodeTitle"
                    text: root.v.authPurpose === "restart"
                          ? qsTr("To restart your Spine session, insert your Spine smartcard and type its passcode.")
                          : qsTr("To sign in to Spine, insert your Spine smartcard and type its passcode.")
                }
                FormField {
                    id: passcode
                    objectName: "agentPasscode"
                    width: parent.width
                    label: qsTr("Passcode")
                    secret: true
                    focus: true
                    input.focus: true
                    onAccepted: submit()
                    function submit() {
                        const typed = passcode.text;
                        passcode.clear();
                        root.agent.submitPasscode(typed);
                    }
                }
                Action {
                    objectName: "agentPasscodeOk"; primary: true
                    text: qsTr("Sign in to Spine")
                    onClicked: passcode.submit()
                }
            }
        }
    }

    Component {
        id: rolesPage
        FocusScope {
            objectName: "agentRoles"
            height: rolesColumn.height
            Column {
                id: rolesColumn
                width: parent.width
                spacing: 8
                Heading {
                    objectName: "agentRolesTitle"
                    text: root.v.rolePurpose === "default"
                          ? qsTr("Choose your default role for future Spine sessions.")
                          : root.v.rolePurpose === "restart"
                          ? qsTr("Choose the role for your Spine session, then type your smartcard's passcode.")
                          : qsTr("Choose your Spine role.")
                }
                Repeater {
                    model: root.v.roles
                    delegate: Action {
                        required property var modelData
                        required property int index
                        objectName: "agentRole_" + modelData.code
                        focus: index === 0
                        primary: modelData.code === (root.v.rolePurpose === "default"
                                                     ? root.v.defaultRole : root.v.role)
                        text: modelData.name
                        onClicked: root.agent.pickRole(modelData.code)
                    }
                }
            }
        }
    }

    Component {
        id: cardRolePage
        FocusScope {
            objectName: "agentCardRole"
            height: cardRoleColumn.height
            Column {
                id: cardRoleColumn
                width: parent.width
                spacing: 12
                Heading {
                    objectName: "agentCardRoleText"
                    text: qsTr("Smartcard users change role by restarting the Spine session: insert your smartcard, type its passcode, then choose the role.")
                }
                Action {
                    objectName: "agentRestartForRole"; primary: true; focus: true
                    text: qsTr("Restart Spine session")
                    onClicked: root.agent.choose("restart")
                }
            }
        }
    }

    Component {
        id: resetPage
        FocusScope {
            objectName: "agentReset"
            height: resetColumn.height
            Column {
                id: resetColumn
                width: parent.width
                spacing: 8
                Heading {
                    text: qsTr("Reset Spine session: an administrator signs in here. The user must then sign in to Spine again.")
                }
                FormField {
                    id: resetUser
                    objectName: "agentResetUser"
                    width: parent.width; focus: true; input.focus: true
                    label: qsTr("Administrator's username")
                }
                FormField {
                    id: resetPassword
                    objectName: "agentResetPassword"
                    width: parent.width; secret: true
                    label: qsTr("Password")
                }
                FormField {
                    id: resetDomain
                    objectName: "agentResetDomain"
                    width: parent.width
                    label: qsTr("Domain")
                    onAccepted: resetOk.clicked()
                }
                Action {
                    id: resetOk
                    objectName: "agentResetOk"; primary: true
                    text: qsTr("Reset Spine session")
                    onClicked: {
                        const password = resetPassword.text;
                        resetPassword.clear();
                        root.agent.submitReset(resetUser.text, password, resetDomain.text);
                    }
                }
            }
        }
    }

    Component {
        id: messagePage
        FocusScope {
            objectName: "agentMessagePage"
            height: messageColumn.height
            Column {
                id: messageColumn
                width: parent.width
                spacing: 16
                Heading {
                    objectName: "agentMessageText"
                    text: messages.text(root.v.message, root.v.triesLeft, root.v.assigned)
                    font.pixelSize: Theme.fontBody
                    Accessible.role: Accessible.AlertMessage
                }
                Action {
                    objectName: "agentOk"; primary: true; focus: true
                    text: qsTr("OK")
                    onClicked: root.agent.dismiss()
                }
            }
        }
    }

    Component {
        id: raSearchPage
        FocusScope {
            objectName: "agentRaSearch"
            height: raSearchColumn.height
            Column {
                id: raSearchColumn
                width: parent.width
                spacing: 8
                FormField {
                    id: query
                    objectName: "agentRaQuery"
                    width: parent.width; focus: true; input.focus: true
                    label: qsTr("Find a user by name")
                    onAccepted: root.agent.search(query.text)
                }
                Action {
                    objectName: "agentRaSearchButton"; primary: true
                    text: qsTr("Search")
                    onClicked: root.agent.search(query.text)
                }
                Repeater {
                    model: root.v.raUsers
                    delegate: Action {
                        required property var modelData
                        objectName: "agentRaUser_" + modelData.username
                        text: modelData.vsc
                              ? qsTr("%1 (%2): VSC %3").arg(modelData.displayName).arg(modelData.username).arg(modelData.vsc.serial)
                              : qsTr("%1 (%2): no VSC").arg(modelData.displayName).arg(modelData.username)
                        onClicked: root.agent.pickUser(modelData.username, modelData.domain)
                    }
                }
            }
        }
    }

    Component {
        id: raUserPage
        FocusScope {
            objectName: "agentRaUser"
            height: raUserColumn.height
            Column {
                id: raUserColumn
                width: parent.width
                spacing: 12
                Heading {
                    objectName: "agentRaUserText"
                    readonly property var user: root.v.raUser
                    text: !user ? ""
                          : user.vsc ? qsTr("%1 (%2@%3) holds virtual smartcard %4 (%5).").arg(user.displayName).arg(user.username).arg(user.domain).arg(user.vsc.serial).arg(user.vsc.status)
                          : qsTr("%1 (%2@%3) holds no virtual smartcard.").arg(user.displayName).arg(user.username).arg(user.domain)
                }
                Action {
                    objectName: "agentRaAssign"; primary: true; focus: true
                    text: qsTr("Assign VSC")
                    onClicked: root.agent.assignVsc()
                }
            }
        }
    }

    Component {
        id: raVscsPage
        FocusScope {
            objectName: "agentRaVscs"
            height: raVscsColumn.height
            Column {
                id: raVscsColumn
                width: parent.width
                spacing: 8
                Heading {
                    text: qsTr("Choose the virtual smartcard whose CIS username and serial match the ones in CIS.")
                }
                Repeater {
                    model: root.v.raVscs
                    delegate: Action {
                        required property var modelData
                        required property int index
                        objectName: "agentRaVsc_" + modelData.serial
                        focus: index === 0
                        text: qsTr("CIS %1 · %2").arg(modelData.cisUsername).arg(modelData.serial)
                        Accessible.name: qsTr("CIS username %1, serial %2, valid until %3").arg(modelData.cisUsername).arg(modelData.serial).arg(modelData.notAfter)
                        onClicked: root.agent.pickVsc(modelData.cisUsername, modelData.serial)
                    }
                }
            }
        }
    }
}
