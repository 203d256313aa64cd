"""Claim lookup and the Cognito-aware advice for missing claims, used by the CLM checks.

A claim is *present* when its name is a key of the claims object and its value is
not JSON ``null``. Names are taken literally (``cognito:groups``, ``custom:team``):
Cloudflare's ``claims`` list names top-level claims.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oidc_probe.checks import hints
from oidc_probe.core.cognito import is_cognito_issuer
from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import RunContext

# Claims every Cognito ID token carries.
ALWAYS_PRESENT = frozenset(
    {"sub", "iss", "aud", "exp", "iat", "auth_time", "token_use", "cognito:username"}
)
# OpenID Connect standard claims released by the `profile` scope (OIDC Core 5.4).
PROFILE_CLAIMS = frozenset(
    {
        "name",
        "family_name",
        "given_name",
        "middle_name",
        "nickname",
        "preferred_username",
        "profile",
        "picture",
        "website",
        "gender",
        "birthdate",
        "zoneinfo",
        "locale",
        "updated_at",
    }
)
_SCOPE_OF = {
    "email": "email",
    "email_verified": "email",
    "phone_number": "phone",
    "phone_number_verified": "phone",
    "address": "address",
}
# userInfo returns the user's attributes; a pre token generation Lambda edits only tokens.
_SUPPRESSED = (
    " (in Cognito, a pre token generation Lambda that lists it in claimsToSuppress removes "
    "it from the ID token but not from userinfo)"
)
_NO_GROUP_HINT = (
    "the user is in no group: add the user to a group in Cognito, or write Access policies "
    "that do not rely on it (Cognito leaves cognito:groups out for users in no group)"
)


@dataclass(frozen=True)
class ClaimLookup:
    """Where one claim was found: in the ID token (what Access reads) and/or in userinfo."""

    name: str
    in_id_token: bool
    value: Any
    in_userinfo: bool


def present(claims: Mapping[str, Any] | None, name: str) -> bool:
    return claims is not None and claims.get(name) is not None


def lookup(ctx: RunContext, name: str) -> ClaimLookup:
    claims = ctx.id_token_claims
    in_id_token = present(claims, name)
    value = claims.get(name) if claims is not None and in_id_token else None
    return ClaimLookup(name, in_id_token, value, present(ctx.userinfo, name))


def configured_claims(config: ProbeConfig) -> tuple[str, ...]:
    """The ``claims`` list without duplicates, in configured order."""
    return tuple(dict.fromkeys(config.claims))


def access_claims(config: ProbeConfig) -> tuple[str, ...]:
    """The claims Access needs from the ID token: the email claim, then the configured claims."""
    return tuple(dict.fromkeys((config.email_claim_name, *config.claims)))


def _scopes_text(config: ProbeConfig) -> str:
    return " ".join(config.scopes) or "(none)"


def _limited_scopes(config: ProbeConfig, scope: str) -> bool:
    """Whether the scopes miss ``scope`` and release less than every attribute.

    With Cognito, ``openid`` alone or any list with ``profile`` releases every attribute
    the app client can read; only ``email``/``phone`` without ``profile`` limit the claims.
    """
    scopes = set(config.scopes)
    return scope not in scopes and scopes != {"openid"} and "profile" not in scopes


def federated_provider(ctx: RunContext) -> str | None:
    """The provider a federated user signed in with: the primary entry of ``identities``.

    Cognito serializes ``identities`` with ``primary`` as the string "true"/"false".
    """
    identities = (ctx.id_token_claims or {}).get("identities")
    if not isinstance(identities, list):
        return None
    entries = [i for i in identities if isinstance(i, dict)]
    primary = [i for i in entries if str(i.get("primary")).lower() == "true"] or entries
    name = primary[0].get("providerName") if primary else None
    return name if isinstance(name, str) and name else None


def _federated_advice(ctx: RunContext, attribute: str) -> list[str]:
    provider = federated_provider(ctx)
    if provider is None:
        return []
    return [
        f"the user signed in through the federated provider {provider!r} (see identities): "
        f"map the provider's attribute to the user pool attribute '{attribute}' in that "
        "identity provider's attribute mapping in Cognito (unmapped attributes stay empty)"
    ]


def email_missing_hint(ctx: RunContext, in_userinfo: bool) -> str:
    """What to change when the email claim Access needs is not in the ID token."""
    config = ctx.config
    name = config.email_claim_name
    parts: list[str] = []
    if in_userinfo:
        parts.append(
            f"userinfo returns '{name}' but the ID token does not, and Access reads only the "
            "ID token: make the identity provider put it in the ID token"
            + (_SUPPRESSED if is_cognito_issuer(ctx.issuer.issuer) else "")
        )
    if name != "email":
        parts.append(
            f"email_claim_name is '{name}': check the spelling (claim names are case-sensitive), "
            "or leave email_claim_name out to use 'email'"
        )
    if _limited_scopes(config, "email"):
        parts.append(
            f"the scopes ({_scopes_text(config)}) do not include 'email': add it to scopes in "
            "the Cloudflare config"
        )
    parts.extend(_federated_advice(ctx, "email"))
    if is_cognito_issuer(ctx.issuer.issuer):
        parts.append(
            "in Cognito: request the 'email' scope (or 'openid' alone, which returns every "
            "readable attribute), allow the email scope on the app client, give the app client "
            "read permission for the email attribute, and make sure the user has an email address"
        )
    else:
        parts.append(
            "configure the identity provider to include the user's email in the ID token "
            "(usually released by the 'email' scope)"
        )
    parts.append(hints.FAILED_TO_FETCH)
    return "; ".join(parts)


def missing_claim_hint(ctx: RunContext, name: str, in_userinfo: bool) -> str:
    """What to change when a configured claim is not in the ID token."""
    prefix = ""
    if in_userinfo:
        prefix = f"userinfo returns '{name}' but Access reads only the ID token (see CLM004)"
        prefix += (_SUPPRESSED if is_cognito_issuer(ctx.issuer.issuer) else "") + "; "
    if name == ctx.config.email_claim_name:
        return prefix + email_missing_hint(ctx, in_userinfo=False)
    return prefix + _claim_advice(ctx, name)


def _claim_advice(ctx: RunContext, name: str) -> str:
    config = ctx.config
    cognito = is_cognito_issuer(ctx.issuer.issuer)
    if name == "cognito:groups":
        return _NO_GROUP_HINT
    if name in ("cognito:roles", "cognito:preferred_role"):
        return (
            "Cognito adds this claim only when one of the user's groups has an IAM role: "
            "assign a role to the group, or do not rely on the claim"
        )
    if name == "identities":
        return (
            "only users who signed in through a federated identity provider have 'identities'; "
            "a native Cognito user never does"
        )
    if name.startswith("custom:"):
        return (
            f"the attribute '{name}' is unset for this user, or the app client cannot read it "
            "(give the app client read permission for it), or the scopes do not cover it "
            "(request 'profile' or 'openid' alone); also check the spelling: attribute names "
            "are case-sensitive"
        )
    if name == "groups" and cognito:
        return (
            "Cognito names its claim 'cognito:groups', not 'groups': configure 'cognito:groups' "
            "in the Cloudflare claims list, or add a literal 'groups' claim with a pre token "
            "generation Lambda (V2_0 or later for an array; Access treats only 'groups' as "
            "IdP groups)"
        )
    if name in ALWAYS_PRESENT:
        return (
            f"'{name}' is in every Cognito ID token: its absence means the token was not "
            "issued as a Cognito ID token, or something rewrote it (a pre-token-generation "
            "Lambda can suppress claims)"
        )
    if name in PROFILE_CLAIMS or name in _SCOPE_OF:
        scope = _SCOPE_OF.get(name, "profile")
        advice = f"set the '{name}' attribute for the user"
        federated = _federated_advice(ctx, name)
        if federated:
            advice = federated[0] + "; or " + advice
        if _limited_scopes(config, scope):
            advice += f", add the '{scope}' scope (scopes are: {_scopes_text(config)})"
        else:
            advice += f", make sure the '{scope}' scope is allowed for the client"
        if cognito:
            advice += ", and give the app client read permission for the attribute"
        return advice
    return (
        f"the identity provider does not put '{name}' in the ID token: check the spelling "
        "(claim names are case-sensitive), the requested scopes, and the provider's claim "
        "mapping for ID tokens"
    )
