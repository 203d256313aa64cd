"""The parsers of ``discover``, ``verify`` and ``cloudflare-config`` and the CI flags of ``check``.

Kept out of :mod:`oidc_probe.cli.main` so that module stays small; standard library only.
"""

from __future__ import annotations

import argparse
from typing import Any

from oidc_probe.cli.argtypes import int_between, non_negative_int, positive_float
from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI

DISCOVER_DEFAULTS: dict[str, Any] = {
    "discovery_only": True,
    "redirect_uri": DEFAULT_REDIRECT_URI,
    "client_auth": "basic",
    "login": "form",
    "username": None,
    "password_env": "OIDC_PROBE_PASSWORD",
    "password_stdin": False,
    "leeway": 60,
    "expect": None,
    "users": None,
    "concurrency": 4,
}


def add_expect_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("expectations and users (CI smoke tests)")
    group.add_argument(
        "--expect",
        action="append",
        metavar="EXPR",
        help="an expectation about the ID token's claims, repeatable: CLAIM=VALUE, "
        "CLAIM~=VALUE (array contains), CLAIM (present), !CLAIM (absent)",
    )
    group.add_argument(
        "--users",
        metavar="FILE",
        help="probe several users (TOML or JSON: username, password_env, expect)",
    )
    group.add_argument(
        "--concurrency",
        type=int_between(1, 64),
        default=4,
        metavar="N",
        help="users logged in at the same time with --users (default 4)",
    )


def add_discover_options(discover: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.main import _add_config_options
    from oidc_probe.cli.output import add_output_options

    _add_config_options(discover)
    net = discover.add_argument_group("network")
    net.add_argument("--timeout", type=positive_float, default=10.0, metavar="SECONDS")
    net.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to trust (PEM)")
    add_output_options(discover)
    discover.set_defaults(**DISCOVER_DEFAULTS)


def add_verify_options(verify: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.main import _add_config_options
    from oidc_probe.cli.output import add_output_options

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
    _add_config_options(verify)
    options = verify.add_argument_group("verification")
    options.add_argument(
        "--leeway", type=non_negative_int, default=60, metavar="SECONDS", help="clock skew"
    )
    options.add_argument("--timeout", type=positive_float, default=10.0, metavar="SECONDS")
    options.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to trust (PEM)")
    options.add_argument(
        "--expect", action="append", metavar="EXPR", help="claim expectation (as for check)"
    )
    add_output_options(verify)


def add_cloudflare_config_options(cf: argparse.ArgumentParser) -> None:
    cf.add_argument("--region", required=True, help="AWS region, e.g. eu-west-1")
    cf.add_argument("--pool-id", required=True, metavar="ID", help="e.g. eu-west-1_AbCdEf123")
    cf.add_argument(
        "--domain",
        required=True,
        help="the pool domain: a prefix (myapp), a host (auth.example.com) or a base URL",
    )
    cf.add_argument("--client-id", required=True, metavar="ID")
    cf.add_argument("--name", help="the identity provider's name in Cloudflare")
    cf.add_argument(
        "--scopes", action="append", metavar="SCOPES", help="default: openid email profile"
    )
    cf.add_argument("--claims", action="append", metavar="CLAIMS", help="custom claims for Access")
    cf.add_argument(
        "--pkce", dest="pkce_enabled", action=argparse.BooleanOptionalAction, default=False
    )
    cf.add_argument("--email-claim-name", metavar="CLAIM", default="email")
    cf.add_argument("--issuer", help="fetch discovery for this issuer instead (testing)")
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
    cf.add_argument("--timeout", type=positive_float, default=10.0, metavar="SECONDS")
    cf.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to trust (PEM)")
