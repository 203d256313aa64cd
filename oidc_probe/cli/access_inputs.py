"""``--policy``, ``--access-groups``, ``--expect-access`` and the ``--cloudflare-*`` options.

What they read (files, Cloudflare's API) is the use case's:
:mod:`oidc_probe.run.access_inputs`. The API token comes only from ``CLOUDFLARE_API_TOKEN``.
"""

from __future__ import annotations

import argparse

from oidc_probe.core.defaults import DEFAULT_CLOUDFLARE_API as API_DEFAULT

TOKEN_ENV = "CLOUDFLARE_API_TOKEN"


def add_access_options(parser: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.options import RefuseSecret

    group = parser.add_argument_group("what Access will do (policies, Cloudflare API)")
    group.add_argument(
        "--policy",
        action="append",
        metavar="FILE",
        help="Access policy JSON as Cloudflare's API returns it: one policy, a list, or an "
        'API response {"result": [...]} (repeatable)',
    )
    group.add_argument(
        "--access-groups",
        action="append",
        metavar="FILE",
        help="reusable Access groups the policies reference (API JSON; repeatable)",
    )
    group.add_argument(
        "--idp-id", metavar="ID", help="the identity provider's Cloudflare id (login_method rules)"
    )
    group.add_argument(
        "--expect-access",
        choices=["allow", "deny"],
        help="the decision the policies must give the user (ACC002)",
    )
    group.add_argument(
        "--any-request",
        action="store_true",
        help="do not assume an interactive login: service-token, client-certificate and "
        "linked-app rules then depend on the request, and Service Auth policies count",
    )
    group.add_argument("--cloudflare-account", metavar="ID", help="Cloudflare account id")
    group.add_argument(
        "--cloudflare-zone",
        metavar="ID",
        help="Cloudflare zone id, for a zone-scoped Access application (--cloudflare-app)",
    )
    group.add_argument(
        "--cloudflare-idp",
        metavar="ID",
        help="read the identity-provider config from Cloudflare's API instead of --config "
        f"(token from {TOKEN_ENV}; client secret still from OIDC_PROBE_CLIENT_SECRET)",
    )
    group.add_argument(
        "--cloudflare-app",
        metavar="ID",
        help="read the Access application's policies and their Access groups from the API",
    )
    group.add_argument(
        "--cloudflare-policy-test",
        action="store_true",
        help="also run Cloudflare's policy tester on the application's policies (POST "
        "/access/policy-tests) and compare its answer for the user with the probe's (ACC005)",
    )
    group.add_argument(
        "--cloudflare-api",
        metavar="URL",
        default=API_DEFAULT,
        help=f"API base (default {API_DEFAULT})",
    )
    group.add_argument(
        "--cloudflare-token",
        action=RefuseSecret,
        nargs="?",
        const=f"set {TOKEN_ENV}",
        help=argparse.SUPPRESS,
    )
