"""The catalogue: every check module imported once, and the questions asked of it.

Importing a check module registers its checks (:func:`~oidc_probe.checks.registry.check`);
this module imports them all, so whoever needs the whole catalogue imports this one.
"""

from __future__ import annotations

from collections.abc import Iterable

from oidc_probe.access.derived import derive_views
from oidc_probe.checks import (  # noqa: F401  (imported for registration)
    access_app,
    access_policies,
    access_token,
    active,
    authorize,
    claims,
    config,
    discovery,
    expect,
    id_token,
    jwks,
    pool,
    pool_issuer,
    scopes,
    token,
    userinfo,
)
from oidc_probe.checks.registry import REGISTRY, Check, run_check
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Finding, Stage


def all_checks() -> list[Check]:
    """Every registered check, in stage order then ID order."""
    return sorted(REGISTRY.values(), key=lambda c: (c.stage.order, c.id))


def get_check(check_id: str) -> Check | None:
    all_checks()
    return REGISTRY.get(check_id.upper())


def probe_checks() -> list[Check]:
    """The checks of a probe run: all but the ones only ``verify-access`` runs."""
    return [c for c in all_checks() if c.stage is not Stage.ACCESS_JWT]


def run_checks(ctx: RunContext, checks: Iterable[Check] | None = None) -> list[Finding]:
    """The findings of ``checks`` (default: a probe run's); first the views the checks and
    the reports share are derived, once (:mod:`oidc_probe.access.derived`)."""
    derive_views(ctx)
    findings: list[Finding] = []
    for spec in probe_checks() if checks is None else checks:
        findings.extend(run_check(spec, ctx))
    return findings
