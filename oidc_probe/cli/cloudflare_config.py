"""``oidc-probe cloudflare-config``: the identity-provider JSON for Cloudflare's API, from the pool
(its discovery document, or the AWS API with ``--from-aws``) or any provider's discovery
document (``--issuer``).

The use case (:mod:`oidc_probe.run.cloudflare_config_case`) says where each field comes
from. The JSON is written to ``--output FILE`` (created with mode 0600); stdout gets the
client secret only with ``--show-secret``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from oidc_probe.core.defaults import DEFAULT_EMAIL_CLAIM

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def add_options(cf: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.aws_options import add_endpoint_option
    from oidc_probe.cli.options import add_network_options

    cf.add_argument("--region", help="AWS region, e.g. eu-west-1 (with --from-aws: from --pool-id)")
    cf.add_argument(
        "--pool-id", metavar="ID", help="Cognito: e.g. eu-west-1_AbCdEf123 (else --issuer)"
    )
    cf.add_argument(
        "--domain",
        help="the pool domain: a prefix (myapp), a host (auth.example.com) or a base URL "
        "(with --from-aws: the pool's own domain)",
    )
    cf.add_argument("--client-id", required=True, metavar="ID")
    cf.add_argument("--name", help="the identity provider's name in Cloudflare")
    cf.add_argument(
        "--scopes", action="append", metavar="SCOPES", help="default: openid email profile"
    )
    cf.add_argument("--claims", action="append", metavar="CLAIMS", help="custom claims for Access")
    cf.add_argument(
        "--pkce",
        dest="pkce_enabled",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="pkce_enabled (default: off for Cognito; with --issuer, on when the provider "
        "lists S256)",
    )
    cf.add_argument("--email-claim-name", metavar="CLAIM", default=DEFAULT_EMAIL_CLAIM)
    cf.add_argument(
        "--issuer",
        metavar="URL",
        help="any OpenID provider: write the config from URL's discovery document (with "
        "--pool-id: fetch discovery for this issuer instead)",
    )
    cf.add_argument("--discovery-url", metavar="URL", help="fetch this discovery document instead")
    cf.add_argument("--output", metavar="FILE", help="write the JSON here (created with mode 0600)")
    cf.add_argument(
        "--show-secret", action="store_true", help="print the client secret on stdout too"
    )
    cf.add_argument(
        "--omit-secret",
        action="store_true",
        help="leave client_secret out (for review, or for 'check' with OIDC_PROBE_CLIENT_SECRET)",
    )
    add_network_options(cf)
    aws = cf.add_argument_group("from the AWS API (needs pip install 'oidc-probe[aws]')")
    aws.add_argument(
        "--from-aws",
        action="store_true",
        help="read the pool and app client through the AWS API (read-only): domain, URLs, the "
        "scopes the client allows, the custom attributes it reads as claims, and its secret",
    )
    aws.add_argument(
        "--team-name",
        metavar="NAME",
        help="with --from-aws: warn unless Access's callback for NAME is registered",
    )
    add_endpoint_option(aws)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    """Build the request, run the use case, write the JSON."""
    from oidc_probe.cli.idp_output import emit_body
    from oidc_probe.cli.requests import cloudflare_config_request
    from oidc_probe.run.cloudflare_config_case import cloudflare_config

    result = cloudflare_config(cloudflare_config_request(args), console)
    return emit_body(result.body, result.secret, result.output, args.show_secret, console)
