"""The exporter's own metrics (``/metrics``): probes run, their durations, errors, in flight."""

from __future__ import annotations

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    disable_created_metrics,
    generate_latest,
)

from oidc_probe.exporter.metrics import ProbeResult

# The reasons counted in oidc_probe_exporter_errors_total.
ERROR_REASONS = ("deadline", "busy", "inputs", "internal")
BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class ExporterMetrics:
    """Counters of one exporter, in a registry of their own (not the global one)."""

    def __init__(self) -> None:
        disable_created_metrics()  # type: ignore[no-untyped-call]  # process-wide: no *_created
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.probes = Counter(
            "oidc_probe_exporter_probes",
            "probes run, by module and result (success, failure: a check failed or a stage "
            "stopped, error: no run)",
            ["module", "result"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "oidc_probe_exporter_probe_duration_seconds",
            "wall time of the probes run",
            ["module"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "oidc_probe_exporter_errors",
            "scrapes answered without a probe of their own finishing: deadline, busy (no free "
            "slot), inputs (a secret or the config unusable), internal (a bug)",
            ["module", "reason"],
            registry=self.registry,
        )
        self.scrapes = Counter(
            "oidc_probe_exporter_scrapes",
            "/probe answers: fresh, shared (a running probe's result), stale (the last "
            "result, with its age), failed",
            ["module", "answer"],
            registry=self.registry,
        )
        self.in_flight = Gauge(
            "oidc_probe_exporter_probes_in_flight", "probes running now", registry=self.registry
        )

    def finished(self, result: ProbeResult) -> None:
        kind = "error" if result.run is None else ("success" if result.success else "failure")
        self.probes.labels(result.module, kind).inc()
        self.duration.labels(result.module).observe(result.duration_s)
        if result.run is None:
            internal = (result.error or "").startswith("internal error")
            self.error(result.module, "internal" if internal else "inputs")

    def error(self, module: str, reason: str) -> None:
        self.errors.labels(module, reason).inc()

    def scrape(self, module: str, answer: str) -> None:
        self.scrapes.labels(module, answer).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
