"""A probe's result as Prometheus metrics (``/probe``), through ``prometheus_client``.

The names, labels and the status encoding are documented in
``docs/monitoring/README.md`` and are as stable as the check IDs. Every label value
from outside (key IDs, policy names, reasons) goes through the run's redactor, is
made one line and inert (`plumbing/inert.py` `terminal`: ESC, BEL, bidi controls escaped)
and is capped, so nothing secret, nothing live and nothing unbounded reaches a label.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, InfoMetricFamily
from prometheus_client.registry import Collector

from oidc_probe.core.model import Status
from oidc_probe.plumbing import inert
from oidc_probe.plumbing.redact import Redactor

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric

    from oidc_probe.core.context import HttpExchange, RunContext
    from oidc_probe.exporter.adapter import ProbeRun

# oidc_probe_check_status values: the worst status of the check's findings.
STATUS_CODES = {Status.PASS: 0, Status.INFO: 1, Status.SKIP: 2, Status.WARN: 3, Status.FAIL: 4}
MAX_LABEL = 200
MAX_KEYS = 50  # key-info series per probe; a JWKS with more keys is counted, not listed


@dataclass(frozen=True)
class ProbeResult:
    """One probe of a module: the run, or why there is none (``error``), and its timing."""

    module: str
    run: ProbeRun | None
    error: str | None
    duration_s: float
    finished_at: float

    @property
    def success(self) -> bool:
        if self.run is None or self.error is not None:
            return False
        return not any(f.status is Status.FAIL and not f.accepted for f in self.run.findings)


def render_probe(result: ProbeResult, age_s: float = 0.0) -> bytes:
    """The text exposition of ``result``; ``age_s`` is how old it is when answered again."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_ProbeCollector(result, age_s))
    return generate_latest(registry)


