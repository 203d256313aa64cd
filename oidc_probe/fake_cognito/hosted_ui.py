"""The pool domain's browser endpoints: /oauth2/authorize, /login, /logout and /error."""

from __future__ import annotations

import hmac
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from oidc_probe.fake_cognito import pages
from oidc_probe.fake_cognito.emulator import Emulator, HostedSession, IssuedCode, read_form
from oidc_probe.fake_cognito.faults import Fault
from oidc_probe.fake_cognito.js_page import Renderer
from oidc_probe.fake_cognito.pool import AppClient, User
from oidc_probe.fake_cognito.scopes import ScopeRefusal, granted_scopes
from oidc_probe.fake_cognito.tokens import Grant

CSRF_COOKIE = "XSRF-TOKEN"
# The hosted UI's session cookie. AWS, "Understanding the identity (ID) token"
# (https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-the-id-token.html):
# "When your user signs in with managed login, Amazon Cognito sets session cookies that are
# valid for 1 hour"; the 2023 text says the same of the classic hosted UI. The authorize page
# (prompt): "users must sign in unless their browser has a valid managed login session
# cookie". UNCERTAIN: the cookie's name (no AWS page names it) and whether the session is
# per pool or per app client (the emulator: per pool, since the cookie is the domain's).
SESSION_COOKIE = "cognito"
SESSION_LIFETIME = 3600


@dataclass(frozen=True)
class AuthRequest:
    """A validated authorization request."""

    client: AppClient
    redirect_uri: str
    scopes: tuple[str, ...]
    query: str
    state: str | None = field(default=None, repr=False)
    nonce: str | None = field(default=None, repr=False)
    code_challenge: str | None = field(default=None, repr=False)
    prompt: str | None = None


def with_query(url: str, params: Mapping[str, str | None]) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def _malformed_response(
    faults: frozenset[Fault], redirect_uri: str, params: dict[str, str | None]
) -> str:
    """The callback URL, bent by the authorization-response faults (none: plain query)."""
    if Fault.STATE_CASE_CHANGED in faults and params.get("state"):
        params["state"] = str(params["state"]).swapcase()
    if Fault.CALLBACK_CODE_AND_ERROR in faults:
        params.update(error="server_error", error_description="internal error")
    if Fault.CALLBACK_IN_FRAGMENT in faults:
        return f"{redirect_uri}#{urlencode({k: v for k, v in params.items() if v is not None})}"
    if Fault.CALLBACK_REPEATED_STATE in faults:
        decoy = with_query(redirect_uri, {"state": secrets.token_urlsafe(24)})
        return with_query(decoy, params)
    return with_query(redirect_uri, params)


