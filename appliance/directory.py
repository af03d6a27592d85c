"""Who a user is and whether their password is right: local users, or LDAP per domain.

Local users (the default) keep an Argon2id password verifier in the database. A domain named
in the config's `[ldap.<DOMAIN>]` table is checked against its directory instead: find the
user's entry with the domain's search base and filter, then bind as that entry with the
password (over LDAPS or StartTLS). A directory user seen for the first time is added to the
database under the `default` policy.

Checks run outside any transaction, after the login has reserved the guess
(`appliance.attempts`): `Directory.checker` hands the login a check to run.
"""

from __future__ import annotations

import logging
import secrets
import ssl
from collections.abc import Callable
from dataclasses import dataclass

import ldap3
from ldap3.core.exceptions import LDAPException, LDAPStartTLSError
from ldap3.utils.conv import escape_filter_chars
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from appliance.config import HashCost, LdapDomain, Settings
from appliance.db import Database, core
from appliance.hashing import burn_time, check_verifier
from appliance.keys import Keys
from appliance.store import User

log = logging.getLogger(__name__)
LDAP_TIMEOUT_SECONDS = 5


def normal_username(username: str) -> str:
    return username.strip().lower()


def normal_domain(domain: str) -> str:
    return domain.strip().upper()


def find_user(db: Session, username: str, domain: str) -> User | None:
    return db.scalars(
        select(User).where(
            User.username == normal_username(username), User.domain == normal_domain(domain)
        )
    ).one_or_none()


@dataclass(frozen=True)
class DirectoryEntry:
    username: str
    domain: str
    display_name: str


class LdapDirectory:
    """Password checks by binding to one domain's LDAP server as the user."""

    def __init__(self, config: LdapDomain) -> None:
        self.config = config

    def _server(self) -> ldap3.Server:
        tls = None
        if self.config.url.startswith("ldaps://") or self.config.starttls:
            tls = ldap3.Tls(
                validate=ssl.CERT_REQUIRED,
                ca_certs_file=self.config.ca_file or None,
                version=ssl.PROTOCOL_TLS_CLIENT,
            )
        return ldap3.Server(self.config.url, tls=tls, connect_timeout=LDAP_TIMEOUT_SECONDS)

    def _connect(self, user: str | None = None, password: str | None = None) -> ldap3.Connection:
        conn = ldap3.Connection(
            self._server(),
            user=user,
            password=password,
            receive_timeout=LDAP_TIMEOUT_SECONDS,
            raise_exceptions=False,
        )
        conn.open()
        # never fall back to a cleartext bind when StartTLS fails
        if (
            self.config.starttls
            and not self.config.url.startswith("ldaps://")
            and not conn.start_tls()
        ):
            conn.unbind()
            raise LDAPStartTLSError(f"StartTLS refused: {conn.result}")
        return conn

    def authenticate(self, username: str, password: str) -> DirectoryEntry | None:
        """The user's entry if `password` binds as them; None if not (or unreachable)."""
        if not password:
            return None  # an empty password is an anonymous bind in LDAP: never a login
        attribute = self.config.display_name_attribute
        search_filter = self.config.user_filter.format(username=escape_filter_chars(username))
        try:
            if self.config.search_dn:
                finder = self._connect(self.config.search_dn, self.config.search_password)
            else:
                finder = self._connect()
            if not finder.bind():
                log.warning("unable to search %s: search bind refused", self.config.domain)
                return None
            finder.search(self.config.user_base, search_filter, attributes=[attribute])
            entries = list(finder.entries)
            finder.unbind()
            found = len(entries) == 1
            # Nobody (or several): bind all the same, as no one, so that an unknown name costs
            # what a wrong password costs and the time does not tell who is in the directory.
            user_conn = self._connect(entries[0].entry_dn if found else self._no_one(), password)
            # a directory that lets anyone bind as no one (slapd's null backend does) must
            # not let anyone in
            ok = bool(user_conn.bind()) and found
            user_conn.unbind()
        except (LDAPException, OSError) as error:
            log.warning("unable to reach the %s directory: %s", self.config.domain, error)
            return None
        if not ok:
            return None
        values = entries[0][attribute].values if attribute in entries[0] else []
        display = str(values[0]) if values else username
        return DirectoryEntry(normal_username(username), self.config.domain, display)

    def _no_one(self) -> str:
        """A DN under the user base that no entry has (fresh each time, so none can be made)."""
        return f"cn=tapkiosk-no-one-{secrets.token_hex(16)},{self.config.user_base}"


@dataclass(frozen=True)
class Proof:
    """A password check's outcome. `entry`: the directory's account (an LDAP user may not be
    in the database yet); `renewed`: a local verifier moved to the current key."""

    right: bool
    entry: DirectoryEntry | None = None
    renewed: str | None = None


WRONG = Proof(False)


class Directory:
    """The one place that answers "is this username + password + domain right?"."""

    def __init__(self, settings: Settings) -> None:
        self.cost: HashCost = settings.hash_cost
        self.keys: Keys = settings.keys
        self.ldap = {entry.domain: LdapDirectory(entry) for entry in settings.ldap}

    def domains(self) -> list[str]:
        return sorted(self.ldap)

    def checker(
        self, username: str, domain: str, password: str, verifier: str | None
    ) -> Callable[[], Proof]:
        """The check, to run outside any transaction (it hashes, or asks the directory):
        `verifier` is the local user's, None for an unknown one (who costs the same time)."""
        directory = self.ldap.get(domain)
        if directory is not None:

            def ask() -> Proof:
                entry = directory.authenticate(username, password)
                return WRONG if entry is None else Proof(True, entry)

            return ask
        if verifier is None:

            def burn() -> Proof:
                burn_time(password, self.cost)
                return WRONG

            return burn

        def check() -> Proof:
            verdict = check_verifier(password, verifier, self.keys)
            return Proof(verdict.right, None, verdict.renewed)

        return check

    def add_entry(self, db: Database, entry: DirectoryEntry) -> None:
        """A directory user seen for the first time joins the database (default policy)."""
        core(db).execute(
            insert(User).values(
                username=entry.username,
                domain=entry.domain,
                display_name=entry.display_name,
                disabled=False,
                registration_authority=False,
                policy_name="default",
            )
        )
