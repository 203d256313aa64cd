"""Checks of the authorization request, the login and the callback."""

from __future__ import annotations

import hmac
from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

from oidc_probe.checks import hints
from oidc_probe.checks._support import is_cognito, not_run, redact, without_query
from oidc_probe.checks.needs import Need, need
from oidc_probe.checks.registry import check
from oidc_probe.core.context import AuthorizeError, LoginResult, RunContext
from oidc_probe.core.model import Outcome, Stage, failed, info, passed, skipped
from oidc_probe.core.settings import LoginMode

# Said once (AUT002, INFO) on every --login initiate-auth run.
INITIATE_AUTH_DIFFERENCE = (
    "these tokens come from Cognito's InitiateAuth API, not from the authorization-code "
    "flow Access uses: the login pages, the redirect URI, state, nonce and the token "
    "endpoint were not exercised, the claims are not filtered by the OAuth scopes Access "
    "requests, and a pre token generation Lambda sees trigger source "
    "TokenGeneration_Authentication instead of TokenGeneration_HostedAuth"
)


# error code -> (generic hint, Cognito addition)
_AUTHORIZE_HINTS = {
    "invalid_scope": (hints.INVALID_SCOPE, hints.INVALID_SCOPE_COGNITO),
    "unauthorized_client": (hints.UNAUTHORIZED_CLIENT, hints.UNAUTHORIZED_CLIENT_COGNITO),
    "invalid_request": (hints.INVALID_REQUEST_AUTHORIZE, ""),
    "unsupported_response_type": (
        hints.UNSUPPORTED_RESPONSE_TYPE,
        hints.UNAUTHORIZED_CLIENT_COGNITO,
    ),
    "server_error": (hints.SERVER_ERROR_AUTHORIZE, hints.SERVER_ERROR_COGNITO),
    "temporarily_unavailable": (hints.SERVER_ERROR_AUTHORIZE, ""),
    "access_denied": (hints.ACCESS_DENIED, ""),
    "redirect_mismatch": ("", hints.REDIRECT_MISMATCH_COGNITO),
}


_NO_REDIRECT = "initiate-auth has no authorization request and no callback"


def _login(ctx: RunContext) -> LoginResult | str:
    if ctx.login is None:
        return not_run(ctx, "authorize", "the authorization and login step did not run")
    return ctx.login


# The result of the authorization request and login.
LOGIN: Need[LoginResult] = need("login", _login)


def _redirect_uri(ctx: RunContext) -> str:
    if ctx.authorization is not None:
        return ctx.authorization.redirect_uri
    return ctx.settings.redirect_uri


def _error_from(login: LoginResult) -> AuthorizeError | None:
    if login.authorize_error is not None:
        return login.authorize_error
    params = login.callback_params
    if params is not None and params.get("error"):
        return AuthorizeError(params["error"], params.get("error_description", ""), "redirect")
    return None


def _authorize_hint(ctx: RunContext, error: AuthorizeError) -> str:
    cognito = is_cognito(ctx)
    if error.via == "http":
        # Glewlwyd answers an unregistered redirect URI with HTTP 403 and no body.
        generic = (
            f"{hints.AUTHORIZE_HTTP_ERROR}; a provider may answer so for a redirect URI it "
            f"does not have registered: {hints.redirect_mismatch(_redirect_uri(ctx))}"
        )
        return hints.with_cognito(generic, hints.AUTHORIZE_HTTP_ERROR_COGNITO, cognito)
    if error.error == "redirect_mismatch" or "redirect" in error.description.lower():
        generic = hints.redirect_mismatch(_redirect_uri(ctx))
        return hints.with_cognito(generic, hints.REDIRECT_MISMATCH_COGNITO, cognito)
    if error.via == "page":
        return (
            "the provider showed an error page instead of redirecting back, as providers "
            "do for a redirect URI they do not have registered (RFC 6749 4.1.2.1); "
            + hints.redirect_mismatch(_redirect_uri(ctx))
        )
    code = error.error
    if code == "invalid_request" and error.description.strip().lower() == "invalid_scope":
        code = "invalid_scope"  # how Cognito is reported to refuse a scope (see the hint)
    generic, extra = _AUTHORIZE_HINTS.get(
        code,
        (f"the provider refused the request with {error.error}; see its description", ""),
    )
    if code == "invalid_scope":
        generic = f"{generic} (configured scopes: {' '.join(ctx.config.scopes) or 'none'})"
    return hints.with_cognito(generic, extra, cognito)


