"""``oidc-probe verify-access``: verify the application token Cloudflare Access issued.

The token (``Cf-Access-Jwt-Assertion`` header or ``CF_Authorization`` cookie) is
verified against the team's certs (``https://<team>.cloudflareaccess.com/cdn-cgi/access/
certs``, or ``--certs FILE``) with the CFT checks. The raw token never appears in any
output unless ``--show-tokens``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(parser: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.argtypes import leeway_seconds
    from oidc_probe.cli.options import add_network_options
    from oidc_probe.cli.output import add_output_options
    from oidc_probe.core.defaults import DEFAULT_CLOUDFLARE_API, DEFAULT_LEEWAY

    parser.add_argument(
        "token",
        nargs="?",
        metavar="TOKEN|-",
        help="the Access token, or '-' to read it from standard input (not in the shell history)",
    )
    group = parser.add_argument_group("Access application")
    group.add_argument(
        "--team-name",
        required=True,
        metavar="NAME",
        help="the Zero Trust team name: iss must be https://NAME.cloudflareaccess.com",
    )
    group.add_argument(
        "--aud",
        action="append",
        metavar="TAG",
        help="the application's AUD tag (repeatable: any one of them; without it, read from "
        "the application with --cloudflare-app)",
    )
    group.add_argument("--cloudflare-account", metavar="ID", help="Cloudflare account id")
    group.add_argument(
        "--cloudflare-zone", metavar="ID", help="Cloudflare zone id (zone-scoped application)"
    )
    group.add_argument(
        "--cloudflare-app",
        metavar="ID",
        help="read the application's AUD tag from Cloudflare's API when --aud is not given "
        "(token from CLOUDFLARE_API_TOKEN)",
    )
    group.add_argument(
        "--cloudflare-api",
        metavar="URL",
        default=DEFAULT_CLOUDFLARE_API,
        help=f"API base (default {DEFAULT_CLOUDFLARE_API})",
    )
    group.add_argument("--certs", metavar="FILE", help="the team's certs JSON, offline")
    group.add_argument(
        "--certs-url",
        metavar="URL",
        help="where to fetch the certs (default https://NAME.cloudflareaccess.com/cdn-cgi/access/certs)",
    )
    group.add_argument(
        "--config",
        metavar="FILE",
        help="Cloudflare's identity-provider JSON: its claims are compared with the token's custom",
    )
    group.add_argument(
        "--claims", action="append", metavar="CLAIMS", help="configured claims (without --config)"
    )
    group.add_argument(
        "--leeway",
        type=leeway_seconds,
        default=DEFAULT_LEEWAY,
        metavar="SECONDS",
        help="clock skew",
    )
    add_network_options(group)
    add_output_options(parser)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.output import OutputOptions, emit
    from oidc_probe.cli.requests import verify_access_request
    from oidc_probe.run.token_cases import verify_access

    request = verify_access_request(args)
    options = OutputOptions.from_args(args)
    return emit(verify_access(request, console), options, console)
