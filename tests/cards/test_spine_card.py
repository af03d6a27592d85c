"""The kiosk's Spine smartcard signer against a virtual Spine card on vpcd, through a real pcscd:
the card itself refuses a wrong passcode, counts tries, and signs only after VERIFY."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import serialization
from smartcard import scard

from appliance.ssb_sim import verify
from greeter.cards import spine_applet as applet
from greeter.cards.pcsc_card import transmitter
from greeter.cards.spine_card import PcscSpineSigner
from greeter.spine_signer import SpineCardError
from tests.rig.spine_card import CHUNK, SpineCard
from tests.rig.ssb import SoftCard
from tests.rig.vpcd import CONTACT_ATR, cplc_with_serial

pytestmark = pytest.mark.pcsc

PASSCODE = "80417263"
WRONG = "11112222"
ALICE = SoftCard.make("alice@DEMO")
BOB = SoftCard.make("bob@DEMO")


def _challenge() -> bytes:
    return os.urandom(32)


@pytest.fixture
def spine_card(pcscd) -> Callable[..., SpineCard]:
    """Insert a Spine card holding `soft`'s key in the first slot; wait until pcscd sees it."""

    def insert(soft: SoftCard = ALICE, **kwargs: object) -> SpineCard:
        card = pcscd.attach(SpineCard.holding(pcscd.readers[0].port, soft, passcode=PASSCODE))
        for name, value in kwargs.items():
            setattr(card, name, value)
        card.insert()
        _wait(pcscd.readers[0].name, present=True)
        return card

    return insert


def _wait(reader: str, *, present: bool) -> None:
    _hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    try:
        state = scard.SCARD_STATE_EMPTY if present else scard.SCARD_STATE_PRESENT
        for _ in range(50):
            _hresult, states = scard.SCardGetStatusChange(context, 200, [(reader, state)])
            if bool(states[0][1] & scard.SCARD_STATE_PRESENT) == present:
                return
            state = states[0][1] & ~scard.SCARD_STATE_CHANGED
        raise AssertionError(f"{reader}: present={present} not reported")
    finally:
        scard.SCardReleaseContext(context)


def _raw(reader: str, *apdus: bytes) -> list[bytes]:
    """Send `apdus` to the card in `reader` on a connection of our own; the status words."""
    _hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    try:
        hresult, card, protocol = scard.SCardConnect(
            context, reader, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_ANY
        )
        assert hresult == scard.SCARD_S_SUCCESS, scard.SCardGetErrorMessage(hresult)
        transmit = transmitter(card, protocol)
        answers = [transmit(apdu)[-2:] for apdu in apdus]
        scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        return answers
    finally:
        scard.SCardReleaseContext(context)


def test_the_right_passcode_signs_and_the_broker_accepts_the_signature(spine_card):
    card = spine_card()
    signer = PcscSpineSigner()
    assert signer.present()
    challenge = _challenge()
    signature = signer.sign(PASSCODE, challenge)
    assert verify(ALICE.cert, signature, challenge)
    assert not verify(ALICE.cert, signature, _challenge())  # it signed this challenge
    assert card.signatures == 1


def test_the_certificate_is_read_whole_across_get_response(spine_card):
    spine_card()
    der = PcscSpineSigner().certificate()
    assert len(der) > 2 * CHUNK  # longer than two of the card's chunks: chaining was followed
    assert der == ALICE.cert.public_bytes(serialization.Encoding.DER)


def test_a_wrong_passcode_fails_with_the_tries_left_and_three_block_the_card(spine_card):
    card = spine_card()
    signer = PcscSpineSigner()
    for left in (2, 1):
        with pytest.raises(SpineCardError) as wrong:
            signer.sign(WRONG, _challenge())
        assert (wrong.value.problem, wrong.value.tries_left) == ("wrong_passcode", left)
    with pytest.raises(SpineCardError) as third:
        signer.sign(WRONG, _challenge())
    assert (third.value.problem, third.value.tries_left) == ("blocked", 0)
    # blocked on the card: the right passcode no longer helps
    with pytest.raises(SpineCardError) as blocked:
        signer.sign(PASSCODE, _challenge())
    assert blocked.value.problem == "blocked"
    assert card.signatures == 0


def test_the_right_passcode_restores_the_tries(spine_card):
    spine_card()
    signer = PcscSpineSigner()
    with pytest.raises(SpineCardError):
        signer.sign(WRONG, _challenge())
    signer.sign(PASSCODE, _challenge())
    with pytest.raises(SpineCardError) as wrong:
        signer.sign(WRONG, _challenge())
    assert wrong.value.tries_left == 2


