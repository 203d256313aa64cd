"""``oidc-probe checks``: the check catalogue (see :mod:`oidc_probe.cli.catalogue`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(checks: argparse.ArgumentParser) -> None:
    checks.add_argument("--format", choices=["text", "json"], default="text")


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.catalogue import checks_command

    return checks_command(args.format, console)
