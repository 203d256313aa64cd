"""The console script's entry point.

``--version`` and the top-level ``--help`` answer before anything else is imported,
so they start about as fast as the interpreter itself.
"""

from __future__ import annotations

import sys


def run() -> None:
    """``oidc-probe`` and ``python -m oidc_probe``."""
    if sys.argv[1:] == ["--version"]:
        from oidc_probe import __version__

        sys.stdout.write(f"oidc-probe {__version__}\n")
        return
    if sys.argv[1:] in (["--help"], ["-h"]):
        from oidc_probe.cli.table import top_level_help

        sys.stdout.write(top_level_help())
        return
    from oidc_probe.cli.main import run as run_cli

    run_cli()
