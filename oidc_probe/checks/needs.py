"""What a check needs, declared on the check: the registry resolves it before the check runs.

A check declares its inputs (``@check(..., needs=(CLAIMS,))``) and receives them after the
context, already there: ``def f(ctx, claims)``. When one is missing, the registry yields
SKIP with the reason the input's resolver gives (naming the stage or check that explains
it, as the hand-written guards did), and the check body does not run. Where a check does
not apply is declared too (``not_for={LoginMode.INITIATE_AUTH: "why"}``).

The OpenID conformance suite's conditions declare what they read from the environment in
the same spirit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from oidc_probe.checks._inputs import claims_or_reason, no_userinfo_reason
from oidc_probe.core.context import RunContext

_T = TypeVar("_T")


@dataclass(frozen=True)
class Missing:
    """Why an input is not there: the SKIP message."""

    reason: str


@dataclass(frozen=True)
class Need(Generic[_T]):
    """An input a check can declare; ``resolve`` gives it, or :class:`Missing`."""

    name: str
    resolve: Callable[[RunContext], _T | Missing]


def _claims(ctx: RunContext) -> Mapping[str, Any] | Missing:
    claims = claims_or_reason(ctx)
    return Missing(claims) if isinstance(claims, str) else claims


def _userinfo(ctx: RunContext) -> Mapping[str, Any] | Missing:
    reason = no_userinfo_reason(ctx)
    userinfo = ctx.userinfo
    if reason is not None or userinfo is None:
        return Missing(reason or "userinfo could not be read (see USR001)")
    return userinfo


# The decoded ID-token claims.
CLAIMS: Need[Mapping[str, Any]] = Need("ID-token claims", _claims)
# The userinfo response object.
USERINFO: Need[Mapping[str, Any]] = Need("userinfo response", _userinfo)


def resolve(needs: tuple[Need[Any], ...], ctx: RunContext) -> list[Any] | Missing:
    """The values of ``needs`` in order, or the first :class:`Missing`."""
    values = []
    for need in needs:
        value = need.resolve(ctx)
        if isinstance(value, Missing):
            return value
        values.append(value)
    return values
