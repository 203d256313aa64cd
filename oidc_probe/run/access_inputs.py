"""The identity provider's config and the Access inputs a request names, read once.

Policies and groups come from files (Cloudflare's API JSON as it is) or, with
``--cloudflare-account`` and ``--cloudflare-app``, from the API itself; the identity
provider's config comes from ``--cloudflare-idp`` instead of ``--config``. The API token
comes only from ``CLOUDFLARE_API_TOKEN`` and is registered with the redactor first.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    import httpx2

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
        host.environ,
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
    from oidc_probe.access.setup import AccessSetup

    if request.cloudflare_idp is not None and source.path is not None:
        raise UsageError("--cloudflare-idp and --config exclude each other: give one of them")
    app, idp = request.cloudflare_app, request.cloudflare_idp
    needs_api = idp is not None or app is not None
    if not needs_api and request.cloudflare_account is not None:
        raise UsageError("--cloudflare-account needs --cloudflare-idp or --cloudflare-app")
    policies, groups = _files(request)
    idp_json = idp_source = None
    idp_id = request.idp_id
    if needs_api:
        from oidc_probe.core.settings import RunSettings
        from oidc_probe.plumbing.http import make_client

        settings = RunSettings(
            issuer="",
            timeout=transport.timeout,
            ca_bundle=transport.ca_bundle,
            connect_to=transport.connect_to,
        )
        with make_client(settings) as client:
            api = _api(request, host, client)
            if idp is not None:
                idp_json, idp_source = _idp(api, idp)
                idp_id = idp_id or idp
            if app is not None:
                more, more_groups = _app(api, app, len(policies))
                policies += more
                groups = {**more_groups, **groups}
    setup = None
    if policies:
        sources = [*request.policy_files, *([f"app {app}"] if app else [])]
        setup = AccessSetup(tuple(policies), groups, idp_id, ", ".join(sources))
    elif request.group_files:
        raise UsageError("--access-groups needs policies: give --policy FILE or --cloudflare-app")
    if request.expect_access is not None and setup is None:
        raise UsageError("--expect-access needs policies: give --policy FILE or --cloudflare-app")
    return AccessInputs(idp_json, idp_source, setup, request.expect_access)


def _files(request: AccessRequest) -> tuple[list[Policy], dict[str, AccessGroup]]:
    from oidc_probe.access.policies import parse_groups, parse_policies
    from oidc_probe.plumbing.datafile import parse_document, read_option_file

    policies: list[Policy] = []
    for path in request.policy_files:
        doc = parse_document(read_option_file(path, "--policy"), f"--policy {path}", toml=False)
        policies += parse_policies(doc, f"--policy {path}", start=len(policies))
    groups: dict[str, AccessGroup] = {}
    for path in request.group_files:
        source = f"--access-groups {path}"
        doc = parse_document(read_option_file(path, "--access-groups"), source, toml=False)
        groups.update(parse_groups(doc, source))
    return policies, groups


def _api(request: AccessRequest, host: Host, client: httpx2.Client) -> CloudflareApi:
    from urllib.parse import urlsplit

    from oidc_probe.plumbing.urls import is_loopback
    from oidc_probe.stages.cloudflare import CloudflareApi

    if request.cloudflare_account is None:
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
    return CloudflareApi(client, base, request.cloudflare_account, token)


def _idp(api: CloudflareApi, idp_id: str) -> tuple[str, str]:
    from oidc_probe.core.cloudflare import is_concealed
    from oidc_probe.stages.cloudflare import identity_provider

    body = identity_provider(api, idp_id)
    config = dict(body["config"])
    if is_concealed(config.get("client_secret")) or not config.get("client_secret"):
        config.pop("client_secret", None)  # masked by the API: the environment supplies it
    keep = {k: body[k] for k in ("id", "name", "type") if k in body}
    return json.dumps({**keep, "config": config}), f"Cloudflare identity provider {idp_id}"


def _app(
    api: CloudflareApi, app_id: str, start: int
) -> tuple[list[Policy], dict[str, AccessGroup]]:
    from oidc_probe.access.policies import parse_groups, parse_policies
    from oidc_probe.stages.cloudflare import app_policies, referenced_groups

    items = app_policies(api, app_id)
    if not items:
        raise UsageError(f"Cloudflare application {app_id} has no policies")
    source = f"Cloudflare app {app_id}"
    policies = list(parse_policies(items, source, start=start))
    groups = parse_groups(referenced_groups(api, items), f"{source} groups")
    return policies, groups
