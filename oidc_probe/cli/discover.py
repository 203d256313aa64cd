"""``oidc-probe discover``: discovery and the JWKS only (``check --discovery-only``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner

DISCOVER_DEFAULTS: dict[str, Any] = {
    "discovery_only": True,
    "redirect_uri": DEFAULT_REDIRECT_URI,
    "client_auth": "basic",
    "login": "form",
    "username": None,
    "password_env": "OIDC_PROBE_PASSWORD",
    "password_stdin": False,
    "leeway": 60,
    "expect": None,
    "users": None,
    "concurrency": 4,
}


def add_options(discover: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.options import add_config_options, add_network_options
    from oidc_probe.cli.output import add_output_options

    add_config_options(discover)
    net = discover.add_argument_group("network")
    add_network_options(net)
    add_output_options(discover)
    discover.set_defaults(**DISCOVER_DEFAULTS)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.check import run as check

    return check(args, console, probe)
