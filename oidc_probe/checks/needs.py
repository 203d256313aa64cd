"""What a check needs, declared on the check: the registry resolves it before the check runs.

A check declares its inputs (``@check(..., needs=(CLAIMS,))``) and receives them after the
context, already there: ``def f(ctx, claims)``. When one is missing, the registry yields
SKIP with the reason the input's resolver gives (naming the stage or check that explains
it, as the hand-written guards did), and the check body does not run. Where a check does
not apply is declared too (``not_for={LoginMode.INITIATE_AUTH: "why"}``).

The inputs several modules read are declared here; an input only one module reads is
declared beside the helper that finds it (``pool.py`` ``POOL``, ``active.py``
``active_result``...), built with :func:`need` from a helper returning the value or
the reason it is missing.

The OpenID conformance suite's conditions declare what they read from the environment in
the same spirit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from oidc_probe.checks._inputs import (
    claims_or_reason,
    no_header_reason,
    no_id_token_reason,
    no_userinfo_reason,
)
from oidc_probe.core.artefacts import DecodedJwt
from oidc_probe.core.context import RunContext, SignatureResult
from oidc_probe.core.model import Outcome, Status

_T = TypeVar("_T")
_U = TypeVar("_U")


@dataclass(frozen=True)
class Missing:
    """Why an input is not there: the SKIP message (about ``subject``, when one is named).

    ``subjects``, when given, makes it one SKIP per subject (a check that judges each claim
    or expectation skips each). ``partial``, when given (a 1-tuple), lets the check run on
    after the SKIP with that value in place of the input (what it still judges without it).
    """

    reason: str
    subject: str = ""
    subjects: tuple[str, ...] = ()
    partial: tuple[Any] | None = None

    def skips(self) -> list[Outcome]:
        """The SKIP outcomes this missing input gives, in order."""
        return [
            Outcome(Status.SKIP, self.reason, subject=subject)
            for subject in (self.subjects or (self.subject,))
        ]


@dataclass(frozen=True)
class Need(Generic[_T]):
    """An input a check can declare; ``resolve`` gives it, or :class:`Missing`."""

    name: str
    resolve: Callable[[RunContext], _T | Missing]

    def about(self, subject: Callable[[RunContext], str]) -> Need[_T]:
        """This input, its SKIP said about ``subject`` (the claim the check judges)."""

        def resolve(ctx: RunContext) -> _T | Missing:
            value = self.resolve(ctx)
            return replace(value, subject=subject(ctx)) if isinstance(value, Missing) else value

        return Need(self.name, resolve)

    def about_each(self, subjects: Callable[[RunContext], tuple[str, ...]]) -> Need[_T]:
        """This input, its SKIP given once for each of ``subjects`` (what the check judges)."""

        def resolve(ctx: RunContext) -> _T | Missing:
            value = self.resolve(ctx)
            if isinstance(value, Missing):
                return replace(value, subjects=subjects(ctx))
            return value

        return Need(self.name, resolve)

    def or_else(self, partial: _U) -> Need[_T | _U]:
        """This input, or, when missing, its SKIP and then the check run with ``partial``."""

        def resolve(ctx: RunContext) -> _T | _U | Missing:
            value = self.resolve(ctx)
            return replace(value, partial=(partial,)) if isinstance(value, Missing) else value

        return Need(self.name, resolve)


def need(name: str, find: Callable[[RunContext], _T | str]) -> Need[_T]:
    """The input ``find`` gives, where a string it returns is why the input is missing."""

    def resolve(ctx: RunContext) -> _T | Missing:
        value = find(ctx)
        return Missing(value) if isinstance(value, str) else value

    return Need(name, resolve)


def _or_reason(reason: str | None, value: _T | None, otherwise: str) -> _T | str:
    """``value``, or why it is missing: ``reason``, else ``otherwise``."""
    return reason or otherwise if reason is not None or value is None else value


def _id_token(ctx: RunContext) -> DecodedJwt | str:
    return _or_reason(no_id_token_reason(ctx), ctx.id_token, "no ID token")


def _with_header(ctx: RunContext) -> DecodedJwt | str:
    token = ctx.id_token if ctx.id_token is not None and ctx.id_token.header is not None else None
    return _or_reason(no_header_reason(ctx), token, "no ID token header")


def _header(ctx: RunContext) -> dict[str, object] | str:
    token = _with_header(ctx)
    return token if isinstance(token, str) else dict(token.header or {})


def _signature(ctx: RunContext) -> SignatureResult | str:
    reason = no_header_reason(ctx)
    if reason is not None:
        return reason
    if ctx.signature is None:
        return "the ID token signature was not checked: the verify stage did not run"
    return ctx.signature


def _userinfo(ctx: RunContext) -> Mapping[str, Any] | str:
    reason = no_userinfo_reason(ctx)
    return _or_reason(reason, ctx.userinfo, "userinfo could not be read (see USR001)")


# The decoded ID-token claims.
CLAIMS: Need[Mapping[str, Any]] = need("ID-token claims", claims_or_reason)
# The userinfo response object.
USERINFO: Need[Mapping[str, Any]] = need("userinfo response", _userinfo)
# The ID token as the verify stage decoded it (or failed to).
ID_TOKEN: Need[DecodedJwt] = need("ID token", _id_token)
# The ID token, with its header decoded.
HEADED_ID_TOKEN: Need[DecodedJwt] = need("decoded ID token header", _with_header)
# A copy of the decoded ID-token header.
HEADER: Need[dict[str, object]] = need("ID-token header", _header)
# The verify stage's result on the ID token's signature.
SIGNATURE: Need[SignatureResult] = need("ID-token signature", _signature)


def resolve(
    needs: tuple[Need[Any], ...], ctx: RunContext
) -> tuple[list[Any] | None, list[Outcome]]:
    """The values of ``needs`` in order (``None`` once one is missing with no partial value),
    and the SKIPs of the missing ones, to come before the check's own outcomes."""
    values = []
    skips: list[Outcome] = []
    for need in needs:
        value = need.resolve(ctx)
        if isinstance(value, Missing):
            skips += value.skips()
            if value.partial is None:
                return None, skips
            value = value.partial[0]
        values.append(value)
    return values, skips
