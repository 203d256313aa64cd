"""``--login headless-browser``: sign in through headless Chromium driven by Playwright.

For login pages that need JavaScript (Cognito's managed login). Playwright is an
optional extra (``oidc-probe[browser]``) and never downloads a browser: it
launches an installed Chromium (``--browser-path``, default ``/usr/bin/chromium``
or ``chromium`` on PATH) with a fresh profile. The redirect to the redirect URI
is intercepted in the browser (Chrome DevTools ``Fetch`` domain, which also sees
redirect hops) and answered locally, so the callback is never loaded.
"""

from __future__ import annotations

import base64
import contextlib
import importlib.util
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx2

from oidc_probe.core.context import AuthorizationRequest, AuthorizeError, LoginResult
from oidc_probe.core.errors import UsageError
from oidc_probe.login.callback import callback_result, error_page_result
from oidc_probe.login.html_forms import USERNAME_NAMES
from oidc_probe.login.stop_pages import StopPage, classify, describe
from oidc_probe.plumbing.http import strip_query
from oidc_probe.plumbing.urls import same_endpoint

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserType, CDPSession, Locator, Page

INSTALL_HINT = "pip install 'oidc-probe[browser]'"
DEFAULT_BROWSER_PATHS = ("/usr/bin/chromium",)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Headless and quiet: no GPU, no QUIC, no background traffic, no sync. The sandbox stays
# on (Playwright's chromium_sandbox) unless Chromium cannot run with it (see _launch).
CHROMIUM_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
POLL_MS = 100
# A login-stopping page must stay on screen this long before the login gives up on it
# (a page in transit after the password may briefly show such words).
STOP_PAGE_SETTLE_S = 1.0
_TEXT_TYPES = ("text", "email", "tel")
_ERROR_SELECTOR = "[role=alert]:visible, [id*=error i]:visible, [class*=error i]:visible"
_CAPTURED_PAGE = b"<!DOCTYPE html><title>oidc-probe</title><p>Callback captured by oidc-probe.</p>"
# After the password: pages that need one more click (consent, "Continue", account choice).
MAX_CONTINUES = 5  # clicks at most, on as many pages
SETTLE_S = 0.7  # a page must have had this long since the last click before the next
STUCK_AFTER_CLICK_S = 5.0  # after a click to continue, this long with nothing to click ends it
_CONTINUE_LABEL = re.compile(
    r"^\s*(continue|allow|accept|authori[sz]e|approve|yes|confirm|consent|grant|agree|"
    r"proceed|next|ok)\b",
    re.IGNORECASE,
)
_REFUSE_LABEL = re.compile(
    r"\b(deny|cancel|decline|reject|no|abort|sign ?out|log ?out|back|forgot)\b", re.IGNORECASE
)
_CLICKABLE = (
    "button:visible, input[type=submit]:visible, input[type=button]:visible, "
    "[role=button]:visible, a:visible"
)
_CONTINUE_HINT = (
    "the provider showed a page after the password that the probe could not continue past "
    "(a consent page, an MFA step or a notice): sign in once with --login browser to see it, "
    "and grant consent for the client at the provider or let the user skip the step"
)


def require_playwright() -> None:
    """Raise a one-line :class:`UsageError` when the optional Playwright extra is missing."""
    if importlib.util.find_spec("playwright") is None:
        raise UsageError(f"--login headless-browser needs Playwright: {INSTALL_HINT}")


def find_browser(path: str | None) -> str:
    """The Chromium to launch: ``--browser-path``, else a well-known install. Never downloads."""
    if path is not None:
        candidate = Path(path)
        if not candidate.is_file() or not os.access(candidate, os.X_OK):
            raise UsageError(f"--browser-path {path}: no executable file there")
        return str(candidate)
    for default in DEFAULT_BROWSER_PATHS:
        if os.access(default, os.X_OK):
            return default
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found is not None:
            return found
    raise UsageError(
        "--login headless-browser needs Chromium: install it (Debian/Ubuntu: "
        "apt-get install chromium) or pass --browser-path PATH"
    )


