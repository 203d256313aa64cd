"""``oidc-probe demo``: the full check against the built-in Cognito emulator, no setup needed.

The emulator runs in-process on an ephemeral loopback port; the probe talks to it
over real HTTP exactly as it talks to a real pool.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from oidc_probe.core.errors import ConfigError

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.core.config import ProbeConfig
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
    demo.add_argument("--client-auth", choices=["basic", "post"], default="basic")
    demo.add_argument(
        "--active",
        action="store_true",
        help="also run the active checks TOK004, TOK005, TOK007, AUT005",
    )
    add_output_options(demo)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.output import OutputOptions, emit_report
    from oidc_probe.cli.progress import progress_shown, wanted
    from oidc_probe.core.config import derive_issuer
    from oidc_probe.core.settings import ClientAuth, RunSettings
    from oidc_probe.fake_cognito import create_app, load_pool, parse_faults
    from oidc_probe.fake_cognito.server import start_in_thread
    from oidc_probe.run.runner import default_probe

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
        config = demo_config(pool.probe_config(server.base_url), pkce_enabled=args.pkce_enabled)
        console.redactor.add(config.client_secret)
        settings = RunSettings(
            issuer=derive_issuer(config.certs_url),
            issuer_guessed=True,
            client_auth=ClientAuth(args.client_auth),
            username=user.username,
            password=user.password,
            show_tokens=options.show_tokens,
            active=bool(args.active),
        )
        with progress_shown(
            console, enabled=wanted(console, quiet=options.quiet, interactive=False)
        ):
            ctx, findings = (probe or default_probe)(config, settings, login=True)
    return emit_report(ctx, findings, options, console)


def demo_config(body: Mapping[str, Any], *, pkce_enabled: bool | None = None) -> ProbeConfig:
    """The emulator's Cloudflare JSON as a :class:`ProbeConfig`, ignoring the environment."""
    from oidc_probe.core.config import load_config

    inner = body.get("config", body)
    overrides = dict(inner)
    if pkce_enabled is not None:
        overrides["pkce_enabled"] = pkce_enabled
    return load_config(None, overrides, environ={})
