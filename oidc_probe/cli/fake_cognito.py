"""``oidc-probe fake-cognito``: serve the Cognito emulator (:mod:`oidc_probe.fake_cognito`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oidc_probe.cli.argtypes import milliseconds, port

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(fake: argparse.ArgumentParser) -> None:
    fake.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    fake.add_argument("--port", type=port, default=9229, help="port (default 9229; 0: any)")
    fake.add_argument("--pool", metavar="FILE", help="pool file (default: the packaged demo pool)")
    fake.add_argument(
        "--fault", action="append", metavar="NAME", help="inject a fault (repeatable)"
    )
    fake.add_argument("--list-faults", action="store_true", help="list the faults and exit")
    fake.add_argument(
        "--login-page",
        choices=["classic", "js"],
        default="classic",
        help="sign-in page: classic HTML, or js (the form rendered with JavaScript only)",
    )
    fake.add_argument(
        "--request-log",
        metavar="FILE",
        help="append 'METHOD PATH' of every request to FILE (no query, headers or body)",
    )
    fake.add_argument(
        "--latency",
        type=milliseconds,
        default=0.0,
        metavar="MS",
        help="delay every response by MS milliseconds, to model a pool in another region",
    )
    fake.add_argument(
        "--jitter",
        type=milliseconds,
        default=0.0,
        metavar="MS",
        help="add a uniformly random 0..MS milliseconds to every delay (default 0)",
    )
    fake.add_argument(
        "--tls-cert",
        metavar="PEM",
        help="serve HTTPS with this certificate (chain) for the pool's host names; needs --tls-key",
    )
    fake.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    fake.add_argument(
        "--write-config",
        metavar="FILE",
        help="write Cloudflare's identity-provider JSON for this emulator to FILE (mode 0600)",
    )


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.fake_cognito.cli import format_fault_list, run_fake_cognito

    if args.list_faults:
        console.out(format_fault_list())
        return 0
    return run_fake_cognito(
        host=args.host,
        port=args.port,
        pool_path=args.pool,
        faults=args.fault or (),
        out=console.stdout,
        login_page=args.login_page,
        request_log=args.request_log,
        write_config=args.write_config,
        latency_ms=args.latency,
        jitter_ms=args.jitter,
        tls=(args.tls_cert, args.tls_key) if args.tls_cert or args.tls_key else None,
    )