@dataclass(frozen=True)
class HeadlessBrowserLogin:
    """Fills the user name and password in headless Chromium and captures the callback.

    ``timeout`` bounds the whole login (seconds).
    """

    username: str
    password: str = field(repr=False)
    browser_path: str
    timeout: float = 60.0
    say: Callable[[str], None] | None = field(default=None, repr=False, compare=False)

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        from playwright.sync_api import Error, sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = self._launch(playwright.chromium, Error)
                session: _Session | None = None
                try:
                    session = _Session(self, browser, request)
                    return session.run()
                finally:
                    _shut_down(session, browser)
        except Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            return LoginResult(login_error=self._redact(f"headless Chromium failed: {first}"))

    def _redact(self, text: str) -> str:
        return text.replace(self.password, "***") if self.password else text

    def _launch(self, chromium: BrowserType, error: type[Exception]) -> Browser:
        """Chromium with its sandbox; without it only as root or when it cannot start with
        it (no user namespaces in a container), each said in one line."""

        def launch(sandbox: bool) -> Browser:
            return chromium.launch(
                executable_path=self.browser_path,
                headless=True,
                args=list(CHROMIUM_FLAGS),
                chromium_sandbox=sandbox,
                timeout=self.timeout * 1000,
            )

        if _running_as_root():
            self._say(NO_SANDBOX_AS_ROOT)
            return launch(False)
        try:
            return launch(True)
        except error as exc:
            if "sandbox" not in str(exc).lower():
                raise
            self._say(NO_SANDBOX_UNAVAILABLE)
            return launch(False)

    def _say(self, line: str) -> None:
        if self.say is not None:
            self.say(line)


NO_SANDBOX_AS_ROOT = (
    "note: headless Chromium runs without its sandbox: Chromium cannot sandbox itself when "
    "run as root (run oidc-probe as an ordinary user to keep it)"
)
NO_SANDBOX_UNAVAILABLE = (
    "note: headless Chromium runs without its sandbox: it could not start with it here "
    "(user namespaces unavailable?)"
)


def _running_as_root() -> bool:
    geteuid = getattr(os, "geteuid", None)
    return bool(callable(geteuid) and geteuid() == 0)


