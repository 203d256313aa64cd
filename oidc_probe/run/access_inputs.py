"""The identity provider's config and the Access inputs a request names, read once.

Policies and groups come from files (Cloudflare's API JSON as it is) or, with
``--cloudflare-account`` and ``--cloudflare-app``, from the API itself; the identity
provider's config comes from ``--cloudflare-idp`` instead of ``--config``. The API token
comes only from ``CLOUDFLARE_API_TOKEN`` and is registered with the redactor first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    import httpx2

    from oidc_probe.access.application import AccessApp
    from oidc_probe.access.policies import AccessGroup, Policy
    from oidc_probe.access.setup import AccessSetup
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.run.host import Host
    from oidc_probe.run.requests import AccessRequest, ConfigSource, Transport
    from oidc_probe.stages.cloudflare import CloudflareApi

TOKEN_ENV = "CLOUDFLARE_API_TOKEN"


@dataclass(frozen=True)
class AccessInputs:
    """What the access options gave: the IdP body read from the API (JSON) and the policies."""

    idp_json: str | None = None
    idp_source: str | None = None
    setup: AccessSetup | None = None
    expect_access: str | None = None


def config_and_access(
    source: ConfigSource, access: AccessRequest, transport: Transport, host: Host
) -> tuple[ProbeConfig, AccessInputs]:
    """The IdP config (from a file, flags or Cloudflare's API) and the Access inputs, for
    ``check`` and ``verify``; the client secret is registered with the redactor."""
    from oidc_probe.core.config import load_config

    checked_ca_bundle(transport.ca_bundle)
    inputs = access_inputs(source, access, transport, host)
    config = load_config(
        inputs.idp_source or source.path,
        dict(source.overrides),
        host.environ if source.secret_from_environment else {},
        text=inputs.idp_json if inputs.idp_json is not None else source.text,
    )
    host.redactor.add(config.client_secret)
    return config, inputs


def checked_ca_bundle(value: str | None) -> str | None:
    from pathlib import Path

    if value is not None and not Path(value).is_file():
        raise UsageError(f"--ca-bundle {value}: file not found")
    return value


def access_inputs(
    source: ConfigSource, request: AccessRequest, transport: Transport, host: Host
) -> AccessInputs:
    """Read the files and the API; every problem is one :class:`UsageError` line."""
    if request.cloudflare_idp is not None and source.path is not None:
        raise UsageError("--cloudflare-idp and --config exclude each other: give one of them")
    app, idp = request.cloudflare_app, request.cloudflare_idp
    needs_api = idp is not None or app is not None
    if not needs_api and request.cloudflare_account is not None:
        raise UsageError("--cloudflare-account needs --cloudflare-idp or --cloudflare-app")
    if request.cloudflare_zone is not None and app is None:
        raise UsageError("--cloudflare-zone needs --cloudflare-app")
    wants_test = request.cloudflare_policy_test
    if wants_test and (app is None or request.cloudflare_account is None):
        raise UsageError("--cloudflare-policy-test needs --cloudflare-app and --cloudflare-account")
    policies, groups = read_access_files(request.policy_files, request.group_files)
    idp_json = idp_source = None
    idp_id = request.idp_id
    app_object: AccessApp | None = None
    lists: dict[str, tuple[str, ...]] = {}
    tester: dict[str, str] | None = None
    tester_status = ""
    if needs_api:
        with api_client(transport) as client:
            api = _api(request, host, client)
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
        from oidc_probe.access.setup import AccessSetup  # only with policies: off a probe's start

        sources = [*request.policy_files, *([f"app {app}"] if app else [])]
        setup = AccessSetup(
            tuple(policies),
            groups,
            idp_id,
            ", ".join(sources),
            interactive=not request.any_request,
            app=app_object,
            email_lists=lists,
            tester=tester,
            tester_status=tester_status,
        )
    elif request.group_files:
        raise UsageError("--access-groups needs policies: give --policy FILE or --cloudflare-app")
    if request.expect_access is not None and setup is None:
        raise UsageError("--expect-access needs policies: give --policy FILE or --cloudflare-app")
    return AccessInputs(idp_json, idp_source, setup, request.expect_access)


def read_access_files(
    policy_files: Sequence[str | Path],
    group_files: Sequence[str | Path] = (),
    *,
    policy_option: str = "--policy",
    groups_option: str = "--access-groups",
) -> tuple[list[Policy], dict[str, AccessGroup]]:
    """The policies and groups in the files (Cloudflare's API JSON); messages name each file
    after the option that gave it (the exporter's start-up check names its module)."""
    if not policy_files and not group_files:
        return [], {}
    from oidc_probe.access.policies import parse_groups, parse_policies
    from oidc_probe.plumbing.datafile import parse_document, read_option_file

    policies: list[Policy] = []
    for path in policy_files:
        source = f"{policy_option} {path}"
        doc = parse_document(read_option_file(path, policy_option), source, toml=False)
        policies += parse_policies(doc, source, start=len(policies))
    groups: dict[str, AccessGroup] = {}
    for path in group_files:
        source = f"{groups_option} {path}"
        doc = parse_document(read_option_file(path, groups_option), source, toml=False)
        groups.update(parse_groups(doc, source))
    return policies, groups


def _api(request: AccessRequest, host: Host, client: httpx2.Client) -> CloudflareApi:
    from urllib.parse import urlsplit

    from oidc_probe.plumbing.urls import is_loopback
    from oidc_probe.stages.cloudflare import CloudflareApi

    zone = request.cloudflare_zone
    if request.cloudflare_account is None and (zone is None or request.cloudflare_idp):
        raise UsageError("--cloudflare-idp and --cloudflare-app need --cloudflare-account ID")
    token = host.environ.get(TOKEN_ENV, "").strip()
    if not token:
        raise UsageError(
            f"the Cloudflare API needs a token: set the environment variable {TOKEN_ENV}"
        )
    host.redactor.add(token)
    base = request.cloudflare_api
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--cloudflare-api must be an absolute http(s) URL, got {base!r}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise UsageError(
            f"--cloudflare-api: plain http to {parts.hostname} would send the API token in "
            "clear; use https (http is accepted only for a loopback host, such as a local "
            "stand-in)"
        )
    return CloudflareApi(client, base, request.cloudflare_account or "", token, zone=zone)


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


def application_aud(request: AccessRequest, transport: Transport, host: Host) -> tuple[str, ...]:
    """The application's ``aud`` (cloudflare-python ``SelfHostedApplication.aud``, "Audience
    tag") when ``--cloudflare-app`` is given; nothing otherwise."""
    if request.cloudflare_app is None:
        return ()
    from oidc_probe.stages.cloudflare import application

    with api_client(transport) as client:
        body = application(_api(request, host, client), request.cloudflare_app)
    aud = body.get("aud")
    if not isinstance(aud, str) or not aud:
        raise UsageError(f"Cloudflare application {request.cloudflare_app} has no aud")
    return (aud,)


def api_client(transport: Transport) -> httpx2.Client:
    """An HTTP client with the request's transport settings, outside a probe run (Cloudflare's
    API, the discovery document ``cloudflare-config`` reads)."""
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.plumbing.http import make_client

    settings = RunSettings(
        issuer="",
        timeout=transport.timeout,
        ca_bundle=transport.ca_bundle,
        connect_to=transport.connect_to,
    )
    return make_client(settings)
