"""Issuing signed tokens for a grant, with the token faults applied."""

from __future__ import annotations

import base64
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from oidc_probe.fake_cognito import keys as jose
from oidc_probe.fake_cognito.faults import Fault
from oidc_probe.fake_cognito.keys import PoolKeys, SigningKey
from oidc_probe.fake_cognito.pool import User
from oidc_probe.fake_cognito.tokens import (
    PROTOCOL_CLAIMS,
    TOKEN_LIFETIME,
    Grant,
    access_token_claims,
    id_token_claims,
)

TEN_YEARS = 10 * 365 * 86_400
# A header parameter no JWS specification defines (RFC 7515 4.3 private names may collide).
UNKNOWN_EXTENSION = "urn:oidc-probe:unknown-extension"
MANY_GROUPS = tuple(f"department-{n:02d}-engineering-staff-readers" for n in range(80))
WRONG_AUDIENCE = "0wrongaudienceclient000000"
# A claim a pre-token-generation Lambda could add: Go's encoding/json reads 10,000 levels.
DEEP_CLAIM_LEVELS = 500
LARGE_CLAIM_BYTES = 160_000
_REFRESH_HEADER = {"cty": "JWT", "enc": "A256GCM", "alg": "RSA-OAEP"}


@dataclass(frozen=True)
class IssuedTokens:
    """The tokens the emulator issued for one grant."""

    access_token: str = field(repr=False)
    id_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    expires_in: int = TOKEN_LIFETIME


