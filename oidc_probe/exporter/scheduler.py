"""When probes run: one at a time per module, a global limit, and a deadline per scrape.

- A module's probes never overlap: a scrape that arrives while one runs waits for it
  (within its own deadline) and answers its result; if that does not end in time, it
  answers the module's last result with its age, or a failure saying a probe is running.
- At most ``max_concurrent`` probes run at once, all modules together; a scrape that
  finds no free slot before its deadline answers a failure.
- A probe runs in a thread of its own, each request bounded by half the deadline; a
  scrape whose probe is still running at the deadline answers a failure (the probe ends
  by its own request timeouts and its result is kept as the module's last result).

Every answer is a :class:`~oidc_probe.exporter.metrics.ProbeResult`; nothing a provider
does (hang, refuse, garbage) raises out of here.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oidc_probe.core.errors import ProbeError
from oidc_probe.exporter.adapter import ProbeRun, check_access_files, run_module_probe
from oidc_probe.exporter.metrics import ProbeResult

if TYPE_CHECKING:
    from oidc_probe.exporter.config import ExporterConfig, Module
    from oidc_probe.exporter.own_metrics import ExporterMetrics

ProbeFn = Callable[..., ProbeRun]


@dataclass
class _ModuleState:
    """One probe module's latest result and whether a probe of it is in flight."""

    running: asyncio.Future[ProbeResult] | None = None
    last: ProbeResult | None = None


@dataclass(frozen=True)
class Answer:
    """What a scrape gets for one module: the latest probe's result and its age in seconds."""

    result: ProbeResult
    age_s: float = 0.0


class Scheduler:
    """Runs the probes of the configured modules (see the module docstring)."""

    def __init__(
        self,
        config: ExporterConfig,
        own: ExporterMetrics,
        *,
        probe: ProbeFn = run_module_probe,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.config = config
        self.own = own
        self._probe = probe
        self._environ = environ
        # Policy files are checked at start-up: a bad one is a config error then.
        for module in config.modules.values():
            check_access_files(module)
        self._states: dict[str, _ModuleState] = {}
        self._slots: asyncio.Semaphore | None = None

    def _state(self, name: str) -> _ModuleState:
        if name not in self._states:
            self._states[name] = _ModuleState()
        return self._states[name]

    async def probe(self, name: str, deadline_s: float) -> Answer:
        """The answer for one scrape of module ``name`` within ``deadline_s`` seconds."""
        module = self.config.modules[name]
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.config.max_concurrent)
        state = self._state(name)
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline_s
        # No await between reading and setting ``running``: one event loop, so one owner.
        running = state.running
        mine = running is None
        if running is None:
            running = state.running = loop.create_future()
        if not mine:
            return await self._join(name, state, running, end)
        try:
            await asyncio.wait_for(self._slots.acquire(), max(0.0, end - loop.time()))
        except (TimeoutError, asyncio.CancelledError) as exc:
            # No probe started: free the module, answer whoever joined it.
            state.running = None
            busy = self._failure(
                name,
                f"no free probe slot within the deadline ({self.config.max_concurrent} "
                "probes already running)",
            )
            running.set_result(busy)
            if isinstance(exc, asyncio.CancelledError):
                raise
            self.own.error(name, "busy")
            self.own.scrape(name, "failed")
            return Answer(busy)
        # Half the deadline per request: a provider that hangs at one request still leaves
        # time for the probe to end and say where it hung.
        self._start(module, running, max(0.25, (end - loop.time()) / 2))
        try:
            result = await asyncio.wait_for(asyncio.shield(running), max(0.0, end - loop.time()))
        except TimeoutError:
            self.own.error(name, "deadline")
            self.own.scrape(name, "failed")
            return Answer(
                self._failure(
                    name, f"the probe did not finish within the deadline ({deadline_s:g}s)"
                )
            )
        self.own.scrape(name, "fresh")
        return Answer(result)

    async def _join(
        self, name: str, state: _ModuleState, running: asyncio.Future[ProbeResult], end: float
    ) -> Answer:
        loop = asyncio.get_running_loop()
        try:
            result = await asyncio.wait_for(asyncio.shield(running), max(0.0, end - loop.time()))
        except TimeoutError:
            if state.last is not None:
                self.own.scrape(name, "stale")
                return Answer(state.last, max(0.0, time.time() - state.last.finished_at))
            self.own.scrape(name, "failed")
            return Answer(self._failure(name, "a probe of this module is still running"))
        self.own.scrape(name, "shared")
        return Answer(result, max(0.0, time.time() - result.finished_at))

    def _start(self, module: Module, future: asyncio.Future[ProbeResult], timeout: float) -> None:
        loop = asyncio.get_running_loop()
        self.own.in_flight.inc()

        def work() -> None:
            result = self._run(module, timeout)
            loop.call_soon_threadsafe(self._finish, module.name, future, result)

        threading.Thread(
            target=work, name=f"oidc-probe-exporter-{module.name}", daemon=True
        ).start()

    def _run(self, module: Module, timeout: float) -> ProbeResult:
        start = time.perf_counter()
        run: ProbeRun | None = None
        error: str | None = None
        try:
            run = self._probe(module, timeout=timeout, environ=self._environ)
        except ProbeError as exc:
            error = str(exc)
        except Exception as exc:  # a bug must not kill the exporter; the scrape says so
            error = f"internal error ({type(exc).__name__}); run `oidc-probe check` with --debug"
        return ProbeResult(module.name, run, error, time.perf_counter() - start, time.time())

    def _finish(self, name: str, future: asyncio.Future[ProbeResult], result: ProbeResult) -> None:
        state = self._state(name)
        state.last = result
        if state.running is future:
            state.running = None
        if not future.done():
            future.set_result(result)
        if self._slots is not None:
            self._slots.release()
        self.own.in_flight.dec()
        self.own.finished(result)

    def _failure(self, name: str, why: str) -> ProbeResult:
        return ProbeResult(name, None, why, 0.0, time.time())
