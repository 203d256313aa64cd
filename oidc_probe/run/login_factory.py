"""The login of a probe: which mode, with which credentials, through which driver.

:func:`login_session` is the one factory of login drivers, keyed by :class:`LoginMode`
(:data:`DRIVERS`). ``--login browser`` needs a callback server that is up before the login
(so a busy port fails fast, before any request) and still up after the report (to show
the results page in the user's tab); the session owns it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode

if TYPE_CHECKING:
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.login.base import LoginDriver
    from oidc_probe.login.callback_server import CallbackServer
    from oidc_probe.run.host import Host
    from oidc_probe.run.requests import LoginRequest
    from oidc_probe.run.runner import ProbeRunner

USERNAME_ENV = "OIDC_PROBE_USERNAME"
# After the report, how long the probe keeps serving for the tab to fetch the results page.
RESULTS_GRACE = 15.0
_TEAM_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# A person types the credentials into the provider's page; the probe never sees them.
PERSON_LOGS_IN = frozenset({LoginMode.BROWSER, LoginMode.PASTE})
# Login modes whose sign-in pages a browser loads (not oidc-probe's own HTTP client).
BROWSER_LOGINS = PERSON_LOGS_IN | {LoginMode.HEADLESS_BROWSER}
# Renders the results page the browser mode shows in the user's tab.
PageFn = Callable[["RunContext", "Sequence[Finding]"], str]


def cloudflare_callback(team_name: str) -> str:
    return f"https://{team_name}.cloudflareaccess.com/cdn-cgi/access/callback"


def choose_login_mode(request: LoginRequest, host: Host) -> LoginMode:
    """The mode given; else paste when a paste option is set, browser on a TTY, else form."""
    if request.mode is not None:
        mode = request.mode
        if request.callback_url is not None and mode is not LoginMode.PASTE:
            raise UsageError(f"--callback-url is for --login paste, not --login {mode.value}")
        return mode
    if request.team_name is not None or request.callback_url is not None:
        return LoginMode.PASTE
    return LoginMode.BROWSER if _interactive(host) else LoginMode.FORM


def _interactive(host: Host) -> bool:
    return all(
        callable(getattr(stream, "isatty", None)) and stream.isatty()
        for stream in (host.stdin, host.stderr)
    )


def redirect_uri_from(request: LoginRequest) -> str:
    """The redirect URI, or Access's callback for the team name; never both."""
    redirect_uri = request.redirect_uri
    if request.team_name is None:
        return redirect_uri
    name = checked_team_name(request.team_name)
    if redirect_uri != DEFAULT_REDIRECT_URI and redirect_uri != cloudflare_callback(name):
        raise UsageError("--team-name and --redirect-uri both set the redirect URI; give one")
    return cloudflare_callback(name)


def checked_team_name(team_name: str) -> str:
    """The team name, lower-cased; a usage error when it is not a bare team name."""
    name = team_name.strip().lower()
    if not _TEAM_NAME.match(name):
        raise UsageError(
            f"--team-name {team_name!r}: expected the team name only (letters, digits and "
            "hyphens), as in <team-name>.cloudflareaccess.com"
        )
    return name


