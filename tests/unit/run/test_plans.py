"""Each command's plan selects its checks as data."""

from __future__ import annotations

from oidc_probe.checks.catalogue import all_checks, get_check, probe_checks
from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.run.plans import AUDIT, DISCOVER, PROBE, VERIFY_ACCESS, VERIFY_TOKEN
from oidc_probe.run.requests import Command


def stages(checks: list) -> set[Stage]:  # type: ignore[type-arg]
    return {c.stage for c in checks}


def test_selections() -> None:
    catalogue = all_checks()
    assert PROBE.select(probe_checks()) == probe_checks()
    assert stages(DISCOVER.select(catalogue)) == {Stage.CONFIG, Stage.DISCOVERY, Stage.JWKS}
    assert Stage.POOL in stages(DISCOVER.select(catalogue, aws=True))
    assert stages(VERIFY_TOKEN.select(catalogue)) == {Stage.ID_TOKEN, Stage.CLAIMS}
    assert Stage.ACCESS in stages(VERIFY_TOKEN.select(catalogue, access=True))
    assert stages(AUDIT.select(catalogue)) == {Stage.CONFIG, Stage.POOL}
    assert stages(VERIFY_ACCESS.select(catalogue)) == {Stage.ACCESS_JWT}


def test_verify_words_the_skips_it_cannot_feed() -> None:
    nonce, well_formed = get_check("IDT009"), get_check("IDT001")
    assert nonce is not None
    assert well_formed is not None
    skip = Finding("IDT009", "nonce", Stage.ID_TOKEN, Status.SKIP, "no nonce")
    assert "nonce of the original login" in VERIFY_TOKEN.reword(skip, nonce).message
    failing = Finding("IDT009", "nonce", Stage.ID_TOKEN, Status.FAIL, "mismatch")
    assert VERIFY_TOKEN.reword(failing, nonce) is failing
    other = Finding("IDT001", "x", Stage.ID_TOKEN, Status.SKIP, "why")
    assert VERIFY_TOKEN.reword(other, well_formed) is other


def test_the_commands_a_check_names_are_commands() -> None:
    commands = {command.value for command in Command}
    declared = {c.id: set(c.not_fed_by) for c in all_checks() if c.not_fed_by}
    assert declared == {
        "IDT009": {"verify"},
        "IDT010": {"verify"},
        "CLM004": {"verify"},
        "CLM007": {"verify"},
    }
    assert all(names <= commands for names in declared.values())
