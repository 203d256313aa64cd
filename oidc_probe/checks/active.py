"""Active checks (``--active``): what the provider does with requests Access never sends.

Each needs one more request or login against the pool (see ``oidc_probe.stages.active``),
so they run only when asked; otherwise they SKIP saying how to run them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from oidc_probe.checks import hints
from oidc_probe.checks._support import exchange_failure, is_cognito, redact, without_query
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.active import (
    SIGN_IN_PAGE,
    ActiveResults,
    NotAttempted,
    RefreshAttempt,
    UnregisteredRedirectAttempt,
    WrongVerifierAttempt,
)
from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.model import Outcome, Stage, Status, failed, passed, skipped, warned
from oidc_probe.plumbing.urls import same_endpoint

_T = TypeVar("_T")


def active_result(
    name: str, extra: str, pick: Callable[[ActiveResults], _T | NotAttempted]
) -> Need[_T]:
    """The active stage's attempt of one kind (``pick``), for a check whose ``extra`` request
    runs only with --active; missing with the stage's reason when it was not made."""

    def result(ctx: RunContext) -> _T | str:
        if not ctx.settings.active:
            return f"not run: run with --active to test it ({extra})"
        if ctx.active is None:
            return "the active checks did not run (the login stages did not run)"
        attempt = pick(ctx.active)
        return attempt.reason if isinstance(attempt, NotAttempted) else attempt

    return need(name, result)


_CODE_REPLAY: Need[HttpExchange] = active_result(
    "code replay",
    "one more token request with the code already redeemed",
    lambda results: results.code_replay,
)
_WRONG_VERIFIER: Need[WrongVerifierAttempt] = active_result(
    "wrong-verifier login",
    "one more login, its code redeemed with a wrong code_verifier",
    lambda results: results.wrong_verifier,
)
_UNREGISTERED_REDIRECT: Need[UnregisteredRedirectAttempt] = active_result(
    "unregistered redirect request",
    "one more authorization request, with an unregistered redirect URI",
    lambda results: results.unregistered_redirect,
)
_REFRESH: Need[RefreshAttempt] = active_result(
    "refresh",
    "one more token request, redeeming the refresh token of the main login",
    lambda results: results.refresh,
)


def _error_code(fetch: HttpExchange) -> str:
    body = fetch.json_object() or {}
    error = body.get("error")
    return error if isinstance(error, str) else ""


def _rejection(
    fetch: HttpExchange, ctx: RunContext, *, what: str, hint: str, expected: str
) -> Iterator[Outcome]:
    """Judge a token request that a conforming provider must refuse with a 4xx error."""
    if fetch.error is not None or fetch.status is None:
        yield skipped(f"{what}: no answer ({redact(fetch.error or 'no status', ctx)})")
        return
    error = _error_code(fetch)
    actual = {"status": fetch.status, "error": error or None}
    shown = f"HTTP {fetch.status}{f' {error}' if error else ''}"
    if 200 <= fetch.status < 300:
        yield failed(
            f"{what}: the token endpoint accepted it ({shown})",
            hint=hint,
            expected=expected,
            actual=actual,
        )
    elif 400 <= fetch.status < 500:
        yield passed(f"{what}: refused with {shown}", expected=expected, actual=actual)
    else:
        yield warned(
            f"{what}: answered {shown}, neither tokens nor an OAuth error",
            hint="a refusal should be HTTP 400 invalid_grant (RFC 6749 5.2), not a server error "
            "or a redirect",
            expected=expected,
            actual=actual,
        )