def test_the_card_refuses_to_sign_without_verify_even_right_after_the_kiosk_signed(
    spine_card, pcscd
):
    card = spine_card()
    name = pcscd.readers[0].name
    digest = bytes(32)
    assert _raw(name, applet.SELECT, applet.sign_apdu(digest)) == [
        applet.SW_OK,
        applet.SW_NOT_VERIFIED,
    ]
    PcscSpineSigner().sign(PASSCODE, _challenge())
    # the kiosk reset the card after its signature: nobody signs on its VERIFY
    assert _raw(name, applet.SELECT, applet.sign_apdu(digest))[1] == applet.SW_NOT_VERIFIED
    assert card.signatures == 1


def test_taking_the_card_out_forgets_the_verify(spine_card, pcscd):
    card = spine_card()
    name = pcscd.readers[0].name
    verified = _raw(name, applet.SELECT, applet.verify_apdu(PASSCODE))
    assert verified == [applet.SW_OK, applet.SW_OK]
    card.remove()
    _wait(name, present=False)
    card.insert()
    _wait(name, present=True)
    assert _raw(name, applet.SELECT, applet.sign_apdu(bytes(32)))[1] == applet.SW_NOT_VERIFIED


def test_unknown_commands_answer_6d00(spine_card, pcscd):
    spine_card()
    name = pcscd.readers[0].name
    assert _raw(name, applet.SELECT, bytes.fromhex("00880000080102030405060708")) == [
        applet.SW_OK,
        applet.SW_INS_NOT_SUPPORTED,
    ]


def test_another_users_card_signs_but_the_broker_rejects_it(spine_card):
    spine_card(BOB)
    challenge = _challenge()
    signature = PcscSpineSigner().sign(PASSCODE, challenge)
    assert verify(BOB.cert, signature, challenge)
    assert not verify(ALICE.cert, signature, challenge)


def test_a_card_pulled_mid_signature_is_removed(spine_card):
    card = spine_card(pull_at=0x2A)
    with pytest.raises(SpineCardError) as pulled:
        PcscSpineSigner().sign(PASSCODE, _challenge())
    assert pulled.value.problem == "removed"
    assert not card.inserted


def test_no_spine_card_is_no_card_whatever_else_is_in_the_readers(pcscd):
    signer = PcscSpineSigner()
    with pytest.raises(SpineCardError) as none:
        signer.sign(PASSCODE, _challenge())
    assert none.value.problem == "no_card"
    # a contactless badge and a contact card without the Spine applet are not Spine cards
    badge = pcscd.card(pcscd.readers[0], uid=bytes.fromhex("04A1B2C3D4E5F6"))
    other = pcscd.card(
        pcscd.readers[1], atr=CONTACT_ATR, cplc=cplc_with_serial(b"\x12\x34\x56\x78")
    )
    for card in (badge, other):
        card.insert()
    for reader in pcscd.readers:
        _wait(reader.name, present=True)
    assert not signer.present()
    with pytest.raises(SpineCardError) as still_none:
        signer.sign(PASSCODE, _challenge())
    assert still_none.value.problem == "no_card"
    assert not any(a[:2] == b"\x00\x20" for c in (badge, other) for a in c.apdus_seen)


def test_the_spine_card_is_found_in_the_second_slot(pcscd):
    pcscd.card(pcscd.readers[0], uid=bytes.fromhex("04A1B2C3D4E5F6")).insert()
    card = pcscd.attach(SpineCard.holding(pcscd.readers[1].port, ALICE, passcode=PASSCODE))
    card.insert()
    _wait(pcscd.readers[1].name, present=True)
    challenge = _challenge()
    assert verify(ALICE.cert, PcscSpineSigner().sign(PASSCODE, challenge), challenge)


def test_the_passcode_is_in_no_log_and_no_error(spine_card, caplog):
    caplog.set_level(logging.DEBUG)
    spine_card(pull_at=0x2A)
    signer = PcscSpineSigner()
    messages = []
    for passcode in (WRONG, PASSCODE):
        with pytest.raises(SpineCardError) as failed:
            signer.sign(passcode, _challenge())
        messages.append(str(failed.value))
    assert messages
    for secret in (WRONG, PASSCODE, PASSCODE.encode().hex(), WRONG.encode().hex()):
        assert secret not in caplog.text
        assert not any(secret in message for message in messages)
