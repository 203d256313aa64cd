"""The pipeline's overlap: what runs alongside what, the timeline, and no thread left behind."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx2
import pytest

from oidc_probe.core.context import AuthorizationRequest, LoginResult, RunContext
from oidc_probe.login import FormLogin
from oidc_probe.run import pipeline
from oidc_probe.run.pipeline import run_discovery_only, run_probe
from tests.unit.stages.idp import PASSWORD, USERNAME, FakeIdp, make_config, make_settings

SLOW = 0.2  # seconds the slow requests take


class SlowIdp(FakeIdp):
    """The fake IdP with discovery and the JWKS answering after :data:`SLOW` seconds."""

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        if "well-known" in request.url.path:
            time.sleep(SLOW)
        return super().handle(request)


class Boom(FormLogin):
    """A login driver that fails with ``error`` once it has started."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(USERNAME, PASSWORD)
        self.error = error

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        raise self.error


def _threads() -> set[threading.Thread]:
    return set(threading.enumerate())


def test_discovery_and_jwks_run_during_the_login() -> None:
    idp = SlowIdp()
    ctx = run_probe(
        make_config(),
        make_settings(),
        driver=FormLogin(USERNAME, PASSWORD),
        transport=idp.transport(),
    )
    timeline = ctx.timeline_ms
    login_start, login_end = timeline["authorize"]
    for key in ("discovery", "jwks"):
        start, end = timeline[key]
        assert start < login_end, (key, timeline)
        assert end > login_start, (key, timeline)
    # the login did not wait for them: it ended before the slow fetches did
    assert login_end < min(timeline["discovery"][1], timeline["jwks"][1])
    # userinfo waited for discovery; the ID token for the JWKS
    assert timeline["userinfo"][0] >= timeline["discovery"][1]
    assert timeline["id_token"][0] >= timeline["jwks"][1]
    assert ctx.signature is not None
    assert ctx.signature.valid is True
    assert ctx.userinfo is not None
    assert list(ctx.timings_ms) == [
        "discovery",
        "jwks",
        "authorize",
        "token",
        "id_token",
        "userinfo",
    ]


@pytest.mark.parametrize("error", [RuntimeError("driver bug"), KeyboardInterrupt()])
def test_a_failing_stage_leaves_no_thread_alive(error: BaseException) -> None:
    before = _threads()
    idp = SlowIdp()
    with pytest.raises(type(error)):
        run_probe(make_config(), make_settings(), driver=Boom(error), transport=idp.transport())
    assert _threads() == before


def test_a_failing_background_fetch_is_raised_and_leaves_no_thread() -> None:
    before = _threads()

    def broken(ctx: RunContext, client: httpx2.Client) -> None:
        raise ValueError("background bug")

    with pytest.raises(ValueError, match="background bug"):
        run_probe(
            make_config(),
            make_settings(),
            driver=FormLogin(USERNAME, PASSWORD),
            transport=FakeIdp().transport(),
            background=[("extra", broken)],
        )
    assert _threads() == before


def test_interrupt_waits_only_briefly_for_a_stuck_request(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "INTERRUPT_GRACE", 0.05)
    release = threading.Event()

    class StuckIdp(FakeIdp):
        def handle(self, request: httpx2.Request) -> httpx2.Response:
            if "well-known" in request.url.path:
                release.wait(5)
            return super().handle(request)

    start = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            run_probe(
                make_config(),
                make_settings(),
                driver=Boom(KeyboardInterrupt()),
                transport=StuckIdp().transport(),
            )
        assert time.perf_counter() - start < 2
    finally:
        release.set()


def test_background_fetches_extension_point() -> None:
    seen: list[str] = []

    def extra(ctx: RunContext, client: httpx2.Client) -> None:
        seen.append(threading.current_thread().name)

    runs: list[Callable[[], RunContext]] = [
        lambda: run_probe(
            make_config(),
            make_settings(),
            driver=None,
            transport=FakeIdp().transport(),
            background=[("aws", extra)],
        ),
        lambda: run_discovery_only(
            make_config(),
            make_settings(),
            transport=FakeIdp().transport(),
            background=[("aws", extra)],
        ),
    ]
    for run in runs:
        ctx = run()
        assert "aws" in ctx.timings_ms
        assert "aws" in ctx.timeline_ms
        assert ctx.discovery is not None
        assert ctx.jwks is not None
    assert seen == ["oidc-probe-aws", "oidc-probe-aws"]
