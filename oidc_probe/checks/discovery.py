"""Checks of the discovery document at ``<issuer>/.well-known/openid-configuration``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from oidc_probe.checks import hints
from oidc_probe.checks._support import exchange_failure, is_cognito, normalised_notes, not_run
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import RunContext
from oidc_probe.core.jsontypes import json_type
from oidc_probe.core.model import Outcome, Stage, Status, failed, info, passed, skipped, warned
from oidc_probe.core.settings import ACCESS_ALGORITHMS, ClientAuth, LoginMode

_REQUIRED_STRINGS = ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri")
_REQUIRED_LISTS = (
    "response_types_supported",
    "subject_types_supported",
    "id_token_signing_alg_values_supported",
)
_ENDPOINT_PAIRS = (
    ("auth_url", "authorization_endpoint"),
    ("token_url", "token_endpoint"),
    ("certs_url", "jwks_uri"),
)
_AUTH_METHODS = {ClientAuth.BASIC: "client_secret_basic", ClientAuth.POST: "client_secret_post"}


def _document(ctx: RunContext) -> dict[str, Any] | str:
    """The discovery document, or the reason it is not available."""
    if ctx.discovery_fetch is None:
        return not_run(ctx, "discovery", "the discovery document was not fetched")
    document = ctx.discovery
    if document is None or exchange_failure(ctx.discovery_fetch) is not None:
        return "the discovery document could not be read (see DSC001)"
    return document


# The discovery document, read as a JSON object with HTTP 200.
DOCUMENT: Need[dict[str, Any]] = need("discovery document", _document)


def _pkce_document(ctx: RunContext) -> dict[str, Any] | str:
    if not ctx.config.pkce_enabled:
        return "pkce_enabled is false in the config"
    return _document(ctx)


# The discovery document, asked about PKCE only when the config enables it.
PKCE_DOCUMENT: Need[dict[str, Any]] = need("discovery document (PKCE)", _pkce_document)


def _string_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    return None


@check("DSC001", "discovery-reachable", Stage.DISCOVERY, refs=("OIDCD-4", "COGNITO-endpoints"))
def discovery_reachable(ctx: RunContext) -> Iterator[Outcome]:
    """The discovery document at ``<issuer>/.well-known/openid-configuration`` is a JSON object.

    What it checks: the fetch answers HTTP 200 with a JSON object (not an error, an
    HTML page or a network failure).

    Why it matters: Access does not read the discovery document itself (it is given
    the endpoints), but the document is the provider's own statement of its issuer,
    endpoints, algorithms and methods; the probe compares the config against it. A
    missing document usually means the issuer, and so certs_url, is wrong. The issuer is
    ``--issuer``, a Cognito pool's (from certs_url), or the one a discovery document
    confirms (its ``issuer`` is the candidate, its ``jwks_uri`` is certs_url); while none
    is confirmed, a missing document is a warning (docs/providers.md).

    How to fix: set certs_url to the provider's ``jwks_uri``, or pass ``--issuer``.
    (Cognito) certs_url names the user pool:
    ``https://cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/jwks.json``.

    A value normalised on arrival (an unpaired surrogate escape replaced with U+FFFD,
    JSON nested over 64 levels kept as text) is a warning naming where.

    References: OpenID Connect Discovery section 4.
    """
    fetch = ctx.discovery_fetch
    basis = ctx.issuer
    if fetch is None and not basis.established and basis.tried:
        yield warned(
            basis.unconfirmed_reason(), hint=hints.ISSUER_UNCONFIRMED, actual="not confirmed"
        )
        return
    if fetch is None:
        yield skipped(not_run(ctx, "discovery", "the discovery document was not fetched"))
        return
    cause = exchange_failure(fetch)
    if cause is not None and not basis.established:
        yield warned(
            f"cannot read the discovery document at {fetch.url}: {cause}; "
            + basis.unconfirmed_reason(),
            hint=hints.ISSUER_UNCONFIRMED,
            expected="HTTP 200 with a JSON object",
            actual=fetch.describe() if fetch.error else cause,
        )
        return
    if cause is not None:
        yield failed(
            f"cannot read the discovery document at {fetch.url}: {cause}",
            hint=hints.DISCOVERY_UNREACHABLE,
            expected="HTTP 200 with a JSON object",
            actual=fetch.describe() if fetch.error else cause,
        )
        return
    yield passed(f"discovery document read from {fetch.url}")
    yield from normalised_notes(fetch.json_notes)


@check(
    "DSC002",
    "discovery-issuer-matches",
    Stage.DISCOVERY,
    refs=("OIDCD-4.3", "OIDCC-3.1.3.7"),
    needs=(DOCUMENT,),
)
def discovery_issuer_matches(ctx: RunContext, document: dict[str, Any]) -> Iterator[Outcome]:
    """The document's ``issuer`` is exactly the issuer it was fetched for.

    Why it matters: the ``iss`` claim of every ID token Access receives carries this
    issuer. A document that names another issuer means certs_url (or ``--issuer``)
    points at the wrong place, or a proxy serves another provider's document.

    While the issuer is not confirmed (docs/providers.md), the document is judged against
    the URL it was fetched from, and the unconfirmed issuer is a warning.

    How to fix: use the issuer the provider publishes; check for a trailing slash.
    (Cognito) it is ``https://cognito-idp.<region>.amazonaws.com/<pool id>``, the parent
    of certs_url; check for a wrong pool ID.

    References: OpenID Connect Discovery 4.3.
    """
    issuer = document.get("issuer")
    if not isinstance(issuer, str):
        yield skipped("the document has no issuer (see DSC004)")
        return
    basis = ctx.issuer
    if not basis.established:
        yield _unconfirmed_issuer(ctx, issuer)
        return
    expected = basis.issuer
    if issuer != expected:
        yield failed(
            "the document's issuer differs from the issuer it was fetched for",
            hint=hints.ISSUER_MISMATCH,
            expected=expected,
            actual=issuer,
        )
        return
    yield passed(f"issuer is {issuer}")


def _unconfirmed_issuer(ctx: RunContext, issuer: str) -> Outcome:
    """DSC002 without an established issuer: the document against the URL it came from.

    OpenID Connect Discovery 4.3: the issuer in the document must be identical to the
    URL it was fetched under, whatever the probe expects; if it is, the issuer is still
    unconfirmed because the document's jwks_uri is not certs_url (see DSC003).
    """
    fetch = ctx.discovery_fetch
    url = fetch.url if fetch is not None else ""
    fetched_for = url.removesuffix("/.well-known/openid-configuration")
    if issuer.rstrip("/") != fetched_for:
        return failed(
            "the document's issuer differs from the URL it was fetched from",
            hint=hints.ISSUER_MISMATCH,
            expected=fetched_for,
            actual=issuer,
        )
    return warned(ctx.issuer.unconfirmed_reason(), hint=hints.ISSUER_UNCONFIRMED, actual=issuer)


@check(
    "DSC003",
    "discovery-endpoints-match-config",
    Stage.DISCOVERY,
    refs=("OIDCD-3", "CF-generic-oidc"),
    needs=(DOCUMENT,),
)
def discovery_endpoints_match_config(
    ctx: RunContext, document: dict[str, Any]
) -> Iterator[Outcome]:
    """auth_url, token_url and certs_url equal the endpoints the discovery document publishes.

    What it checks: auth_url == authorization_endpoint, token_url == token_endpoint,
    certs_url == jwks_uri; one finding per pair.

    Why it matters: Access uses the URLs in its config, not the document. A URL that
    differs from what the provider publishes usually belongs to another pool, region
    or app, and the login or the signature check then fails.

    How to fix: copy the document's values into the Cloudflare config. With Cognito,
    a custom domain of the same pool is a legitimate difference for auth_url and
    token_url: when this run's login went through the configured auth_url and
    token_url and the ID token it brought verifies, the difference is a warning, not
    a failure (certs_url must still be the published jwks_uri).

    References: OpenID Connect Discovery section 3.
    """
    cognito = is_cognito(ctx)
    for field, meta in _ENDPOINT_PAIRS:
        if not ctx.config.usable(field):
            yield skipped(f"{field} is a template value (see CFG001)", subject=field)
            continue
        published = document.get(meta)
        if not isinstance(published, str):
            yield skipped(f"the document has no {meta} (see DSC004)", subject=field)
            continue
        configured = getattr(ctx.config, field)
        if configured != published and _served_this_run(ctx, field):
            yield warned(
                f"{field} differs from the document's {meta}, but this run's login went "
                f"through {field} and the ID token it brought verifies: another domain "
                "of the same provider (a custom domain), not a wrong endpoint",
                hint=f"nothing breaks today; {published} is the endpoint the provider "
                "publishes, if the other domain is ever removed",
                subject=field,
                expected=published,
                actual=configured,
            )
        elif configured != published:
            extra = hints.ENDPOINT_MISMATCH_COGNITO if field != "certs_url" else ""
            yield failed(
                f"{field} differs from the document's {meta}",
                hint=hints.with_cognito(f"set {field} to {published}", extra, cognito),
                subject=field,
                expected=published,
                actual=configured,
            )
        else:
            yield passed(f"{field} equals the document's {meta}", subject=field)


@check(
    "DSC004", "discovery-required-metadata", Stage.DISCOVERY, refs=("OIDCD-3",), needs=(DOCUMENT,)
)
def discovery_required_metadata(ctx: RunContext, document: dict[str, Any]) -> Iterator[Outcome]:
    """The document has every field OpenID Connect Discovery requires, and supports ``code``.

    What it checks: issuer, authorization_endpoint, token_endpoint, jwks_uri (strings)
    and response_types_supported, subject_types_supported,
    id_token_signing_alg_values_supported (non-empty arrays); ``code`` among the
    response types.

    Why it matters: Access runs the authorization-code flow; a provider whose
    document lacks required metadata or does not offer ``code`` is either not an
    OpenID provider or is misconfigured, and other clients will fail on it too.

    How to fix: fix the provider's metadata. Cognito publishes all of them; a
    missing field points at a proxy or a non-Cognito server behind the URL.

    References: OpenID Connect Discovery section 3.
    """
    response_types = _string_list(document.get("response_types_supported"))
    implicit_only = response_types is not None and not any(
        "code" in rt.split() for rt in response_types
    )
    problems = 0
    for name in _REQUIRED_STRINGS:
        value = document.get(name)
        if name == "token_endpoint" and value is None and implicit_only:
            continue
        if not isinstance(value, str) or not value:
            problems += 1
            yield failed(
                f"required field {name} is {'missing' if value is None else 'not a string'}",
                hint="the provider must publish it (OpenID Connect Discovery 3)",
                subject=name,
                expected="a URL string",
                actual="missing" if value is None else json_type(value),
            )
    for name in _REQUIRED_LISTS:
        value = document.get(name)
        if _string_list(value) is None or not value:
            problems += 1
            yield failed(
                f"required field {name} is "
                f"{'missing' if value is None else 'not a non-empty array of strings'}",
                hint="the provider must publish it (OpenID Connect Discovery 3)",
                subject=name,
                expected="a non-empty array of strings",
                actual="missing" if value is None else value,
            )
    if response_types and "code" not in response_types:
        problems += 1
        yield failed(
            "response_types_supported does not include code",
            hint="Access uses the authorization code flow; enable it at the provider "
            "(in Cognito: the Authorization code grant on the app client)",
            subject="response_types_supported",
            expected="code",
            actual=response_types,
        )
    if not problems:
        yield passed("every required field is present and code is supported")


@check(
    "DSC005",
    "discovery-scopes-supported",
    Stage.DISCOVERY,
    refs=("OIDCD-3", "COGNITO-scopes"),
    severity=Status.WARN,
    needs=(DOCUMENT,),
)
def discovery_scopes_supported(ctx: RunContext, document: dict[str, Any]) -> Iterator[Outcome]:
    """Every configured scope appears in the document's ``scopes_supported``, when it lists any.

    Why it matters: Access requests every configured scope; one the provider does not
    support makes the login fail with invalid_scope, or silently yields fewer claims. Providers may
    leave supported scopes unlisted (Cognito does not list a resource server's custom
    scopes), so a missing scope is a warning, not a failure.

    How to fix: remove the scope from the Cloudflare config, or enable it at the
    provider (in Cognito: the app client's allowed OAuth scopes).

    References: OpenID Connect Discovery section 3 (scopes_supported is RECOMMENDED).
    """
    listed = document.get("scopes_supported")
    if listed is None:
        yield info(
            "the document does not list scopes_supported (it is optional); nothing to compare"
        )
        return
    scopes = _string_list(listed)
    if scopes is None:
        yield failed(
            "scopes_supported is not an array of strings",
            hint="the provider should publish scopes_supported as an array of strings",
            subject="scopes_supported",
            expected="an array of strings",
            actual=json_type(listed),
        )
        return
    missing = [s for s in ctx.config.scopes if s not in scopes]
    for scope in missing:
        yield failed(
            f"configured scope {scope} is not in scopes_supported",
            hint=hints.with_cognito(
                "remove it from scopes in the Cloudflare config or enable it at the provider",
                "In Cognito: the app client's allowed OAuth scopes; custom resource-server "
                "scopes are never listed, ignore this for them.",
                is_cognito(ctx),
            ),
            subject=scope,
            expected=scope,
            actual=scopes,
        )
    if not missing:
        yield passed("every configured scope is listed in scopes_supported", actual=scopes)


@check(
    "DSC006",
    "discovery-client-auth-basic",
    Stage.DISCOVERY,
    refs=("OIDCD-3", "RFC6749-2.3.1", "CF-generic-oidc"),
    severity=Status.WARN,
    needs=(DOCUMENT,),
)
def discovery_client_auth_basic(ctx: RunContext, document: dict[str, Any]) -> Iterator[Outcome]:
    """The token endpoint accepts ``client_secret_basic``, which the probe assumes Access uses.

    Why it matters: ASSUMPTION: no Cloudflare page, SDK type or API schema names the
    method Access uses at the token endpoint; third-party reports point at HTTP Basic
    (``client_secret_basic``), and the probe does the same (see CFG005). A provider that
    accepts only other methods would then reject every code exchange with
    invalid_client. Because the method is not documented, this check warns and never
    fails on it; the code exchange itself (TOK checks) shows whether the provider
    accepts the probe's Basic request.

    When the document leaves client_secret_basic out but this run's token exchange
    authenticated with it and succeeded, the worry is proven wrong by the run: a
    warning that the document is incomplete, not a failure.

    How to fix: allow client_secret_basic for the client at the provider. Cognito
    accepts both client_secret_basic and client_secret_post.

    References: OpenID Connect Discovery section 3 (token_endpoint_auth_methods_supported,
    default client_secret_basic); RFC 6749 section 2.3.1; Cloudflare generic OIDC (no
    method named).
    """
    listed = document.get("token_endpoint_auth_methods_supported")
    if listed is None:
        yield passed(
            "token_endpoint_auth_methods_supported is absent; the default is client_secret_basic"
        )
        return
    methods = _string_list(listed)
    if methods is None:
        yield failed(
            "token_endpoint_auth_methods_supported is not an array of strings",
            subject="token_endpoint_auth_methods_supported",
            expected="an array of strings",
            actual=json_type(listed),
        )
        return
    if "client_secret_basic" not in methods and _basic_exchange_succeeded(ctx):
        yield warned(
            "the document does not list client_secret_basic, but this run's token exchange "
            "authenticated with it and succeeded: the document is incomplete, not the endpoint",
            hint="list client_secret_basic in token_endpoint_auth_methods_supported, so "
            "clients that read the document use it",
            subject="client_secret_basic",
            expected="client_secret_basic",
            actual=methods,
        )
    elif "client_secret_basic" not in methods:
        yield warned(
            "the token endpoint does not list client_secret_basic, which Access is assumed "
            "to use (no Cloudflare source names the method)",
            hint="allow client_secret_basic for this client at the provider; ASSUMPTION: "
            "third-party reports say Access authenticates with HTTP Basic, Cloudflare does "
            "not document it",
            subject="client_secret_basic",
            expected="client_secret_basic",
            actual=methods,
        )
    else:
        yield passed("client_secret_basic is supported", subject="client_secret_basic")
    probe_method = _AUTH_METHODS[ctx.settings.client_auth]
    if probe_method != "client_secret_basic" and probe_method not in methods:
        yield warned(
            f"the probe was asked to use {probe_method}, which the document does not list",
            hint="drop --client-auth post to authenticate as Access does",
            subject=probe_method,
            expected=probe_method,
            actual=methods,
        )


@check(
    "DSC007",
    "discovery-alg-accepted-by-cloudflare",
    Stage.DISCOVERY,
    refs=("OIDCD-3", "RFC8725-3.1", "CF-generic-oidc"),
    needs=(DOCUMENT,),
)
def discovery_alg_accepted_by_cloudflare(
    ctx: RunContext, document: dict[str, Any]
) -> Iterator[Outcome]:
    """The provider signs ID tokens with at least one algorithm Access accepts.

    What it checks: id_token_signing_alg_values_supported shares an algorithm with
    RS256, RS512, PS512, ES256, ES384, ES512; ``none`` or HMAC (HS*) algorithms
    listed are warned about, unless this run's ID token verified with an algorithm Access
    accepts (then they are information: the client is not using them).

    Why it matters: Access verifies the ID token signature with the keys at
    certs_url and only these algorithms; a token signed otherwise is rejected.

    When this run's ID token was signed with an accepted algorithm and verified, a
    listed ``none`` or HS* is information (offered, not used), not a warning.

    How to fix: configure the provider to sign ID tokens with RS256 (Cognito always
    uses RS256) or another algorithm from the list.

    References: OpenID Connect Discovery section 3; RFC 8725 section 3.1.
    """
    listed = document.get("id_token_signing_alg_values_supported")
    if listed is None:
        yield skipped("the document has no id_token_signing_alg_values_supported (see DSC004)")
        return
    algs = _string_list(listed)
    if algs is None:
        yield skipped("id_token_signing_alg_values_supported is malformed (see DSC004)")
        return
    accepted = [a for a in algs if a in ACCESS_ALGORITHMS]
    used = _verified_alg(ctx)
    if not accepted and used is not None:
        yield warned(
            f"the document lists no algorithm Access accepts, but this run's ID token was "
            f"signed {used} and verified: the document is incomplete, not the tokens",
            hint=f"list {used} in id_token_signing_alg_values_supported",
            expected=list(ACCESS_ALGORITHMS),
            actual=algs,
        )
    elif not accepted:
        yield failed(
            "none of the provider's ID token algorithms is accepted by Access",
            hint="sign ID tokens with RS256 (or RS512, PS512, ES256, ES384, ES512)",
            expected=list(ACCESS_ALGORITHMS),
            actual=algs,
        )
    else:
        yield passed(f"Access accepts {', '.join(accepted)}", actual=algs)
    for alg in algs:
        if (alg == "none" or alg.upper().startswith("HS")) and used is not None:
            yield info(
                f"the provider also offers {alg} for ID tokens, which Access never accepts; "
                f"this run's ID token was signed {used} and verified, so {alg} is offered, "
                "not used for this client",
                hint="nothing to do for Access; a provider that never issues such tokens can "
                "drop the value from id_token_signing_alg_values_supported",
                subject=alg,
                actual=algs,
            )
        elif alg == "none" or alg.upper().startswith("HS"):
            yield warned(
                f"the provider offers {alg} for ID tokens, which Access never accepts",
                hint="make sure ID tokens for this client are signed with an asymmetric "
                "algorithm; unsigned or HMAC-signed tokens would be rejected",
                subject=alg,
                actual=algs,
            )


@check(
    "DSC008",
    "discovery-pkce-s256",
    Stage.DISCOVERY,
    refs=("RFC7636-4.2", "OIDCD-3", "CF-generic-oidc"),
    needs=(PKCE_DOCUMENT,),
)
def discovery_pkce_s256(ctx: RunContext, document: dict[str, Any]) -> Iterator[Outcome]:
    """With pkce_enabled, the provider supports PKCE with S256.

    What it checks: when code_challenge_methods_supported is listed it includes
    ``S256``; when it is not listed nothing can be concluded (info).

    Why it matters: with pkce_enabled, "PKCE will be performed on all login attempts"
    (Cloudflare generic OIDC); that Access uses the S256 method is an ASSUMPTION (Cloudflare
    does not name it). A provider without S256 would reject the request or the exchange.

    How to fix: enable S256 PKCE at the provider, or set ``pkce_enabled`` to false
    in the Cloudflare config. Cognito supports S256 without listing it.

    References: RFC 7636 section 4.2; RFC 8414 code_challenge_methods_supported.
    """
    listed = document.get("code_challenge_methods_supported")
    if listed is None:
        yield info(
            "code_challenge_methods_supported is not listed; S256 support cannot be confirmed "
            "from the document (the login below shows whether it works)",
            hint=hints.PKCE_COGNITO if is_cognito(ctx) else "",
        )
        return
    methods = _string_list(listed)
    if methods is None or "S256" not in methods:
        yield failed(
            "pkce_enabled is true but the provider does not list S256",
            hint=hints.PKCE_S256,
            expected="S256",
            actual=methods if methods is not None else json_type(listed),
        )
        return
    yield passed("the provider supports S256", actual=methods)


def _basic_exchange_succeeded(ctx: RunContext) -> bool:
    """Whether this run's code exchange authenticated with HTTP Basic and got HTTP 200."""
    fetch = ctx.token_fetch
    return (
        ctx.settings.client_auth is ClientAuth.BASIC
        and fetch is not None
        and fetch.error is None
        and fetch.status == 200
        and ctx.settings.login is not LoginMode.INITIATE_AUTH
    )


def _verified_alg(ctx: RunContext) -> str | None:
    """The accepted algorithm this run's ID token was verified with, if it was."""
    signature = ctx.signature
    if signature is None or signature.valid is not True or signature.alg not in ACCESS_ALGORITHMS:
        return None
    return signature.alg


def _served_this_run(ctx: RunContext, field: str) -> bool:
    """Whether this run proved ``field`` (auth_url or token_url) serves the provider: the
    code exchange at token_url succeeded and the ID token's signature verified."""
    if field not in ("auth_url", "token_url"):
        return False
    fetch = ctx.token_fetch
    signature = ctx.signature
    return (
        fetch is not None
        and fetch.error is None
        and fetch.status == 200
        and ctx.settings.login is not LoginMode.INITIATE_AUTH
        and signature is not None
        and signature.valid is True
    )