@check(
    "TOK004",
    "code-single-use",
    Stage.TOKEN,
    refs=("RFC6749-4.1.2", "RFC6749-10.5", "OIDCC-3.1.3.2"),
    needs=(_CODE_REPLAY,),
)
def code_single_use(ctx: RunContext, replay: HttpExchange) -> Iterator[Outcome]:
    """An authorization code is single-use: redeemed a second time, it is refused.

    What it checks (``--active``): after the main login's code was exchanged, the probe
    sends the same token request again. The provider must refuse it (HTTP 400
    ``invalid_grant``); it should also revoke the tokens issued for that code.

    Why it matters: a code leaks more easily than a token (browser history, logs,
    ``Referer`` headers, a proxy in front of the Access callback). If it can be redeemed
    again, whoever finds it gets a fresh ID token for that user and a session in every
    Access application that trusts the provider.

    How to fix: a provider must treat codes as one-time (Cognito does). A failure points
    at a custom or proxied token endpoint, or a caching layer in front of it that
    replays responses: make sure nothing caches POSTs to the token endpoint.

    What it does to the pool: one more token request with an already-redeemed code; a
    conforming provider refuses it and may revoke the tokens of the main login.

    References: RFC 6749 sections 4.1.2 and 10.5; OpenID Connect Core 3.1.3.2.
    """
    yield from _rejection(
        replay,
        ctx,
        what="the redeemed code sent again",
        hint="authorization codes must be single-use (RFC 6749 4.1.2): refuse a second "
        "redemption with invalid_grant and revoke the tokens already issued for that code",
        expected="HTTP 400 invalid_grant",
    )


@check(
    "TOK005",
    "pkce-enforced",
    Stage.TOKEN,
    refs=("RFC7636-4.6", "RFC7636-4.4.1"),
    needs=(_WRONG_VERIFIER,),
)
def pkce_enforced(ctx: RunContext, attempt: WrongVerifierAttempt) -> Iterator[Outcome]:
    """With PKCE, a code redeemed with a wrong ``code_verifier`` is refused.

    What it checks (``--active``, with ``pkce_enabled``): the probe logs in once more,
    with a fresh PKCE challenge, and redeems that code with a different, well-formed
    verifier. The provider must refuse it (HTTP 400 ``invalid_grant``).

    Why it matters: Access's ``pkce_enabled`` only protects logins if the provider checks
    the verifier; otherwise a stolen code works without it and PKCE is decoration.

    How to fix: Cognito checks the verifier whenever the authorization request carried
    a ``code_challenge``. A failure points at a provider or proxy that accepts
    ``code_challenge`` but ignores ``code_verifier``; turn PKCE verification on there.

    What it does to the pool: one more authorization of the test user and one more code
    issued and never redeemed. The hosted UI's session from the main login (Cognito keeps
    it an hour) usually lets that authorization skip the sign-in form, so there is no
    second sign-in event; the test is the same either way, since it judges the token
    endpoint's answer to the wrong verifier, not the login.

    References: RFC 7636 sections 4.6 and 4.4.1.
    """
    if attempt.exchange is None:
        login = attempt.login
        why = login.login_error or (
            login.authorize_error.error if login.authorize_error else "no code"
        )
        yield skipped(f"the extra login gave no code to redeem: {redact(why, ctx)}")
        return
    yield from _rejection(
        attempt.exchange,
        ctx,
        what="a code redeemed with a wrong code_verifier",
        hint="the token endpoint must compare the code_verifier with the code_challenge of the "
        "authorization request (RFC 7636 4.6) and refuse a mismatch with invalid_grant",
        expected="HTTP 400 invalid_grant",
    )


