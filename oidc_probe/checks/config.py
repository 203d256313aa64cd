"""Checks of the Cloudflare identity-provider config itself (no network)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from oidc_probe.checks import hints
from oidc_probe.checks.registry import check
from oidc_probe.core import cognito
from oidc_probe.core.config import URL_FIELDS
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Outcome, Stage, Status, failed, passed, skipped, warned
from oidc_probe.plumbing.urls import is_loopback

_COMPLETE_FIELDS = ("client_id", "client_secret", *URL_FIELDS)
_UNRESERVED = re.compile(r"[A-Za-z0-9\-._~]")
_JWKS_PATH = re.compile(r"^/(?P<pool>[^/]+)/\.well-known/jwks\.json$")


@check("CFG001", "config-complete", Stage.CONFIG, refs=("CF-generic-oidc", "CF-cognito"))
def config_complete(ctx: RunContext) -> Iterator[Outcome]:
    """The config sets client_id, client_secret, auth_url, token_url and certs_url to real values.

    Why it matters: Access needs all five to run the login: the client credentials
    for the token exchange, the two endpoints, and the JWKS URL to verify the ID
    token. Cloudflare's published Cognito example holds template values such as
    ``<your client id>`` that must be replaced.

    How to fix: copy the values from the Cognito console (the app client's ID and
    secret, the user pool domain, the user pool ID) into the Cloudflare config. The
    client secret may stay out of the file and come from ``OIDC_PROBE_CLIENT_SECRET``.

    References: Cloudflare's generic OIDC and Amazon Cognito identity-provider pages.
    """
    config = ctx.config
    placeholders = set(config.placeholders())
    problems = 0
    for name in _COMPLETE_FIELDS:
        value = getattr(config, name)
        if value is None:
            problems += 1
            hint = hints.MISSING_SECRET if name == "client_secret" else f"add {name} to the config"
            yield failed(f"{name} is missing", hint=hint, subject=name, actual="missing")
        elif name in placeholders:
            problems += 1
            shown = "a template or empty value" if name == "client_secret" else value
            yield failed(
                f"{name} is empty" if not value.strip() else f"{name} still holds a template value",
                hint=hints.PLACEHOLDER,
                subject=name,
                actual=shown,
            )
    if not problems:
        yield passed("client_id, client_secret, auth_url, token_url and certs_url are all set")


@check(
    "CFG002", "endpoints-https", Stage.CONFIG, refs=("RFC6749-3.1", "RFC6749-3.2", "OIDCC-16.17")
)
def endpoints_https(ctx: RunContext) -> Iterator[Outcome]:
    """auth_url, token_url and certs_url use https (plain http only on a loopback host).

    Why it matters: the token endpoint receives the client secret and returns tokens,
    and the JWKS decides which signatures Access trusts; over plain http anyone on the
    path can read or replace them. Plain http is tolerable only for a local emulator.

    How to fix: use the https URLs of the provider. Cognito serves every endpoint over
    https only: ``https://<pool domain>/oauth2/...`` and
    ``https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json``.

    References: RFC 6749 sections 3.1 and 3.2; OpenID Connect Core 16.17.
    """
    placeholders = ctx.config.placeholders()
    for name in URL_FIELDS:
        url: str = getattr(ctx.config, name)
        if name in placeholders:
            yield skipped(f"{name} is a template value (see CFG001)", subject=name)
            continue
        parts = urlsplit(url)
        if parts.scheme == "https":
            yield passed(f"{name} uses https", subject=name)
        elif parts.scheme == "http" and is_loopback(parts.hostname):
            yield warned(
                f"{name} uses plain http on a loopback host",
                hint="fine for a local emulator; a real provider must be reached over https",
                subject=name,
                expected="https",
                actual=parts.scheme,
            )
        else:
            yield failed(
                f"{name} uses {parts.scheme or 'no scheme'}, not https",
                hint=f"change {name} to its https:// URL",
                subject=name,
                expected="https",
                actual=parts.scheme,
            )


@check(
    "CFG003", "scopes-usable", Stage.CONFIG, refs=("OIDCC-3.1.2.1", "OIDCC-5.4", "CF-generic-oidc")
)
def scopes_usable(ctx: RunContext) -> Iterator[Outcome]:
    """The configured scopes include ``openid`` (required) and ``email`` (needed by Access).

    Why it matters: without ``openid`` the provider returns no ID token, and Access
    reads the user's identity from the ID token only (Cognito also grants ``email``,
    ``phone`` and ``profile`` only together with ``openid``). Access also needs an
    email address. With Cognito, ``openid`` alone, or any list with ``profile``,
    releases every attribute the app client can read, email included (AWS's app client
    page; its userInfo page describes ``profile`` more narrowly, as the OpenID profile
    claims plus custom attributes); a list with
    ``email`` or ``phone`` but without ``profile`` releases only those scopes'
    attributes, so ``["openid", "phone"]`` drops the email. The warning for a missing
    ``email`` scope is therefore harmless with ``openid`` alone or with ``profile``.

    How to fix: set ``"scopes": ["openid", "email", "profile"]`` in the Cloudflare
    config and allow the same scopes on the Cognito app client.

    References: OpenID Connect Core 3.1.2.1 and 5.4; AWS: the authorize endpoint
    (scope) and "Understanding the identity (ID) token" (which attributes each scope
    releases).
    """
    scopes = ctx.config.scopes
    ok = True
    if "openid" not in scopes:
        ok = False
        yield failed(
            "scopes do not include openid",
            hint=hints.ADD_OPENID_SCOPE,
            subject="openid",
            expected="openid",
            actual=list(scopes),
        )
    if "email" not in scopes:
        ok = False
        yield warned(
            "scopes do not include email; Access needs an email address",
            hint=hints.ADD_EMAIL_SCOPE,
            subject="email",
            expected="email",
            actual=list(scopes),
        )
    if ok:
        yield passed("scopes include openid and email", actual=list(scopes))


@check(
    "CFG004",
    "cognito-urls-consistent",
    Stage.CONFIG,
    refs=("COGNITO-endpoints", "COGNITO-verify-jwt", "CF-cognito"),
)
def cognito_urls_consistent(ctx: RunContext) -> Iterator[Outcome]:
    """For a Cognito user pool, the three URLs belong together: one domain, one pool, one region.

    What it checks: auth_url and token_url are on the same host under ``/oauth2/``;
    certs_url has the form
    ``https://cognito-idp.<region>.amazonaws.com/<region>_<id>/.well-known/jwks.json``
    (or ``issuer-cognito-idp.<region>.amazonaws.com``, the host of pools with the
    "UPDATED" issuer configuration) with the same region twice; a pool domain's region
    equals the pool's region. The pool domain is never the issuer's host: the issuer
    (and so certs_url) is on the ``cognito-idp`` host, the endpoints on the pool domain.

    Why it matters: mixing the URLs of two pools (or two regions) lets the login run
    against one pool while Access verifies tokens with another pool's keys, which
    fails with a signature error that says nothing about the cause.

    How to fix: take all three URLs from one user pool: the domain from App
    integration / Domain, the pool ID (which starts with the region) from the pool
    overview.

    References: Cognito user pool endpoints; verifying a Cognito JWT; AWS API reference,
    IssuerConfigurationType (ORIGINAL ``https://cognito-idp.[region].amazonaws.com/
    [userPoolId]``, UPDATED ``https://issuer-cognito-idp.[region].amazonaws.com/[userPoolId]``).
    """
    config = ctx.config
    usable = {name: config.usable(name) for name in URL_FIELDS}
    shaped = (
        (usable["auth_url"] and cognito.pool_domain_region(config.auth_url) is not None)
        or (usable["token_url"] and cognito.pool_domain_region(config.token_url) is not None)
        or (usable["certs_url"] and cognito.pool_from_url(config.certs_url) is not None)
        or (usable["certs_url"] and cognito.idp_host_region(config.certs_url) is not None)
    )
    if not shaped:
        if not all(usable.values()):
            yield skipped("some URLs are template values (see CFG001)")
        else:
            yield skipped("the URLs are not Cognito-shaped; this check applies to Cognito only")
        return
    yield from _same_host(ctx)
    yield from _certs_form(ctx)
    yield from _regions(ctx)


def _same_host(ctx: RunContext) -> Iterator[Outcome]:
    config = ctx.config
    subject = "auth_url/token_url"
    if not (config.usable("auth_url") and config.usable("token_url")):
        yield skipped("auth_url or token_url is a template value (see CFG001)", subject=subject)
        return
    auth, token = urlsplit(config.auth_url), urlsplit(config.token_url)
    if auth.netloc.lower() != token.netloc.lower():
        yield failed(
            "auth_url and token_url are on different hosts",
            hint="use the same user pool domain for both: https://<domain>/oauth2/authorize "
            "and https://<domain>/oauth2/token",
            subject=subject,
            expected=auth.netloc,
            actual=token.netloc,
        )
        return
    wrong = [
        f"{name} path is {path or '/'}, expected {want}"
        for name, path, want in (
            ("auth_url", auth.path, "/oauth2/authorize"),
            ("token_url", token.path, "/oauth2/token"),
        )
        if path.rstrip("/") != want
    ]
    if wrong:
        yield failed(
            "; ".join(wrong),
            hint="Cognito's endpoints are /oauth2/authorize and /oauth2/token on the pool domain",
            subject=subject,
            expected=["/oauth2/authorize", "/oauth2/token"],
            actual=[auth.path, token.path],
        )
        return
    yield passed(f"auth_url and token_url are both on {auth.netloc}", subject=subject)


def _certs_form(ctx: RunContext) -> Iterator[Outcome]:
    config = ctx.config
    subject = "certs_url"
    if not config.usable("certs_url"):
        yield skipped("certs_url is a template value (see CFG001)", subject=subject)
        return
    parts = urlsplit(config.certs_url)
    match = _JWKS_PATH.match(parts.path)
    pool = match.group("pool") if match else None
    pool_match = cognito.POOL_ID.match(pool) if pool else None
    host_region = cognito.idp_host_region(config.certs_url)
    expected = "https://cognito-idp.<region>.amazonaws.com/<region>_<id>/.well-known/jwks.json"
    if pool_match is None:
        yield failed(
            "certs_url is not Cognito's JWKS URL for a user pool",
            hint=hints.CERTS_URL_FORM,
            subject=subject,
            expected=expected,
            actual=config.certs_url,
        )
        return
    pool_region = pool_match.group("region")
    if host_region is None:
        if is_loopback(parts.hostname):
            yield passed(
                f"certs_url names pool {pool} (served from a loopback emulator host)",
                subject=subject,
            )
        else:
            yield failed(
                f"certs_url names pool {pool} but is not on "
                f"cognito-idp.{pool_region}.amazonaws.com",
                hint=hints.CERTS_URL_FORM,
                subject=subject,
                expected=expected,
                actual=config.certs_url,
            )
        return
    idp_host = (parts.hostname or "").split(".", 1)[0]  # cognito-idp or issuer-cognito-idp
    if host_region != pool_region or parts.scheme != "https":
        yield failed(
            f"certs_url host region {host_region} differs from the pool ID's region {pool_region}"
            if host_region != pool_region
            else "certs_url does not use https",
            hint=hints.CERTS_URL_FORM,
            subject=subject,
            expected=f"https://{idp_host}.{pool_region}.amazonaws.com/{pool}/.well-known/jwks.json",
            actual=config.certs_url,
        )
        return
    yield passed(f"certs_url is the JWKS URL of pool {pool} on {parts.hostname}", subject=subject)


def _regions(ctx: RunContext) -> Iterator[Outcome]:
    config = ctx.config
    subject = "region"
    pool = cognito.pool_from_url(config.certs_url) if config.usable("certs_url") else None
    domain_region = None
    for name in ("auth_url", "token_url"):
        if config.usable(name):
            domain_region = domain_region or cognito.pool_domain_region(getattr(config, name))
    if pool is None:
        yield skipped("certs_url names no user pool; no region to compare", subject=subject)
        return
    if domain_region is None:
        yield skipped(
            "auth_url is not on a <prefix>.auth.<region>.amazoncognito.com domain "
            "(a custom domain or an emulator); no region to compare",
            subject=subject,
        )
        return
    if domain_region != pool.region:
        yield failed(
            f"the pool domain is in {domain_region} but certs_url names a pool in {pool.region}",
            hint="take auth_url, token_url and certs_url from the same user pool",
            subject=subject,
            expected=pool.region,
            actual=domain_region,
        )
        return
    yield passed(f"the pool domain and the pool are both in {pool.region}", subject=subject)


@check(
    "CFG005",
    "basic-auth-safe-credentials",
    Stage.CONFIG,
    refs=("RFC6749-2.3.1", "CF-generic-oidc"),
    severity=Status.WARN,
)
def basic_auth_safe_credentials(ctx: RunContext) -> Iterator[Outcome]:
    """The client id and secret use only characters that survive Basic auth without encoding.

    Why it matters: RFC 6749 2.3.1 says a client form-encodes its id and secret before
    putting them in the Basic ``Authorization`` header. Cloudflare Access does not
    (ASSUMPTION from third-party reports: no Cloudflare page, SDK type or API schema names
    how Access authenticates to the token endpoint; the probe sends the same unencoded
    header, so its own exchange shows the effect), so a character outside ``A-Z a-z 0-9 - . _ ~`` (such as ``+``, ``/``, ``=``, ``%`` or
    ``:``) reaches a conforming provider as a different value, and the token exchange
    fails with invalid_client.

    How to fix: use credentials made only of letters, digits and ``- . _ ~``: create a
    new app client or rotate its secret. Cognito generates secrets that are safe; the
    problem appears with other providers or imported credentials.

    References: RFC 6749 section 2.3.1.
    """
    config = ctx.config
    placeholders = config.placeholders()
    for name, label in (("client_id", "client id"), ("client_secret", "client secret")):
        value = getattr(config, name)
        if value is None or name in placeholders:
            yield skipped(f"the {label} is missing or a template value (see CFG001)", subject=name)
            continue
        unsafe = [c for c in value if not _UNRESERVED.fullmatch(c)]
        if not unsafe:
            yield passed(f"the {label} uses only unreserved characters", subject=name)
            continue
        count = len(unsafe)
        plural = "character" if count == 1 else "characters"
        shown = ""
        if name == "client_id":
            shown = ": " + " ".join(sorted({repr(c) for c in unsafe}))
        yield failed(
            f"the {label} contains characters that Cloudflare's unencoded Basic auth would "
            f"break ({count} such {plural}{shown})",
            hint=hints.BASIC_AUTH_CHARACTERS,
            subject=name,
            expected=hints.UNRESERVED,
            actual=f"{count} other {plural}",
        )
