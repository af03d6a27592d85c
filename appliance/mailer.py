"""Alert e-mail through the site's SMTP server, when `appliance.toml` has an `[smtp]` table:

[smtp]
host = "smtp.trust.example"
port = 587                      # default 25
from = "tapkiosk@trust.example"
to = ["it-security@trust.example"]
starttls = true                 # default false
username = ""                   # with password: log in (after STARTTLS)
password = ""
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from appliance.config import ApplianceError, read_config_values

TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class Smtp:
    host: str
    sender: str
    recipients: tuple[str, ...]
    port: int = 25
    starttls: bool = False
    username: str = ""
    password: str = field(default="", repr=False)


def _typed(table: dict[str, Any], key: str, kind: type, default: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ApplianceError(f"unable to read config: smtp.{key} has the wrong type")
    return value


def load_smtp(state_dir: Path) -> Smtp | None:
    """The `[smtp]` table, or None when e-mail is not configured."""
    table = read_config_values(state_dir).get("smtp")
    if table is None:
        return None
    if not isinstance(table, dict):
        raise ApplianceError("unable to read config: smtp must be a table")
    recipients = table.get("to", [])
    recipients = [recipients] if isinstance(recipients, str) else recipients
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise ApplianceError("unable to read config: smtp.to must be an address or a list")
    smtp = Smtp(
        host=_typed(table, "host", str, ""),
        sender=_typed(table, "from", str, ""),
        recipients=tuple(recipients),
        port=_typed(table, "port", int, 25),
        starttls=_typed(table, "starttls", bool, False),
        username=_typed(table, "username", str, ""),
        password=_typed(table, "password", str, ""),
    )
    if not smtp.host or not smtp.sender or not smtp.recipients:
        raise ApplianceError("unable to read config: smtp needs host, from and to")
    return smtp


def send(smtp: Smtp, subject: str, body: str) -> None:
    """One message to every recipient; OSError or smtplib.SMTPException when it fails."""
    message = EmailMessage()
    message["From"] = smtp.sender
    message["To"] = ", ".join(smtp.recipients)
    message["Subject"] = subject
    message.set_content(body)
    with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT_SECONDS) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        if smtp.username:
            client.login(smtp.username, smtp.password)
        client.send_message(message)
