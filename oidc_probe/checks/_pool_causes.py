"""The cause the pool audit found for a claim missing from the ID token (``check --aws``).

CLM001 and CLM003 add it to their message: the symptom is in the token, the cause in
the pool (an unreadable attribute, an unset value, a user in no group). When the audit
predicts the claim and the token lacks it anyway, a pre token generation Lambda or the
requested scopes are the likely cause.
"""

from __future__ import annotations

from oidc_probe.checks._claims import PROFILE_CLAIMS
from oidc_probe.core.context import RunContext
from oidc_probe.core.pool import PoolAudit, UserFacts, is_user_attribute

_SCOPE = {"email": "email", "email_verified": "email", "phone_number": "phone"}


def _user(ctx: RunContext, audit: PoolAudit) -> UserFacts | None:
    claims = ctx.id_token_claims or {}
    for name in (ctx.settings.username, claims.get("cognito:username")):
        if isinstance(name, str) and name in audit.users:
            return audit.users[name]
    return None


def _scope_of(name: str) -> str | None:
    if name in _SCOPE:
        return _SCOPE[name]
    if name in PROFILE_CLAIMS or name.startswith("custom:"):
        return "profile"
    return None


def _otherwise(audit: PoolAudit, predicted: str) -> str:
    trigger = audit.pre_token_trigger
    lam = (
        f"the pre token generation Lambda ({trigger[0]}) on this pool"
        if trigger
        else ("a pre token generation Lambda")
    )
    return (
        f"the audit predicts {predicted}, yet the token lacks it: {lam} or the scopes are "
        "the likely cause"
    )


def pool_cause(ctx: RunContext, name: str) -> str | None:
    """What the audit found that keeps ``name`` out of the ID token; ``None`` without an audit."""
    audit = ctx.pool_audit
    if audit is None or audit.pool is None:
        return None
    user = _user(ctx, audit)
    who = user.username if user is not None else "the user"
    if name == "cognito:groups":
        if user is None or user.groups is None:
            return None
        if not user.groups:
            groups = ", ".join(audit.groups or ()) or "no groups"
            return (
                f"{who} is in no group; the pool has groups {groups}"
                if audit.groups
                else (f"{who} is in no group, and the pool has no groups")
            )
        return _otherwise(audit, f"cognito:groups ({who} is in {', '.join(user.groups)})")
    if not is_user_attribute(name):
        return None
    if name.startswith("custom:") and name not in audit.schema_names:
        return f"the pool's schema defines no attribute {name}"
    if audit.client is not None and not audit.readable(name):
        return f"the app client's ReadAttributes do not include {name}"
    scope = _scope_of(name)
    allowed = (audit.client or {}).get("AllowedOAuthScopes") or []
    requested = ctx.config.scopes
    if scope and audit.client is not None and scope in requested and scope not in allowed:
        return f"the app client does not allow the '{scope}' scope"
    if user is not None and user.user is not None and not user.attributes.get(name):
        return f"{who} has no value for {name}"
    if user is not None and user.user is not None:
        return _otherwise(audit, f"{name} (readable, and set for {who})")
    return None