class _Session:
    def __init__(
        self, driver: HeadlessBrowserLogin, browser: Browser, request: AuthorizationRequest
    ) -> None:
        self.driver = driver
        self.request = request
        self.context = browser.new_context(locale="en-US")
        self.page: Page = self.context.new_page()
        self.captured: list[str] = []
        self.visited: list[str] = []
        self.username_sent = False
        self.password_sent = False
        self.stop_seen: tuple[str, str, float] | None = None  # (url, page kind, first seen)
        self.closing = False
        self.continued: list[str] = []  # what was clicked after the password, where
        # The last page clicked on to continue, as a stop page if it is one, and its URL.
        self.clicked_on: tuple[StopPage | None, str] = (None, "")
        self.last_action = time.monotonic()
        self.deadline = time.monotonic() + driver.timeout
        self.page.on("framenavigated", self._on_navigated)
        # The last answer to a navigation of the page: (status, URL).
        self.last_answer: tuple[int, str] | None = None
        self.page.on("response", self._on_response)
        self.cdp: CDPSession = self.context.new_cdp_session(self.page)
        self.cdp.on("Fetch.requestPaused", self._on_paused)
        parts = urlsplit(request.redirect_uri)
        pattern = _cdp_escape(f"{parts.scheme}://{parts.hostname or ''}") + "*"
        self.cdp.send(
            "Fetch.enable", {"patterns": [{"urlPattern": pattern, "requestStage": "Request"}]}
        )

    def _on_navigated(self, frame: Any) -> None:
        if frame == self.page.main_frame and frame.url not in ("", "about:blank"):
            shown = strip_query(frame.url)
            if not self.visited or self.visited[-1] != shown:
                self.visited.append(shown)

    def _on_response(self, response: Any) -> None:
        from playwright.sync_api import Error

        with contextlib.suppress(Error):
            if response.frame == self.page.main_frame and response.request.is_navigation_request():
                self.last_answer = (response.status, response.url)

    def _refused_by_status(self) -> LoginResult | None:
        """The authorization request answered with an HTTP error and no page to show
        (Chromium's ERR_HTTP_RESPONSE_CODE_FAILURE), before any sign-in: a refusal."""
        if self.last_answer is None or self.last_answer[0] < 400 or self.password_sent:
            return None
        status, url = self.last_answer
        error = AuthorizeError(f"HTTP {status}", "", "http", strip_query(url))
        return self._result(authorize_error=error)

    def _on_paused(self, event: dict[str, Any]) -> None:
        from playwright.sync_api import Error

        if self.closing:  # the browser is shutting down: nothing to continue or answer
            return
        # The page or browser may go away meanwhile; the run already has its result then.
        with contextlib.suppress(Error):
            self._answer_paused(event)

    def close(self) -> None:
        """Stop intercepting before the browser closes, so no event handler runs after it."""
        from playwright.sync_api import Error

        self.closing = True
        try:
            self.page.remove_listener("framenavigated", self._on_navigated)
            self.cdp.remove_listener("Fetch.requestPaused", self._on_paused)
            self.cdp.send("Fetch.disable")
            self.cdp.detach()
        except Error:
            pass
        with contextlib.suppress(Error):
            self.context.close()

    def _answer_paused(self, event: dict[str, Any]) -> None:
        url = str(event["request"]["url"])
        if not same_endpoint(url, self.request.redirect_uri):
            self.cdp.send("Fetch.continueRequest", {"requestId": event["requestId"]})
            return
        self.captured.append(url)
        self.cdp.send(
            "Fetch.fulfillRequest",
            {
                "requestId": event["requestId"],
                "responseCode": 200,
                "responseHeaders": [{"name": "Content-Type", "value": "text/html"}],
                "body": base64.b64encode(_CAPTURED_PAGE).decode("ascii"),
            },
        )

    def _result(self, **fields: Any) -> LoginResult:
        return LoginResult(pages=tuple(self.visited), **fields)

    def _fail(self, message: str, hint: str = "") -> LoginResult:
        return self._result(login_error=self.driver._redact(message), hint=hint)

    def _stop_page(self) -> LoginResult | None:
        """After the password: a page that stops the login (password change, MFA...),
        once it has stayed :data:`STOP_PAGE_SETTLE_S` on screen."""
        page = classify(self.page.content())
        if page is None:
            self.stop_seen = None
            return None
        url = strip_query(self.page.url)
        now = time.monotonic()
        if self.stop_seen is None or self.stop_seen[:2] != (url, page.kind):
            self.stop_seen = (url, page.kind, now)
            return None
        if now - self.stop_seen[2] < STOP_PAGE_SETTLE_S:
            return None
        if now - self.last_action < STOP_PAGE_SETTLE_S:
            return None  # a click to continue (consent, account) may still be on its way
        return self._stopped(page, url)

    def _stopped(self, page: StopPage, url: str) -> LoginResult:
        return self._fail(describe(page, url, self._shown_error()), hint=page.hint)

    def run(self) -> LoginResult:
        from playwright.sync_api import Error

        try:
            self.page.goto(self.request.url, wait_until="commit", timeout=self._ms_left())
        except Error as exc:
            if not self.captured:
                refused = self._refused_by_status()
                if refused is not None:
                    return refused
                return self._fail(f"could not open the authorization URL: {_first_line(exc)}")
        while time.monotonic() < self.deadline:
            step = self._step()
            if step is not None:
                return step
            self.page.wait_for_timeout(POLL_MS)
        if self.captured:
            return self._done()
        where = strip_query(self.page.url)
        if self.password_sent:
            page = self._last_stop_page()
            if page is not None:
                return self._stopped(page, where)
            return self._stuck_after_sign_in(where)
        return self._fail(
            f"no sign-in form appeared within {self.driver.timeout:g} s (last page {where})"
        )

    def _step(self) -> LoginResult | None:
        if self.captured:
            return self._done()
        page = error_page_result(self.page.url)
        if page is not None:
            return LoginResult(authorize_error=page.authorize_error, pages=tuple(self.visited))
        try:
            if self.password_sent:
                stop = self._stop_page()
                if stop is not None:
                    return stop
            password = self._visible("input[type=password]")
            if password is not None:
                return self._sign_in(password)
            if self.password_sent:
                self._continue_after_sign_in()
                if self.continued and time.monotonic() - self.last_action > STUCK_AFTER_CLICK_S:
                    # clicked on, and nothing has moved since: no need to wait the timeout out
                    return self._stuck_after_sign_in(strip_query(self.page.url))
                return None
            username = self._username_field(None)
            if username is not None and not self.username_sent and not self.password_sent:
                self.username_sent = True
                username.fill(self.driver.username, timeout=self._ms_left())
                self._submit(username)
        except _transient_errors():
            return None
        return None

    def _last_stop_page(self) -> StopPage | None:
        try:
            return classify(self.page.content())
        except _transient_errors():
            return None

    def _sign_in(self, password: Locator) -> LoginResult | None:
        if self.password_sent and self.continued:
            # A click to continue led back to the sign-in form: the page clicked on stopped
            # the login (an account selection that signs out, say); name it.
            page, url = self.clicked_on
            if page is not None:
                return self._stopped(page, url)
            return self._fail(
                f"after signing in and clicking {', then '.join(self.continued)}, the sign-in "
                f"form came back ({strip_query(self.page.url)})",
                hint=_CONTINUE_HINT,
            )
        if self.password_sent:
            error = self._shown_error()
            if error:
                page = self._last_stop_page()
                if page is not None:
                    return self._stopped(page, strip_query(self.page.url))
                return self._fail(f"login failed{error}")
            return None
        username = self._username_field(password)
        if username is not None:
            username.fill(self.driver.username, timeout=self._ms_left())
        elif not self.username_sent:
            return self._fail(
                f"the sign-in form at {strip_query(self.page.url)} has no user-name field"
            )
        password.fill(self.driver.password, timeout=self._ms_left())
        self.password_sent = True
        self.last_action = time.monotonic()
        self._submit(password)
        return None

    def _continue_after_sign_in(self) -> None:
        """One click on a page after the password that asks for one (consent, "Continue",
        the account to use), at most :data:`MAX_CONTINUES`, each after :data:`SETTLE_S`."""
        if len(self.continued) >= MAX_CONTINUES:
            return
        if time.monotonic() - self.last_action < SETTLE_S:
            return
        target = self._continue_target()
        if target is None:
            return
        locator, label = target
        self.last_action = time.monotonic()
        ticked = self._tick_boxes()
        ticks = f" (after ticking {ticked} box{'es' if ticked > 1 else ''})" if ticked else ""
        self.clicked_on = (self._last_stop_page(), strip_query(self.page.url))
        self.continued.append(f"{label!r}{ticks} on {strip_query(self.page.url)}")
        locator.click(timeout=self._ms_left(), no_wait_after=True)

    def _tick_boxes(self) -> int:
        """Tick the page's unticked boxes: a consent page may want each scope ticked first
        (Glewlwyd: "Please check the box and click on 'Grant access'")."""
        boxes = self.page.locator("input[type=checkbox]:visible:not(:checked)")
        ticked = 0
        for index in range(min(boxes.count(), 20)):
            with contextlib.suppress(*_transient_errors()):
                boxes.nth(index).check(timeout=1000)
                ticked += 1
        return ticked

    def _continue_target(self) -> tuple[Locator, str] | None:
        """The control that continues the login: a button labelled Continue, Allow, ...
        (never Deny or Cancel), else one naming the signed-in user (account selection)."""
        controls = self.page.locator(_CLICKABLE)
        by_user: tuple[Locator, str] | None = None
        for index in range(min(controls.count(), 50)):
            control = controls.nth(index)
            label = _label(control)
            if not label or _REFUSE_LABEL.search(label):
                continue
            if _CONTINUE_LABEL.search(label):
                return control, label
            name = self.driver.username
            if by_user is None and name and name.lower() in label.lower():
                by_user = (control, label)
        return by_user

    def _stuck_after_sign_in(self, where: str) -> LoginResult:
        """AUT002's finding when the login did not come back after the password: the page."""
        page, url = self.clicked_on
        if page is not None:  # the page clicked on to continue is one that stops the login
            return self._stopped(page, url)
        title = ""
        try:
            title = " ".join(self.page.title().split())[:80]
        except _transient_errors():
            pass
        named = f"{where}, titled {title!r}" if title else where
        clicked = f"; clicked {', then '.join(self.continued)}" if self.continued else ""
        message = (
            f"after signing in, the browser did not come back to the redirect URI within "
            f"{self.driver.timeout:g} s (last page {named}{clicked}{self._shown_error()})"
        )
        return self._result(login_error=self.driver._redact(message), hint=_CONTINUE_HINT)

    def _submit(self, field: Locator) -> None:
        form = field.locator("xpath=ancestor::form[1]")
        button = None
        if form.count():
            buttons = form.locator(
                "button[type=submit]:visible, input[type=submit]:visible, button:not([type]):visible"
            )
            button = buttons.first if buttons.count() else None
        if button is not None:
            button.click(timeout=self._ms_left(), no_wait_after=True)
        else:
            field.press("Enter", timeout=self._ms_left(), no_wait_after=True)

    def _username_field(self, password: Locator | None) -> Locator | None:
        scope: Page | Locator = self.page
        if password is not None:
            form = password.locator("xpath=ancestor::form[1]")
            if form.count():
                scope = form
        for name in USERNAME_NAMES:
            found = self._visible(f"input[name={name!r}]", scope)
            if found is not None:
                return found
        selector = ", ".join(f"input[type={kind}]" for kind in _TEXT_TYPES)
        return self._visible(f"{selector}, input:not([type])", scope)

    def _visible(self, selector: str, scope: Page | Locator | None = None) -> Locator | None:
        locator = (scope or self.page).locator(f"{selector} >> visible=true")
        return locator.first if locator.count() else None

    def _shown_error(self) -> str:
        try:
            errors = self.page.locator(_ERROR_SELECTOR)
            if errors.count():
                text = " ".join(errors.first.inner_text(timeout=1000).split())
                return f": {text}" if text else ""
        except _transient_errors():
            pass
        return ""

    def _done(self) -> LoginResult:
        result = callback_result(self.captured[0])
        return LoginResult(
            callback_url=result.callback_url,
            callback_params=result.callback_params,
            authorize_error=result.authorize_error,
            pages=tuple(self.visited),
        )

    def _ms_left(self) -> float:
        return max(1.0, (self.deadline - time.monotonic()) * 1000)


def _label(control: Locator) -> str:
    """What a control says: its text, else its value or aria-label (one line, trimmed)."""
    try:
        text = control.inner_text(timeout=500) or ""
        if not text.strip():
            text = control.get_attribute("value", timeout=500) or ""
        if not text.strip():
            text = control.get_attribute("aria-label", timeout=500) or ""
    except _transient_errors():
        return ""
    return " ".join(text.split())[:60]


def _shut_down(session: _Session | None, browser: Browser) -> None:
    """Close in order: interception off, then the context, then the browser."""
    from playwright.sync_api import Error

    if session is not None:
        session.close()
    with contextlib.suppress(Error):
        browser.close()


def _transient_errors() -> tuple[type[Exception], ...]:
    """Errors of a page that is navigating away (elements detached, context destroyed)."""
    from playwright.sync_api import Error

    return (Error,)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _cdp_escape(text: str) -> str:
    """A literal for a DevTools URL pattern, where ``*`` and ``?`` are wildcards."""
    return text.replace("\\", "\\\\").replace("*", "\\*").replace("?", "\\?")
