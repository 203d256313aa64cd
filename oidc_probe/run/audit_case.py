"""The ``audit`` use case: the pool read through the AWS API, judged by the CONFIG and POOL
checks (:data:`oidc_probe.run.plans.AUDIT`); no login."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from oidc_probe.core.pool import PoolAudit
    from oidc_probe.run.host import Host
    from oidc_probe.run.requests import AuditCommand
    from oidc_probe.run.results import SingleRun


def audit(request: AuditCommand, host: Host) -> SingleRun:
    from oidc_probe.checks.catalogue import all_checks, run_checks
    from oidc_probe.core.config import load_config
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Stage
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.run.aws_inputs import audit_request
    from oidc_probe.run.login_factory import checked_redirect_uri, checked_team_name
    from oidc_probe.run.plans import AUDIT
    from oidc_probe.run.results import SingleRun
    from oidc_probe.stages.aws_pool import read_pool

    source = request.config
    if (
        source.path is None
        and source.text is None
        and not (source.given("client_id") and source.given("certs_url"))
    ):
        raise UsageError("audit needs --config FILE (or --client-id, --auth-url and --certs-url)")
    config = load_config(source.path, dict(source.overrides), host.environ, text=source.text)
    host.redactor.add(config.client_secret)
    for warning in config.warnings:
        host.warn(warning)
    team = checked_team_name(request.team_name) if request.team_name else None
    pool_request = audit_request(request.endpoint, request.usernames, team)
    issuer, guessed = source.expected_issuer(config.certs_url)
    settings = RunSettings(
        issuer=issuer,
        issuer_guessed=guessed,
        redirect_uri=checked_redirect_uri(request.redirect_uri),
        timeout=request.timeout,
        show_tokens=request.show_tokens,
        aws=pool_request,
    )
    ctx = RunContext(config=config, settings=settings)
    pool = read_pool(ctx, pool_request)
    ctx.timings_ms[Stage.POOL.key] = pool.elapsed_ms
    if request.secret_from_aws and not config.usable("client_secret") and pool.client_secret:
        host.redactor.add(pool.client_secret)
        ctx.config = replace(config, client_secret=pool.client_secret)
    denied = pool.denied()
    if denied:
        raise UsageError("; ".join(f.describe() for f in denied))
    _refuse_blind_audit(pool)
    findings = run_checks(ctx, AUDIT.select(all_checks()))
    return SingleRun(ctx, tuple(findings))


def _refuse_blind_audit(audit: PoolAudit) -> None:
    """Exit 2 when every AWS call failed and nothing was read: no check could judge the
    pool, so no report may pass. A pool or client that does not exist is a finding
    (AWS001, AWS002), not this."""
    every = [*audit.failures, *(f for user in audit.users.values() for f in user.failures)]
    read_something = (
        audit.pool is not None
        or audit.client is not None
        or audit.domain is not None
        or audit.groups is not None
        or any(user.user is not None or user.groups is not None for user in audit.users.values())
    )
    if not every or read_something or any(f.not_found for f in every):
        return
    causes = list(dict.fromkeys(f"{f.code}: {f.message}" for f in every))
    shown = "; ".join(causes[:2]) + (f" (and {len(causes) - 2} more)" if len(causes) > 2 else "")
    raise UsageError(f"every AWS call failed, so the pool could not be audited: {shown}")
