"""The claims Cognito puts in ID tokens, access tokens and userInfo answers.

Scope rule (as Cognito documents it): ``openid`` alone, or any scope list with
``profile``, releases every attribute the app client can read; otherwise ``email``
releases email and email_verified and ``phone`` releases phone_number and
phone_number_verified, and nothing else is released.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from oidc_probe.fake_cognito.pool import AppClient, AttributeValue, User

SCOPE_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "email": ("email", "email_verified"),
    "phone": ("phone_number", "phone_number_verified"),
}
BOOLEAN_ATTRIBUTES = frozenset({"email_verified", "phone_number_verified"})
PROTOCOL_CLAIMS = frozenset(
    {
        "sub",
        "iss",
        "aud",
        "exp",
        "iat",
        "auth_time",
        "token_use",
        "jti",
        "origin_jti",
        "event_id",
        "nonce",
        "at_hash",
        "cognito:username",
    }
)
TOKEN_LIFETIME = 3600


@dataclass(frozen=True)
class Grant:
    """What a user authorized a client to receive: the state behind a code or a token."""

    client: AppClient
    user: User
    scopes: tuple[str, ...]
    redirect_uri: str
    auth_time: int
    nonce: str | None = field(default=None, repr=False)
    code_challenge: str | None = field(default=None, repr=False)
    origin_jti: str = field(default_factory=lambda: str(uuid.uuid4()))
    event_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    roles: tuple[str, ...] = ()
    preferred_role: str | None = None


def released_attributes(client: AppClient, user: User, scopes: tuple[str, ...]) -> list[str]:
    """Names of the user's attributes the scopes and the client's read permissions release."""
    readable = [name for name in user.attributes if client.can_read(name)]
    limiting = [s for s in scopes if s in SCOPE_ATTRIBUTES or s == "profile"]
    if not limiting or "profile" in limiting:
        return readable
    allowed = {a for s in limiting for a in SCOPE_ATTRIBUTES[s]}
    return [name for name in readable if name in allowed]


def unreadable_in_scope(client: AppClient, scopes: tuple[str, ...]) -> list[str]:
    """Attributes the scopes cover that the client cannot read: Cognito answers invalid_grant."""
    return [
        attribute
        for scope in scopes
        for attribute in SCOPE_ATTRIBUTES.get(scope, ())
        if not client.can_read(attribute)
    ]


def token_value(name: str, value: AttributeValue) -> Any:
    """An attribute as it appears in a token: verified flags boolean, everything else a string."""
    if name in BOOLEAN_ATTRIBUTES:
        return value is True or (isinstance(value, str) and value.lower() == "true")
    if name == "updated_at" and isinstance(value, int | float) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def userinfo_value(name: str, value: AttributeValue) -> Any:
    """userInfo returns the verified flags as the strings "true"/"false"."""
    converted = token_value(name, value)
    if isinstance(converted, bool):
        return "true" if converted else "false"
    return converted


def id_token_claims(
    grant: Grant, issuer: str, now: int, jti: str, groups: tuple[str, ...]
) -> dict[str, Any]:
    trigger = grant.client.pre_token_generation
    override = trigger.groups if trigger is not None else None
    if override is not None and override.groups is not None:
        groups = override.groups
    roles = list(override.roles) if override and override.roles is not None else list(grant.roles)
    preferred = grant.preferred_role
    if override is not None and override.preferred_role is not None:
        preferred = override.preferred_role
    claims: dict[str, Any] = {"sub": grant.user.sub}
    if groups:
        claims["cognito:groups"] = list(groups)
    if roles:
        claims["cognito:roles"] = roles  # always an array, even with one role
    if preferred:
        claims["cognito:preferred_role"] = preferred
    if grant.user.identities:
        claims["identities"] = [dict(i) for i in grant.user.identities]
    for name in released_attributes(grant.client, grant.user, grant.scopes):
        claims[name] = token_value(name, grant.user.attributes[name])
    claims.update(
        {
            "iss": issuer,
            "cognito:username": grant.user.username,
            "origin_jti": grant.origin_jti,
            "aud": grant.client.client_id,
            "event_id": grant.event_id,
            "token_use": "id",
            "auth_time": grant.auth_time,
            "exp": now + TOKEN_LIFETIME,
            "iat": now,
            "jti": jti,
        }
    )
    if grant.nonce is not None:
        claims["nonce"] = grant.nonce
    if trigger is not None:
        trigger.id_token.apply(claims)
    return claims


def access_token_claims(
    grant: Grant, issuer: str, now: int, jti: str, groups: tuple[str, ...]
) -> dict[str, Any]:
    trigger = grant.client.pre_token_generation
    if trigger is not None and trigger.groups.groups is not None:
        groups = trigger.groups.groups
    edit = trigger.access_token if trigger is not None else None
    scopes = list(grant.scopes)
    if edit is not None:
        scopes = [s for s in (*scopes, *edit.scopes_to_add) if s not in edit.scopes_to_suppress]
    claims: dict[str, Any] = {"sub": grant.user.sub}
    if groups:
        claims["cognito:groups"] = list(groups)
    claims.update(
        {
            "iss": issuer,
            "version": 2,
            "client_id": grant.client.client_id,
            "origin_jti": grant.origin_jti,
            "event_id": grant.event_id,
            "token_use": "access",
            "scope": " ".join(dict.fromkeys(scopes)),
            "auth_time": grant.auth_time,
            "exp": now + TOKEN_LIFETIME,
            "iat": now,
            "jti": jti,
            "username": grant.user.username,
        }
    )
    if edit is not None:
        edit.apply(claims)
    return claims


def userinfo_claims(grant: Grant) -> dict[str, Any]:
    claims: dict[str, Any] = {"sub": grant.user.sub}
    for name in released_attributes(grant.client, grant.user, grant.scopes):
        claims[name] = userinfo_value(name, grant.user.attributes[name])
    claims["username"] = grant.user.username
    return claims
