"""Option groups that several subcommands share; each subcommand's module adds its own.

Standard library only, so building a parser for ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

from oidc_probe.cli.argtypes import connect_rule, int_between, leeway_seconds, positive_float
from oidc_probe.core.defaults import (
    DEFAULT_CLIENT_AUTH,
    DEFAULT_CONCURRENCY,
    DEFAULT_LEEWAY,
    DEFAULT_PASSWORD_ENV,
    DEFAULT_REDIRECT_URI,
    DEFAULT_TIMEOUT,
)
from oidc_probe.core.errors import UsageError


class RefuseSecret(argparse.Action):
    """A hidden option for a secret given as an argument: refused, saying what to do (``const``)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        raise UsageError(
            f"{option_string} is not accepted: secrets given as arguments end up in the shell "
            f"history and the process list; {self.const}"
        )


def add_config_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("identity provider (flags override fields of --config)")
    group.add_argument("--config", metavar="FILE", help="Cloudflare's identity-provider JSON")
    group.add_argument("--client-id", metavar="ID")
    group.add_argument(
        "--client-secret",
        action=RefuseSecret,
        nargs="?",
        const="put client_secret in the config file or set OIDC_PROBE_CLIENT_SECRET",
        help=argparse.SUPPRESS,
    )
    group.add_argument("--auth-url", metavar="URL")
    group.add_argument("--token-url", metavar="URL")
    group.add_argument("--certs-url", metavar="URL", help="the JWKS URL")
    group.add_argument(
        "--scopes",
        action="append",
        metavar="SCOPES",
        help="scopes, space or comma separated (repeatable)",
    )
    group.add_argument(
        "--claims",
        action="append",
        metavar="CLAIMS",
        help="custom claims Access should read, space or comma separated (repeatable)",
    )
    group.add_argument(
        "--pkce",
        dest="pkce_enabled",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="PKCE as with Access's pkce_enabled",
    )
    group.add_argument("--email-claim-name", metavar="CLAIM")
    group.add_argument(
        "--issuer",
        help="expected issuer (default: a Cognito pool's from certs_url, else the one the "
        "provider's discovery document confirms; see docs/providers.md)",
    )


def add_flow_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("flow and login")
    group.add_argument(
        "--redirect-uri",
        default=DEFAULT_REDIRECT_URI,
        metavar="URL",
        help=f"redirect URI registered with the provider (default {DEFAULT_REDIRECT_URI})",
    )
    group.add_argument(
        "--client-auth",
        choices=["basic", "post"],
        default=DEFAULT_CLIENT_AUTH,
        help="token endpoint client authentication (default basic, as Access)",
    )
    group.add_argument(
        "--login",
        choices=["browser", "paste", "form", "headless-browser", "initiate-auth"],
        default=None,
        help="login mode (default browser on a terminal, form otherwise): browser (you log in "
        "in your browser; the probe receives the callback and shows the results there), "
        "paste (you paste the URL you land on), form (the provider's login pages, headless), "
        "headless-browser (headless Chromium, for pages that need JavaScript) or initiate-auth "
        "(Cognito's InitiateAuth API, USER_PASSWORD_AUTH; not the tokens Access gets)",
    )
    group.add_argument(
        "--cognito-endpoint",
        metavar="URL",
        help="Cognito API for --login initiate-auth (default "
        "https://cognito-idp.<region>.amazonaws.com/, region from certs_url)",
    )
    group.add_argument(
        "--active",
        action="store_true",
        help="also run the active checks TOK004, TOK005, TOK007 and AUT005: two more token "
        "requests (the code again, the refresh token), one more login and one more "
        "authorization request against the pool",
    )
    group.add_argument("--username", help="user to log in as")
    group.add_argument(
        "--password",
        action=RefuseSecret,
        nargs="?",
        const="set OIDC_PROBE_PASSWORD (or the variable named by --password-env) "
        "or use --password-stdin",
        help=argparse.SUPPRESS,
    )
    password = group.add_mutually_exclusive_group()
    password.add_argument(
        "--password-env",
        default=DEFAULT_PASSWORD_ENV,
        metavar="NAME",
        help=f"environment variable holding the password (default {DEFAULT_PASSWORD_ENV})",
    )
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    group.add_argument(
        "--discovery-only",
        action="store_true",
        help="stop after discovery and the JWKS (no login, no credentials needed)",
    )
    group.add_argument(
        "--leeway",
        type=leeway_seconds,
        default=DEFAULT_LEEWAY,
        metavar="SECONDS",
        help="clock skew",
    )
    add_network_options(group)


def add_network_options(group: argparse._ActionsContainer) -> None:
    """``--timeout``, ``--ca-bundle`` and ``--connect-to``: how the probe's requests travel."""
    group.add_argument(
        "--timeout",
        type=positive_float,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="limit for each whole request, body included (default 10)",
    )
    group.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to trust (PEM)")
    group.add_argument(
        "--connect-to",
        action="append",
        type=connect_rule,
        metavar="HOST1:PORT1:HOST2:PORT2",
        help="connect to HOST2:PORT2 for requests to HOST1:PORT1, as curl does; the URL, Host "
        "header and TLS name stay HOST1 (repeatable; an empty field means any or unchanged)",
    )


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
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"users logged in at the same time with --users (default {DEFAULT_CONCURRENCY})",
    )
