"""Sign tokens as Cloudflare Access does (RS256, a 64-hex kid), and tampered variants.

The claim set is the one Cloudflare documents for an application token (``aud`` an
array of AUD tags, ``email``, ``exp``, ``iat``, ``nbf``, ``iss`` the team domain,
``type`` app, ``identity_nonce``, ``sub``, ``country``) plus the ``custom`` claim that
carries the identity provider's configured claims.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joserfc import jwt
from joserfc.jwk import RSAKey

TEAM = "acme"
TEAM_DOMAIN = f"https://{TEAM}.cloudflareaccess.com"
AUD = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228"
KID = "7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c1e3b5d7f9a1c3e5b7d9f1a3c5e7b9d1f3a"


@dataclass
class AccessSigner:
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": KID}))

    def certs(self) -> dict[str, Any]:
        """The certs endpoint's ``keys`` (JWK, as documented: kid, kty, alg, use, e, n)."""
        public = self.key.as_dict(private=False)
        return {"keys": [{**public, "alg": "RS256", "use": "sig"}]}

    def certs_file(self, tmp_path: Path) -> Path:
        path = tmp_path / "certs.json"
        path.write_text(json.dumps(self.certs()))
        return path

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "aud": [AUD],
            "email": "demo@example.com",
            "exp": now + 3600,
            "iat": now,
            "nbf": now,
            "iss": TEAM_DOMAIN,
            "type": "app",
            "identity_nonce": "6ei69kawdKzMIAPF",
            "sub": "7335d417-61da-459d-899c-0a01c76a2f94",
            "country": "US",
            "custom": {"sub": "4f8e2b1c", "cognito:username": "demo", "name": "Demo User"},
        }
        claims.update(changes)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict[str, Any] | None = None, *, kid: str = KID, **changes: Any) -> str:
        header = {"alg": "RS256", "kid": kid, "typ": "JWT"}
        return jwt.encode(header, claims or self.claims(**changes), self.key)


def tampered_payload(token: str, **changes: Any) -> str:
    """The token with its payload changed and the signature kept: a forgery."""
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{signature}"


def unsigned(claims: dict[str, Any]) -> str:
    """An ``alg: none`` token, which no verifier may accept."""

    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."
