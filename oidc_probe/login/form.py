"""Headless form login: follow the IdP's pages like a browser without JavaScript would.

From the authorization URL the driver follows redirects itself (at most
:data:`~oidc_probe.plumbing.http.MAX_REDIRECTS` in a row), keeps cookies in the shared
client's jar, fills the sign-in form (hidden fields kept), passes consent
pages, and stops at the first redirect to the redirect URI without requesting it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import httpx2

from oidc_probe.core.context import AuthorizationRequest, AuthorizeError, HttpExchange, LoginResult
from oidc_probe.login.callback import callback_result
from oidc_probe.plumbing.http import MAX_BODY_BYTES, MAX_REDIRECTS, fetch, strip_query
from oidc_probe.plumbing.urls import origin, refuse_cleartext, same_endpoint, without_secrets

if TYPE_CHECKING:
    from oidc_probe.login.html_forms import HtmlForm, ParsedPage

MAX_CONSENT_PAGES = 3
COGNITO_FORM_NAME = "cognitoSignInForm"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"
_FORM_TYPE = "application/x-www-form-urlencoded"
JAVASCRIPT_HINT = (
    "the login page renders its form with JavaScript, which the form login cannot run; "
    "use a login mode that drives a real browser"
)

# AUT002's hint when the sign-in pages could not be reached: the network, not the password.
TRANSPORT_HINT = (
    "the sign-in page could not be reached, so the password was never tried: check that "
    "auth_url is right and reachable from this machine (DNS, proxy, firewall); for a "
    "private CA pass --ca-bundle PATH; on a slow network raise --timeout"
)


@dataclass(frozen=True)
class FormLogin:
    """Signs in through the IdP's HTML forms with a user name and password."""

    username: str
    password: str = field(repr=False)
    max_redirects: int = MAX_REDIRECTS
    max_consent_pages: int = MAX_CONSENT_PAGES

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        return _Session(self, client, request).run()


def _query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def _looks_html(exchange: HttpExchange) -> bool:
    if exchange.content_type in ("text/html", "application/xhtml+xml"):
        return True
    head = exchange.text.lstrip()[:512].lower()
    return head.startswith(("<!doctype html", "<html")) or "<form" in head


def choose_login_form(forms: tuple[HtmlForm, ...]) -> HtmlForm | None:
    """The sign-in form: one with a password field, visible first, Cognito's by name first."""
    candidates = [f for f in forms if f.password_field is not None]
    if not candidates:
        return None
    return min(
        candidates, key=lambda f: (f.hidden, f.name != COGNITO_FORM_NAME, candidates.index(f))
    )


def _identifier_form(forms: tuple[HtmlForm, ...]) -> HtmlForm | None:
    """A first step of an identifier-first login: only a user-name field to fill."""
    for form in forms:
        from oidc_probe.login.html_forms import USERNAME_NAMES

        inputs = form.visible_inputs
        names = {n.lower() for n in USERNAME_NAMES}
        if not form.hidden and len(inputs) == 1 and inputs[0].name.lower() in names:
            return form
    return None


