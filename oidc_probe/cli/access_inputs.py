"""``--policy``, ``--access-groups``, ``--expect-access`` and the ``--cloudflare-*`` options.

Policies and groups come from files (Cloudflare's API JSON as it is) or, with
``--cloudflare-account`` and ``--cloudflare-app``, from the API itself; the identity
provider's config comes from ``--cloudflare-idp`` instead of ``--config``. The API token
comes only from ``CLOUDFLARE_API_TOKEN`` and is registered with the redactor first.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    import httpx2

    from oidc_probe.access.application import AccessApp
    from oidc_probe.access.policies import AccessGroup, Policy
    from oidc_probe.access.setup import AccessSetup
    from oidc_probe.cli.console import Console
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.stages.cloudflare import CloudflareApi

TOKEN_ENV = "CLOUDFLARE_API_TOKEN"
API_DEFAULT = "https://api.cloudflare.com/client/v4"


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


@dataclass(frozen=True)
class AccessInputs:
    """What the access options gave: the IdP body read from the API (JSON) and the policies."""

    idp_json: str | None = None
    idp_source: str | None = None
    setup: AccessSetup | None = None
    expect_access: str | None = None


def uses_cloudflare_idp(args: argparse.Namespace) -> bool:
    return getattr(args, "cloudflare_idp", None) is not None


def config_and_access(
    args: argparse.Namespace, console: Console
) -> tuple[ProbeConfig, AccessInputs]:
    """The IdP config (from --config or Cloudflare's API) and the Access inputs, for
    ``check`` and ``verify``; the client secret is registered with the redactor."""
    from oidc_probe.cli.inputs import field_overrides, network_settings
    from oidc_probe.core.config import load_config
    from oidc_probe.core.settings import RunSettings

    api_settings = RunSettings(issuer="", **network_settings(args))
    access = access_inputs(args, console, api_settings)
    config = load_config(
        access.idp_source or args.config,
        field_overrides(args),
        console.environ,
        text=access.idp_json,
    )
    console.redactor.add(config.client_secret)
    return config, access


def access_inputs(
    args: argparse.Namespace, console: Console, settings: RunSettings
) -> AccessInputs:
    """Read the files and the API; every problem is one :class:`UsageError` line.

    Options a command does not define (``discover`` has none of them) count as not given.
    """
    from oidc_probe.access.setup import AccessSetup

    if uses_cloudflare_idp(args) and args.config is not None:
        raise UsageError("--cloudflare-idp and --config exclude each other: give one of them")
    app, idp = _opt(args, "cloudflare_app"), _opt(args, "cloudflare_idp")
    needs_api = idp is not None or app is not None
    if not needs_api and _opt(args, "cloudflare_account") is not None:
        raise UsageError("--cloudflare-account needs --cloudflare-idp or --cloudflare-app")
    if _opt(args, "cloudflare_zone") is not None and app is None:
        raise UsageError("--cloudflare-zone needs --cloudflare-app")
    wants_test = bool(_opt(args, "cloudflare_policy_test"))
    if wants_test and (app is None or _opt(args, "cloudflare_account") is None):
        raise UsageError("--cloudflare-policy-test needs --cloudflare-app and --cloudflare-account")
    policies, groups = _files(args)
    idp_json = idp_source = None
    idp_id = _opt(args, "idp_id")
    app_object: AccessApp | None = None
    lists: dict[str, tuple[str, ...]] = {}
    tester: dict[str, str] | None = None
    tester_status = ""
    if needs_api:
        from oidc_probe.plumbing.http import make_client

        with make_client(settings) as client:
            api = _api(args, console, client)
            if idp is not None:
                idp_json, idp_source = _idp(api, idp)
                idp_id = idp_id or idp
            if app is not None:
                read = _app(api, app, len(policies))
                policies += read.policies
                groups = {**read.groups, **groups}
                app_object, lists = read.app, read.lists
                if wants_test:
                    from oidc_probe.stages.cloudflare import policy_test

                    answer = policy_test(api, read.items)
                    tester, tester_status = dict(answer.by_email), answer.status
    setup = None
    if policies:
        sources = [*(_opt(args, "policy") or []), *([f"app {app}"] if app else [])]
        setup = AccessSetup(
            tuple(policies),
            groups,
            idp_id,
            ", ".join(sources),
            interactive=not _opt(args, "any_request"),
            app=app_object,
            email_lists=lists,
            tester=tester,
            tester_status=tester_status,
        )
    elif _opt(args, "access_groups"):
        raise UsageError("--access-groups needs policies: give --policy FILE or --cloudflare-app")
    if _opt(args, "expect_access") is not None and setup is None:
        raise UsageError("--expect-access needs policies: give --policy FILE or --cloudflare-app")
    return AccessInputs(idp_json, idp_source, setup, _opt(args, "expect_access"))


def _opt(args: argparse.Namespace, name: str) -> Any:
    return getattr(args, name, None)


def _files(args: argparse.Namespace) -> tuple[list[Policy], dict[str, AccessGroup]]:
    from oidc_probe.access.policies import parse_groups, parse_policies
    from oidc_probe.plumbing.datafile import parse_document, read_option_file

    policies: list[Policy] = []
    for path in _opt(args, "policy") or []:
        doc = parse_document(read_option_file(path, "--policy"), f"--policy {path}", toml=False)
        policies += parse_policies(doc, f"--policy {path}", start=len(policies))
    groups: dict[str, AccessGroup] = {}
    for path in _opt(args, "access_groups") or []:
        source = f"--access-groups {path}"
        doc = parse_document(read_option_file(path, "--access-groups"), source, toml=False)
        groups.update(parse_groups(doc, source))
    return policies, groups


def _api(args: argparse.Namespace, console: Console, client: httpx2.Client) -> CloudflareApi:
    from urllib.parse import urlsplit

    from oidc_probe.plumbing.urls import is_loopback
    from oidc_probe.stages.cloudflare import CloudflareApi

    zone = _opt(args, "cloudflare_zone")
    if args.cloudflare_account is None and (zone is None or _opt(args, "cloudflare_idp")):
        raise UsageError("--cloudflare-idp and --cloudflare-app need --cloudflare-account ID")
    token = console.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise UsageError(
            f"the Cloudflare API needs a token: set the environment variable {TOKEN_ENV}"
        )
    console.redactor.add(token)
    base = args.cloudflare_api
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--cloudflare-api must be an absolute http(s) URL, got {base!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"--cloudflare-api: plain http to {parts.hostname} would send the API token in "
            "clear; use https (http is accepted only for a loopback host, such as a local "
            "stand-in)"
        )
    return CloudflareApi(client, base, args.cloudflare_account or "", token, zone=zone)


def _idp(api: CloudflareApi, idp_id: str) -> tuple[str, str]:
    from oidc_probe.core.cloudflare import is_concealed
    from oidc_probe.stages.cloudflare import identity_provider

    body = identity_provider(api, idp_id)
    config = dict(body["config"])
    if is_concealed(config.get("client_secret")) or not config.get("client_secret"):
        config.pop("client_secret", None)  # masked by the API: the environment supplies it
    keep = {k: body[k] for k in ("id", "name", "type") if k in body}
    return json.dumps({**keep, "config": config}), f"Cloudflare identity provider {idp_id}"


@dataclass(frozen=True)
class AppRead:
    """What ``--cloudflare-app`` read: the application, its policies, groups and lists."""

    app: AccessApp
    policies: list[Policy]
    groups: dict[str, AccessGroup]
    lists: dict[str, tuple[str, ...]]
    items: list[Any]  # the policies as the API gave them (for the policy tester)


def _app(api: CloudflareApi, app_id: str, start: int) -> AppRead:
    from oidc_probe.access.application import parse_application
    from oidc_probe.access.policies import parse_groups, parse_policies
    from oidc_probe.stages.cloudflare import (
        app_policies,
        application,
        email_list_ids,
        list_values,
        referenced_groups,
    )

    source = f"Cloudflare app {app_id}"
    app = parse_application(application(api, app_id), source)
    items = app_policies(api, app_id)
    if not items:
        raise UsageError(f"Cloudflare application {app_id} has no policies")
    policies = list(parse_policies(items, source, start=start))
    group_items = referenced_groups(api, items)
    groups = parse_groups(group_items, f"{source} groups")
    lists: dict[str, tuple[str, ...]] = {}
    if api.account:
        for list_id in email_list_ids(items, group_items):
            lists[list_id] = tuple(list_values(api, list_id))
    return AppRead(app, policies, groups, lists, items)
