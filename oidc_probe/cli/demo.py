"""``oidc-probe demo``: the full check against the built-in Cognito emulator, no setup needed.

The emulator runs in-process on an ephemeral loopback port; the probe talks to it
over real HTTP exactly as it talks to a real pool: ``demo`` builds ``check``'s request
(:func:`oidc_probe.cli.requests.demo_request`) and runs the same use case.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oidc_probe.core.defaults import DEFAULT_CLIENT_AUTH
from oidc_probe.core.errors import ConfigError

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner

DEMO_USER = "demo"


def add_options(demo: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.output import add_output_options

    demo.add_argument(
        "--fault", action="append", metavar="NAME", help="make the emulator misbehave (repeatable)"
    )
    demo.add_argument(
        "--pkce", dest="pkce_enabled", action=argparse.BooleanOptionalAction, default=None
    )
    demo.add_argument("--client-auth", choices=["basic", "post"], default=DEFAULT_CLIENT_AUTH)
    demo.add_argument(
        "--active",
        action="store_true",
        help="also run the active checks TOK004, TOK005, TOK007, AUT005",
    )
    add_output_options(demo)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    """Start the emulator, then run ``check``'s use case against it as its demo user."""
    from oidc_probe.cli.check import probe_and_emit
    from oidc_probe.cli.output import OutputOptions
    from oidc_probe.cli.requests import demo_request
    from oidc_probe.fake_cognito import create_app, load_pool, parse_faults
    from oidc_probe.fake_cognito.server import start_in_thread

    options = OutputOptions.from_args(args)
    pool = load_pool()
    faults = sorted(parse_faults(args.fault or ()))
    user = pool.user(DEMO_USER)
    if user is None:
        raise ConfigError(f"the packaged emulator pool has no user {DEMO_USER!r}")
    console.redactor.add(user.password)
    app = create_app(pool, faults=faults)
    with start_in_thread(app) as server:
        extra = f", faults: {', '.join(f.value for f in faults)}" if faults else ""
        console.err(
            f"demo: built-in Cognito emulator at {server.base_url}, user {user.username}{extra}"
        )
        body = pool.probe_config(server.base_url)
        request = demo_request(args, body, user.username, user.password)
        return probe_and_emit(request, options, console, probe, interactive=False)
