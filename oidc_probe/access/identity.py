"""The identity Access builds for a generic OIDC identity provider, and its token's ``custom``.

Sources: Cloudflare's generic OIDC page (``oidc_fields`` hold the
configured claims; only a claim literally named ``groups``, case-insensitively, becomes
the identity's IdP groups; array claims are split into values) and the application
token page (``email``, ``idp``). The trimming of the application token's ``custom``
claim is described only by Cloudflare docs pull request 31700.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

# The size past which Access trims the `custom` claim of its application token.
# Cloudflare docs PR 31700 says only "an internal size budget" and is titled "... dropped
# near 4 KB cookie limit"; no Cloudflare source gives the number. It is derived here from
# that limit (APPROXIMATE): the CF_Authorization cookie holds the application token, a
# browser keeps at least 4,096 bytes per cookie (RFC 6265 section 6.1: name, value and
# attributes), and the rest of the token is taken from Cloudflare's sample application
# token (header, identity-based payload, RS256 signature of a 2048-bit key).
CUSTOM_CLAIM_BUDGET_SOURCE = "https://github.com/cloudflare/cloudflare-docs/pull/31700"
APPLICATION_TOKEN_PAGE = (
    "https://developers.cloudflare.com/cloudflare-one/access-controls/applications/http-apps/"
    "authorization-cookie/application-token/"
)
COOKIE_LIMIT = 4096
COOKIE_NAME = "CF_Authorization="
SAMPLE_HEADER = {
    "alg": "RS256",
    "kid": "9338abe1baf2fe492f646a736f25afbf7b025e35c627be4f60c414d4c73069b8",
    "typ": "JWT",
}
SAMPLE_PAYLOAD = {
    "aud": ["32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228"],
    "email": "user@example.com",
    "exp": 1659474457,
    "iat": 1659474397,
    "nbf": 1659474397,
    "iss": "https://yourteam.cloudflareaccess.com",
    "type": "app",
    "identity_nonce": "6ei69kawdKzMIAPF",
    "sub": "7335d417-61da-459d-899c-0a01c76a2f94",
    "country": "US",
}
RS256_SIGNATURE_BYTES = 256  # a 2048-bit RSA key


def _b64url_length(size: int) -> int:
    return -(-size * 4 // 3)  # base64url without padding


def _compact(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


@dataclass(frozen=True)
class BudgetArithmetic:
    """How the ``custom`` budget follows from the 4 KB cookie limit, step by step."""

    cookie_value: int = COOKIE_LIMIT - len(COOKIE_NAME)
    header: int = _b64url_length(_compact(SAMPLE_HEADER))
    signature: int = _b64url_length(RS256_SIGNATURE_BYTES)
    standard_claims: int = _compact(SAMPLE_PAYLOAD)
    custom_key: int = len(',"custom":')

    @property
    def payload(self) -> int:
        """Bytes of JSON payload whose base64url fits beside the header and signature."""
        return (self.cookie_value - self.header - self.signature - 2) * 3 // 4

    @property
    def budget(self) -> int:
        return self.payload - self.standard_claims - self.custom_key

    def explain(self) -> str:
        return (
            f"{COOKIE_LIMIT} bytes per cookie (RFC 6265 6.1) - {len(COOKIE_NAME)} for "
            f"'{COOKIE_NAME}' = {self.cookie_value} for the token; - {self.header} header - "
            f"{self.signature} RS256 signature - 2 dots, as 3/4 of base64url = {self.payload} "
            f"bytes of payload; - {self.standard_claims} standard claims of Cloudflare's "
            f"sample token - {self.custom_key} for the key = {self.budget} bytes"
        )


BUDGET_ARITHMETIC = BudgetArithmetic()
CUSTOM_CLAIM_BUDGET = BUDGET_ARITHMETIC.budget
CUSTOM_CLAIM_BUDGET_NOTE = (
    f"the budget of about {CUSTOM_CLAIM_BUDGET} bytes is approximate, derived from the 4 KB "
    f"cookie limit ({BUDGET_ARITHMETIC.explain()}; cookie attributes, a longer email and "
    f"Cloudflare's own serialization move it); UNSETTLED: Cloudflare documents only 'an "
    f"internal size budget' ({CUSTOM_CLAIM_BUDGET_SOURCE}); claims are dropped from the end of the "
    "configured claims list first"
)
GROUPS_CLAIM = "groups"
UNCERTAIN_NAME = (
    "ASSUMED: taken from the ID token's name claim (Cloudflare's UserIdentity has a name; "
    "no page says which claim fills it for generic OIDC)"
)
UNCERTAIN_GROUPS = (
    "the values of the claim named groups (Cloudflare generic OIDC); UNSETTLED: whether "
    "Access keeps them as strings or as objects ({id, name}) as for other identity providers"
)
UNCERTAIN_AMR = (
    "ASSUMED: the ID token's amr values (Cloudflare: Access follows RFC 8176 and may store "
    "the MFA method reported by the IdP in its JWT)"
)


@dataclass(frozen=True)
class CustomClaim:
    """The ``custom`` claim before and after trimming."""

    full: Mapping[str, Any]
    kept: Mapping[str, Any]
    dropped: tuple[str, ...]
    size: int
    budget: int = CUSTOM_CLAIM_BUDGET

    @property
    def trimmed(self) -> bool:
        return bool(self.dropped)


@dataclass(frozen=True)
class AccessIdentity:
    """What get-identity would return for this login (the fields that come from the IdP).

    ``groups`` is ``None`` when no claim named ``groups`` exists; ``idp_id`` is ``None``
    when the identity provider's Cloudflare id is unknown (no ``--cloudflare-idp``).
    """

    email: str | None
    idp_id: str | None
    idp_type: str = "oidc"
    groups: tuple[str, ...] | None = None
    oidc_fields: Mapping[str, Any] = field(default_factory=dict)
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def as_json(self) -> dict[str, Any]:
        """The get-identity shape (the IdP-derived part), with what is uncertain marked.

        ``email``, ``idp`` (``{id, type}``) and ``oidc_fields`` follow Cloudflare's identity
        (cloudflare-python ``access/users/identity.py``; the generic OIDC page's
        ``oidc_fields`` sample). ``name`` is in the policy checker's ``UserIdentity``
        (``applications/user_policy_check_list_response.py``); ``groups`` and ``amr`` appear
        in no Cloudflare sample for generic OIDC: their shapes here are the ID token's, and
        ``uncertain`` says so.
        """
        body: dict[str, Any] = {
            "email": self.email,
            "idp": {"id": self.idp_id, "type": self.idp_type},
            "oidc_fields": dict(self.oidc_fields),
        }
        uncertain: dict[str, str] = {}
        name = self.claims.get("name")
        if isinstance(name, str):
            body["name"] = name
            uncertain["name"] = UNCERTAIN_NAME
        if self.groups is not None:
            body["groups"] = list(self.groups)
            uncertain["groups"] = UNCERTAIN_GROUPS
        amr = self.claims.get("amr")
        if amr is not None:
            body["amr"] = [v if isinstance(v, str) else json.dumps(v) for v in values_of(amr)]
            uncertain["amr"] = UNCERTAIN_AMR
        if uncertain:
            body["uncertain"] = uncertain
        return body


def build_identity(
    claims: Mapping[str, Any],
    configured: tuple[str, ...],
    email_claim: str = "email",
    idp_id: str | None = None,
) -> AccessIdentity:
    email = claims.get(email_claim)
    groups_value = next((v for k, v in claims.items() if k.lower() == GROUPS_CLAIM), None)
    groups: tuple[str, ...] | None = None
    if groups_value is not None:
        groups = tuple(str(v) for v in values_of(groups_value))
    return AccessIdentity(
        email=email if isinstance(email, str) else None,
        idp_id=idp_id,
        groups=groups,
        oidc_fields={name: claims[name] for name in configured if name in claims},
        claims=dict(claims),
    )


def values_of(value: Any) -> list[Any]:
    """A claim's values as the OIDC Claim selector sees them: arrays split, scalars alone."""
    if isinstance(value, list):
        return list(value)
    return [value]


def access_custom_claim(claims: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """The object Access puts in its JWT's ``custom`` claim: configured claims present, in order."""
    return {name: claims[name] for name in names if claims.get(name) is not None}


def serialized_size(custom: Mapping[str, Any]) -> int:
    """Bytes of ``custom`` as compact UTF-8 JSON."""
    return len(json.dumps(custom, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def trim_custom(
    claims: Mapping[str, Any], names: tuple[str, ...], budget: int = CUSTOM_CLAIM_BUDGET
) -> CustomClaim:
    """The ``custom`` claim, with configured claims dropped from the end until it fits."""
    full = access_custom_claim(claims, names)
    kept = dict(full)
    dropped: list[str] = []
    while kept and serialized_size(kept) > budget:
        last = next(reversed(kept))
        dropped.insert(0, last)
        del kept[last]
    return CustomClaim(full, kept, tuple(dropped), serialized_size(full), budget)
