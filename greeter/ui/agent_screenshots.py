"""Pictures of the in-session agent for docs/screenshots (`greeter.ui.screenshots` takes them
with the greeter's): the real agent QML in its own window, showing views like `step` makes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QLocale
from PySide6.QtGui import QGuiApplication, QImage

from greeter.agent.model import AgentView
from greeter.flow.model import Role
from greeter.spine_client import RaUser, Vsc
from greeter.ui.agent_bridge import AgentBridge
from greeter.ui.agent_window import AgentWindow
from greeter.ui.i18n import Translations

ROLES = (
    Role("R8000", "Clinical Practitioner Access Role"),
    Role("R8008", "Admin/Clinical Support Access Role"),
)
ALICE = AgentView(
    shown=True,
    display_name="Alice Adams",
    role="R8000",
    role_name="Clinical Practitioner Access Role",
    has_ticket=True,
    method="card",
    roles=ROLES,
)
RAVI = replace(
    ALICE,
    display_name="Ravi Rao",
    role="R1990",
    role_name="Registration Authority Agent",
    roles=(Role("R1990", "Registration Authority Agent"),),
    can_manage_vscs=True,
)
BOB = RaUser("bob", "DEMO", "Bob Brown", False, None)
VSCS = (
    Vsc("VSC-DEMO-0002", "555000000002", "unassigned", None, "2027-06-01T00:00:00Z", 183),
    Vsc("VSC-0010", "555000000010", "unassigned", None, "2027-09-30T00:00:00Z", 304),
)

AGENT_SHOTS: tuple[tuple[str, AgentView], ...] = (
    ("agent_collapsed", ALICE),
    ("agent_menu", replace(ALICE, page="menu")),
    ("agent_passcode", replace(
        ALICE, page="passcode", has_ticket=False, method="", message="wrong_passcode",
        tries_left=2,
    )),
    ("agent_roles", replace(ALICE, page="roles", role_purpose="change", method="vsc")),
    ("agent_card_role", replace(ALICE, page="card_role")),
    ("agent_reset", replace(ALICE, page="reset", message="admin_required")),
    ("agent_ra_vscs", replace(
        RAVI, page="ra_vscs", ra_user=BOB, ra_vscs=VSCS, message="vsc_assigned",
    )),
)  # fmt: skip


def grabber(view: AgentView) -> Callable[[QGuiApplication], QImage]:
    def grab(app: QGuiApplication) -> QImage:
        from greeter.ui.screenshots import settle

        translations = Translations(app, QLocale("en_GB"))
        window = AgentWindow(AgentBridge(lambda event: None, view))
        try:
            window.present()
            settle(app)
            return window.view.grabWindow()
        finally:
            window.close()
            translations.remove()

    return grab


AGENT_WINDOWS = tuple((name, grabber(view)) for name, view in AGENT_SHOTS)
