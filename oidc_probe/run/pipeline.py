"""Run the stages in order with one HTTP client and return what they gathered.

Checks are not run here: the caller passes the context to
``oidc_probe.checks.catalogue.run_checks``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx2

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Stage
from oidc_probe.core.settings import RunSettings
from oidc_probe.login.base import LoginDriver
from oidc_probe.plumbing.http import make_client
from oidc_probe.run.pool_audit import start_pool_audit
from oidc_probe.stages import active, authorize, discover, jwks, token, userinfo, verify

Step = Callable[[RunContext, httpx2.Client], None]


def _timed(ctx: RunContext, stage: Stage, step: Step, client: httpx2.Client) -> None:
    start = time.perf_counter()
    step(ctx, client)
    ctx.timings_ms[stage.key] = round((time.perf_counter() - start) * 1000, 1)


def run_probe(
    config: ProbeConfig,
    settings: RunSettings,
    *,
    driver: LoginDriver | None,
    transport: httpx2.BaseTransport | None = None,
    now: Callable[[], float] = time.time,
) -> RunContext:
    """discover -> jwks -> authorize + login -> token -> verify -> userinfo.

    With ``driver=None`` the authorization request is built but no login
    happens, so the stages after it record why they did not run.
    """
    ctx = RunContext(config=config, settings=settings, now=now)
    audit = start_pool_audit(ctx)  # --aws: the AWS reads run beside the HTTP stages
    with make_client(settings, transport=transport) as client:
        run_discovery_stages(ctx, client)
        run_login_stages(ctx, client, driver)
    audit.join()
    return ctx


def run_discovery_stages(ctx: RunContext, client: httpx2.Client) -> None:
    """discover -> jwks, into ``ctx``."""
    _timed(ctx, Stage.DISCOVERY, discover.run, client)
    _timed(ctx, Stage.JWKS, jwks.run, client)


def run_login_stages(ctx: RunContext, client: httpx2.Client, driver: LoginDriver | None) -> None:
    """authorize + login -> token -> verify -> userinfo, after the discovery stages."""
    _timed(ctx, Stage.AUTHORIZE, lambda c, cl: authorize.run(c, cl, driver), client)
    _timed(ctx, Stage.TOKEN, token.run, client)
    _timed(ctx, Stage.ID_TOKEN, verify.run, client)
    _timed(ctx, Stage.USERINFO, userinfo.run, client)
    active.run(ctx, client, driver)


def run_discovery_only(
    config: ProbeConfig,
    settings: RunSettings,
    transport: httpx2.BaseTransport | None = None,
    now: Callable[[], float] = time.time,
) -> RunContext:
    """discover -> jwks: what can be learnt without logging in."""
    ctx = RunContext(config=config, settings=settings, now=now)
    audit = start_pool_audit(ctx)
    with make_client(settings, transport=transport) as client:
        run_discovery_stages(ctx, client)
    audit.join()
    return ctx
