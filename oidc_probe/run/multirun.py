"""Probe several users in one run: one discovery, one JWKS fetch, concurrent logins.

The discovery and JWKS stages run once; their checks (config, discovery, JWKS)
judge that shared context once. Each user then gets a context seeded with the
shared fetches, its own HTTP client (its own cookie jar) and the login stages,
in a thread pool of ``concurrency`` workers. A JWKS refetch for an unknown ``kid``
happens at most once per run, whichever user meets the kid first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

import httpx2

from oidc_probe.checks.catalogue import probe_checks, run_checks
from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.defaults import DEFAULT_CONCURRENCY
from oidc_probe.core.settings import RunSettings
from oidc_probe.login.base import LoginDriver
from oidc_probe.plumbing.http import make_client, ssl_context
from oidc_probe.run import pipeline
from oidc_probe.run.plans import DISCOVER
from oidc_probe.run.pool_audit import start_pool_audit
from oidc_probe.run.results import MultiRun, UserRun
from oidc_probe.run.users import UserSpec
from oidc_probe.stages.jwks import fetch_jwks

# Builds the login driver of one user from the config and that user's settings.
DriverFactory = Callable[[ProbeConfig, RunSettings], LoginDriver]
_T = TypeVar("_T")
_R = TypeVar("_R")


class SharedRefetch:
    """A JWKS refetch done at most once, whatever the number of users and threads asking."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done = False
        self._result: HttpExchange | None = None
        self.fetches = 0

    def __call__(self, ctx: RunContext, client: httpx2.Client) -> HttpExchange | None:
        with self._lock:
            if not self._done:
                self._result = fetch_jwks(ctx, client)
                self.fetches += 1
                self._done = True
            return self._result


def _headless_driver(config: ProbeConfig, settings: RunSettings) -> LoginDriver:
    """The login mode's driver, as for a single-user ``check``."""
    from oidc_probe.login.initiate_auth import headless_driver

    return headless_driver(config, settings)


def run_users(
    config: ProbeConfig,
    settings: RunSettings,
    users: Sequence[UserSpec],
    passwords: dict[str, str],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    driver_factory: DriverFactory = _headless_driver,
    transport: httpx2.BaseTransport | None = None,
    now: Callable[[], float] = time.time,
) -> MultiRun:
    """Run the shared stages once and every user's login stages; checks included."""
    if settings.aws is not None:  # --aws: pool calls once, user calls once per user
        names = tuple(u.username for u in users)
        settings = replace(settings, aws=replace(settings.aws, usernames=names))
    shared = RunContext(config=config, settings=settings, now=now)
    trust = ssl_context(settings)  # one read of the CA certificates for every user's client
    with start_pool_audit(shared) as audit:
        with make_client(settings, transport=transport, verify=trust) as client:
            pipeline.run_discovery_stages(shared, client)
        audit.join()
    catalogue = probe_checks()
    stages = DISCOVER.selected_stages(aws=settings.aws is not None)
    shared_findings = run_checks(shared, [c for c in catalogue if c.stage in stages])
    user_checks = [c for c in catalogue if c.stage not in stages]
    refetch = SharedRefetch()

    def one(user: UserSpec) -> UserRun:
        user_settings = replace(
            settings,
            username=user.username,
            password=passwords[user.username],
            expectations=settings.expectations + user.expect,
            expect_access=user.access or settings.expect_access,
        )
        ctx = RunContext(
            config=config,
            settings=user_settings,
            now=now,
            discovery_fetch=shared.discovery_fetch,
            basis=shared.issuer,
            issuer_fetches=dict(shared.issuer_fetches),
            jwks_fetch=shared.jwks_fetch,
            timings_ms=dict(shared.timings_ms),
            timeline_ms=dict(shared.timeline_ms),
            clock_start=shared.clock_start,
            stopped=dict(shared.stopped),
            jwks_refetcher=refetch,
            pool_audit=shared.pool_audit,
        )
        driver = driver_factory(config, user_settings)
        with make_client(user_settings, transport=transport, verify=trust) as client:
            pipeline.run_login_stages(ctx, client, driver)
        findings = run_checks(ctx, user_checks, user=user.username)
        return UserRun(user.username, ctx, tuple(findings))

    runs = tuple(map_in_daemons(one, users, concurrency))
    return MultiRun(shared, tuple(shared_findings), runs)


def map_in_daemons(fn: Callable[[_T], _R], items: Sequence[_T], workers: int) -> list[_R]:
    """``[fn(item) for item in items]``, ``workers`` at a time, in daemon threads.

    An error in one call stops any call not yet started; the others are waited for (each
    request ends by its own deadline), and the error of the first item that failed is
    raised. Ctrl-C (``KeyboardInterrupt`` in the calling thread) also starts no more calls,
    but waits at most :data:`pipeline.INTERRUPT_GRACE` seconds for those in flight: the
    threads are daemons, so one still inside a slow login cannot hold the process open
    (a ``ThreadPoolExecutor``'s workers are joined at exit, however long they take).
    """
    if not items:
        return []
    results: dict[int, _R] = {}
    errors: dict[int, BaseException] = {}
    pending = iter(range(len(items)))
    count = min(max(1, workers), len(items))
    lock = threading.Lock()
    running = [count]
    stop = threading.Event()
    finished = threading.Event()

    def work() -> None:
        try:
            while not stop.is_set():
                with lock:
                    index = next(pending, None)
                if index is None:
                    return
                try:
                    results[index] = fn(items[index])
                except BaseException as exc:  # raised again in the calling thread
                    errors[index] = exc
                    stop.set()
        finally:
            with lock:
                running[0] -= 1
                if running[0] == 0:
                    finished.set()

    threads = [threading.Thread(target=work, name=f"probe-{n}", daemon=True) for n in range(count)]
    try:
        for thread in threads:
            thread.start()
        # An Event, not Thread.join: on 3.11 a join interrupted by Ctrl-C marks the thread
        # as ended while it still runs (bpo-45274), so the grace below would not wait.
        finished.wait()
    except KeyboardInterrupt:
        stop.set()
        finished.wait(pipeline.INTERRUPT_GRACE)
        raise
    for thread in threads:
        thread.join()  # each has left work(); this only lets it end
    if errors:
        raise errors[min(errors)]
    return [results[i] for i in range(len(items))]
