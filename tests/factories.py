"""Builders for run contexts in unit tests of checks."""

from __future__ import annotations

import json
from typing import Any

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.settings import RunSettings

POOL = "us-east-1_Ab12Cd34E"
ISSUER = f"https://cognito-idp.us-east-1.amazonaws.com/{POOL}"
DOMAIN = "https://example.auth.us-east-1.amazoncognito.com"
NOW = 1_800_000_000.0


def make_config(**overrides: Any) -> ProbeConfig:
    values: dict[str, Any] = {
        "client_id": "3n4b5urk1ft4fl3mg5e62d9ado",
        "client_secret": "s3cr3t-value-for-tests",
        "auth_url": f"{DOMAIN}/oauth2/authorize",
        "token_url": f"{DOMAIN}/oauth2/token",
        "certs_url": f"{ISSUER}/.well-known/jwks.json",
        "scopes": ("openid", "email", "profile"),
        "claims": ("cognito:groups",),
    }
    values.update(overrides)
    return ProbeConfig(**values)


def make_context(
    config: ProbeConfig | None = None, settings: RunSettings | None = None, **artefacts: Any
) -> RunContext:
    ctx = RunContext(
        config=config or make_config(),
        settings=settings or RunSettings(issuer=ISSUER),
        now=lambda: NOW,
    )
    for name, value in artefacts.items():
        if not hasattr(ctx, name):
            raise AttributeError(name)
        setattr(ctx, name, value)
    return ctx


def json_exchange(
    url: str,
    body: Any,
    status: int = 200,
    headers: dict[str, str] | None = None,
    method: str = "GET",
) -> HttpExchange:
    text = json.dumps(body)
    return HttpExchange(
        method=method,
        url=url,
        status=status,
        headers={"content-type": "application/json", **(headers or {})},
        text=text,
        json=body,
    )


def html_exchange(url: str, text: str, status: int = 200, method: str = "GET") -> HttpExchange:
    """An HTML page where JSON was expected, with the JSON decoder's complaint."""
    return HttpExchange(
        method=method,
        url=url,
        status=status,
        headers={"content-type": "text/html"},
        text=text,
        json_error="Expecting value",
    )


def failed_exchange(url: str, error: str, method: str = "GET") -> HttpExchange:
    return HttpExchange(method=method, url=url, error=error)