@check(
    "AUT001",
    "authorize-accepted",
    Stage.AUTHORIZE,
    refs=(
        "RFC6749-4.1.2.1",
        "OIDCC-3.1.2.6",
        "COGNITO-authorize-endpoint",
        "COGNITO-error-endpoint",
    ),
    needs=(LOGIN,),
    not_for={LoginMode.INITIATE_AUTH: f"{_NO_REDIRECT}, so nothing to accept or refuse"},
)
def authorize_accepted(ctx: RunContext, login: LoginResult) -> Iterator[Outcome]:
    """The provider accepts the authorization request: no error page and no error redirect.

    What it checks: the authorization URL, built as Access builds it, leads to a login
    page or back to the redirect URI with a code, not to an error. Cognito's own
    ``/error?error=redirect_mismatch`` page is recognised, and so is an error page served
    with HTTP 200 instead of a redirect (LemonLDAP::NG's "Unauthorized URL"). A request that got no answer
    (TLS verification, DNS, a refused connection, a timeout) fails: the provider never
    said whether it accepts it.

    Why it matters: Access sends the same request; an error here is the error users
    see when they try to log in.

    How to fix: follow the hint for the error. The most common one with Cognito is
    redirect_mismatch: add the exact redirect URI to the app client's Allowed
    callback URLs (for Access: ``https://<team>.cloudflareaccess.com/cdn-cgi/access/callback``;
    for the probe: ``http://localhost:8765/callback``). invalid_scope means a scope is
    not allowed on the app client; unauthorized_client means the authorization code
    grant is not enabled.

    References: RFC 6749 section 4.1.2.1; OpenID Connect Core 3.1.2.6; Cognito's
    authorize and error endpoints.
    """
    error = _error_from(login)
    if error is not None:
        description = redact(error.description, ctx)
        where = {
            "error_page": "the provider's error page",
            "http": "an HTTP error from the authorization endpoint",
            "page": "an error page served as HTTP 200",
        }.get(error.via, "an error redirect")
        detail = f" ({description})" if description else ""
        if (login.callback_params or {}).get("code"):
            detail += "; a code came with the error (see AUT006)"
        yield failed(
            f"authorization refused with {where}: {error.error}{detail}",
            hint=_authorize_hint(ctx, error),
            expected="a login page or a redirect with a code",
            actual={
                "error": error.error,
                "error_description": description,
                "via": error.via,
                "url": without_query(error.url) if error.url else "",
            },
        )
        return
    if login.authorize_unanswered is not None:
        reason = redact(login.authorize_unanswered, ctx)
        yield failed(
            f"the authorization request got no answer: {reason}",
            hint=hints.AUTHORIZE_UNANSWERED,
            expected="a login page or a redirect with a code",
            actual=reason,
        )
        return
    if login.callback_params is not None:
        yield passed("the provider accepted the authorization request and redirected back")
    elif login.login_error is not None or login.needs_javascript:
        yield passed("the provider accepted the authorization request and showed its login page")
    else:
        yield skipped("the login step reported no result")


@check(
    "AUT002",
    "login-completed",
    Stage.AUTHORIZE,
    refs=("RFC6749-4.1.2", "COGNITO-hosted-ui"),
    needs=(LOGIN,),
)
def login_completed(ctx: RunContext, login: LoginResult) -> Iterator[Outcome]:
    """The login completed: the provider redirected to the redirect URI with an authorization code.

    Why it matters: without a code there is nothing to exchange for the ID token
    Access needs.
    A failure here is usually the test user's problem (wrong password, an
    unconfirmed user, a required password change or MFA), or a login page the
    chosen login mode cannot drive.

    A page that stops the login after the password is named, with what to do: a
    forced password change (Cognito's NEW_PASSWORD_REQUIRED), a disabled or
    unconfirmed user, a multi-factor (TOTP, SMS, email code) prompt, a consent page
    the login could not approve, an account-selection page (form and headless-browser
    modes; initiate-auth names Cognito's challenges). Pages in other languages keep the
    generic message.

    How to fix: check the username and password (``--username``, the password in
    ``OIDC_PROBE_PASSWORD`` or ``--password-env``/``--password-stdin``) and the user's
    status in Cognito. When the page needs JavaScript (Cognito's managed login), use
    a browser-based login mode, or ``--login initiate-auth`` (Cognito's API; its
    challenges such as NEW_PASSWORD_REQUIRED or MFA and its errors fail here too).

    References: RFC 6749 section 4.1.2; Cognito's hosted UI.
    """
    if _error_from(login) is not None:
        yield skipped("the authorization request was refused (see AUT001)")
        return
    cognito = is_cognito(ctx)
    if login.needs_javascript:
        yield failed(
            "the login page needs JavaScript, which the form login cannot run",
            hint=hints.with_cognito(
                hints.NEEDS_JAVASCRIPT, hints.NEEDS_JAVASCRIPT_COGNITO, cognito
            ),
            actual=redact(login.login_error, ctx) if login.login_error else None,
        )
        return
    if login.login_error is not None:
        text = redact(login.login_error, ctx)
        api = ctx.settings.login is LoginMode.INITIATE_AUTH
        yield failed(
            text
            if text.lower().startswith(("login failed", "login stopped"))
            else f"login failed: {text}",
            hint=login.hint
            or hints.with_cognito(hints.LOGIN_FAILED, hints.LOGIN_FAILED_COGNITO, cognito),
            expected="tokens" if api else "a redirect to the redirect URI with a code",
            actual=text,
        )
        return
    if login.token_fetch is not None:
        yield passed("the login completed: Cognito's InitiateAuth API returned tokens")
        yield info(INITIATE_AUTH_DIFFERENCE)
        return
    params = login.callback_params
    if params is None:
        yield skipped("the login step reported no result")
        return
    if not params.get("code"):
        yield failed(
            "the callback was reached without an authorization code",
            hint="the provider must return code on the redirect URI (response_type=code)",
            expected="code",
            actual=sorted(params),
        )
        return
    yield passed("the login completed and the callback carried a code")


