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
from oidc_probe.checks._inputs import no_id_token_reason
from oidc_probe.checks.registry import REGISTRY, Check, run_check
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Finding, Stage, Status


def all_checks() -> list[Check]:
    """Every registered check, in stage order then ID order."""
    return sorted(REGISTRY.values(), key=lambda c: (c.stage.order, c.id))


def get_check(check_id: str) -> Check | None:
    all_checks()
    return REGISTRY.get(check_id.upper())


def probe_checks() -> list[Check]:
    """The checks of a probe run: all but the ones only ``verify-access`` runs."""
    return [c for c in all_checks() if c.stage is not Stage.ACCESS_JWT]


def run_checks(
    ctx: RunContext, checks: Iterable[Check] | None = None, *, user: str = ""
) -> list[Finding]:
    """The findings of ``checks`` (default: a probe run's), about ``user`` (the user or token
    line of a several-user run, else empty); first the views the checks and the reports
    share are derived, once (:mod:`oidc_probe.access.derived`)."""
    derive_views(ctx)
    findings: list[Finding] = []
    for spec in probe_checks() if checks is None else checks:
        findings.extend(run_check(spec, ctx, user))
    return unverified_never_passes(ctx, findings)


SIGNATURE_CHECK = "IDT004"
ACCESS_SIGNATURE_CHECK = "CFT001"


def unverified_never_passes(ctx: RunContext, findings: list[Finding]) -> list[Finding]:
    """The findings, with IDT004 failing if no ID token signature was verified and
    nothing else fails: the one thing a run exists to establish is never left as a SKIP.

    Each cause of an unverified signature has a check that fails for it (IDT001 a token
    that does not decode, IDT002 an algorithm Access refuses, IDT003 an unknown kid,
    IDT014 ``crit``, IDT018 a key that may not verify the alg, IDT004 an unusable key,
    JWK001 no key set); this is the net under them, so that a cause no check names
    still cannot end in PASS.

    "Fails" means failing after the baseline (:attr:`Finding.failing`): the baseline
    calls this again on each run context (each user, each token) once it has marked
    what it accepts, so accepting IDT002 over an unverified signature brings IDT004's
    failure back, and that one is never accepted. Likewise CFT001 for an Access
    application token (``verify-access``).
    """
    if any(f.failing for f in findings):
        return findings
    findings = _id_token_net(ctx, findings)
    return _access_token_net(ctx, findings)


def _id_token_net(ctx: RunContext, findings: list[Finding]) -> list[Finding]:
    signature = ctx.signature
    if signature is not None and signature.valid is True:
        return findings
    if not any(f.check_id == SIGNATURE_CHECK for f in findings):
        return findings  # a run without the ID-token checks (discovery only, verify-access)
    if signature is not None:
        reason = signature.reason
    else:
        reason = no_id_token_reason(ctx) or "the verify stage did not run"
    return _replaced(
        findings,
        SIGNATURE_CHECK,
        message=(
            f"the ID token signature was not verified ({reason or 'no reason given'}), so "
            "the claims prove nothing and the run cannot pass"
        ),
        hint=(
            "Access verifies the signature before it reads any claim: make the token "
            "verifiable with a key at certs_url (the reason above says what stopped it)"
        ),
        actual=reason or "not verified",
    )


def _access_token_net(ctx: RunContext, findings: list[Finding]) -> list[Finding]:
    jwt = ctx.access_jwt
    if jwt is None or jwt.signature.valid is True:
        return findings
    if not any(f.check_id == ACCESS_SIGNATURE_CHECK for f in findings):
        return findings
    reason = jwt.signature.reason or jwt.token.error or "no reason given"
    return _replaced(
        findings,
        ACCESS_SIGNATURE_CHECK,
        message=(
            f"the Access token's signature was not verified ({reason}), so its claims "
            "prove nothing and the run cannot pass"
        ),
        hint="an application trusts the token only once the team's key verifies it",
        actual=reason,
    )


def _replaced(
    findings: list[Finding], check_id: str, *, message: str, hint: str, actual: str
) -> list[Finding]:
    """``findings`` with the (first) finding of ``check_id`` replaced by its failure."""
    spec = REGISTRY[check_id]
    at = next(i for i, f in enumerate(findings) if f.check_id == check_id)
    guard = Finding(
        check_id=spec.id,
        slug=spec.slug,
        stage=spec.stage,
        status=Status.FAIL,
        message=message,
        hint=hint,
        refs=spec.refs,
        evidence={"expected": "a verified signature", "actual": actual},
        user=findings[at].user,
    )
    kept = [f for f in findings if f.check_id != check_id]
    return [*kept[:at], guard, *kept[at:]]
