"""``--active`` through the real CLI against the emulator: each fault fails exactly its check."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from .conftest import CliResult, Emulator, probe

pytestmark = pytest.mark.e2e
ACTIVE_CHECKS = ("AUT005", "TOK004", "TOK005", "TOK007")


def active_run(emu: Emulator, *extra: str) -> CliResult:
    return probe(emu, "--active", *extra, config=emu.config_file(pkce_enabled=True))


def statuses(result: CliResult) -> dict[str, str]:
    return {check_id: "/".join(result.statuses(check_id)) for check_id in ACTIVE_CHECKS}


def test_a_sound_pool_passes_every_active_check(emulator: Emulator) -> None:
    result = active_run(emulator)

    assert statuses(result) == dict.fromkeys(ACTIVE_CHECKS, "pass")
    assert result.failing() == set()
    assert result.code == 0
    for check_id in ("TOK004", "TOK005"):
        found = next(c for c in result.json()["checks"] if c["id"] == check_id)
        assert found["evidence"]["actual"] == {"status": 400, "error": "invalid_grant"}


@pytest.mark.parametrize(
    ("fault", "check_id", "message"),
    [
        ("code-reusable", "TOK004", "the redeemed code sent again: the token endpoint accepted it"),
        ("pkce-not-enforced", "TOK005", "wrong code_verifier: the token endpoint accepted it"),
        ("open-redirect", "AUT005", "redirected to the unregistered redirect URI"),
    ],
)
def test_each_fault_fails_exactly_its_active_check(
    emulator_factory: Callable[..., Emulator], fault: str, check_id: str, message: str
) -> None:
    result = active_run(emulator_factory(fault))

    assert result.failing() == {check_id}, result.stdout[-3000:]
    assert result.code == 1
    found = next(c for c in result.json()["checks"] if c["id"] == check_id)
    assert message in found["message"]
    assert found["hint"]


def test_without_active_the_checks_skip_and_say_how_to_run_them(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory("code-reusable", "pkce-not-enforced", "open-redirect")
    result = probe(emu, config=emu.config_file(pkce_enabled=True))

    assert statuses(result) == dict.fromkeys(ACTIVE_CHECKS, "skip")
    assert result.code == 0
    for check in result.json()["checks"]:
        if check["id"] in ACTIVE_CHECKS:
            assert "run with --active" in check["message"]


def test_tok005_skips_when_pkce_is_off(emulator_factory: Callable[..., Emulator]) -> None:
    emu = emulator_factory("pkce-not-enforced")
    result = probe(emu, "--active")

    assert result.statuses("TOK005") == ["skip"]
    assert result.code == 0


def test_active_needs_a_login(emulator: Emulator) -> None:
    result = probe(emulator, "--active", "--discovery-only")

    assert result.code == 2
    assert "--active needs a login" in result.stderr
