"""``oidc-probe verify-access``: verify the application token Cloudflare Access issued.

The token (``Cf-Access-Jwt-Assertion`` header or ``CF_Authorization`` cookie) is
verified against the team's certs (``https://<team>.cloudflareaccess.com/cdn-cgi/access/
certs``, or ``--certs FILE``) with the CFT checks. The raw token never appears in any
output unless ``--show-tokens``.
"""

from __future__ import annotations

import argparse
import re
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    import httpx2

    from oidc_probe.cli.console import Console
    from oidc_probe.core.context import HttpExchange
    from oidc_probe.run.runner import ProbeRunner

_TEAM = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def add_options(parser: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.argtypes import non_negative_int
    from oidc_probe.cli.options import add_network_options
    from oidc_probe.cli.output import add_output_options

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
        default="https://api.cloudflare.com/client/v4",
        help="API base (default https://api.cloudflare.com/client/v4)",
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
        "--leeway", type=non_negative_int, default=60, metavar="SECONDS", help="clock skew"
    )
    add_network_options(group)
    add_output_options(parser)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    from oidc_probe.checks.catalogue import all_checks, run_checks
    from oidc_probe.cli.inputs import network_settings, split_words
    from oidc_probe.cli.output import OutputOptions, emit_report
    from oidc_probe.core.config import ProbeConfig, load_config
    from oidc_probe.core.context import AccessJwt, RunContext
    from oidc_probe.core.model import Stage
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.plumbing.http import fetch, make_client
    from oidc_probe.plumbing.jose import decode_jwt
    from oidc_probe.stages.verify import verify_signature

    team = args.team_name.strip().lower()
    if not _TEAM.match(team):
        raise UsageError(f"--team-name {args.team_name!r}: give the team name only, e.g. 'acme'")
    team_domain = f"https://{team}.cloudflareaccess.com"
    raw = _read_token(args, console)
    options = OutputOptions.from_args(args)
    if not options.show_tokens:
        console.redactor.add(raw)
    claims = split_words(args.claims)
    if args.config is not None:
        config = load_config(args.config, {"claims": claims}, console.environ)
        console.redactor.add(config.client_secret)
    else:
        config = ProbeConfig("", "", "", "", claims=claims or ())
    settings = RunSettings(
        issuer=team_domain,
        leeway=args.leeway,
        **network_settings(args),
        show_tokens=options.show_tokens,
    )
    ctx = RunContext(config=config, settings=settings, jwks_refetcher=lambda c, cl: None)
    with make_client(settings) as client:
        if args.certs is not None:
            certs = _certs_file(args.certs)
        else:
            url = args.certs_url or f"{team_domain}/cdn-cgi/access/certs"
            certs = fetch(client, "GET", url)
            if not certs.ok or certs.json_object() is None:
                reason = certs.error or f"HTTP {certs.status}"
                if certs.ok:
                    reason = "not a JSON object"
                raise UsageError(f"cannot read the Access certs: GET {url}: {reason}")
        ctx.jwks_fetch = certs
        token = decode_jwt(raw)
        signature = verify_signature(ctx, client, token)
        auds = tuple(args.aud or ()) or _app_aud(args, console, client)
    ctx.access_jwt = AccessJwt(token, signature, team_domain, auds, certs)
    findings = run_checks(ctx, [c for c in all_checks() if c.stage is Stage.ACCESS_JWT])
    return emit_report(ctx, findings, options, console)


def _app_aud(args: argparse.Namespace, console: Console, client: httpx2.Client) -> tuple[str, ...]:
    """The application's ``aud`` (cloudflare-python ``SelfHostedApplication.aud``, "Audience
    tag") when ``--cloudflare-app`` is given; nothing otherwise."""
    if args.cloudflare_app is None:
        return ()
    from oidc_probe.cli.access_inputs import _api
    from oidc_probe.stages.cloudflare import application

    body = application(_api(args, console, client), args.cloudflare_app)
    aud = body.get("aud")
    if not isinstance(aud, str) or not aud:
        raise UsageError(f"Cloudflare application {args.cloudflare_app} has no aud")
    return (aud,)


def _read_token(args: argparse.Namespace, console: Console) -> str:
    if args.token is None:
        raise UsageError("verify-access needs a token: pass it as an argument or '-' for stdin")
    raw = console.read_line() if args.token == "-" else args.token
    raw = raw.strip()
    for prefix in ("CF_Authorization=", "Cf-Access-Jwt-Assertion:"):
        if raw.lower().startswith(prefix.lower()):
            raw = raw[len(prefix) :].strip()  # pasted with its cookie or header name
    if not raw:
        raise UsageError("no token on standard input" if args.token == "-" else "empty token")
    return raw


def _certs_file(path: str) -> HttpExchange:
    from oidc_probe.cli.verify import offline_jwks

    try:
        return offline_jwks(path)
    except UsageError as exc:
        raise UsageError(str(exc).replace("--jwks", "--certs", 1)) from None