class HostedUI:
    def __init__(
        self,
        emulator: Emulator,
        render_login: Renderer = pages.login_page,
        *,
        managed_login: bool = False,
    ) -> None:
        self.emu = emulator
        self.render_login = render_login
        self.managed_login = managed_login
        self.consent_pending: dict[str, str] = {}  # the login-consent fault: token -> user

    def _prompts(self, checked: AuthRequest) -> frozenset[str]:
        """The ``prompt`` values that have an effect: ``login`` and ``none``, managed login only.

        AWS authorize page: prompt is "Available in the managed login branding version only,
        not in the classic hosted UI"; "The values none and login have an effect on user
        pool authentication behavior"; values combine space-separated ("login consent").
        ``prompt=login`` forces the sign-in form (a new session cookie after it); ``prompt=none``
        without a session redirects with ``error=login_required``.
        """
        if not self.managed_login or not checked.prompt:
            return frozenset()
        return frozenset(checked.prompt.split()) & {"login", "none"}

    async def authorize(self, request: Request) -> Response:
        checked = self._validate(request)
        if isinstance(checked, Response):
            return checked
        prompts = self._prompts(checked)
        user = self._session_user(request)
        if user is not None and "login" not in prompts:
            return self._issue_code(request, checked, user, signed_in=False)
        if "none" in prompts and user is None:
            return _callback_error(checked, "login_required", None)
        return RedirectResponse(f"/login?{checked.query}", status_code=302)

    async def login(self, request: Request) -> Response:
        checked = self._validate(request)
        if isinstance(checked, Response):
            return checked
        if request.method == "GET":
            return self._login_page(checked)
        form = await read_form(request)
        if form.get("consent_step") and Fault.LOGIN_CONSENT in self.emu.faults:
            return self._consent(request, checked, form)
        csrf = form.get("_csrf", "")
        cookie = request.cookies.get(CSRF_COOKIE, "")
        if (
            not csrf
            or csrf not in self.emu.state.csrf_tokens
            or not hmac.compare_digest(csrf.encode(), cookie.encode())
        ):
            return _error_redirect("invalid_request", "CSRF token missing or invalid")
        username = form.get("username", "")
        password = form.get("password", "")
        user = self.emu.pool.user(username)
        if user is None or not hmac.compare_digest(
            user.password.encode("utf-8"), password.encode("utf-8")
        ):
            return self._login_page(checked, username, pages.INCORRECT_CREDENTIALS)
        self.emu.state.csrf_tokens.discard(csrf)
        stop = self._stop_page(checked, user)
        if stop is not None:
            return stop
        return self._issue_code(request, checked, user, signed_in=True)

    def _stop_page(self, checked: AuthRequest, user: User) -> Response | None:
        """A page that stops the login after a correct password (the login faults)."""
        faults = self.emu.faults
        action = f"/login?{checked.query}"
        if Fault.LOGIN_USER_DISABLED in faults:
            return self._login_page(checked, user.username, pages.USER_DISABLED)
        html = None
        if Fault.LOGIN_NEW_PASSWORD_REQUIRED in faults:
            html = pages.new_password_page(action)
        elif Fault.LOGIN_USER_UNCONFIRMED in faults:
            html = pages.confirm_account_page(action)
        elif Fault.LOGIN_MFA_TOTP in faults:
            html = pages.mfa_page(action)
        elif Fault.LOGIN_CONSENT in faults:
            self.consent_pending[secrets.token_urlsafe(16)] = user.username
            html = pages.consent_page(action)
        elif Fault.LOGIN_ACCOUNT_SELECTION in faults:
            html = pages.account_selection_page(
                [(f"{user.username} (signed in)", "/logout"), ("Use another account", "/logout")]
            )
        if html is None:
            return None
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    def _consent(self, request: Request, checked: AuthRequest, form: dict[str, str]) -> Response:
        """The consent form: approved only with its box ticked, else shown again."""
        if form.get("consent") == "on" and self.consent_pending:
            username = self.consent_pending.pop(next(iter(self.consent_pending)))
            user = self.emu.pool.user(username)
            if user is not None:
                return self._issue_code(request, checked, user, signed_in=True)
        html = pages.consent_page(f"/login?{checked.query}", pages.CONSENT_REQUIRED)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    def _issue_code(
        self, request: Request, checked: AuthRequest, user: User, *, signed_in: bool
    ) -> Response:
        """Redirect to the callback with a code; a sign-in (not a session) starts a session.

        auth_time is the time of the sign-in, so a code issued from the session carries
        the session's auth_time (OpenID Connect Core 2: the time the user authenticated).
        """
        now = self.emu.now()
        session = None if signed_in else self._session(request)
        auth_time = int(now) if session is None else session.auth_time
        adjusted = self.emu.minter.adjust_user(user)
        roles, preferred = self.emu.pool.roles(adjusted.groups)
        grant = Grant(
            client=checked.client,
            user=adjusted,
            scopes=checked.scopes,
            redirect_uri=checked.redirect_uri,
            auth_time=auth_time,
            nonce=checked.nonce,
            code_challenge=checked.code_challenge,
            roles=tuple(roles),
            preferred_role=preferred,
        )
        code = str(uuid.uuid4())
        self.emu.state.codes[code] = IssuedCode(grant=grant, issued_at=now)
        response = RedirectResponse(self._callback_url(request, checked, code), status_code=302)
        if signed_in and Fault.NO_SESSION not in self.emu.faults:
            handle = secrets.token_urlsafe(32)
            self.emu.state.sessions[handle] = HostedSession(
                user.username, auth_time, now + SESSION_LIFETIME
            )
            response.set_cookie(
                SESSION_COOKIE,
                handle,
                max_age=SESSION_LIFETIME,
                path="/",
                httponly=True,
                samesite="lax",
            )
        return response

    def _session(self, request: Request) -> HostedSession | None:
        handle = request.cookies.get(SESSION_COOKIE, "")
        session = self.emu.state.sessions.get(handle) if handle else None
        if session is None or session.expires_at <= self.emu.now():
            return None
        return session

    def _session_user(self, request: Request) -> User | None:
        session = self._session(request)
        return self.emu.pool.user(session.username) if session is not None else None

    async def logout(self, request: Request) -> Response:
        params = request.query_params
        logout_uri = params.get("logout_uri")
        if logout_uri is None:
            response: Response = HTMLResponse(pages.signed_out_page())
        else:
            client = self.emu.pool.client(params.get("client_id"))
            if client is None or logout_uri not in client.logout_urls:
                return _redirect_mismatch(params.get("client_id"))
            response = RedirectResponse(logout_uri, status_code=302)
        self.emu.state.sessions.pop(request.cookies.get(SESSION_COOKIE, ""), None)
        response.delete_cookie(CSRF_COOKIE)
        response.delete_cookie(SESSION_COOKIE)
        return response

    async def error(self, request: Request) -> Response:
        params = request.query_params
        error = params.get("error") or "An unknown error occurred"
        return HTMLResponse(
            pages.error_page(error, params.get("error_description")), status_code=400
        )

    def _callback_url(self, request: Request, checked: AuthRequest, code: str) -> str:
        state = checked.state
        if Fault.STATE_MISMATCH in self.emu.faults:
            state = secrets.token_urlsafe(24)
        params: dict[str, str | None] = {"code": code, "state": state}
        if Fault.WRONG_CALLBACK_ISS in self.emu.faults:
            params["iss"] = f"{self.emu.base_url(request)}/us-east-1_Wrong0Iss"
        elif Fault.CALLBACK_ISS in self.emu.faults:
            params["iss"] = self.emu.issuer(request)
        return _malformed_response(self.emu.faults, checked.redirect_uri, params)

    def _login_page(
        self, checked: AuthRequest, username: str = "", error: str | None = None
    ) -> Response:
        csrf = secrets.token_urlsafe(32)
        self.emu.state.csrf_tokens.add(csrf)
        html = self.render_login(f"/login?{checked.query}", csrf, username, error)
        response = HTMLResponse(html, headers={"Cache-Control": "no-store"})
        response.set_cookie(CSRF_COOKIE, csrf, path="/", httponly=True, samesite="lax")
        return response

    def _validate(self, request: Request) -> AuthRequest | Response:
        """Cognito's checks, in order: client and redirect URI first (never redirected back)."""
        params = request.query_params
        client = self.emu.pool.client(params.get("client_id"))
        redirect_uri = params.get("redirect_uri")
        registered = client is not None and redirect_uri in client.callback_urls
        if not registered and not (Fault.OPEN_REDIRECT in self.emu.faults and redirect_uri):
            return _redirect_mismatch(params.get("client_id"))
        assert redirect_uri is not None
        state = params.get("state")

        def fail(error: str, description: str) -> Response:
            target = with_query(
                redirect_uri, {"error": error, "error_description": description, "state": state}
            )
            return RedirectResponse(target, status_code=302)

        if client is None:
            return fail("invalid_request", "invalid client_id")
        response_type = params.get("response_type")
        if response_type not in ("code", "token"):
            return fail("invalid_request", "response_type must be code or token")
        flow = "code" if response_type == "code" else "implicit"
        if flow not in client.allowed_flows:
            return fail("unauthorized_client", f"{flow} grant is not enabled for this client")
        if flow == "implicit":
            return fail("invalid_request", "the emulator implements the code flow only")
        requested = tuple(params.get("scope", "").split()) or client.allowed_scopes
        scopes = granted_scopes(client, requested, self.emu.faults)
        if isinstance(scopes, ScopeRefusal):
            if scopes.error_page:
                return RedirectResponse(
                    with_query("/error", {"error": "invalid_scope", "client_id": client.client_id}),
                    status_code=302,
                )
            if scopes.as_invalid_request:
                return fail("invalid_request", "invalid_scope")
            return RedirectResponse(
                with_query(redirect_uri, {"error": "invalid_scope", "state": state}),
                status_code=302,
            )
        challenge = params.get("code_challenge")
        method = params.get("code_challenge_method")
        if (challenge is not None or method is not None) and method != "S256":
            return fail("invalid_request", "code_challenge_method must be S256")
        if method is not None and not challenge:
            return fail("invalid_request", "code_challenge is required with code_challenge_method")
        return AuthRequest(
            client=client,
            redirect_uri=redirect_uri,
            scopes=scopes,
            query=request.url.query,
            state=state,
            nonce=params.get("nonce"),
            code_challenge=challenge,
            prompt=params.get("prompt"),
        )


def _redirect_mismatch(client_id: str | None) -> Response:
    return RedirectResponse(
        with_query("/error", {"error": "redirect_mismatch", "client_id": client_id or ""}),
        status_code=302,
    )


def _callback_error(checked: AuthRequest, error: str, description: str | None) -> Response:
    target = with_query(
        checked.redirect_uri,
        {"error": error, "error_description": description, "state": checked.state},
    )
    return RedirectResponse(target, status_code=302)


def _error_redirect(error: str, description: str) -> Response:
    return RedirectResponse(
        with_query("/error", {"error": error, "error_description": description}), status_code=302
    )
