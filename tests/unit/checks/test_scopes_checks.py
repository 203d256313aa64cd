"""CLM007 scopes-granted."""

from __future__ import annotations

import base64
import json
from typing import Any

from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Status
from oidc_probe.core.settings import LoginMode, RunSettings
from tests.factories import DOMAIN, ISSUER, json_exchange, make_config, make_context
from tests.unit.checks.helpers import only


def _jwt(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'RS256'})}.{part(claims)}.c2ln"


def _ctx(
    body: dict[str, Any], scopes: tuple[str, ...] = ("openid", "email", "profile")
) -> RunContext:
    fetch = json_exchange(f"{DOMAIN}/oauth2/token", body, method="POST")
    return make_context(make_config(scopes=scopes), token_fetch=fetch)


def test_clm007_passes_when_the_access_token_holds_every_scope() -> None:
    body = {"access_token": _jwt({"scope": "openid email profile"})}
    finding = only("CLM007", _ctx(body))
    assert finding.status is Status.PASS
    assert "access token" in finding.message


def test_clm007_warns_for_a_dropped_scope() -> None:
    body = {"access_token": _jwt({"scope": "openid profile"})}
    finding = only("CLM007", _ctx(body))
    assert finding.status is Status.WARN
    assert "did not grant email" in finding.message
    assert finding.evidence["actual"] == ["openid", "profile"]


def test_clm007_prefers_the_token_responses_scope() -> None:
    body = {"access_token": _jwt({"scope": "openid"}), "scope": "openid email profile"}
    assert only("CLM007", _ctx(body)).status is Status.PASS


def test_clm007_skips_an_opaque_access_token() -> None:
    finding = only("CLM007", _ctx({"access_token": "opaque-value"}))
    assert finding.status is Status.SKIP
    assert "unknown" in finding.message


def test_clm007_skips_without_a_token_response() -> None:
    assert only("CLM007", make_context()).status is Status.SKIP


def test_clm007_skips_initiate_auth() -> None:
    settings = RunSettings(issuer=ISSUER, login=LoginMode.INITIATE_AUTH)
    ctx = make_context(settings=settings)
    finding = only("CLM007", ctx)
    assert finding.status is Status.SKIP
    assert "InitiateAuth" in finding.message
