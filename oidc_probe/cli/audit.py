"""``oidc-probe audit``: the pool checks through the AWS API plus the config checks; no login."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oidc_probe.cli.argtypes import positive_float
from oidc_probe.core.errors import UsageError

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
    group.add_argument("--timeout", type=positive_float, default=10.0, metavar="SECONDS")
    add_endpoint_option(group)
    add_output_options(audit)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from dataclasses import replace

    from oidc_probe.checks.catalogue import all_checks, run_checks
    from oidc_probe.cli.aws_options import audit_request
    from oidc_probe.cli.inputs import checked_redirect_uri, field_overrides
    from oidc_probe.cli.login_modes import checked_team_name
    from oidc_probe.cli.output import OutputOptions, emit_report
    from oidc_probe.core.config import derive_issuer, load_config
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Stage
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.stages.aws_pool import read_pool

    if args.config is None and not (args.client_id and args.certs_url):
        raise UsageError("audit needs --config FILE (or --client-id, --auth-url and --certs-url)")
    config = load_config(args.config, field_overrides(args), console.environ)
    console.redactor.add(config.client_secret)
    for warning in config.warnings:
        console.warn(warning)
    options = OutputOptions.from_args(args)
    team = checked_team_name(args.team_name) if args.team_name else None
    request = audit_request(args, tuple(args.username or ()), team)
    settings = RunSettings(
        issuer=args.issuer or derive_issuer(config.certs_url),
        issuer_guessed=not args.issuer,
        redirect_uri=checked_redirect_uri(args.redirect_uri),
        timeout=args.timeout,
        show_tokens=options.show_tokens,
        aws=request,
    )
    ctx = RunContext(config=config, settings=settings)
    audit = read_pool(ctx, request)
    ctx.timings_ms[Stage.POOL.key] = audit.elapsed_ms
    if args.client_secret_from_aws and not config.usable("client_secret") and audit.client_secret:
        console.redactor.add(audit.client_secret)
        ctx.config = replace(config, client_secret=audit.client_secret)
    denied = audit.denied()
    if denied:
        raise UsageError("; ".join(f.describe() for f in denied))
    findings = run_checks(ctx, [c for c in all_checks() if c.stage in (Stage.CONFIG, Stage.POOL)])
    return emit_report(ctx, findings, options, console)
