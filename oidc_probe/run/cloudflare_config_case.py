"""The ``cloudflare-config`` use case: Cloudflare's identity-provider JSON, from the provider.

For a Cognito pool (``pool_id``) the URLs come from the pool's discovery document
(``https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/openid-configuration``),
so the config Access gets is the one the probe checks:

- ``certs_url`` is the document's ``jwks_uri``;
- ``auth_url`` and ``token_url`` are the document's endpoints when they are on the
  ``--domain`` host; when they are not (a custom domain while the document names the
  prefix domain, or the document lacks them) the domain's ``/oauth2/authorize`` and
  ``/oauth2/token`` are used and a warning says so (DSC003 will flag the difference).

``--domain`` is a prefix (``myapp`` -> ``myapp.auth.<region>.amazoncognito.com``), a
host (``auth.example.com``) or a base URL (``http://127.0.0.1:9229``, for the emulator).

For any other provider, ``issuer`` without ``pool_id`` reads
``<issuer>/.well-known/openid-configuration`` (its ``issuer`` must be exactly ``issuer``)
and writes the nine fields from it: the document's authorization, token and JWKS endpoints,
the scopes (default ``openid email profile``), the claims, ``pkce_enabled`` (by default on
when the document lists S256) and the email claim.

``from_aws`` reads the pool and app client through the AWS API instead
(:mod:`oidc_probe.run.cloudflare_from_aws`).

The client secret comes from ``OIDC_PROBE_CLIENT_SECRET`` only, and is registered with the
redactor. Every problem is one :class:`UsageError` or :class:`ConfigError` line, in the
order: the options, the secret, ``--output``, ``--ca-bundle``, the document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oidc_probe.core.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from oidc_probe.run.host import Host
    from oidc_probe.run.requests import CloudflareConfigRequest, Transport
    from oidc_probe.run.results import IdpBody


def cloudflare_config(request: CloudflareConfigRequest, host: Host) -> IdpBody:
    """The identity-provider JSON ``request`` asks for; warnings go to ``host``."""
    if request.from_aws:
        if request.pool_id is None:
            raise UsageError("cloudflare-config --from-aws needs --pool-id")
        from oidc_probe.run.cloudflare_from_aws import from_aws

        return from_aws(request, request.pool_id, host)
    if request.pool_id is None:
        if request.issuer is None:
            raise UsageError(
                "cloudflare-config needs --issuer URL (any OpenID provider) or --pool-id "
                "(Amazon Cognito)"
            )
        return _for_issuer(request, request.issuer, host)
    return _for_pool(request, request.pool_id, host)


def _for_pool(request: CloudflareConfigRequest, pool_id: str, host: Host) -> IdpBody:
    """Cognito: the URLs from the pool's discovery document and the ``--domain`` host."""
    from oidc_probe.core.cognito import domain_base
    from oidc_probe.plumbing.outfile import writable_output
    from oidc_probe.run.results import IdpBody

    region, domain = request.region, request.domain
    if region is None:
        raise UsageError("cloudflare-config needs --region (or --from-aws)")
    if domain is None:
        raise UsageError("cloudflare-config needs --domain (or --from-aws)")
    url, issuer = _pool_discovery(request, pool_id, region)
    base = domain_base(domain, region)
    secret = _client_secret(request, host, "the app client's secret")
    output = writable_output(request.output)
    document = _discovery_document(request.transport, url)
    if request.discovery_url is None and document.get("issuer") != issuer:
        raise ConfigError(
            f"the discovery document at {url} names issuer {document.get('issuer')!r}, "
            f"not {issuer!r}"
        )
    config = _pool_config(request, document, base, host)
    if secret is not None:
        config = {"client_id": config.pop("client_id"), "client_secret": secret, **config}
    body = {
        "name": request.name or f"Amazon Cognito ({pool_id})",
        "type": "oidc",
        "config": config,
    }
    return IdpBody(body, secret, output)


def _pool_discovery(request: CloudflareConfigRequest, pool_id: str, region: str) -> tuple[str, str]:
    """The discovery URL to fetch and the issuer it must name."""
    from oidc_probe.core.cognito import POOL_ID
    from oidc_probe.core.issuer import discovery_url

    match = POOL_ID.match(pool_id)
    if match is None:
        raise UsageError(f"--pool-id {pool_id!r} is not shaped like <region>_<id>")
    if match.group("region") != region:
        raise UsageError(
            f"--pool-id {pool_id} belongs to region {match.group('region')}, not {region}"
        )
    issuer = request.issuer or f"https://cognito-idp.{region}.amazonaws.com/{pool_id}"
    return request.discovery_url or discovery_url(issuer), issuer