@check(
    "AUT003",
    "state-echoed",
    Stage.AUTHORIZE,
    refs=("RFC6749-4.1.2", "RFC6749-10.12", "OIDCC-3.1.2.5"),
    needs=(LOGIN,),
    not_for={LoginMode.INITIATE_AUTH: f"{_NO_REDIRECT}, so no state to echo"},
)
def state_echoed(ctx: RunContext, login: LoginResult) -> Iterator[Outcome]:
    """The callback's ``state`` equals the state sent in the authorization request.

    Why it matters: state binds the callback to the login that started it (CSRF
    protection). A relying party rejects a callback whose state it did not issue (that
    Access does is an ASSUMPTION: Cloudflare does not document its callback checks).

    How to fix: the provider must return state unchanged; look for a proxy, a
    rewrite rule or a customisation that alters the redirect.

    References: RFC 6749 sections 4.1.2 and 10.12; OpenID Connect Core 3.1.2.5.
    """
    if ctx.authorization is None:
        yield skipped("no authorization request was built")
        return
    params = login.callback_params
    if params is None or _error_from(login) is not None:
        yield skipped("the callback was not reached (see AUT001, AUT002)")
        return
    sent = ctx.authorization.state
    returned = params.get("state")
    if returned is None:
        yield failed(
            "the callback carried no state",
            hint=hints.STATE_MISMATCH,
            expected={"length": len(sent)},
            actual="missing",
        )
        return
    if not hmac.compare_digest(returned.encode(), sent.encode()):
        yield failed(
            "the callback's state differs from the state sent" + _how_state_differs(returned, sent),
            hint=hints.STATE_MISMATCH,
            expected={"length": len(sent)},
            actual={"length": len(returned)},
        )
        return
    yield passed("the callback's state matches the state sent")


def _how_state_differs(returned: str, sent: str) -> str:
    """A clause naming a near miss (case, whitespace), which says nothing of the value itself."""
    if returned.strip() == sent:
        return " only by surrounding whitespace: state is compared exactly"
    if returned.lower() == sent.lower():
        return " only in letter case: state is compared exactly, case-sensitively"
    return ""


