"""Issue 19 item 3: a discovery-only worry fails only when the run cannot prove it wrong.

The same emulator faults through the real CLI twice: with ``--discovery-only`` nothing
proves the document wrong, so DSC003 and DSC007 fail; with a login the token exchange
and the verified RS256 token prove it, so they warn and say why (the fault matrix covers
the login runs, ``tests/e2e/test_faults.py``). DSC006 never fails (issue 24: no Cloudflare
source names the method Access authenticates with); it warns either way, and with a login
it says the exchange succeeded.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.e2e.conftest import Emulator, probe, run_cli

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(
    ("fault", "check_id"),
    [
        ("discovery-hs256-only", "DSC007"),
        ("discovery-endpoint-mismatch", "DSC003"),
    ],
)
def test_discovery_only_fails_what_a_login_would_prove_wrong(
    fault: str, check_id: str, emulator_factory: Callable[..., Emulator]
) -> None:
    emu = emulator_factory(fault)
    alone = run_cli(
        ["check", "--config", str(emu.config_file()), "--discovery-only", "--format", "json"],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret()},
    )
    assert "Traceback" not in alone.stderr
    assert alone.code == 1
    assert "fail" in alone.statuses(check_id)
    with_login = probe(emu)
    assert with_login.code == 0, with_login.stderr
    assert "fail" not in with_login.statuses(check_id)
    assert "warn" in with_login.statuses(check_id)
    warned = [c for c in with_login.json()["checks"] if c["id"] == check_id]
    assert any("verif" in c["message"] or "succeeded" in c["message"] for c in warned)


def test_dsc006_warns_alone_and_says_the_exchange_succeeded_with_a_login(
    emulator_factory: Callable[..., Emulator],
) -> None:
    emu = emulator_factory("discovery-no-basic-auth")
    alone = run_cli(
        ["check", "--config", str(emu.config_file()), "--discovery-only", "--format", "json"],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret()},
    )
    assert "Traceback" not in alone.stderr
    assert alone.statuses("DSC006") == ["warn"], alone.stdout
    with_login = probe(emu)
    assert with_login.code == 0, with_login.stderr
    warned = [c for c in with_login.json()["checks"] if c["id"] == "DSC006"]
    assert [c["status"] for c in warned] == ["warn"]
    assert "succeeded" in warned[0]["message"]


def test_an_encryption_key_and_an_unknown_key_type_pass_jwk002(
    emulator_factory: Callable[..., Emulator],
) -> None:
    result = probe(emulator_factory("enc-key-in-jwks"))
    assert result.code == 0, result.stderr
    assert result.statuses("JWK002") == ["pass"]
    assert result.statuses("IDT004") == ["pass"]