@check(
    "AUT005",
    "unregistered-redirect-rejected",
    Stage.AUTHORIZE,
    refs=("RFC6749-3.1.2.4", "RFC6749-4.1.2.1", "RFC6749-10.15", "OIDCC-3.1.2.1"),
    needs=(_UNREGISTERED_REDIRECT,),
)
def unregistered_redirect_rejected(
    ctx: RunContext, attempt: UnregisteredRedirectAttempt
) -> Iterator[Outcome]:
    """An authorization request with an unregistered redirect URI is refused, not redirected.

    What it checks (``--active``): the probe sends an authorization request whose
    ``redirect_uri`` is the registered one plus ``/oidc-probe-unregistered`` and, with
    ``--login form``, signs in when the provider shows its sign-in page. The provider must
    show an error itself and never redirect to that URI, not even with an error; an error
    page served with HTTP 200 (no sign-in form, an error message) counts as a refusal. The
    probe never requests the URI.

    Why it matters: a provider that redirects to unregistered URIs sends authorization
    codes wherever an attacker's link says, which turns one click into an Access session
    for the attacker; one that matches by prefix is as bad.

    How to fix: register exact callback URLs (in Cognito, the app client's Allowed
    callback URLs hold only ``https://<team>.cloudflareaccess.com/cdn-cgi/access/callback``
    and, for the probe, ``http://localhost:8765/callback``); Cognito matches them exactly.
    With another provider, turn off wildcard or prefix matching of redirect URIs.

    What it does to the pool: one more authorization request, and with ``--login form``
    one more sign-in of the test user (a sign-in event) when the provider shows its
    login page. A hosted UI session from the main login does not change the verdict: a
    provider that checks redirect URIs refuses before looking at the session (Cognito
    shows redirect_mismatch), and one that does not redirects the session's code to the
    unregistered URI, which fails this check as a redirect after a sign-in would.

    References: RFC 6749 sections 3.1.2.4, 4.1.2.1 and 10.15; OpenID Connect Core 3.1.2.1.
    """
    login = attempt.login
    uri = attempt.redirect_uri
    if login.callback_params is not None:
        params = login.callback_params
        carried = "an authorization code" if params.get("code") else None
        if carried is None and params.get("error"):
            carried = f"error {params['error']}"
        yield failed(
            f"the provider redirected to the unregistered redirect URI {uri}"
            + (f" with {carried}" if carried else ""),
            hint="register exact redirect URIs and refuse any other one without redirecting "
            "(RFC 6749 3.1.2.4); look for wildcard or prefix matching of callback URLs",
            expected="an error shown by the provider, no redirect",
            actual={"redirected_to": uri, "parameters": sorted(params)},
        )
        return
    error = login.authorize_error
    refused_anyway = _baseline_refused(attempt)
    if error is not None and refused_anyway is not None:
        yield skipped(
            f"could not tell: the provider refuses the registered redirect URI too "
            f"({redact(refused_anyway, ctx)}), so refusing an unregistered one proves nothing"
        )
        return
    if error is not None:
        where = {
            "error_page": "its error page",
            "page": "an error page served as HTTP 200, without redirecting",
        }.get(error.via, "an HTTP error page")
        description = redact(error.description, ctx)
        detail = f" ({description})" if description else ""
        yield passed(
            f"the provider refused the unregistered redirect URI with {where}: "
            f"{error.error}{detail}",
            actual={"error": error.error, "via": error.via, "url": without_query(error.url)},
        )
        return
    if any(same_endpoint(page, attempt.registered_redirect_uri) for page in login.pages):
        yield passed(
            "the provider ignored the unregistered URI and redirected to the registered one"
        )
        return
    if not attempt.signed_in:
        yield warned(
            "the provider showed its sign-in page for an unregistered redirect URI instead of "
            "refusing the request; the probe did not sign in, so where it would redirect is "
            "unknown",
            hint="a provider should refuse an unregistered redirect URI before the login page "
            "(Cognito does); rerun with --login form to complete the test",
            expected="an error shown by the provider",
            actual=redact(login.login_error or "", ctx),
        )
        return
    yield skipped(
        f"could not tell: the login with the unregistered redirect URI did not finish "
        f"({redact(login.login_error or 'no result', ctx)})"
    )


def _baseline_refused(attempt: UnregisteredRedirectAttempt) -> str | None:
    """Why the same request with the registered redirect URI failed too, or None if it worked."""
    baseline = attempt.baseline
    if baseline is None:
        return "it was not tried"
    if baseline.authorize_error is not None:
        refused = baseline.authorize_error
        return f"{refused.error}: {refused.description}" if refused.description else refused.error
    if attempt.signed_in or baseline.callback_params is not None:
        return None
    error = baseline.login_error or ""
    return None if error.startswith(SIGN_IN_PAGE) else error or "no result"


# OpenID Connect Core 12.2: a refreshed ID token keeps these claims of the original one
# (azp: absent if it was absent).
_SAME_AS_ORIGINAL = ("iss", "sub", "aud", "azp")
_ABSENT = "absent"
_REFRESH_HINTS = {
    "invalid_grant": "the refresh token was refused seconds after it was issued: look for "
    "tokens revoked on issue, a refresh token bound to another client, or a token endpoint "
    "(or a proxy in front of it) that does not accept its own refresh tokens",
    "invalid_client": "the client authentication that worked for the code exchange was refused "
    "for the refresh (OpenID Connect Core 12.1: the client authenticates the same way)",
    "unauthorized_client": "the client may not use the refresh_token grant although it was "
    "given a refresh token: allow the grant, or stop issuing refresh tokens to this client",
    "unsupported_grant_type": "the token endpoint issued a refresh token but does not support "
    "grant_type=refresh_token (RFC 6749 6)",
}
_REFRESH_HINT = "a valid refresh token must be answered with new tokens (RFC 6749 6, 5.1)"
_REFRESH_HINTS_COGNITO = {
    "invalid_grant": "In Cognito, look at the app client's refresh token expiration and "
    "authentication flows (ALLOW_REFRESH_TOKEN_AUTH).",
}


