"""EXP001: the expectations a team states about a user's claims (``--expect``, the users file)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from oidc_probe.checks.needs import CLAIMS, Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import RunContext
from oidc_probe.core.expect import Expectation, evaluate
from oidc_probe.core.model import Outcome, Stage, failed, passed


def _expectations(ctx: RunContext) -> tuple[Expectation, ...] | str:
    expectations = ctx.settings.expectations
    return expectations or "no expectations given (--expect CLAIM=VALUE or a --users file)"


# The expectations stated for this user.
EXPECTATIONS: Need[tuple[Expectation, ...]] = need("expectations", _expectations)


def _texts(ctx: RunContext) -> tuple[str, ...]:
    """What EXP001 judges: one finding (or SKIP) per expectation."""
    return tuple(expectation.text for expectation in ctx.settings.expectations)


@check(
    "EXP001",
    "expectation-met",
    Stage.CLAIMS,
    refs=("CF-generic-oidc", "COGNITO-id-token", "COGNITO-groups"),
    needs=(EXPECTATIONS, CLAIMS.about_each(lambda ctx: _texts(ctx))),
)
def expectation_met(
    ctx: RunContext, expectations: tuple[Expectation, ...], claims: Mapping[str, Any]
) -> Iterator[Outcome]:
    """Each stated expectation about the user's ID-token claims holds (one finding each).

    Expectations come from ``--expect`` (repeatable) or from a user's ``expect`` list in
    the ``--users`` file: ``CLAIM=VALUE`` (equals), ``CLAIM~=VALUE`` (an array holding
    VALUE), ``CLAIM`` (present) and ``!CLAIM`` (absent). Strings compare exactly,
    booleans as ``true``/``false`` and numbers numerically; arrays with ``=`` compare
    as JSON arrays.

    Why it matters: Access policies match the claims of the ID token ("OIDC Claim"
    rules, split into values for arrays, never partially). A change in Cognito (a
    user removed from a group, an attribute no longer readable by the app client, a
    Terraform refactor) silently changes what the policies see. Stating what each
    test user must get turns that drift into a failing smoke test.

    How to fix: compare the ``actual`` value with the expectation. A missing claim
    usually means the user has no value for the attribute, is in no group (Cognito
    then omits ``cognito:groups``), or the app client cannot read the attribute or
    the scopes do not cover it. A wrong value means the user's attributes or group
    memberships changed; fix them in Cognito or update the expectation.

    References: Cloudflare generic OIDC (custom claims); AWS: the ID token; AWS: user
    pool groups.
    """
    for expectation in expectations:
        verdict = evaluate(expectation, claims)
        actual = claims.get(expectation.claim, "(absent)")
        if verdict.met:
            yield passed(
                verdict.message,
                subject=expectation.text,
                expected=expectation.describe(),
                actual=actual,
            )
        else:
            yield failed(
                verdict.message,
                hint=verdict.hint,
                subject=expectation.text,
                expected=expectation.describe(),
                actual=actual,
            )