class _ProbeCollector(Collector):
    def __init__(self, result: ProbeResult, age_s: float) -> None:
        self.result = result
        self.age_s = age_s
        secrets = result.run.secrets if result.run is not None else ()
        self.redactor = Redactor(secrets)

    def label(self, value: Any) -> str:
        """``value`` as a label value: one line, redacted, inert (control, bidi and
        invisible characters escaped by ``plumbing/inert.py``), then truncated."""
        text = value if isinstance(value, str) else repr(value)
        text = " ".join(text.split())
        if self.redactor.appears_in(text):  # redact() compiles a pattern, once per run's secrets
            text = self.redactor.redact(text)
        text = inert.terminal(text)
        return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 3] + "..."

    def collect(self) -> Iterator[Metric]:
        result = self.result
        yield _gauge("probe_success", "1 when the login ran and no check failed", result.success)
        yield _gauge("probe_duration_seconds", "how long the probe took", result.duration_s)
        yield _gauge(
            "oidc_probe_result_age_seconds",
            "0 for a fresh probe; the age of an earlier result answered again",
            self.age_s,
        )
        failure = GaugeMetricFamily(
            "oidc_probe_failure_info",
            "why the probe or a stage could not go on (1 per reason)",
            labels=["stage", "reason"],
        )
        run = result.run
        reasons = [("probe", result.error)] if result.error is not None else []
        if run is not None:
            reasons += _reasons(run.ctx)
        for pair in dict.fromkeys((self.label(stage), self.label(why)) for stage, why in reasons):
            failure.add_metric(list(pair), 1)
        yield failure
        if run is None:
            return
        yield from self.checks(run)
        yield from self.stages(run.ctx)
        yield self.tls(run.ctx)
        yield from self.id_token(run.ctx)
        yield from self.jwks(run.ctx)
        decision = self.access(run.ctx)
        if decision is not None:
            yield decision

    def checks(self, run: ProbeRun) -> Iterator[Metric]:
        worst: dict[tuple[str, str, str], int] = {}
        for f in run.findings:
            key = (f.check_id, f.slug, f.stage.key)
            worst[key] = max(worst.get(key, 0), STATUS_CODES[f.status])
        status = GaugeMetricFamily(
            "oidc_probe_check_status",
            "worst status of each check: 0 pass, 1 info, 2 skip, 3 warn, 4 fail",
            labels=["check", "slug", "stage"],
        )
        for (check_id, slug, stage), code in sorted(worst.items()):
            status.add_metric([check_id, slug, stage], code)
        yield status
        counts = GaugeMetricFamily(
            "oidc_probe_checks", "checks by their worst status", labels=["status"]
        )
        for name, code in STATUS_CODES.items():
            counts.add_metric([name.value], sum(1 for c in worst.values() if c == code))
        yield counts

    def stages(self, ctx: RunContext) -> Iterator[Metric]:
        family = GaugeMetricFamily(
            "oidc_probe_stage_duration_seconds", "wall time of each stage", labels=["stage"]
        )
        for stage, ms in ctx.timings_ms.items():
            family.add_metric([self.label(stage)], ms / 1000)
        yield family

    def tls(self, ctx: RunContext) -> Metric:
        family = GaugeMetricFamily(
            "oidc_probe_tls_cert_not_after_seconds",
            "notAfter of the TLS certificate each host presented, in Unix seconds",
            labels=["host"],
        )
        hosts: dict[str, float] = {}
        for exchange in _exchanges(ctx):
            if exchange.tls_not_after is not None:
                host = _host(exchange.url)
                hosts[host] = min(hosts.get(host, exchange.tls_not_after), exchange.tls_not_after)
        for host, not_after in sorted(hosts.items()):
            family.add_metric([self.label(host)], not_after)
        return family

    def id_token(self, ctx: RunContext) -> Iterator[Metric]:
        claims = ctx.id_token_claims or {}
        exp, iat = _number(claims.get("exp")), _number(claims.get("iat"))
        if exp is not None:
            yield _gauge(
                "oidc_probe_id_token_expiry_seconds",
                "the ID token's exp claim, in Unix seconds",
                exp,
            )
            if iat is not None:
                yield _gauge(
                    "oidc_probe_id_token_lifetime_seconds",
                    "the ID token's exp minus iat",
                    exp - iat,
                )

    def jwks(self, ctx: RunContext) -> Iterator[Metric]:
        jwks = ctx.jwks
        keys = jwks.get("keys") if jwks is not None else None
        if not isinstance(keys, list):
            return
        yield _gauge("oidc_probe_jwks_keys", "keys in the provider's JWKS", len(keys))
        info = InfoMetricFamily(
            "oidc_probe_jwks_key", "one series per key of the JWKS (key ID, type, algorithm)"
        )
        kids = []
        for key in keys[:MAX_KEYS]:
            key = key if isinstance(key, dict) else {}
            kid = self.label(key.get("kid", ""))
            kids.append(kid)
            info.add_metric(
                [],
                {
                    "kid": kid,
                    "kty": self.label(key.get("kty", "")),
                    "alg": self.label(key.get("alg", "")),
                    "use": self.label(key.get("use", "")),
                },
            )
        yield info
        digest = hashlib.sha256("\n".join(sorted(kids)).encode()).digest()
        yield _gauge(
            "oidc_probe_jwks_keyset_id",
            "a number derived from the sorted key IDs: it changes when the keys rotate",
            int.from_bytes(digest[:6], "big"),
        )

    def access(self, ctx: RunContext) -> Metric | None:
        if ctx.settings.access is None:
            return None
        from oidc_probe.checks.access_policies import decide

        family = GaugeMetricFamily(
            "oidc_probe_access_decision",
            "what the Access policies decide for the module's user (1 for the decision)",
            labels=["access", "outcome", "policy"],
        )
        decided = decide(ctx)
        if isinstance(decided, str):
            family.add_metric(["undetermined", "no_identity", ""], 1)
        else:
            decision = decided[1]
            policy = decision.policy.policy.name if decision.policy is not None else ""
            family.add_metric(
                [decision.access, self.label(decision.outcome), self.label(policy)], 1
            )
        return family


def _gauge(name: str, documentation: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, documentation, value=float(value))


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _reasons(ctx: RunContext) -> list[tuple[str, str]]:
    """Where the run went wrong: requests that got no response, the login's error, and the
    stages that could not run (``ctx.stopped``)."""
    found: list[tuple[str, str]] = []
    for stage, exchange in (
        ("discovery", ctx.discovery_fetch),
        ("jwks", ctx.jwks_fetch),
        ("token", ctx.token_fetch),
        ("userinfo", ctx.userinfo_fetch),
    ):
        if exchange is not None and exchange.error is not None:
            found.append((stage, exchange.describe()))
    login = ctx.login
    if login is not None:
        if login.login_error:
            found.append(("authorize", login.login_error))
        elif login.authorize_error is not None:
            found.append(("authorize", f"the provider refused: {login.authorize_error.error}"))
    return [*found, *ctx.stopped.items()]


def _exchanges(ctx: RunContext) -> Iterable[HttpExchange]:
    login_fetch = ctx.login.token_fetch if ctx.login is not None else None
    for exchange in (
        ctx.discovery_fetch,
        ctx.jwks_fetch,
        ctx.jwks_refetch,
        ctx.token_fetch,
        login_fetch,
        ctx.userinfo_fetch,
    ):
        if exchange is not None:
            yield exchange


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host