@check(
    "TOK007",
    "refresh-grant",
    Stage.TOKEN,
    refs=("RFC6749-6", "RFC6749-5.1", "OIDCC-12.1", "OIDCC-12.2", "COGNITO-token-endpoint"),
    severity=Status.WARN,
    needs=(_REFRESH,),
)
def refresh_grant(ctx: RunContext, attempt: RefreshAttempt) -> Iterator[Outcome]:
    """The refresh token of the main login buys new tokens for the same user.

    What it checks (``--active``, when the token response held a ``refresh_token``): the
    probe sends ``grant_type=refresh_token`` with that token to the token endpoint,
    authenticated as the code exchange was. The answer must be HTTP 200 JSON with an
    ``access_token``. If it holds an ``id_token``, that token must verify against the
    JWKS and keep the ``iss``, ``sub``, ``aud`` and ``azp`` of the main ID token, and its
    ``auth_time``, if any (OpenID Connect Core 12.2); its ``nonce`` must be absent or the
    original one. A new ``refresh_token`` in the answer (rotation) is fine either way;
    the message says which. The request is sent before TOK004's replay, since a
    provider should revoke the tokens of a code redeemed twice (RFC 6749 4.1.2).

    Why it matters: a warning, not a failure, because Cloudflare Access never refreshes:
    it reads the ID token once at login and then relies on its own session. Applications
    that sign in against the same app client (a web app, a CLI, a mobile app) keep their
    users signed in with the refresh token; a refused refresh logs them out every hour,
    and an ID token with another ``sub`` or ``aud`` hands a session to the wrong user or
    the wrong client.

    How to fix: in Cognito, look at the app client's refresh token expiration and its
    authentication flows (``ALLOW_REFRESH_TOKEN_AUTH``); Cognito answers a refresh with
    new ID and access tokens and no new refresh token unless refresh token rotation is
    on. With another provider, look at its refresh-token settings for this client, and
    at any proxy in front of the token endpoint that rewrites the answer.

    What it does to the pool: one more token request; new ID and access tokens are
    issued to the test user (the probe never shows them, not even with ``--show-tokens``).

    References: RFC 6749 sections 6 and 5.1; OpenID Connect Core 12.1 and 12.2; AWS,
    "The token issuer endpoint".
    """
    fetch = attempt.exchange
    if fetch.error is not None or fetch.status is None:
        yield skipped(
            f"the refresh request got no answer ({redact(fetch.error or 'no status', ctx)})"
        )
        return
    if fetch.status != 200:
        yield _refresh_refused(fetch, ctx)
        return
    why = exchange_failure(fetch)
    body = fetch.json_object()
    if why is not None or body is None:
        yield failed(
            f"the refresh answer is not a JSON object: {redact(why or 'no body', ctx)}",
            hint=_REFRESH_HINT,
            expected="HTTP 200 JSON with an access_token",
        )
        return
    problems = list(_refresh_problems(ctx, attempt, body))
    yield from problems
    if not problems:
        yield passed(
            "the refresh token was redeemed: " + "; ".join(_refresh_summary(ctx, attempt, body)),
            expected="HTTP 200 JSON with an access_token",
            actual=sorted(body),
        )


def _refresh_refused(fetch: HttpExchange, ctx: RunContext) -> Outcome:
    error = _error_code(fetch)
    status = fetch.status
    body = fetch.json_object() or {}
    description = body.get("error_description")
    detail = f" ({redact(description, ctx)})" if isinstance(description, str) else ""
    shown = f"HTTP {status}{f' {error}' if error else ''}"
    actual = {"status": status, "error": error or None}
    if status is not None and 400 <= status < 500:
        return failed(
            f"the token endpoint refused the refresh token it had just issued: {shown}{detail}",
            hint=hints.with_cognito(
                _REFRESH_HINTS.get(error, _REFRESH_HINT),
                _REFRESH_HINTS_COGNITO.get(error, ""),
                is_cognito(ctx),
            ),
            expected="HTTP 200 with new tokens",
            actual=actual,
        )
    return failed(
        f"the refresh request was answered {shown}, neither tokens nor an OAuth error",
        hint=_REFRESH_HINT + "; a refusal is HTTP 400 with an error code (RFC 6749 5.2)",
        expected="HTTP 200 with new tokens",
        actual=actual,
    )


