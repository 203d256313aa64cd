"""``sign_in``: ``check``'s use case without the checks, behind ``Emulator.tokens``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import oidc_probe.fake_cognito
from oidc_probe import api
from oidc_probe.api_emulator import EmulatorError
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode
from oidc_probe.run.host import QuietHost
from oidc_probe.run.probe_case import sign_in
from oidc_probe.run.requests import CiRequest, ConfigSource, LoginRequest, ProbeRequest

DEFAULT_POOL = Path(oidc_probe.fake_cognito.__file__).parent / "default_pool.json"


def test_sign_in_returns_the_login_and_runs_no_check() -> None:
    with api.start_emulator() as emulator:
        request = ProbeRequest(
            config=ConfigSource(overrides=emulator.cloudflare_config()["config"]),
            login=LoginRequest(username="demo", password=emulator.password("demo")),
        )
        host = QuietHost()
        ctx = sign_in(request, host)
    assert ctx.settings.login is LoginMode.FORM  # no terminal: the form login
    assert ctx.token_response is not None
    assert isinstance(ctx.token_response.get("id_token"), str)
    assert (ctx.id_token_claims or {}).get("cognito:username") == "demo"
    assert ctx.access_identity is None  # derived by the checks, which did not run
    assert host.redactor.redact(emulator.password("demo")) != emulator.password("demo")


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (
            ProbeRequest(discovery_only=True),
            "sign_in signs one user in: no discovery_only, no users file",
        ),
        (
            ProbeRequest(ci=CiRequest(users_file="users.toml")),
            "sign_in signs one user in: no discovery_only, no users file",
        ),
        (
            ProbeRequest(login=LoginRequest(mode=LoginMode.BROWSER)),
            "sign_in signs in headless: the form login or initiate-auth, not browser",
        ),
    ],
)
def test_sign_in_refuses_what_is_not_one_headless_login(
    request_: ProbeRequest, message: str
) -> None:
    with pytest.raises(UsageError) as raised:
        sign_in(request_, QuietHost())
    assert str(raised.value) == message


def test_emulator_tokens_signs_in_an_app_with_a_custom_scheme_callback() -> None:
    """A mobile app's callback (myapp://...) is not Access's, but the emulator serves apps."""
    pool = json.loads(DEFAULT_POOL.read_text())
    pool["clients"][0]["callback_urls"].append("myapp://callback")
    with api.start_emulator(pool) as emulator:
        tokens = emulator.tokens("demo", redirect_uri="myapp://callback")
    assert tokens.id_token.startswith("eyJ")
    assert tokens.claims["cognito:username"] == "demo"


def test_emulator_tokens_raises_its_own_error_for_a_refused_request() -> None:
    with api.start_emulator() as emulator, pytest.raises(EmulatorError, match="no tokens for ''"):
        emulator.tokens("", password="x")
