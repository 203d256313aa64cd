"""``oidc-probe audit``: the pool checks through the AWS API plus the config checks; no login."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oidc_probe.cli.argtypes import positive_float
from oidc_probe.core.defaults import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(audit: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.aws_options import add_endpoint_option
    from oidc_probe.cli.options import add_config_options
    from oidc_probe.cli.output import add_output_options
    from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI

    add_config_options(audit)
    group = audit.add_argument_group("pool audit")
    group.add_argument(
        "--username",
        action="append",
        metavar="USER",
        help="also check this user (exists, enabled, confirmed, email, attributes, groups); "
        "repeatable",
    )
    group.add_argument(
        "--team-name",
        metavar="NAME",
        help="check that Access's callback https://NAME.cloudflareaccess.com/cdn-cgi/access/"
        "callback is registered",
    )
    group.add_argument(
        "--redirect-uri",
        default=DEFAULT_REDIRECT_URI,
        metavar="URL",
        help=f"the redirect URI 'oidc-probe check' will use (default {DEFAULT_REDIRECT_URI})",
    )
    group.add_argument(
        "--client-secret-from-aws",
        action="store_true",
        help="judge the client secret DescribeUserPoolClient returns (CFG001, CFG005) when "
        "neither the config nor OIDC_PROBE_CLIENT_SECRET gives one",
    )
    group.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, metavar="SECONDS")
    add_endpoint_option(group)
    add_output_options(audit)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.cli.output import OutputOptions, emit
    from oidc_probe.cli.requests import audit_command
    from oidc_probe.run.audit_case import audit

    request = audit_command(args)
    options = OutputOptions.from_args(args)
    return emit(audit(request, console), options, console)