class _Session:
    def __init__(self, driver: FormLogin, client: httpx2.Client, request: AuthorizationRequest):
        self.driver = driver
        self.client = client
        self.request = request
        self.pages: list[str] = []
        self.submitted = False
        self.password_sent = False
        self.password_origins: set[tuple[str, str, int | None]] = set()
        self.username_sent = False
        self.consents = 0

    def run(self) -> LoginResult:
        step = self._navigate("GET", self.request.url)
        while isinstance(step, HttpExchange):
            step = self._on_page(step)
        return step

    def _result(
        self,
        *,
        callback_url: str | None = None,
        callback_params: dict[str, str] | None = None,
        authorize_error: AuthorizeError | None = None,
        login_error: str | None = None,
        needs_javascript: bool = False,
    ) -> LoginResult:
        return LoginResult(
            callback_url=callback_url,
            callback_params=callback_params,
            authorize_error=authorize_error,
            login_error=login_error,
            needs_javascript=needs_javascript,
            pages=tuple(self.pages),
        )

    def _fail(self, message: str, *, hint: str = "") -> LoginResult:
        if self.driver.password:
            message = message.replace(self.driver.password, "***")
        return replace(self._result(login_error=message), hint=hint)

    def _stopped(
        self, exchange: HttpExchange, html: ParsedPage, otherwise: str, detail: str = ""
    ) -> LoginResult:
        """After the password: the page named (a password change, MFA...) or ``otherwise``."""
        from oidc_probe.login.stop_pages import classify, describe

        page = classify(exchange.text) if self.password_sent else None
        if page is None:
            return self._fail(otherwise)
        message = describe(page, strip_query(exchange.url) + detail, _shown(html))
        return self._fail(message, hint=page.hint)

    def _navigate(
        self, method: str, url: str, content: str | None = None
    ) -> HttpExchange | LoginResult:
        for _ in range(self.driver.max_redirects + 1):
            headers = {"Accept": _HTML_ACCEPT}
            if content is not None:
                headers["Content-Type"] = _FORM_TYPE
            exchange = fetch(
                self.client,
                method,
                url,
                headers=headers,
                content=content,
                text_limit=MAX_BODY_BYTES,
            )
            self.pages.append(strip_query(url))
            if exchange.error is not None:
                failed = self._fail(
                    f"{method} {strip_query(url)} failed: {exchange.error}", hint=TRANSPORT_HINT
                )
                if len(self.pages) == 1:  # the authorization request itself
                    failed = replace(failed, authorize_unanswered=exchange.error)
                return failed
            location = exchange.headers.get("location", "").strip()
            if exchange.status not in _REDIRECT_STATUSES or not location:
                return exchange
            target = urljoin(exchange.url, location)
            if same_endpoint(target, self.request.redirect_uri):
                return self._callback(target)
            params = _query(target)
            if urlsplit(target).path.rstrip("/").endswith("/error") and "error" in params:
                return self._error_page(target, params)
            if exchange.status not in (307, 308):
                method, content = "GET", None
            elif content is not None and self.password_sent:
                refused = self._password_refused(target)
                if refused is not None:
                    return self._fail(refused)
            url = target
        return self._fail(
            f"too many redirects (more than {self.driver.max_redirects} in a row), "
            f"last at {strip_query(url)}"
        )

    def _callback(self, url: str) -> LoginResult:
        return replace(callback_result(url), pages=tuple(self.pages))

    def _error_page(self, url: str, params: dict[str, str]) -> LoginResult:
        error = AuthorizeError(
            error=params.get("error", ""),
            description=params.get("error_description", ""),
            via="error_page",
            url=url,
        )
        return self._result(authorize_error=error)

    def _on_page(self, exchange: HttpExchange) -> HttpExchange | LoginResult:
        # The page readers are imported with the first page, not before the first request
        # (run.pipeline.LATE_MODULES imports them while it is in flight).
        from oidc_probe.login.html_forms import parse_page
        from oidc_probe.login.refusal import refusal_page
        from oidc_probe.login.stop_pages import classify, describe

        status = exchange.status or 0
        url = strip_query(exchange.url)
        html = parse_page(exchange.text) if _looks_html(exchange) else None
        if status >= 400:
            return self._http_error(exchange, html)
        if not 200 <= status < 300:
            return self._fail(f"unexpected HTTP {status} from {url} (a redirect without Location?)")
        if html is None:
            if "error" in _query(exchange.url):
                return self._error_page(exchange.url, _query(exchange.url))
            kind = exchange.content_type or "no content type"
            return self._fail(f"expected an HTML sign-in page at {url}, got {kind} (HTTP {status})")
        login_form = choose_login_form(html.forms)
        if login_form is not None:
            return self._sign_in(exchange, login_form, html)
        identifier = _identifier_form(html.forms)
        if identifier is not None:
            return self._identify(exchange.url, identifier, html)
        if html.forms:
            return self._consent(exchange, html)
        if "error" in _query(exchange.url):
            return self._error_page(exchange.url, _query(exchange.url))
        page = classify(exchange.text) if self.password_sent else None
        if page is not None:
            return self._fail(describe(page, url, _shown(html)), hint=page.hint)
        # After the password, a page that refuses (LemonLDAP::NG checks the redirect URI
        # once the user has signed in: its "Unauthorized URL" page, served as HTTP 200).
        refused = refusal_page(exchange) if self.password_sent else None
        if refused is not None:
            return self._result(authorize_error=refused)
        if html.has_script:
            return self._result(needs_javascript=True, login_error=f"{JAVASCRIPT_HINT} ({url})")
        return self._fail(f"no sign-in form found at {url}{_shown(html)}")

    def _http_error(self, exchange: HttpExchange, html: ParsedPage | None) -> LoginResult:
        url = strip_query(exchange.url)
        body = exchange.json_object() or {}
        shown = html.error_texts[0] if html and html.error_texts else (html.title if html else "")
        if not self.submitted:
            error = body.get("error")
            description = body.get("error_description")
            return self._result(
                authorize_error=AuthorizeError(
                    error=error if isinstance(error, str) else f"HTTP {exchange.status}",
                    description=description if isinstance(description, str) else shown,
                    via="http",
                    url=url,
                )
            )
        return self._fail(f"{exchange.method} {url} -> HTTP {exchange.status}{_shown(html)}")

    def _sign_in(
        self, exchange: HttpExchange, form: HtmlForm, html: ParsedPage
    ) -> HttpExchange | LoginResult:
        page_url = exchange.url
        if self.password_sent:
            return self._stopped(
                exchange,
                html,
                "login failed: the sign-in form came back after submitting the credentials"
                + (
                    f": {'; '.join(html.error_texts)}"
                    if html.error_texts
                    else " (no message shown)"
                ),
            )
        password = form.password_field
        assert password is not None
        values = {password.name: self.driver.password}
        username = form.username_field()
        if username is not None:
            values[username.name] = self.driver.username
        elif not self.username_sent:
            return self._fail(f"the sign-in form at {strip_query(page_url)} has no user-name field")
        self.password_origins = {origin(self.request.url), origin(page_url)}
        refused = self._password_refused(
            urljoin(page_url, form.action) if form.action else page_url
        )
        if refused is not None:
            return self._fail(refused)
        self.password_sent = True
        return self._submit(page_url, form, values)

    def _password_refused(self, target: str) -> str | None:
        """Why the password may not be sent to ``target``, or ``None`` when it may.

        Only to the origin of ``auth_url`` or of the sign-in page the login was sent to;
        over plain http to a host that is not loopback the run stops (exit 2).
        """
        if origin(target) not in self.password_origins:
            return (
                f"the sign-in form would send the password to {without_secrets(target)}, "
                "which is neither the origin of auth_url nor of the sign-in page; not sent"
            )
        refuse_cleartext(target, "the password (form login)")
        return None

    def _identify(
        self, page_url: str, form: HtmlForm, html: ParsedPage
    ) -> HttpExchange | LoginResult:
        if self.username_sent:
            return self._fail(f"login failed: the user name was not accepted{_shown(html)}")
        username = form.username_field()
        assert username is not None
        self.username_sent = True
        return self._submit(page_url, form, {username.name: self.driver.username})

    def _consent(self, exchange: HttpExchange, html: ParsedPage) -> HttpExchange | LoginResult:
        page_url = exchange.url
        form = next((f for f in html.forms if not f.hidden), html.forms[0])
        url = strip_query(page_url)
        if form.visible_inputs:
            names = ", ".join(f.name for f in form.visible_inputs)
            return self._stopped(
                exchange,
                html,
                f"the page at {url} asks for more than a user name and password (fields: {names}); "
                "the form login cannot fill it (multi-factor or a password change?)" + _shown(html),
                detail=f"; fields: {names}",
            )
        self.consents += 1
        if self.consents > self.driver.max_consent_pages:
            return self._stopped(
                exchange,
                html,
                f"more than {self.driver.max_consent_pages} consent pages in a row, last at {url}",
            )
        return self._submit(page_url, form, {})

    def _submit(
        self, page_url: str, form: HtmlForm, values: dict[str, str]
    ) -> HttpExchange | LoginResult:
        self.submitted = True
        action = urljoin(page_url, form.action) if form.action else page_url
        body = urlencode(form.submission(values))
        if form.method == "post":
            return self._navigate("POST", action, body)
        parts = urlsplit(action)
        return self._navigate("GET", urlunsplit((*parts[:3], body, "")))


def _shown(html: ParsedPage | None) -> str:
    """``": <error text the page shows>"`` or nothing."""
    if html is None or not html.error_texts:
        return ""
    return ": " + "; ".join(html.error_texts)
