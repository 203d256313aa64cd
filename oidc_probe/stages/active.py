"""``--active``: the extra requests and logins the active checks judge, after the main run.

They run last, so they cannot disturb what the main login gathered (a provider may
revoke the tokens of a code redeemed twice). Each does one more thing to the pool, and
fills its own field of ``ctx.active`` (:class:`~oidc_probe.core.active.ActiveResults`)
with the attempt or :class:`~oidc_probe.core.active.NotAttempted` and why:

- ``refresh`` redeems the main token response's refresh token (``grant_type=refresh_token``),
  first: RFC 6749 4.1.2 says a provider should revoke the tokens issued for a code that
  is redeemed twice, which the replay does next;
- ``code_replay`` sends the already-redeemed code of the main login to the token endpoint
  again;
- ``wrong_verifier`` logs in once more (PKCE on) and redeems that code with a wrong
  verifier (the provider's session from the main login, if it keeps one, may skip the
  sign-in form);
- ``unregistered_redirect`` sends an authorization request with an unregistered redirect
  URI and, with a login mode that signs in through the provider's pages, signs in to see
  where it goes.

The stage names no check: the check judging each kind declares its field as an input
(``oidc_probe.checks.active``).
"""

from __future__ import annotations

import hmac
import secrets
import time
from dataclasses import replace
from urllib.parse import parse_qsl, urljoin, urlsplit, urlunsplit

import httpx2

from oidc_probe.core.active import (
    SIGN_IN_PAGE,
    ActiveResults,
    NotAttempted,
    RefreshAttempt,
    UnregisteredRedirectAttempt,
    WrongVerifierAttempt,
)
from oidc_probe.core.context import AuthorizeError, HttpExchange, LoginResult, RunContext
from oidc_probe.core.settings import LoginMode
from oidc_probe.login.base import LoginDriver
from oidc_probe.login.refusal import refusal_page
from oidc_probe.plumbing.http import MAX_REDIRECTS, fetch, is_usable_url, strip_query
from oidc_probe.plumbing.jose import decode_jwt
from oidc_probe.plumbing.urls import same_endpoint
from oidc_probe.stages.authorize import VERIFIER_BYTES, build_request
from oidc_probe.stages.token import exchange_code, refresh_tokens
from oidc_probe.stages.verify import verify_signature

KEY = "active"
UNREGISTERED_SUFFIX = "/oidc-probe-unregistered"
# Login modes whose driver signs in through the provider's pages without a person.
CODE_FLOW_MODES = frozenset({LoginMode.FORM})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def unregistered_redirect_uri(registered: str) -> str:
    """The registered redirect URI with one more path segment, no query: never registered."""
    parts = urlsplit(registered)
    return urlunsplit(
        (parts.scheme, parts.netloc, parts.path.rstrip("/") + UNREGISTERED_SUFFIX, "", "")
    )


def run(ctx: RunContext, client: httpx2.Client, driver: LoginDriver | None) -> None:
    if not ctx.settings.active:
        return
    start = time.perf_counter()
    code_flow = driver is not None and ctx.settings.login in CODE_FLOW_MODES
    refresh = _refresh(ctx, client)  # before the replay may revoke the tokens
    replay: HttpExchange | NotAttempted
    wrong: WrongVerifierAttempt | NotAttempted
    # The replay needs only the code the main login brought back, whichever mode brought it.
    if ctx.settings.login is LoginMode.INITIATE_AUTH:
        replay = NotAttempted(
            "--login initiate-auth gets its tokens without an authorization code; use --login "
            "form (or another mode through the authorization endpoint)"
        )
    else:
        replay = _replay(ctx, client)
    if code_flow and driver is not None:
        wrong = _wrong_verifier(ctx, client, driver)
    else:
        wrong = NotAttempted(
            f"--login {ctx.settings.login.value} does not use the authorization-code flow "
            "headlessly; use --login form"
        )
    redirect = _unregistered_redirect(ctx, client, driver if code_flow else None)
    ctx.active = ActiveResults(
        code_replay=replay, wrong_verifier=wrong, unregistered_redirect=redirect, refresh=refresh
    )
    ctx.timings_ms[KEY] = round((time.perf_counter() - start) * 1000, 1)


def _first_exchange_failed(ctx: RunContext) -> str | None:
    fetch_ = ctx.token_fetch
    if fetch_ is None or not fetch_.ok:
        return (
            "the main login's code exchange did not succeed (see TOK001), so a refusal "
            "would prove nothing"
        )
    return None


def _refresh(ctx: RunContext, client: httpx2.Client) -> RefreshAttempt | NotAttempted:
    """Redeem the main refresh token; decode and verify a refreshed ID token."""
    token, why = _refresh_token(ctx)
    if not token:
        return NotAttempted(why)
    exchange = refresh_tokens(ctx, client, token)
    body = exchange.json_object() if exchange.ok else None
    raw = body.get("id_token") if body is not None else None
    if not isinstance(raw, str) or not raw:
        return RefreshAttempt(exchange)
    decoded = decode_jwt(raw)
    # The main verify already refetched the JWKS if its kid needed it; no second refetch.
    return RefreshAttempt(exchange, decoded, verify_signature(ctx, client, decoded, refetch=False))


