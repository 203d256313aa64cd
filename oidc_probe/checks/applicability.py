"""Checks a login mode cannot judge: the registry turns them into SKIP with the reason.

``--login initiate-auth`` gets tokens from Cognito's API, so nothing about the
authorization request, the callback, the token endpoint or userinfo was exercised.
"""

from __future__ import annotations

from collections.abc import Mapping

from oidc_probe.core.context import RunContext
from oidc_probe.core.settings import LoginMode

_NO_REDIRECT = "initiate-auth has no authorization request and no callback"
_NO_TOKEN_ENDPOINT = "initiate-auth does not use the token endpoint"
NO_USERINFO = (
    "initiate-auth does not call userinfo (its access token lacks the openid scope it needs)"
)

NOT_APPLICABLE: Mapping[LoginMode, Mapping[str, str]] = {
    LoginMode.INITIATE_AUTH: {
        # USR001 and USR002 declare it on the check (@check(..., not_for=...)).
    },
}


def not_applicable(check_id: str, ctx: RunContext) -> str | None:
    """Why ``check_id`` does not apply to this run's login mode, or ``None`` when it does."""
    reason = NOT_APPLICABLE.get(ctx.settings.login, {}).get(check_id)
    return f"{reason} (--login {ctx.settings.login.value})" if reason else None
