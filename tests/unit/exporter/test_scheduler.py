"""The exporter's scheduling: one probe per module at a time, a global limit, the deadline."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import RunContext
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import RunSettings
from oidc_probe.exporter.adapter import ProbeRun
from oidc_probe.exporter.config import ExporterConfig, Module
from oidc_probe.exporter.own_metrics import ExporterMetrics
from oidc_probe.exporter.scheduler import Scheduler


def _config(*names: str, max_concurrent: int = 4) -> ExporterConfig:
    return ExporterConfig({n: Module(n, Path("idp.json")) for n in names}, max_concurrent)


def _run() -> ProbeRun:
    config = ProbeConfig("c", "https://a/auth", "https://a/token", "https://a/jwks")
    return ProbeRun(RunContext(config, RunSettings(issuer="https://a")), [], ())


class SlowProbe:
    """Counts calls and how many run at once; each takes ``seconds``."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.calls = 0
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()

    def __call__(self, module: Module, **_: Any) -> ProbeRun:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
        return _run()


def test_scrapes_of_one_module_share_one_probe() -> None:
    probe = SlowProbe(0.3)
    scheduler = Scheduler(_config("a"), ExporterMetrics(), probe=probe)

    async def main() -> list[Any]:
        return list(await asyncio.gather(*(scheduler.probe("a", 5) for _ in range(3))))

    answers = asyncio.run(main())
    assert probe.calls == 1
    assert probe.most == 1
    assert all(a.result.success for a in answers)
    assert len({id(a.result) for a in answers}) == 1


def test_modules_run_side_by_side_up_to_the_global_limit() -> None:
    probe = SlowProbe(0.3)
    scheduler = Scheduler(
        _config("a", "b", "c", "d", max_concurrent=2), ExporterMetrics(), probe=probe
    )

    async def main() -> list[Any]:
        return list(await asyncio.gather(*(scheduler.probe(n, 5) for n in "abcd")))

    answers = asyncio.run(main())
    assert probe.calls == 4
    assert probe.most == 2
    assert all(a.result.success for a in answers)


def test_no_free_slot_within_the_deadline_is_a_failure_saying_so() -> None:
    probe = SlowProbe(1.0)
    scheduler = Scheduler(_config("a", "b", max_concurrent=1), ExporterMetrics(), probe=probe)

    async def main() -> list[Any]:
        first = asyncio.ensure_future(scheduler.probe("a", 5))
        await asyncio.sleep(0.1)
        second = await scheduler.probe("b", 0.3)
        return [await first, second]

    first, second = asyncio.run(main())
    assert first.result.success
    assert not second.result.success
    assert "no free probe slot" in (second.result.error or "")


def test_a_probe_past_its_deadline_answers_a_failure_then_its_result_is_kept() -> None:
    probe = SlowProbe(0.6)
    own = ExporterMetrics()
    scheduler = Scheduler(_config("a"), own, probe=probe)

    async def main() -> list[Any]:
        late = await scheduler.probe("a", 0.2)
        again = await scheduler.probe("a", 0.1)  # the first probe still runs: no second one
        await asyncio.sleep(0.8)
        return [late, again]

    late, again = asyncio.run(main())
    assert "did not finish within the deadline" in (late.result.error or "")
    assert "still running" in (again.result.error or "")
    assert probe.calls == 1
    text = own.render().decode()
    assert 'oidc_probe_exporter_errors_total{module="a",reason="deadline"} 1.0' in text


def test_a_stale_result_is_answered_with_its_age() -> None:
    probe = SlowProbe(0.5)
    scheduler = Scheduler(_config("a"), ExporterMetrics(), probe=probe)

    async def main() -> Any:
        await scheduler.probe("a", 5)
        probe.seconds = 1.0
        running = asyncio.ensure_future(scheduler.probe("a", 5))
        await asyncio.sleep(0.1)
        answer = await scheduler.probe("a", 0.2)
        await running
        return answer

    answer = asyncio.run(main())
    assert answer.result.success
    assert answer.age_s >= 0.2


def test_input_errors_and_bugs_are_failed_probes_not_exceptions() -> None:
    def broken(module: Module, **_: Any) -> ProbeRun:
        if module.name == "a":
            raise UsageError("the password environment variable P is empty or not set")
        raise KeyError("surprise")

    own = ExporterMetrics()
    scheduler = Scheduler(_config("a", "b"), own, probe=broken)

    async def main() -> list[Any]:
        return [await scheduler.probe("a", 2), await scheduler.probe("b", 2)]

    a, b = asyncio.run(main())
    assert a.result.error == "the password environment variable P is empty or not set"
    assert (b.result.error or "").startswith("internal error (KeyError)")
    assert "surprise" not in (b.result.error or "")
    text = own.render().decode()
    assert 'reason="inputs"} 1.0' in text
    assert 'reason="internal"} 1.0' in text
