"""The exporter's HTTP endpoints, and serving them with uvicorn until SIGTERM or Ctrl-C.

- ``GET /probe?module=NAME``: run (or join) a probe of the module, answer its metrics;
- ``GET /metrics``: the exporter's own metrics;
- ``GET /``: a short page naming the modules.

The deadline of a probe is the smallest of the exporter's ``timeout``, the module's
``timeout`` and the scrape timeout Prometheus sends (``X-Prometheus-Scrape-Timeout-Seconds``)
minus :data:`TIMEOUT_OFFSET`, so that the answer arrives before Prometheus gives up.
"""

from __future__ import annotations

import math
import socket
from typing import TYPE_CHECKING

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from oidc_probe.core.defaults import DEFAULT_EXPORTER_LISTEN
from oidc_probe.core.errors import UsageError
from oidc_probe.exporter.adapter import run_module_probe
from oidc_probe.exporter.metrics import render_probe
from oidc_probe.exporter.own_metrics import ExporterMetrics
from oidc_probe.exporter.scheduler import ProbeFn, Scheduler

if TYPE_CHECKING:
    from collections.abc import Mapping

    from oidc_probe.exporter.config import ExporterConfig

TIMEOUT_HEADER = "x-prometheus-scrape-timeout-seconds"
TIMEOUT_OFFSET = 0.5
MIN_DEADLINE = 0.5


def probe_deadline(config: ExporterConfig, module: str, header: str | None) -> float:
    """Seconds a probe of ``module`` may take for a scrape with this timeout header."""
    limits = [config.timeout]
    own = config.modules[module].timeout
    if own is not None:
        limits.append(own)
    try:
        scrape = float(header) if header is not None else math.inf
    except ValueError:
        scrape = math.inf
    if math.isfinite(scrape) and scrape > 0:
        limits.append(scrape - TIMEOUT_OFFSET)
    return max(MIN_DEADLINE, min(limits))


def create_app(
    config: ExporterConfig,
    *,
    probe: ProbeFn = run_module_probe,
    environ: Mapping[str, str] | None = None,
) -> Starlette:
    own = ExporterMetrics()
    scheduler = Scheduler(config, own, probe=probe, environ=environ)

    async def probe_endpoint(request: Request) -> Response:
        name = request.query_params.get("module")
        if not name:
            return PlainTextResponse("missing parameter: module\n", status_code=400)
        if name not in config.modules:
            known = ", ".join(sorted(config.modules))
            return PlainTextResponse(f"unknown module; configured: {known}\n", status_code=400)
        deadline = probe_deadline(config, name, request.headers.get(TIMEOUT_HEADER))
        answer = await scheduler.probe(name, deadline)
        return Response(render_probe(answer.result, answer.age_s), media_type=CONTENT_TYPE_LATEST)

    async def metrics_endpoint(request: Request) -> Response:
        return Response(own.render(), media_type=CONTENT_TYPE_LATEST)

    async def index(request: Request) -> Response:
        lines = ["oidc-probe exporter", "", "/probe?module=NAME   modules:"]
        lines += [f"  {name}" for name in sorted(config.modules)]
        lines += ["/metrics             the exporter's own metrics", ""]
        return PlainTextResponse("\n".join(lines))

    app = Starlette(
        routes=[
            Route("/probe", probe_endpoint),
            Route("/metrics", metrics_endpoint),
            Route("/", index),
        ]
    )
    app.state.scheduler = scheduler
    return app


def parse_listen(value: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) -> ``(host, port)``; a UsageError otherwise."""
    host, sep, port = value.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port.isdigit() or int(port) > 65535:
        raise UsageError(
            f"--listen {value!r}: expected HOST:PORT, such as {DEFAULT_EXPORTER_LISTEN}"
        )
    return host, int(port)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or a UsageError line saying why not."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(f"--listen: cannot resolve host {host!r}") from None
    family, _, _, _, address = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        reason = "already in use" if exc.errno in (98, 48, 10048) else exc.strerror
        raise UsageError(f"cannot listen on {host}:{port}: {reason}") from None
    sock.setblocking(False)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def serve(app: Starlette, sock: socket.socket) -> None:
    """Serve until SIGTERM (a clean stop: this returns) or SIGINT (re-raised afterwards, so
    the command exits 130); requests still waiting for a probe get a few seconds to finish."""
    import signal
    from types import FrameType

    import uvicorn

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if sig == signal.SIGTERM:
                self.should_exit = True  # uvicorn would re-raise it after the shutdown
            else:
                super().handle_exit(sig, frame)

    server = Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            timeout_graceful_shutdown=3,
        )
    )
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
