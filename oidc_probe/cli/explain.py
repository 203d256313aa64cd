"""``oidc-probe explain``: one check's documentation page (see :mod:`oidc_probe.cli.catalogue`)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(explain: argparse.ArgumentParser) -> None:
    explain.add_argument(
        "check_id",
        metavar="ID",
        help="a check ID such as CLM003, or its slug (configured-claim-present)",
    )


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.catalogue import explain_command

    return explain_command(args.check_id, console)
