"""The identity Access builds for a generic OIDC identity provider, and its token's ``custom``.

Sources (see :data:`SOURCES`): Cloudflare's generic OIDC page (``oidc_fields`` hold the
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
# APPROXIMATE and UNSETTLED: Cloudflare docs PR 31700 says only "an internal size budget"
# ("near 4 KB cookie limit" in its title is the browser's cookie limit, not the budget);
# no Cloudflare source gives the number. 1,000 bytes of compact UTF-8 JSON is the estimate
# oidc-probe has used since CLM006; trimming drops configured claims from the end first.
CUSTOM_CLAIM_BUDGET = 1000
CUSTOM_CLAIM_BUDGET_SOURCE = "https://github.com/cloudflare/cloudflare-docs/pull/31700"
CUSTOM_CLAIM_BUDGET_NOTE = (
    f"the budget of about {CUSTOM_CLAIM_BUDGET} bytes is approximate (UNSETTLED: Cloudflare "
    f"documents only 'an internal size budget', {CUSTOM_CLAIM_BUDGET_SOURCE}); claims are "
    "dropped from the end of the configured claims list first"
)
GROUPS_CLAIM = "groups"


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
        """The get-identity shape (the IdP-derived part)."""
        body: dict[str, Any] = {
            "email": self.email,
            "idp": {"id": self.idp_id, "type": self.idp_type},
            "oidc_fields": dict(self.oidc_fields),
        }
        if self.groups is not None:
            body["groups"] = list(self.groups)
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
