"""The isolated pcscd rig itself: others build on it, so its promises are tested here."""

import os
import subprocess
import sys

import pytest
from smartcard import scard

from tests.rig.vpcd import CONTACTLESS_ATR

pytestmark = pytest.mark.pcsc

UID = bytes.fromhex("04A1B2C3D4E5F6")


def _read_uid(reader_name: str) -> tuple[bytes, bytes]:
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    assert hresult == scard.SCARD_S_SUCCESS
    try:
        hresult, card, _protocol = scard.SCardConnect(
            context, reader_name, scard.SCARD_SHARE_SHARED, scard.SCARD_PROTOCOL_ANY
        )
        assert hresult == scard.SCARD_S_SUCCESS, scard.SCardGetErrorMessage(hresult)
        hresult, _name, _state, _protocol, atr = scard.SCardStatus(card)
        hresult, response = scard.SCardTransmit(
            card, scard.SCARD_PCI_T1, list(bytes.fromhex("FFCA000000"))
        )
        scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        return bytes(atr), bytes(response)
    finally:
        scard.SCardReleaseContext(context)


def _wait_present(reader_name: str) -> None:
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    try:
        hresult, states = scard.SCardGetStatusChange(
            context, 5000, [(reader_name, scard.SCARD_STATE_EMPTY)]
        )
        assert hresult == scard.SCARD_S_SUCCESS
        assert states[0][1] & scard.SCARD_STATE_PRESENT
    finally:
        scard.SCardReleaseContext(context)


def test_the_isolated_pcscd_serves_its_vpcd_readers_on_its_own_socket(pcscd):
    assert [r.name for r in pcscd.readers] == ["Tapkiosk vpcd A 00 00", "Tapkiosk vpcd A 00 01"]
    assert os.environ["PCSCLITE_CSOCK_NAME"] == str(pcscd.socket_path)
    assert pcscd.socket_path.exists()
    # the system's own pcscd path is untouched by ours
    assert (
        not os.path.exists("/run/pcscd/pcscd.comm") or pcscd.socket_path != "/run/pcscd/pcscd.comm"
    )


def test_a_virtual_card_answers_its_uid_through_pcscd(pcscd):
    card = pcscd.card(pcscd.readers[0], uid=UID)
    card.insert()
    _wait_present(pcscd.readers[0].name)
    atr, response = _read_uid(pcscd.readers[0].name)
    assert atr == CONTACTLESS_ATR
    assert response == UID + b"\x90\x00"


def test_a_child_process_reaches_the_same_pcscd_with_the_env(pcscd):
    code = "from smartcard.System import readers; print([str(r) for r in readers()])"
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **pcscd.env},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    ).stdout
    assert "Tapkiosk vpcd A 00 00" in out


def test_adding_and_removing_a_reader_changes_the_reader_list(pcscd):
    added = pcscd.add_reader("B")
    assert [r.name for r in added] == ["Tapkiosk vpcd B 00 00", "Tapkiosk vpcd B 00 01"]
    pcscd.remove_reader("B")
    assert [r.label for r in pcscd.readers] == ["A", "A"]


def test_a_card_resting_through_a_restart_is_back_afterwards(pcscd):
    card = pcscd.card(pcscd.readers[1], uid=UID)
    card.insert()
    pcscd.restart()
    assert card.inserted
    _wait_present(pcscd.readers[1].name)


def test_a_port_taken_by_another_run_is_replaced_by_a_free_one(pcscd_socket_dir, tmp_path):
    import socket

    import tests.rig.pcsc as rig

    with socket.socket() as other_run:
        other_run.bind(("127.0.0.1", 0))
        other_run.listen()
        taken = other_run.getsockname()[1]
        picks = iter([taken])
        free = rig._free_port_pair
        daemon = rig.IsolatedPcscd(pcscd_socket_dir, tmp_path / "conf")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(rig, "_free_port_pair", lambda: next(picks, None) or free())
            daemon.start()
        try:
            assert len(daemon.readers) == 2
            assert taken not in {r.port for r in daemon.readers}
        finally:
            daemon.close()
