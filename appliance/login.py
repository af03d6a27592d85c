"""`POST /v1/auth`: one login walked one factor at a time (see docs/api.md).

Every step gathers its facts (`appliance.facts`), asks the gate (`appliance.gate`) and writes
what it decided (`appliance.login_end`); nothing decides on its own. The steps live by what
they do: the first factors (`appliance.first_factors`), the secrets checked after a card
(`appliance.secret_steps`), enrolment of cards and PINs (`appliance.enrolment`); a step that
checks a secret comes back `Pending` (`appliance.pending`). Here they are put together, with
one clock and one set of state tokens, as the one service the routes call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from appliance.audit import Auditor
from appliance.config import Settings
from appliance.db import Database
from appliance.directory import Directory
from appliance.enrolment import Enrolment
from appliance.first_factors import FirstFactors
from appliance.login_end import LoginEnd
from appliance.login_tx import Tx
from appliance.password_guess import PasswordGuesses
from appliance.secret_steps import SecretSteps
from appliance.states import StateTokens
from appliance.step_taking import StepTaking


class LoginService:
    def __init__(
        self, settings: Settings, directory: Directory, clock: Callable[[], dt.datetime]
    ) -> None:
        keys, self.clock, self.audit = settings.keys, clock, Auditor()
        states = StateTokens(clock)
        end = LoginEnd(keys, states)
        taking = StepTaking(states, end, clock)
        passwords = PasswordGuesses(directory, states, clock)
        first = FirstFactors(keys, directory, states, passwords, end, clock)
        later = SecretSteps(keys, directory, states, taking, end, clock)
        enrolment = Enrolment(settings, states, taking, passwords, end, clock)
        # the steps the routes call, each where its work lives
        self.tap, self.password, self.domains = first.tap, first.password, first.domains
        self.pin, self.card_password = later.pin, later.card_password
        self.enroll_card, self.enroll_pin = enrolment.enroll_card, enrolment.enroll_pin

    def tx(self, db: Database) -> Tx:
        return Tx(db, self.audit, self.clock)
