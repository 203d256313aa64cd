"""``oidc-probe exporter``: serve probes to Prometheus (:mod:`oidc_probe.exporter`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oidc_probe.core.defaults import DEFAULT_EXPORTER_LISTEN

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        required=True,
        metavar="FILE",
        help="the exporter's TOML file: [exporter] limits and [modules.NAME] probes "
        "(see docs/monitoring/README.md)",
    )
    parser.add_argument(
        "--listen",
        default=DEFAULT_EXPORTER_LISTEN,
        metavar="HOST:PORT",
        help=f"address to serve /probe and /metrics on (default {DEFAULT_EXPORTER_LISTEN}; port 0: any)",
    )
    parser.add_argument(
        "--check-config",
        action="store_true",
        help="check the config file (and the files it names), then exit",
    )


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        from oidc_probe.core.errors import UsageError

        raise UsageError(
            "the exporter needs prometheus-client: pip install 'oidc-probe[exporter]'"
        ) from None
    from oidc_probe.exporter.config import check_secret_files, load_exporter_config
    from oidc_probe.exporter.server import bind, create_app, parse_listen, serve, url_of
    from oidc_probe.plumbing.urls import is_loopback

    config = load_exporter_config(args.config)
    host, port = parse_listen(args.listen)
    app = create_app(config, environ=console.environ)  # checks the policy files
    if args.check_config:
        check_secret_files(config)
        console.err(f"oidc-probe exporter: {args.config}: {len(config.modules)} module(s), OK")
        return 0
    sock = bind(host, port)
    if not is_loopback(host):
        console.warn(
            f"--listen {host}: anyone who reaches this address can make the exporter log in"
        )
    modules = ", ".join(sorted(config.modules))
    console.err(f"oidc-probe exporter: listening on {url_of(sock)} (modules: {modules})")
    serve(app, sock)
    console.err("oidc-probe exporter: stopped")
    return 0