class Minter:
    """Signs ID tokens with one key and access tokens with the other, as Cognito does.

    ``rotated_key``, when set, signs ID tokens instead (the rotate-keys fault).
    """

    def __init__(
        self, keys: PoolKeys, faults: frozenset[Fault], rotated_key: SigningKey | None = None
    ) -> None:
        self.keys = keys
        self.faults = faults
        self.rotated_key = rotated_key

    def adjust_user(self, user: User) -> User:
        """The user as the faults make the pool report them (email, groups)."""
        attributes = dict(user.attributes)
        groups = user.groups
        if Fault.NO_EMAIL in self.faults:
            attributes.pop("email", None)
            attributes.pop("email_verified", None)
        if Fault.EMAIL_UNVERIFIED in self.faults and "email" in attributes:
            attributes["email_verified"] = False
        if Fault.MANY_GROUPS in self.faults:
            groups = groups + MANY_GROUPS
        return replace(user, attributes=attributes, groups=groups)

    def mint(self, grant: Grant, issuer: str, now: float) -> IssuedTokens:
        issued_at = int(now)
        groups = grant.user.groups
        access_claims = access_token_claims(grant, issuer, issued_at, str(uuid.uuid4()), groups)
        access = jose.sign_rs256(
            {"kid": self.keys.access_key.kid}, access_claims, self.keys.access_key
        )
        claims = {
            "at_hash": jose.at_hash(access),
            **id_token_claims(grant, issuer, issued_at, str(uuid.uuid4()), groups),
        }
        id_token = (
            access
            if Fault.TOKEN_USE_ACCESS in self.faults
            else self._sign_id(self._break_claims(claims, grant, issuer, issued_at))
        )
        if Fault.ID_TOKEN_MALFORMED in self.faults:
            id_token = secrets.token_urlsafe(48)
        return IssuedTokens(access_token=access, id_token=id_token, refresh_token=_refresh_token())

    def _break_claims(
        self, claims: dict[str, Any], grant: Grant, issuer: str, now: int
    ) -> dict[str, Any]:
        edits: dict[Fault, Callable[[dict[str, Any]], None]] = {
            Fault.GROUPS_AS_STRING: _groups_as_string,
            Fault.CLAIMS_ONLY_IN_USERINFO: _protocol_claims_only,
            Fault.WRONG_ISS: lambda c: c.update(
                iss=f"{issuer.rsplit('/', 1)[0]}/us-east-1_Wrong0Iss"
            ),
            Fault.WRONG_AUD: lambda c: c.update(aud=WRONG_AUDIENCE),
            Fault.EXPIRED: lambda c: c.update(
                iat=now - 2 * TOKEN_LIFETIME, exp=now - TOKEN_LIFETIME
            ),
            Fault.EXP_IN_MILLISECONDS: lambda c: c.update(exp=(now + TOKEN_LIFETIME) * 1000),
            Fault.IAT_IN_FUTURE: lambda c: c.update(
                iat=now + TOKEN_LIFETIME, exp=now + 2 * TOKEN_LIFETIME
            ),
            Fault.NONCE_MISMATCH: lambda c: c.update(nonce=secrets.token_urlsafe(24)),
            Fault.NONCE_MISSING: lambda c: c.pop("nonce", None),
            Fault.BAD_AT_HASH: lambda c: c.update(at_hash=jose.at_hash("not-the-access-token")),
            Fault.NO_SUB: lambda c: c.pop("sub", None),
            Fault.WRONG_AZP: lambda c: c.update(aud=[c["aud"], WRONG_AUDIENCE], azp=WRONG_AUDIENCE),
            Fault.NBF_IN_FUTURE: lambda c: c.update(nbf=now + 2 * TOKEN_LIFETIME),
            Fault.AZP_OTHER_CLIENT: lambda c: c.update(azp=WRONG_AUDIENCE),
            Fault.TEN_YEAR_LIFETIME: lambda c: c.update(iat=now - TEN_YEARS),
            Fault.STALE_IAT: lambda c: c.update(iat=now - TOKEN_LIFETIME),
            Fault.DEEP_CLAIM: lambda c: c.update({"deep_claim": _nested(DEEP_CLAIM_LEVELS)}),
            Fault.LONE_SURROGATE_CLAIM: lambda c: c.update(name=f"{c.get('name', '')}\ud800"),
            Fault.LARGE_ID_TOKEN: lambda c: c.update(
                {"blob": secrets.token_urlsafe(LARGE_CLAIM_BYTES * 3 // 4)}
            ),
        }
        broken = dict(claims)
        for fault, edit in edits.items():
            if fault in self.faults:
                edit(broken)
        return broken

    def _sign_id(self, claims: dict[str, Any]) -> str:
        key = self.rotated_key or self.keys.id_key
        header: dict[str, Any] = {"kid": key.kid}
        if Fault.UNKNOWN_KID in self.faults:
            header["kid"] = base64.b64encode(secrets.token_bytes(32)).decode("ascii")
        if Fault.NO_KID_MULTIPLE_KEYS in self.faults or Fault.NO_KID_SINGLE_KEY in self.faults:
            header.pop("kid")
        if Fault.ALG_NONE in self.faults:
            return jose.unsigned(header, claims)
        if Fault.HS256_KEY_CONFUSION in self.faults:
            return jose.sign_hs256(header, claims, key.public_pem())
        if Fault.CRIT_B64_FALSE in self.faults:
            header.update(b64=False, crit=["b64"])
        if Fault.CRIT_UNKNOWN in self.faults:
            header.update({"crit": [UNKNOWN_EXTENSION], UNKNOWN_EXTENSION: True})
        if Fault.TYP_AT_JWT in self.faults:
            header["typ"] = "at+jwt"
        if self.faults & {Fault.SIGNING_KEY_EC_OFF_CURVE, Fault.SIGNING_KEY_EC_UNKNOWN_CURVE}:
            return jose.sign_es256(header, claims)
        if Fault.DUPLICATE_CLAIMS in self.faults:
            return jose.sign_rs256_payload(header, _iss_twice(claims), key)
        if Fault.LONE_SURROGATE_CLAIM in self.faults:  # ASCII JSON: the escape \ud800 as sent
            return jose.sign_rs256_payload(header, json.dumps(claims), key)
        token = jose.sign_rs256(header, claims, key)
        if Fault.BAD_SIGNATURE in self.faults:
            return jose.replace_payload(token, {**claims, "jti": str(uuid.uuid4())})
        return token


def _nested(levels: int) -> list[Any]:
    """``[[[...["deep"]...]]]``, ``levels`` arrays deep, built without recursion."""
    value: list[Any] = ["deep"]
    for _ in range(levels - 1):
        value = [value]
    return value


def _iss_twice(claims: dict[str, Any]) -> str:
    """The claims as JSON with ``iss`` written twice: another pool's first, the real one last."""
    first = f"{str(claims.get('iss', '')).rsplit('/', 1)[0]}/us-east-1_Wrong0Iss"
    rest = json.dumps(claims, separators=(",", ":"), ensure_ascii=False)
    return '{"iss":' + json.dumps(first) + "," + rest[1:]


def _groups_as_string(claims: dict[str, Any]) -> None:
    groups = claims.get("cognito:groups")
    if isinstance(groups, list):
        claims["cognito:groups"] = ",".join(groups)


def _protocol_claims_only(claims: dict[str, Any]) -> None:
    for name in [n for n in claims if n not in PROTOCOL_CLAIMS]:
        del claims[name]


def _refresh_token() -> str:
    """Opaque, shaped like Cognito's (a five-part JWE)."""
    header = jose.b64url(json.dumps(_REFRESH_HEADER, separators=(",", ":")).encode())
    parts = [jose.b64url(secrets.token_bytes(n)) for n in (256, 12, 1200, 16)]
    return ".".join([header, *parts])