def _pool_config(
    request: CloudflareConfigRequest, document: dict[str, Any], base: str, host: Host
) -> dict[str, Any]:
    from oidc_probe.core.config import DEFAULT_SCOPES

    jwks_uri = document.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri:
        raise ConfigError("the discovery document has no jwks_uri")
    domain_host = urlsplit(base).netloc.lower()
    urls = {}
    for key, field, path in (
        ("auth_url", "authorization_endpoint", "/oauth2/authorize"),
        ("token_url", "token_endpoint", "/oauth2/token"),
    ):
        published = document.get(field)
        if isinstance(published, str) and urlsplit(published).netloc.lower() == domain_host:
            urls[key] = published
        else:
            urls[key] = base + path
            host.warn(
                f"the discovery document's {field} is {published!r}, not on {domain_host}; "
                f"using {urls[key]} (a probe will report the difference as DSC003)"
            )
    return {
        "client_id": request.client_id,
        "auth_url": urls["auth_url"],
        "token_url": urls["token_url"],
        "certs_url": jwks_uri,
        "scopes": list(request.scopes or DEFAULT_SCOPES),
        "claims": list(request.claims or ()),
        "pkce_enabled": bool(request.pkce_enabled),
        "email_claim_name": request.email_claim_name,
    }


def _for_issuer(request: CloudflareConfigRequest, issuer: str, host: Host) -> IdpBody:
    """Any provider: the nine fields from ``<issuer>/.well-known/openid-configuration``."""
    from oidc_probe.core.config import DEFAULT_SCOPES
    from oidc_probe.core.issuer import discovery_url
    from oidc_probe.plumbing.http import is_usable_url
    from oidc_probe.plumbing.outfile import writable_output
    from oidc_probe.run.results import IdpBody

    if not is_usable_url(issuer):
        raise UsageError(f"--issuer {issuer!r} is not an http(s) URL")
    url = request.discovery_url or discovery_url(issuer)
    secret = _client_secret(request, host, "the client's secret")
    output = writable_output(request.output)
    document = _discovery_document(request.transport, url)
    if document.get("issuer") != issuer:
        raise ConfigError(
            f"the discovery document at {url} names issuer {document.get('issuer')!r}, not "
            f"{issuer!r} (OpenID Connect Discovery 4.3: they must be identical)"
        )
    fields = {}
    for key, name in (
        ("auth_url", "authorization_endpoint"),
        ("token_url", "token_endpoint"),
        ("certs_url", "jwks_uri"),
    ):
        value = document.get(name)
        if not isinstance(value, str) or not is_usable_url(value):
            raise ConfigError(f"the discovery document at {url} has no usable {name}")
        fields[key] = value
    methods = document.get("code_challenge_methods_supported")
    pkce = request.pkce_enabled
    if pkce is None:
        pkce = isinstance(methods, list) and "S256" in methods
    config: dict[str, Any] = {
        "client_id": request.client_id,
        **({"client_secret": secret} if secret is not None else {}),
        **fields,
        "scopes": list(request.scopes or DEFAULT_SCOPES),
        "claims": list(request.claims or ()),
        "pkce_enabled": bool(pkce),
        "email_claim_name": request.email_claim_name,
    }
    body = {
        "name": request.name or f"OpenID provider ({urlsplit(issuer).netloc})",
        "type": "oidc",
        "config": config,
    }
    return IdpBody(body, secret, output)


def _client_secret(request: CloudflareConfigRequest, host: Host, what: str) -> str | None:
    """The secret from the environment (registered with the redactor), or None with
    ``--omit-secret``."""
    from oidc_probe.core.config import SECRET_ENV

    secret = None if request.omit_secret else host.environ.get(SECRET_ENV)
    if not request.omit_secret and not secret:
        raise UsageError(f"set {SECRET_ENV} to {what} (or pass --omit-secret to leave it out)")
    host.redactor.add(secret)
    return secret


def _discovery_document(transport: Transport, url: str) -> dict[str, Any]:
    """The discovery document at ``url``, or one :class:`ConfigError` line saying why not."""
    from oidc_probe.plumbing.http import fetch
    from oidc_probe.run.access_inputs import api_client, checked_ca_bundle

    checked_ca_bundle(transport.ca_bundle)
    with api_client(transport) as client:
        exchange = fetch(client, "GET", url, headers={"Accept": "application/json"})
    document = exchange.json_object() if exchange.ok else None
    if document is None:
        why = (
            exchange.error or f"HTTP {exchange.status}" if not exchange.ok else "not a JSON object"
        )
        raise ConfigError(f"cannot read the discovery document at {url}: {why}")
    return document