def _refresh_token(ctx: RunContext) -> tuple[str, str]:
    """``(the main response's refresh token, "")``, or ``("", why there is none)``."""
    if ctx.login is not None and ctx.login.token_fetch is not None:
        why = (
            f"--login {ctx.settings.login.value} got its tokens from the login itself, not from "
            "the token endpoint; use --login form to test the refresh_token grant"
        )
    elif (response := ctx.token_response) is None:
        why = (
            "the main login's code exchange did not succeed (see TOK001), so there is no "
            "refresh token to redeem"
        )
    elif "refresh_token" not in response:
        why = (
            "the token response held no refresh_token (the client may not be allowed it; "
            "Access does not need one)"
        )
    elif not isinstance(token := response["refresh_token"], str) or not token:
        why = "the token response's refresh_token is not a non-empty string"
    else:
        return token, ""
    return "", why


def _replay(ctx: RunContext, client: httpx2.Client) -> HttpExchange | NotAttempted:
    reason = _first_exchange_failed(ctx)
    request = ctx.authorization
    code = (ctx.login.callback_params or {}).get("code") if ctx.login is not None else None
    if reason is None and request is not None and code:
        return exchange_code(ctx, client, request, code, request.code_verifier)
    return NotAttempted(reason or "the main login gave no authorization code")


def _wrong_verifier(
    ctx: RunContext, client: httpx2.Client, driver: LoginDriver
) -> WrongVerifierAttempt | NotAttempted:
    if not ctx.config.pkce_enabled:
        return NotAttempted("pkce_enabled is off in the config, so Access sends no code_verifier")
    reason = _first_exchange_failed(ctx)
    if reason is not None:
        return NotAttempted(reason)
    request = build_request(ctx.config, ctx.settings)
    login = driver.login(client, request)
    params = login.callback_params or {}
    code = params.get("code")
    if (
        not code
        or "error" in params
        or not hmac.compare_digest(params.get("state", "").encode(), request.state.encode())
    ):
        return WrongVerifierAttempt(login)
    wrong = secrets.token_urlsafe(VERIFIER_BYTES)
    return WrongVerifierAttempt(login, exchange_code(ctx, client, request, code, wrong))


def _unregistered_redirect(
    ctx: RunContext,
    client: httpx2.Client,
    driver: LoginDriver | None,
) -> UnregisteredRedirectAttempt | NotAttempted:
    config = ctx.config
    if not (
        config.usable("client_id") and config.usable("auth_url") and is_usable_url(config.auth_url)
    ):
        return NotAttempted("client_id or auth_url is not usable (see CFG001)")
    registered = ctx.settings.redirect_uri
    target = unregistered_redirect_uri(registered)
    request = build_request(config, replace(ctx.settings, redirect_uri=target))
    if driver is not None:
        # A provider that refuses before its sign-in page (a redirect to an error page, an
        # HTTP error, an error page served as 200) is judged without signing in.
        first = visit(client, request.url, target)
        if not (first.login_error or "").startswith(SIGN_IN_PAGE):
            return UnregisteredRedirectAttempt(target, registered, first, False, ctx.login)
        login = driver.login(client, request)
        return UnregisteredRedirectAttempt(target, registered, login, True, ctx.login)
    baseline = build_request(config, ctx.settings)
    return UnregisteredRedirectAttempt(
        target,
        registered,
        visit(client, request.url, target),
        False,
        visit(client, baseline.url, registered),
    )


def visit(client: httpx2.Client, url: str, redirect_uri: str) -> LoginResult:
    """Follow the authorization URL's redirects without signing in; stop at ``redirect_uri``."""
    pages: list[str] = []
    for _ in range(MAX_REDIRECTS + 1):
        exchange = fetch(client, "GET", url, headers={"Accept": "text/html"})
        pages.append(strip_query(url))
        if exchange.error is not None:
            return LoginResult(
                login_error=f"GET {strip_query(url)} failed: {exchange.error}", pages=tuple(pages)
            )
        location = exchange.headers.get("location", "").strip()
        status = exchange.status or 0
        if status in _REDIRECTS and location:
            target = urljoin(exchange.url, location)
            parts = urlsplit(target)
            params = dict(parse_qsl(parts.query or parts.fragment, keep_blank_values=True))
            if same_endpoint(target, redirect_uri):
                return LoginResult(callback_url=target, callback_params=params, pages=tuple(pages))
            if parts.path.rstrip("/").endswith("/error") and "error" in params:
                error = AuthorizeError(
                    params["error"],
                    params.get("error_description", ""),
                    "error_page",
                    strip_query(target),
                )
                return LoginResult(authorize_error=error, pages=tuple(pages))
            url = target
            continue
        if status >= 400:
            body = exchange.json_object() or {}
            code = body.get("error")
            description = body.get("error_description")
            refused = AuthorizeError(
                code if isinstance(code, str) else f"HTTP {status}",
                description if isinstance(description, str) else "",
                "http",
                strip_query(url),
            )
            return LoginResult(authorize_error=refused, pages=tuple(pages))
        shown = refusal_page(exchange)
        if shown is not None:
            return LoginResult(authorize_error=shown, pages=tuple(pages))
        return LoginResult(
            login_error=f"{SIGN_IN_PAGE} {strip_query(url)} (HTTP {status}) without signing in",
            pages=tuple(pages),
        )
    return LoginResult(
        login_error=f"too many redirects, last at {strip_query(url)}", pages=tuple(pages)
    )
