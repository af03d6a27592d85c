"""The kiosk bundle: one file that provisions a kiosk (`appliance kiosk add NAME --bundle FILE`).

It holds the kiosk's name, the appliance URLs (`urls`, in the order the kiosk tries them), its
secret and the CA to pin. Dropped at /etc/tapkiosk/bundle.toml (next to greeter.toml) it
overrides those keys of the greeter's config (`greeter/bundle.py` reads it), the way a
thin-client management profile does. It is TOML and,
because OpenSSL skips the text around a PEM block, also the CA file the greeter pins.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from appliance.config import ApplianceError, Settings

LOCAL_NAMES = {"localhost", "127.0.0.1", "::1"}


def default_url(settings: Settings, port: int = 8443) -> str:
    """The first name in the server certificate a kiosk can reach (not a loopback one)."""
    names = [name for name in settings.server_names if name not in LOCAL_NAMES]
    host = (names or list(settings.server_names) or ["localhost"])[0]
    return f"https://{f'[{host}]' if ':' in host else host}:{port}"


def render(name: str, urls: list[str], secret: str, ca_pem: str) -> str:
    # json.dumps writes a valid TOML basic string for these (names, URLs, base64-ish secrets)
    return (
        f"# tapkiosk kiosk bundle for {name}, from `appliance kiosk add`.\n"
        "# Holds this kiosk's secret: root and the greeter's user only (chmod 600).\n"
        "# Place it at /etc/tapkiosk/bundle.toml; it overrides those keys of greeter.toml.\n\n"
        f"[kiosk]\nname = {json.dumps(name)}\n\n"
        f"[appliance]\nurls = {json.dumps(urls)}\nkiosk_secret = {json.dumps(secret)}\n"
        f'ca = """\n{ca_pem.strip()}\n"""\n'
    )


def write(path: Path, name: str, urls: list[str], secret: str, settings: Settings) -> None:
    try:
        ca_pem = settings.ca_cert.read_text(encoding="ascii")
        # created 0600 before the secret is in it; an existing file is replaced, not widened
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(render(name, urls, secret, ca_pem))
        os.chmod(path, 0o600)
    except OSError as error:
        raise ApplianceError(
            f"unable to write the bundle {path}: {error.strerror or error}"
        ) from None
