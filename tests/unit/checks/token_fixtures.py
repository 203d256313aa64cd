"""A complete, healthy run context after the verify and userinfo stages, for the IDT/CLM/USR tests.

``healthy_context()`` returns what a good Cognito login produces; tests change one thing.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import (
    AuthorizationRequest,
    DecodedJwt,
    HttpExchange,
    LoginResult,
    RunContext,
    SignatureResult,
)
from oidc_probe.core.settings import RunSettings
from tests.factories import DOMAIN, ISSUER, NOW, json_exchange, make_config, make_context

NONCE = "n0nce-Secret-Value-kZq8TxY2wP5mR7vL"
STATE = "st4te-Secret-Value-aB3dE5fG7hJ9kL1m"
CODE = "c0de-Secret-Value-9f8e7d6c"
ACCESS_TOKEN = "eyJraWQiOiJhY2Nlc3MifQ.eyJ0b2tlbl91c2UiOiJhY2Nlc3MifQ.QUNDRVNTLVNJRw"
SUB = "9f1c2b3a-1111-4222-8333-444455556666"
CLIENT_ID = make_config().client_id
USERINFO_URL = f"{DOMAIN}/oauth2/userInfo"
DISCOVERY_URL = f"{ISSUER}/.well-known/openid-configuration"
KIDS = ("id-key-1", "access-key-2")


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def at_hash(access_token: str, hash_name: str = "sha256") -> str:
    digest = hashlib.new(hash_name, access_token.encode()).digest()
    return b64url(digest[: len(digest) // 2])


def healthy_claims() -> dict[str, Any]:
    return {
        "sub": SUB,
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "token_use": "id",
        "auth_time": int(NOW) - 20,
        "iat": int(NOW) - 10,
        "exp": int(NOW) + 3600,
        "nonce": NONCE,
        "at_hash": at_hash(ACCESS_TOKEN),
        "cognito:username": "ana",
        "cognito:groups": ["admins"],
        "email": "ana@example.com",
        "email_verified": True,
        "jti": "0e3b0f0e-aaaa-bbbb-cccc-ddddeeeeffff",
    }


def encode(header: Mapping[str, Any], claims: Mapping[str, Any]) -> str:
    """A compact JWS with a fake signature: checks never verify, the verify stage does."""
    parts = [b64url(json.dumps(part).encode()) for part in (header, claims)]
    return ".".join([*parts, b64url(b"not-a-real-signature-" + b"x" * 200)])


def decoded(header: Mapping[str, Any], claims: Mapping[str, Any]) -> DecodedJwt:
    return DecodedJwt(raw=encode(header, claims), header=dict(header), claims=dict(claims))


def healthy_context(
    *,
    claims: Mapping[str, Any] | None = None,
    set_claims: Mapping[str, Any] | None = None,
    drop: Iterable[str] = (),
    header: Mapping[str, Any] | None = None,
    config: ProbeConfig | None = None,
    settings: RunSettings | None = None,
    userinfo: Mapping[str, Any] | None = None,
    **artefacts: Any,
) -> RunContext:
    """A context after a good login; ``set_claims``/``drop`` edit the ID-token claims."""
    body = dict(healthy_claims() if claims is None else claims)
    body.update(set_claims or {})
    for name in drop:
        body.pop(name, None)
    head = dict(header if header is not None else {"alg": "RS256", "kid": KIDS[0], "typ": "JWT"})
    token = decoded(head, body)
    config = config or make_config()
    values: dict[str, Any] = {
        "discovery_fetch": json_exchange(
            DISCOVERY_URL,
            {
                "issuer": ISSUER,
                "authorization_endpoint": config.auth_url,
                "token_endpoint": config.token_url,
                "jwks_uri": config.certs_url,
                "userinfo_endpoint": USERINFO_URL,
            },
        ),
        "jwks_fetch": json_exchange(
            config.certs_url,
            {"keys": [{"kid": kid, "kty": "RSA", "alg": "RS256", "e": "AQAB"} for kid in KIDS]},
        ),
        "authorization": AuthorizationRequest(
            url=f"{config.auth_url}?client_id={config.client_id}",
            state=STATE,
            nonce=NONCE,
            redirect_uri="http://localhost:8765/callback",
            scope=" ".join(config.scopes),
        ),
        "login": LoginResult(
            callback_url=f"http://localhost:8765/callback?code={CODE}&state={STATE}",
            callback_params={"code": CODE, "state": STATE},
        ),
        "token_fetch": json_exchange(
            config.token_url,
            {
                "access_token": ACCESS_TOKEN,
                "id_token": token.raw,
                "refresh_token": "r3fresh-Secret-Value",
                "token_type": "Bearer",
                "expires_in": 3600,
            },
            method="POST",
        ),
        "id_token": token,
        "signature": SignatureResult(
            alg=head.get("alg") if isinstance(head.get("alg"), str) else None,
            kid=head.get("kid") if isinstance(head.get("kid"), str) else None,
            key_found=True,
            valid=True,
            known_kids=KIDS,
        ),
        "userinfo_fetch": json_exchange(
            USERINFO_URL,
            dict(
                userinfo
                if userinfo is not None
                else {
                    "sub": SUB,
                    "email": "ana@example.com",
                    "email_verified": "true",
                    "username": "ana",
                }
            ),
        ),
    }
    values.update(artefacts)
    return make_context(config, settings, **values)


def bare_exchange(url: str, status: int, text: str, content_type: str) -> HttpExchange:
    return HttpExchange(
        method="GET",
        url=url,
        status=status,
        headers={"content-type": content_type},
        text=text,
        json_error="Expecting value: line 1 column 1 (char 0)",
    )


def secrets_in(ctx: RunContext) -> list[str]:
    """Values no finding may contain: the run's secrets, the nonce and the state."""
    return [*ctx.secrets(), NONCE, STATE, ACCESS_TOKEN]


def assert_documented(check_id: str) -> None:
    """The check's docstring has its four parts and every reference resolves to a URL."""
    from oidc_probe.checks.catalogue import get_check
    from oidc_probe.core.refs import ref_url

    spec = get_check(check_id)
    assert spec is not None, check_id
    doc = spec.doc
    summary = doc.splitlines()[0]
    assert summary.endswith("."), summary
    assert len(summary) > 20, summary
    paragraphs = [p.strip() for p in doc.split("\n\n")]
    for part in ("Why it matters:", "How to fix:", "References:"):
        matches = [p for p in paragraphs if p.startswith(part)]
        assert len(matches) == 1, (check_id, part)
        assert len(matches[0]) > len(part) + 10, (check_id, part)
    assert paragraphs.index(next(p for p in paragraphs if p.startswith("Why"))) > 0
    assert spec.refs, check_id
    for ref in spec.refs:
        assert ref_url(ref).startswith("https://"), ref


def failed_userinfo(status: int = 401) -> HttpExchange:
    return HttpExchange(
        method="GET",
        url=USERINFO_URL,
        status=status,
        headers={"content-type": "application/json", "www-authenticate": 'Bearer error="x"'},
        text='{"error":"invalid_token"}',
        json={"error": "invalid_token"},
    )
