from __future__ import annotations

import threading
from typing import Any

from oidc_probe.core.context import HttpExchange
from oidc_probe.run import multirun
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