def _refresh_problems(
    ctx: RunContext, attempt: RefreshAttempt, body: Mapping[str, Any]
) -> Iterator[Outcome]:
    access = body.get("access_token")
    if not isinstance(access, str) or not access:
        yield failed(
            "the refresh answer holds no access_token",
            hint=_REFRESH_HINT,
            subject="access_token",
            expected="a non-empty string",
            actual=type(access).__name__ if access is not None else "absent",
        )
    if "id_token" not in body:
        return
    decoded = attempt.id_token
    if decoded is None:
        yield failed(
            "the refresh answer's id_token is not a non-empty string",
            hint="an ID token is a compact JWS string (OpenID Connect Core 3.1.3.3)",
            subject="id_token",
            actual=type(body.get("id_token")).__name__,
        )
        return
    signature = attempt.signature
    unchecked = decoded.error is None and ctx.jwks is None  # see JWK001; the summary says so
    if not unchecked and (
        decoded.error is not None or signature is None or signature.valid is not True
    ):
        why = decoded.error or (signature.reason if signature is not None else "not verified")
        yield failed(
            f"the refreshed ID token does not verify: {redact(why, ctx)}",
            hint="sign refreshed ID tokens as the first one, with a key of the JWKS "
            "(OpenID Connect Core 12.2: the same rules apply)",
            subject="signature",
        )
    original = ctx.id_token_claims
    claims = decoded.claims
    if original is None or claims is None:
        return
    for name in _SAME_AS_ORIGINAL:
        if claims.get(name) != original.get(name):
            yield failed(
                f"the refreshed ID token's {name} is not the main ID token's "
                "(OpenID Connect Core 12.2: it MUST be the same)",
                hint=f"a refresh must not change {name}: look for a token endpoint that "
                "resolves the refresh token to another user or client",
                subject=name,
                expected=original.get(name, _ABSENT),
                actual=claims.get(name, _ABSENT),
            )
    if "auth_time" in claims and claims.get("auth_time") != original.get("auth_time"):
        yield failed(
            "the refreshed ID token's auth_time is not the time of the original sign-in "
            "(OpenID Connect Core 12.2)",
            hint="auth_time is when the user signed in, which a refresh does not change",
            subject="auth_time",
            expected=original.get("auth_time", _ABSENT),
            actual=claims["auth_time"],
        )
    if "nonce" in claims and claims.get("nonce") != original.get("nonce"):
        yield failed(
            "the refreshed ID token carries a nonce other than the original one",
            hint="a refreshed ID token should carry no nonce; if it carries one, it must be "
            "the original's (OpenID Connect Core 12.2 and its errata)",
            subject="nonce",
        )


def _refresh_summary(
    ctx: RunContext, attempt: RefreshAttempt, body: Mapping[str, Any]
) -> list[str]:
    """What a successful refresh returned, in words (never a token)."""
    parts = ["a new access token"]
    claims = attempt.id_token.claims if attempt.id_token is not None else None
    signature = attempt.signature
    verified = (
        "whose signature verifies"
        if signature is not None and signature.valid is True
        else "whose signature was not checked (no JWKS, see JWK001)"
    )
    if claims is None:
        parts.append("no ID token (OpenID Connect Core 12.2 allows that)")
    elif ctx.id_token_claims is None:
        parts.append(f"an ID token {verified}, not compared with the unreadable main ID token")
    else:
        nonce = "with the original nonce" if "nonce" in claims else "without a nonce"
        parts.append(f"an ID token {verified}, with the main ID token's iss, sub and aud, {nonce}")
    if isinstance(body.get("refresh_token"), str):
        parts.append("a new refresh token (rotation)")
    else:
        as_in = ", as in Cognito" if is_cognito(ctx) else ""
        parts.append(f"no new refresh token (the first one stays in use{as_in})")
    return parts
