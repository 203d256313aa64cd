"""``oidc-probe cloudflare-config``: the identity-provider JSON for Cloudflare's API, from the pool.

The URLs come from the pool's discovery document
(``https://cognito-idp.<region>.amazonaws.com/<poolId>/.well-known/openid-configuration``),
so the config Access gets is the one the probe checks:

- ``certs_url`` is the document's ``jwks_uri``;
- ``auth_url`` and ``token_url`` are the document's endpoints when they are on the
  ``--domain`` host; when they are not (a custom domain while the document names the
  prefix domain, or the document lacks them) the domain's ``/oauth2/authorize`` and
  ``/oauth2/token`` are used and a warning says so (DSC003 will flag the difference).

``--domain`` is a prefix (``myapp`` -> ``myapp.auth.<region>.amazoncognito.com``), a
host (``auth.example.com``) or a base URL (``http://127.0.0.1:9229``, for the emulator).

For any other provider, ``--issuer URL`` without ``--pool-id`` reads
``<issuer>/.well-known/openid-configuration`` (its ``issuer`` must be exactly URL) and
writes the nine fields from it: the document's authorization, token and JWKS endpoints,
the scopes (default ``openid email profile``), the claims, ``pkce_enabled`` (``--pkce``
or ``--no-pkce``; by default on when the document lists S256) and the email claim.

The client secret comes from ``OIDC_PROBE_CLIENT_SECRET`` only. It is written to
``--output FILE`` (created with mode 0600) and printed on stdout only with
``--show-secret``; without either, stdout gets the body without ``client_secret``.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oidc_probe.cli.idp_output import domain_base, emit_body
from oidc_probe.core.cognito import POOL_ID
from oidc_probe.core.config import DEFAULT_SCOPES, SECRET_ENV
from oidc_probe.core.errors import ConfigError, UsageError

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.run.runner import ProbeRunner


def discovery_url_for(args: argparse.Namespace) -> tuple[str, str]:
    """The discovery URL to fetch and the issuer it must name."""
    from oidc_probe.stages.discover import discovery_url

    match = POOL_ID.match(args.pool_id)
    if match is None:
        raise UsageError(f"--pool-id {args.pool_id!r} is not shaped like <region>_<id>")
    if match.group("region") != args.region:
        raise UsageError(
            f"--pool-id {args.pool_id} belongs to region {match.group('region')}, not {args.region}"
        )
    issuer = args.issuer or f"https://cognito-idp.{args.region}.amazonaws.com/{args.pool_id}"
    return args.discovery_url or discovery_url(issuer), issuer


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
    cf.add_argument("--email-claim-name", metavar="CLAIM", default="email")
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
    from oidc_probe.cli.inputs import writable_output

    if args.from_aws:
        if args.pool_id is None:
            raise UsageError("cloudflare-config --from-aws needs --pool-id")
        from oidc_probe.cli.cloudflare_from_aws import run_from_aws

        return run_from_aws(args, console)
    if args.pool_id is None:
        if args.issuer is None:
            raise UsageError(
                "cloudflare-config needs --issuer URL (any OpenID provider) or --pool-id "
                "(Amazon Cognito)"
            )
        return _run_for_issuer(args, console)
    for name, value in (("region", args.region), ("domain", args.domain)):
        if value is None:
            raise UsageError(f"cloudflare-config needs --{name} (or --from-aws)")
    url, issuer = discovery_url_for(args)
    base = domain_base(args.domain, args.region)
    secret = _client_secret(args, console, "the app client's secret")
    output = writable_output(args.output)
    document = _discovery_document(args, url, issuer)
    if args.discovery_url is None and document.get("issuer") != issuer:
        raise ConfigError(
            f"the discovery document at {url} names issuer {document.get('issuer')!r}, "
            f"not {issuer!r}"
        )
    config = _config(args, document, base, console)
    if secret is not None:
        config = {"client_id": config.pop("client_id"), "client_secret": secret, **config}
    body = {
        "name": args.name or f"Amazon Cognito ({args.pool_id})",
        "type": "oidc",
        "config": config,
    }
    return emit_body(body, secret, output, args.show_secret, console)


def _config(
    args: argparse.Namespace, document: dict[str, Any], base: str, console: Console
) -> dict[str, Any]:
    from oidc_probe.cli.inputs import split_words

    jwks_uri = document.get("jwks_uri")
    if not isinstance(jwks_uri, str) or not jwks_uri:
        raise ConfigError("the discovery document has no jwks_uri")
    host = urlsplit(base).netloc.lower()
    urls = {}
    for key, field, path in (
        ("auth_url", "authorization_endpoint", "/oauth2/authorize"),
        ("token_url", "token_endpoint", "/oauth2/token"),
    ):
        published = document.get(field)
        if isinstance(published, str) and urlsplit(published).netloc.lower() == host:
            urls[key] = published
        else:
            urls[key] = base + path
            console.warn(
                f"the discovery document's {field} is {published!r}, not on {host}; "
                f"using {urls[key]} (a probe will report the difference as DSC003)"
            )
    return {
        "client_id": args.client_id,
        "auth_url": urls["auth_url"],
        "token_url": urls["token_url"],
        "certs_url": jwks_uri,
        "scopes": list(split_words(args.scopes) or DEFAULT_SCOPES),
        "claims": list(split_words(args.claims) or ()),
        "pkce_enabled": bool(args.pkce_enabled),
        "email_claim_name": args.email_claim_name,
    }


def _run_for_issuer(args: argparse.Namespace, console: Console) -> int:
    """Any provider: the nine fields from ``<issuer>/.well-known/openid-configuration``."""
    from oidc_probe.cli.inputs import split_words, writable_output
    from oidc_probe.core.issuer import discovery_url
    from oidc_probe.plumbing.http import is_usable_url

    issuer = args.issuer
    if not is_usable_url(issuer):
        raise UsageError(f"--issuer {issuer!r} is not an http(s) URL")
    url = args.discovery_url or discovery_url(issuer)
    secret = _client_secret(args, console, "the client's secret")
    output = writable_output(args.output)
    document = _discovery_document(args, url, issuer)
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
    pkce = args.pkce_enabled
    if pkce is None:
        pkce = isinstance(methods, list) and "S256" in methods
    config: dict[str, Any] = {
        "client_id": args.client_id,
        **({"client_secret": secret} if secret is not None else {}),
        **fields,
        "scopes": list(split_words(args.scopes) or DEFAULT_SCOPES),
        "claims": list(split_words(args.claims) or ()),
        "pkce_enabled": bool(pkce),
        "email_claim_name": args.email_claim_name,
    }
    body = {
        "name": args.name or f"OpenID provider ({urlsplit(issuer).netloc})",
        "type": "oidc",
        "config": config,
    }
    return emit_body(body, secret, output, args.show_secret, console)


def _client_secret(args: argparse.Namespace, console: Console, what: str) -> str | None:
    """The secret from the environment (registered with the redactor), or None with
    ``--omit-secret``."""
    secret = None if args.omit_secret else console.environ.get(SECRET_ENV)
    if not args.omit_secret and not secret:
        raise UsageError(f"set {SECRET_ENV} to {what} (or pass --omit-secret to leave it out)")
    console.redactor.add(secret)
    return secret


def _discovery_document(args: argparse.Namespace, url: str, issuer: str) -> dict[str, Any]:
    """The discovery document at ``url``, or one :class:`ConfigError` line saying why not."""
    from oidc_probe.cli.inputs import network_settings
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.plumbing.http import fetch, make_client

    settings = RunSettings(issuer=issuer, **network_settings(args))
    with make_client(settings) as client:
        exchange = fetch(client, "GET", url, headers={"Accept": "application/json"})
    document = exchange.json_object() if exchange.ok else None
    if document is None:
        why = (
            exchange.error or f"HTTP {exchange.status}" if not exchange.ok else "not a JSON object"
        )
        raise ConfigError(f"cannot read the discovery document at {url}: {why}")
    return document