def checked_redirect_uri(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--redirect-uri must be an absolute http(s) URL, got {value!r}")
    return value


def credentials(request: LoginRequest, host: Host) -> tuple[str, str]:
    """The username and password for the form login, or a one-line :class:`UsageError`."""
    username = request.username or host.environ.get(USERNAME_ENV)
    if not username:
        raise UsageError(
            f"the login needs a username: pass --username NAME (or set {USERNAME_ENV})"
        )
    if request.password is not None:
        return username, request.password
    if request.password_stdin:
        password = read_password(host)
        if not password:
            raise UsageError("--password-stdin: no password on standard input")
        return username, password
    name = request.password_env
    password = host.environ.get(name, "")
    if not password:
        raise UsageError(
            f"the login needs a password: set the environment variable {name} "
            "or pass --password-stdin and write it to standard input"
        )
    return username, password


def read_password(host: Host) -> str:
    """One line from stdin; typed without echo when stdin is a terminal."""
    isatty = getattr(host.stdin, "isatty", None)
    if callable(isatty) and isatty():
        import getpass

        return getpass.getpass("password: ", stream=host.stderr)
    return host.read_line().rstrip("\r\n")


def check_api_login(
    request: LoginRequest, config: ProbeConfig, mode: LoginMode, *, login: bool
) -> None:
    """``--active`` and ``--cognito-endpoint``, checked before anything runs."""
    from oidc_probe.login.initiate_auth import ENDPOINT_UNKNOWN, api_endpoint

    endpoint = request.cognito_endpoint
    if request.active and not login:
        raise UsageError("--active needs a login; drop --discovery-only")
    if endpoint is not None:
        if mode is not LoginMode.INITIATE_AUTH:
            raise UsageError("--cognito-endpoint is for --login initiate-auth")
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(
                f"--cognito-endpoint must be an absolute http(s) URL, got {endpoint!r}"
            )
    if (
        login
        and mode is LoginMode.INITIATE_AUTH
        and api_endpoint(config.certs_url, endpoint) is None
    ):
        raise UsageError(ENDPOINT_UNKNOWN)


@dataclass
class LoginSession:
    """The driver for the chosen mode (``None``: the default probe's own) and what follows."""

    mode: LoginMode
    driver: LoginDriver | None = None
    server: CallbackServer | None = None
    grace: float = RESULTS_GRACE

    def runner(self, default: Callable[..., tuple[RunContext, list[Finding]]]) -> ProbeRunner:
        """``default`` (the probe runner) with this session's driver."""
        driver = self.driver

        def run(
            config: ProbeConfig, settings: RunSettings, *, login: bool
        ) -> tuple[RunContext, list[Finding]]:
            if driver is None:
                return default(config, settings, login=login)
            return default(config, settings, login=login, driver=driver)

        return run

    def finish(self, ctx: RunContext, findings: Sequence[Finding], page: PageFn | None) -> None:
        """Browser mode: show the results page in the tab that completed the login."""
        server = self.server
        if server is None or not server.accepted or page is None:
            return
        server.publish(page(ctx, findings))
        server.wait_served(self.grace)


SessionFactory = Callable[
    ["LoginRequest", "RunSettings", "Host"], AbstractContextManager[LoginSession]
]


def login_session(
    request: LoginRequest, settings: RunSettings, host: Host, *, enabled: bool = True
) -> AbstractContextManager[LoginSession]:
    """The session of ``settings.login`` (:data:`DRIVERS`); the form and initiate-auth modes
    leave the driver to the probe runner (``headless_driver``)."""
    factory = DRIVERS.get(settings.login) if enabled else None
    if factory is None:
        return nullcontext(LoginSession(settings.login))
    return factory(request, settings, host)


@contextmanager
def _browser(request: LoginRequest, settings: RunSettings, host: Host) -> Iterator[LoginSession]:
    from oidc_probe.login.browser import BrowserLogin
    from oidc_probe.login.callback_server import CallbackServer

    with CallbackServer(settings.redirect_uri) as server:
        driver = BrowserLogin(
            server=server,
            say=host.err,
            stream=host.stderr,
            timeout=request.login_timeout,
            open_browser=request.open_browser,
        )
        yield LoginSession(LoginMode.BROWSER, driver, server)


@contextmanager
def _paste(request: LoginRequest, settings: RunSettings, host: Host) -> Iterator[LoginSession]:
    from oidc_probe.login.paste import PasteLogin

    driver = PasteLogin(
        read_line=lambda: _read_pasted(host), say=host.err, callback_url=request.callback_url
    )
    yield LoginSession(LoginMode.PASTE, driver)


@contextmanager
def _headless_browser(
    request: LoginRequest, settings: RunSettings, host: Host
) -> Iterator[LoginSession]:
    from oidc_probe.login.headless import HeadlessBrowserLogin, find_browser, require_playwright

    require_playwright()
    driver = HeadlessBrowserLogin(
        username=settings.username or "",
        password=settings.password or "",
        browser_path=find_browser(request.browser_path),
        timeout=min(request.login_timeout, 120.0),
        say=host.err,
    )
    yield LoginSession(LoginMode.HEADLESS_BROWSER, driver)


# The login modes whose driver needs more than the config and settings.
DRIVERS: dict[LoginMode, SessionFactory] = {
    LoginMode.BROWSER: _browser,
    LoginMode.PASTE: _paste,
    LoginMode.HEADLESS_BROWSER: _headless_browser,
}


def _read_pasted(host: Host) -> str:
    """One line from stdin; the prompt goes to stderr."""
    host.stderr.write("URL: ")
    host.stderr.flush()
    line = host.read_line()
    if not line:
        host.stderr.write("\n")
    return line
