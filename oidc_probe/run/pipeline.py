"""Run the stages with one HTTP client, overlapping what does not depend on each other.

Checks are not run here: the caller passes the context to
``oidc_probe.checks.catalogue.run_checks``.

Overlap
-------
Against a remote pool every round trip costs tens of milliseconds, so requests that do
not need each other's results run at the same time, in threads that share the run's one
``httpx2.Client`` (thread-safe; its connection pool keeps connections alive per host, so
later requests to a host reuse the connections, and their TLS sessions, opened earlier)::

    background:  discovery   |  JWKS   (| whatever else is in ``background``)
    main:        authorize + login -> token -> [JWKS joined] verify -> [userinfo joined]
    background:                             [discovery joined] userinfo
    main:        --active, once every background fetch has ended

The login needs only ``auth_url`` from the config; the token exchange needs only the
login and ``token_url``; the ID token needs the JWKS, userinfo needs the discovery
document and the access token. Each stage therefore sees exactly what it saw when the
stages ran one after another, and the checks, which run after the pipeline, see the
same context: verdicts do not change, only the wall time does.

Extension point: **background fetches.** A :data:`BackgroundFetch` is ``(key, step)``,
a step being ``step(ctx, client)`` that fills its own fields of the context and never
reads what the login stages produce. :data:`BACKGROUND_FETCHES` (discovery, JWKS) are
started before the login; ``run_probe(..., background=[...])`` adds more (e.g. AWS
calls that belong alongside discovery and JWKS). Each is timed under ``key`` in
``ctx.timings_ms`` and ``ctx.timeline_ms``, and is joined before the pipeline returns.
A stage that needs one waits for it with :meth:`Background.join`.

Every thread started here has ended when ``run_probe`` returns or raises: an exception
in a stage (or in a background fetch, re-raised where it is joined) waits for the
others, each bounded by its request deadline; a ``KeyboardInterrupt`` waits at most
:data:`INTERRUPT_GRACE` seconds, so Ctrl-C still exits promptly (the threads are
daemons, so one still inside a request cannot hold the process open).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TypeVar

import httpx2

from oidc_probe.core import progress
from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Stage
from oidc_probe.core.settings import RunSettings
from oidc_probe.login.base import LoginDriver
from oidc_probe.plumbing.http import make_client
from oidc_probe.plumbing.warmup import import_quietly
from oidc_probe.run.pool_audit import start_pool_audit
from oidc_probe.stages import authorize, discover, jwks, token, userinfo
from oidc_probe.stages import issuer as issuer_stage

Step = Callable[[RunContext, httpx2.Client], None]
BackgroundFetch = tuple[str, Step]
BACKGROUND_FETCHES: tuple[BackgroundFetch, ...] = (
    (Stage.DISCOVERY.key, discover.run),
    (Stage.JWKS.key, jwks.run),
)
INTERRUPT_GRACE = 0.5  # seconds to wait for background threads after Ctrl-C
ACTIVE_KEY = "active"  # oidc_probe.stages.active.KEY
# Imported while the first requests are in flight (see oidc_probe.plumbing.warmup).
LATE_MODULES = (
    "oidc_probe.login.html_forms",  # the form login's page readers, needed with the first page
    "oidc_probe.login.stop_pages",
    "oidc_probe.login.refusal",
    "oidc_probe.stages.verify",
    "oidc_probe.stages.active",
    "oidc_probe.checks.catalogue",
    "oidc_probe.run.results",
)
WARMUP_KEY = "warmup"
_KEY_ORDER = [s.key for s in Stage] + [ACTIVE_KEY]
_V = TypeVar("_V")


@contextmanager
def span(ctx: RunContext, key: str, *, timing: bool = True) -> Iterator[None]:
    """Record when ``key`` started and ended (``ctx.timeline_ms``) and its duration."""
    start = time.perf_counter()
    progress.started(key)
    try:
        yield
    finally:
        progress.ended(key)
        end = time.perf_counter()
        origin = ctx.clock_start
        ctx.timeline_ms[key] = (
            round((start - origin) * 1000, 1),
            round((end - origin) * 1000, 1),
        )
        if timing:
            ctx.timings_ms[key] = round((end - start) * 1000, 1)


def _timed(ctx: RunContext, key: str, step: Step, client: httpx2.Client) -> None:
    with span(ctx, key):
        step(ctx, client)


class _Task:
    def __init__(self, name: str, target: Callable[[], None]) -> None:
        self.error: BaseException | None = None
        self._target = target
        self.thread = threading.Thread(target=self._run, name=f"oidc-probe-{name}", daemon=True)

    def _run(self) -> None:
        try:
            self._target()
        except BaseException as exc:  # re-raised by Background.join
            self.error = exc


class Background:
    """Steps running in threads of their own, joined by key; a context manager.

    Leaving the ``with`` block joins every thread; see the module docstring for how
    long it waits after an exception.
    """

    def __init__(self, ctx: RunContext, client: httpx2.Client) -> None:
        self._ctx = ctx
        self._client = client
        self._tasks: dict[str, _Task] = {}

    def start(self, key: str, step: Step, *, timed: bool = True) -> None:
        """Run ``step(ctx, client)`` in a thread; ``timed`` records it under ``key``."""
        ctx, client = self._ctx, self._client
        if timed:
            task = _Task(key, lambda: _timed(ctx, key, step, client))
        else:
            task = _Task(key, lambda: step(ctx, client))
        self._tasks[key] = task
        task.thread.start()

    def join(self, key: str) -> None:
        """Wait for ``key`` (nothing to do if it was never started); re-raise its error."""
        task = self._tasks.get(key)
        if task is None:
            return
        task.thread.join()
        if task.error is not None:
            raise task.error

    def join_all(self) -> None:
        for key in list(self._tasks):
            self.join(key)

    def _wait_all(self, timeout: float | None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        for task in self._tasks.values():
            left = None if deadline is None else max(0.0, deadline - time.monotonic())
            task.thread.join(left)

    def __enter__(self) -> Background:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.join_all()
        elif issubclass(exc_type, KeyboardInterrupt):
            self._wait_all(INTERRUPT_GRACE)
        else:
            self._wait_all(None)  # each request ends by its own deadline


def run_probe(
    config: ProbeConfig,
    settings: RunSettings,
    *,
    driver: LoginDriver | None,
    transport: httpx2.BaseTransport | None = None,
    now: Callable[[], float] = time.time,
    background: Sequence[BackgroundFetch] = (),
    warm: Sequence[str] = (),
) -> RunContext:
    """discover | jwks | authorize + login -> token -> verify | userinfo, then --active.

    ``background`` adds fetches started with discovery and JWKS (see the module
    docstring). :data:`LATE_MODULES` and ``warm`` (module names, e.g. the report
    renderers the caller will use) are imported while the requests are in flight.
    With ``driver=None`` the authorization request is built but no login happens, so the stages after it record why they did not run.
    """
    ctx = RunContext(config=config, settings=settings, now=now)
    # --aws: the AWS reads run beside the HTTP stages.
    with start_pool_audit(ctx) as audit:
        with make_client(settings, transport=transport) as client, Background(ctx, client) as bg:
            _start_all(bg, (*BACKGROUND_FETCHES, *background))
            modules = (*LATE_MODULES, *warm)
            bg.start(WARMUP_KEY, lambda c, cl: import_quietly(modules), timed=False)
            run_login_stages(ctx, client, driver, bg)
        audit.join()
    _order_timings(ctx)
    return ctx


def _start_all(bg: Background, fetches: Iterable[BackgroundFetch]) -> None:
    for key, step in fetches:
        bg.start(key, step)


def run_discovery_stages(
    ctx: RunContext, client: httpx2.Client, background: Sequence[BackgroundFetch] = ()
) -> None:
    """discover | jwks (| ``background``), into ``ctx``; every thread joined on return."""
    with Background(ctx, client) as bg:
        _start_all(bg, (*BACKGROUND_FETCHES, *background))
    _order_timings(ctx)


def run_login_stages(
    ctx: RunContext,
    client: httpx2.Client,
    driver: LoginDriver | None,
    bg: Background | None = None,
) -> None:
    """authorize + login -> token -> verify | userinfo, then --active.

    ``bg`` holds the discovery stages when they are still running (``run_probe``), and
    userinfo then runs in a thread while the ID token is verified; without ``bg`` the
    discovery stages are already in ``ctx`` (a multi-user run's shared fetches) and
    userinfo runs after the ID token, in the user's worker thread.
    """
    # Established before any request (--issuer, a Cognito pool URL): nothing waits for it.
    known_issuer = ctx.issuer.established
    with Background(ctx, client) as local:
        prior = bg if bg is not None else local
        _timed(ctx, Stage.AUTHORIZE.key, lambda c, cl: authorize.run(c, cl, driver), client)
        if not known_issuer:
            # The callback's iss may confirm the issuer before AUT004's rule is applied.
            prior.join(Stage.DISCOVERY.key)
            issuer_stage.confirm_callback_iss(ctx, client)
        _timed(ctx, Stage.TOKEN.key, token.run, client)

        def userinfo_after_discovery(c: RunContext, cl: httpx2.Client) -> None:
            prior.join(Stage.DISCOVERY.key)
            _timed(c, Stage.USERINFO.key, userinfo.run, cl)

        if bg is not None and known_issuer:
            local.start(Stage.USERINFO.key, userinfo_after_discovery, timed=False)
        elif known_issuer:
            # A multi-user run: its worker pool already overlaps the users, and one more
            # thread per user cost about 0.6 MiB each (malloc arenas) to save ~1 ms.
            userinfo_after_discovery(ctx, client)
        prior.join(Stage.JWKS.key)
        from oidc_probe.stages import verify  # late: joserfc is not needed before a request

        _timed(ctx, Stage.ID_TOKEN.key, verify.run, client)
        if not known_issuer:
            # The verified ID token's iss may confirm the issuer, and with it the
            # discovery document that names userinfo_endpoint.
            issuer_stage.confirm_id_token_iss(ctx, client)
            userinfo_after_discovery(ctx, client)
        local.join(Stage.USERINFO.key)
        prior.join_all()
    if ctx.settings.active:
        from oidc_probe.stages import active

        with span(ctx, ACTIVE_KEY, timing=False):
            active.run(ctx, client, driver)
    _order_timings(ctx)


def _order_timings(ctx: RunContext) -> None:
    """Timings in stage order, whichever thread finished first."""
    _in_stage_order(ctx.timings_ms)
    _in_stage_order(ctx.timeline_ms)


def _in_stage_order(table: dict[str, _V]) -> None:
    def rank(key: str) -> int:
        return _KEY_ORDER.index(key) if key in _KEY_ORDER else len(_KEY_ORDER)

    ordered = sorted(table.items(), key=lambda item: rank(item[0]))
    table.clear()
    table.update(ordered)


def run_discovery_only(
    config: ProbeConfig,
    settings: RunSettings,
    transport: httpx2.BaseTransport | None = None,
    now: Callable[[], float] = time.time,
    background: Sequence[BackgroundFetch] = (),
) -> RunContext:
    """discover | jwks: what can be learnt without logging in."""
    ctx = RunContext(config=config, settings=settings, now=now)
    with start_pool_audit(ctx) as audit:
        with make_client(settings, transport=transport) as client:
            run_discovery_stages(ctx, client, background)
        audit.join()
    _order_timings(ctx)
    return ctx
