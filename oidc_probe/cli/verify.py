"""``oidc-probe verify``: judge ID tokens a user already has, with the IDT and CLM checks.

The use case is :func:`oidc_probe.run.token_cases.verify`: the JWKS is read once and each
token of ``--tokens FILE`` is reported as a section named after its line. The raw tokens
never appear in any output unless ``--show-tokens``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(verify: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.access_inputs import add_access_options
    from oidc_probe.cli.argtypes import leeway_seconds
    from oidc_probe.cli.options import add_config_options, add_network_options
    from oidc_probe.cli.output import add_output_options
    from oidc_probe.core.defaults import DEFAULT_LEEWAY

    verify.add_argument(
        "token",
        nargs="?",
        metavar="TOKEN|-",
        help="the ID token, or '-' to read it from standard input (safer: not in the shell "
        "history)",
    )
    verify.add_argument(
        "--tokens", metavar="FILE", help="verify many tokens: one per line ('-': stdin)"
    )
    verify.add_argument(
        "--jwks", metavar="FILE", help="verify offline with this JWKS file instead of certs_url"
    )
    add_config_options(verify)
    options = verify.add_argument_group("verification")
    options.add_argument(
        "--leeway",
        type=leeway_seconds,
        default=DEFAULT_LEEWAY,
        metavar="SECONDS",
        help="clock skew",
    )
    add_network_options(options)
    options.add_argument(
        "--expect", action="append", metavar="EXPR", help="claim expectation (as for check)"
    )
    add_output_options(verify)
    add_access_options(verify)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.output import OutputOptions, emit
    from oidc_probe.cli.requests import verify_request
    from oidc_probe.run.token_cases import verify

    request = verify_request(args)
    options = OutputOptions.from_args(args)
    return emit(verify(request, console), options, console)
