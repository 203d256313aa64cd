"""``oidc-probe discover``: discovery and the JWKS only (``check --discovery-only``).

The request builder (:func:`oidc_probe.cli.requests.probe_request`) gives the options
``discover`` does not define their defaults, and the plan is
:data:`oidc_probe.run.plans.DISCOVER`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(discover: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.options import add_config_options, add_network_options
    from oidc_probe.cli.output import add_output_options

    add_config_options(discover)
    net = discover.add_argument_group("network")
    add_network_options(net)
    add_output_options(discover)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.check import run as check

    return check(args, console, probe)