@check(
    "AUT004",
    "callback-iss-matches",
    Stage.AUTHORIZE,
    refs=("RFC9207-2.4", "RFC9207-3"),
    needs=(LOGIN,),
    not_for={LoginMode.INITIATE_AUTH: f"{_NO_REDIRECT}, so no iss parameter"},
)
def callback_iss_matches(ctx: RunContext, login: LoginResult) -> Iterator[Outcome]:
    """The callback's ``iss`` parameter, when present, equals the issuer (RFC 9207).

    What it checks: a present ``iss`` equals the issuer, on a success and on an error
    redirect alike; an absent one is information only, unless the discovery document
    sets ``authorization_response_iss_parameter_supported``, which promises it. After a
    mismatch the probe does not redeem the code (RFC 9207 2.4).

    Why it matters: ``iss`` on the callback defends a relying party such as Access
    against mix-up attacks between providers. A wrong value means the callback came
    from, or claims to come from, another issuer.

    How to fix: make the provider send its own issuer identifier. Cognito does not
    send ``iss`` on the callback, which is allowed.

    References: RFC 9207 sections 2.4 and 3.
    """
    params = login.callback_params
    if params is None:  # an error redirect has params and is judged too (RFC 9207 2)
        yield skipped("the callback was not reached (see AUT001, AUT002)")
        return
    issuer = ctx.issuer.issuer
    iss = params.get("iss")
    if iss is None:
        promised = ctx.discovery is not None and (
            ctx.discovery.get("authorization_response_iss_parameter_supported") is True
        )
        if promised:
            yield failed(
                "the callback has no iss although the provider advertises "
                "authorization_response_iss_parameter_supported",
                hint=hints.CALLBACK_ISS_MISMATCH,
                expected=issuer,
                actual="missing",
            )
        else:
            yield info("the callback has no iss parameter (optional, RFC 9207)")
        return
    if not ctx.issuer.established:
        yield skipped(f"the callback's iss cannot be judged: {ctx.issuer.unconfirmed_reason()}")
        return
    if iss != issuer:
        yield failed(
            "the callback's iss differs from the issuer",
            hint=hints.CALLBACK_ISS_MISMATCH,
            expected=issuer,
            actual=iss,
        )
        return
    yield passed("the callback's iss equals the issuer", actual=iss)


def _response_problems(url: str) -> list[str]:
    """What is wrong with the shape of an authorization response URL (RFC 6749 3.1, 4.1.2)."""
    parts = urlsplit(url)
    problems = []
    query = parse_qsl(parts.query, keep_blank_values=True)
    fragment = parse_qsl(parts.fragment, keep_blank_values=True)
    pairs = query or fragment
    if not query and fragment:
        problems.append(
            "the response parameters came in the fragment (#...), not the query: the "
            "authorization-code flow answers in the query (response_mode query)"
        )
    repeated = sorted(name for name, count in Counter(n for n, _ in pairs).items() if count > 1)
    if repeated:
        problems.append(
            f"parameter(s) {', '.join(repeated)} appear more than once; RFC 6749 3.1 allows "
            "each once (the probe used the last value, others may take the first)"
        )
    names = {name for name, _ in pairs}
    if "code" in names and "error" in names:
        problems.append(
            "the callback carries both code and error: a response is either a success or an "
            "error, never both"
        )
    return problems


@check(
    "AUT006",
    "callback-response-well-formed",
    Stage.AUTHORIZE,
    refs=("RFC6749-3.1", "RFC6749-4.1.2", "RFC6749-4.1.2.1", "OIDCC-3.1.2.7"),
    needs=(LOGIN,),
)
def callback_response_well_formed(ctx: RunContext, login: LoginResult) -> Iterator[Outcome]:
    """The authorization response is well formed: in the query, each parameter once, code or error.

    What it checks: the redirect back to the redirect URI carries its parameters in
    the query string (not the fragment), no parameter more than once, and either
    ``code`` or ``error``, not both.

    Why it matters: a relying party must validate the authorization response (OIDC
    Core 3.1.2.7). Repeated parameters are read differently by different parsers (one
    takes the first ``state``, another the last), which is how state and code
    injection hide; a response carrying both a code and an error is ambiguous; a
    fragment never reaches a server-side relying party such as Access, so the login
    fails there while a browser-based client would carry on.

    Access: Access reads the query of its callback; a response in the fragment does
    not reach it (stricter in effect). How Access treats repeated parameters or a code
    with an error is unknown; the spec's verdict is kept.

    How to fix: the identity provider must redirect to
    ``<redirect_uri>?code=...&state=...`` (or ``?error=...&state=...``), each once.
    Cognito does; anything else points at a proxy or a rewrite rule on the redirect.

    References: RFC 6749 sections 3.1, 4.1.2 and 4.1.2.1; OpenID Connect Core 1.0
    section 3.1.2.7.
    """
    if login.callback_params is None:
        yield skipped("the callback was not reached (see AUT001, AUT002)")
        return
    if login.callback_url is None:
        yield skipped("the login driver did not keep the callback URL to inspect")
        return
    problems = _response_problems(login.callback_url)
    if problems:
        yield failed(
            "the authorization response is malformed: " + "; ".join(problems),
            hint=(
                "the provider must redirect to the redirect URI with its parameters in the "
                "query, each once, and either code or error; look for a proxy or rewrite "
                "rule that alters the redirect"
            ),
            expected="?code=...&state=... (each once, in the query)",
            actual=problems,
        )
        return
    yield passed("the authorization response is in the query, with each parameter once")
