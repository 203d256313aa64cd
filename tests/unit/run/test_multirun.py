from __future__ import annotations

import signal
import threading
import time
from typing import Any

import pytest

from oidc_probe.core.context import HttpExchange
from oidc_probe.run import multirun, pipeline
from oidc_probe.run.multirun import SharedRefetch
from tests.factories import make_context


def test_shared_refetch_fetches_once_for_many_threads(monkeypatch: Any) -> None:
    calls: list[int] = []
    gate = threading.Event()

    def fake_fetch(ctx: Any, client: Any) -> HttpExchange:
        gate.wait(1)
        calls.append(1)
        return HttpExchange("GET", "https://example/jwks", 200)

    monkeypatch.setattr(multirun, "fetch_jwks", fake_fetch)
    refetch = SharedRefetch()
    results: list[HttpExchange | None] = []
    threads = [
        threading.Thread(target=lambda: results.append(refetch(make_context(), None)))  # type: ignore[arg-type]
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    gate.set()
    for thread in threads:
        thread.join(5)
    assert len(calls) == 1
    assert refetch.fetches == 1
    assert len(results) == 8
    assert len({id(r) for r in results}) == 1


def _probe_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("probe-")]


def test_map_in_daemons_keeps_the_order_of_the_items() -> None:
    def slow_square(n: int) -> int:
        time.sleep(0.01 * (5 - n))  # the later items finish first
        return n * n

    assert multirun.map_in_daemons(slow_square, [1, 2, 3, 4], 3) == [1, 4, 9, 16]
    assert multirun.map_in_daemons(slow_square, [], 3) == []


def test_an_error_starts_no_further_item_and_is_raised() -> None:
    started: list[int] = []

    def fn(n: int) -> int:
        started.append(n)
        if n == 1:
            raise ValueError("user 1 broke")
        return n

    with pytest.raises(ValueError, match="user 1 broke"):
        multirun.map_in_daemons(fn, [0, 1, 2, 3], 1)
    assert started == [0, 1]


def test_ctrl_c_returns_within_the_grace_and_starts_no_further_item(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """SIGINT to the main thread while a worker is stuck in a login: KeyboardInterrupt at once."""
    monkeypatch.setattr(pipeline, "INTERRUPT_GRACE", 0.05)
    release = threading.Event()
    started: list[int] = []
    main = threading.main_thread().ident
    assert main is not None

    def stuck(n: int) -> int:
        started.append(n)
        signal.pthread_kill(main, signal.SIGINT)  # Ctrl-C while this "login" is in flight
        release.wait(10)
        return n

    begin = time.perf_counter()
    try:
        with pytest.raises(KeyboardInterrupt):
            multirun.map_in_daemons(stuck, [0, 1, 2], 1)
        assert time.perf_counter() - begin < 2
        assert started == [0]
        assert all(t.daemon for t in _probe_threads())
    finally:
        release.set()
    for thread in _probe_threads():
        thread.join(5)
    assert not _probe_threads()  # the stuck worker ended once released; no further item ran
    assert started == [0]
