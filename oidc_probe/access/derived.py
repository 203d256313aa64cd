"""What Access derives from a run's ID token, computed once per run context.

:func:`identity_of` (the identity the policy evaluator takes) and :func:`custom_of` (the
trimmed ``custom`` claim) are computed at most once per context, whichever check or step
asks first; :func:`derive_views` stores them as plain data (``ctx.access_identity``,
:class:`oidc_probe.core.identity_view.IdentityView`) for the reports. The run calls it
before the checks (``checks.catalogue.run_checks``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from oidc_probe.access.identity import (
    CUSTOM_CLAIM_BUDGET_NOTE,
    AccessIdentity,
    CustomClaim,
    build_identity,
    trim_custom,
)
from oidc_probe.access.setup import AccessSetup
from oidc_probe.core.identity_view import CustomClaimView, IdentityView

if TYPE_CHECKING:
    from oidc_probe.core.context import RunContext

_T = TypeVar("_T")


def _once(ctx: RunContext, fn: Callable[[RunContext], _T]) -> _T:
    """``fn(ctx)``, computed the first time only (kept in ``ctx.derived``, keyed by ``fn``)."""
    if fn not in ctx.derived:
        ctx.derived[fn] = fn(ctx)
    return cast(_T, ctx.derived[fn])


def setup_of(ctx: RunContext) -> AccessSetup | None:
    """The run's Access policies (``RunSettings.access``, typed in ``core`` as a protocol)."""
    return cast("AccessSetup | None", ctx.settings.access)


def _names(ctx: RunContext) -> tuple[str, ...]:
    return tuple(dict.fromkeys(ctx.config.claims))


def _identity(ctx: RunContext) -> AccessIdentity | None:
    claims = ctx.id_token_claims
    if claims is None:
        return None
    setup = setup_of(ctx)
    idp_id = setup.idp_id if setup is not None else None
    return build_identity(claims, _names(ctx), ctx.config.email_claim_name, idp_id)


def _custom(ctx: RunContext) -> CustomClaim | None:
    claims = ctx.id_token_claims
    return trim_custom(claims, _names(ctx)) if claims is not None else None


def identity_of(ctx: RunContext) -> AccessIdentity | None:
    """The identity Access builds from the ID token's claims (``None``: no claims)."""
    return _once(ctx, _identity)


def custom_of(ctx: RunContext) -> CustomClaim | None:
    """The ``custom`` claim of Access's application token, trimmed (``None``: no claims)."""
    return _once(ctx, _custom)


def derive_views(ctx: RunContext) -> IdentityView | None:
    """Fill ``ctx.access_identity`` for the reports; idempotent."""
    identity, custom = identity_of(ctx), custom_of(ctx)
    if identity is None or custom is None:
        ctx.access_identity = None
        return None
    view = IdentityView(
        identity.as_json(),
        CustomClaimView(dict(custom.kept), custom.dropped, custom.size, custom.budget),
        CUSTOM_CLAIM_BUDGET_NOTE,
    )
    ctx.access_identity = view
    return view
