"""The interactive login modes of ``oidc-probe check``: options, choice, and lifecycle.

``--login browser`` needs a callback server that is up before the login (so a
busy port fails fast, before any request) and still up after the report (to
show the results page in the user's tab); :func:`login_session` owns it.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oidc_probe.cli.argtypes import positive_seconds
from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.login.base import LoginDriver
    from oidc_probe.login.callback_server import CallbackServer
    from oidc_probe.run.runner import ProbeRunner

DEFAULT_LOGIN_TIMEOUT = 300.0
# After the report, how long the probe keeps serving for the tab to fetch the results page.
RESULTS_GRACE = 15.0
_TEAM_NAME = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# A person types the credentials into the provider's page; the probe never sees them.
PERSON_LOGS_IN = frozenset({LoginMode.BROWSER, LoginMode.PASTE})
# Login modes whose sign-in pages a browser loads (not oidc-probe's own HTTP client).
BROWSER_LOGINS = PERSON_LOGS_IN | {LoginMode.HEADLESS_BROWSER}


def cloudflare_callback(team_name: str) -> str:
    return f"https://{team_name}.cloudflareaccess.com/cdn-cgi/access/callback"


def add_login_options(parser: argparse.ArgumentParser) -> None:
    """The options of the interactive login modes, in their own help group."""
    group = parser.add_argument_group(
        "interactive login (--login browser, paste, headless-browser)"
    )
    group.add_argument(
        "--no-open",
        dest="open_browser",
        action="store_false",
        help="browser: print the login URL instead of opening a browser (for SSH sessions)",
    )
    group.add_argument(
        "--login-timeout",
        type=positive_seconds,
        default=DEFAULT_LOGIN_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the login to complete (default {DEFAULT_LOGIN_TIMEOUT:g})",
    )
    group.add_argument(
        "--team-name",
        metavar="NAME",
        help="paste: use Access's callback https://NAME.cloudflareaccess.com/cdn-cgi/access/"
        "callback as the redirect URI (implies --login paste)",
    )
    group.add_argument(
        "--callback-url",
        metavar="URL",
        help="paste: the URL the browser landed on, instead of pasting it (implies --login "
        "paste; for scripts: an argument shows in the process list, pasting does not)",
    )
    group.add_argument(
        "--browser-path",
        metavar="PATH",
        help="headless-browser: the Chromium to run (default /usr/bin/chromium or chromium on PATH)",
    )


def choose_login_mode(args: argparse.Namespace, console: Console) -> LoginMode:
    """``--login`` as given; else paste when a paste option is set, browser on a TTY, else form."""
    given: str | None = getattr(args, "login", None)
    team_name = getattr(args, "team_name", None)
    callback_url = getattr(args, "callback_url", None)
    if given is not None:
        mode = LoginMode(given)
        if callback_url is not None and mode is not LoginMode.PASTE:
            raise UsageError(f"--callback-url is for --login paste, not --login {mode.value}")
        return mode
    if team_name is not None or callback_url is not None:
        return LoginMode.PASTE
    return LoginMode.BROWSER if _interactive(console) else LoginMode.FORM


def _interactive(console: Console) -> bool:
    return all(
        callable(getattr(stream, "isatty", None)) and stream.isatty()
        for stream in (console.stdin, console.stderr)
    )


def redirect_uri_from(args: argparse.Namespace) -> str:
    """``--redirect-uri``, or Access's callback for ``--team-name``; never both."""
    redirect_uri: str = args.redirect_uri
    team_name: str | None = getattr(args, "team_name", None)
    if team_name is None:
        return redirect_uri
    name = checked_team_name(team_name)
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


@dataclass
class LoginSession:
    """The driver for the chosen mode (``None``: the default probe's own) and what follows."""

    mode: LoginMode
    driver: LoginDriver | None = None
    server: CallbackServer | None = None
    grace: float = RESULTS_GRACE

    def runner(self, default: Callable[..., tuple[RunContext, list[Finding]]]) -> ProbeRunner:
        """``default`` (the check command's probe runner) with this session's driver."""
        driver = self.driver

        def run(
            config: ProbeConfig, settings: RunSettings, *, login: bool
        ) -> tuple[RunContext, list[Finding]]:
            if driver is None:
                return default(config, settings, login=login)
            return default(config, settings, login=login, driver=driver)

        return run

    def finish(self, ctx: RunContext, findings: Sequence[Finding]) -> None:
        """Browser mode: show the results page in the tab that completed the login."""
        server = self.server
        if server is None or not server.accepted:
            return
        server.publish(results_page(ctx, findings))
        server.wait_served(self.grace)


def results_page(ctx: RunContext, findings: Sequence[Finding]) -> str:
    """The redacted results page; tokens are never included, whatever --show-tokens says."""
    from oidc_probe.plumbing.redact import Redactor
    from oidc_probe.report.html import render_results_page
    from oidc_probe.report.model import Report

    report = Report.from_run(ctx, findings, show_tokens=False).redacted(
        Redactor.for_context(ctx, show_tokens=False)
    )
    header = ctx.id_token.header if ctx.id_token is not None else None
    return render_results_page(report, id_token_header=header)


@contextmanager
def login_session(
    args: argparse.Namespace,
    settings: RunSettings,
    console: Console,
    *,
    enabled: bool = True,
) -> Iterator[LoginSession]:
    """The driver for ``settings.login``; the browser mode's server runs inside the block."""
    mode = settings.login
    if not enabled:
        yield LoginSession(mode)
        return
    if mode is LoginMode.BROWSER:
        with _browser_session(args, settings, console) as session:
            yield session
        return
    if mode is LoginMode.PASTE:
        from oidc_probe.login.paste import PasteLogin

        yield LoginSession(
            mode,
            PasteLogin(
                read_line=lambda: _read_pasted(console),
                say=console.err,
                callback_url=getattr(args, "callback_url", None),
            ),
        )
        return
    if mode is LoginMode.HEADLESS_BROWSER:
        from oidc_probe.login.headless import HeadlessBrowserLogin, find_browser, require_playwright

        require_playwright()
        yield LoginSession(
            mode,
            HeadlessBrowserLogin(
                username=settings.username or "",
                password=settings.password or "",
                browser_path=find_browser(getattr(args, "browser_path", None)),
                timeout=min(float(getattr(args, "login_timeout", DEFAULT_LOGIN_TIMEOUT)), 120.0),
                say=console.err,
            ),
        )
        return
    yield LoginSession(mode)


@contextmanager
def _browser_session(
    args: argparse.Namespace, settings: RunSettings, console: Console
) -> Iterator[LoginSession]:
    from oidc_probe.login.browser import BrowserLogin
    from oidc_probe.login.callback_server import CallbackServer

    with CallbackServer(settings.redirect_uri) as server:
        driver = BrowserLogin(
            server=server,
            say=console.err,
            stream=console.stderr,
            timeout=float(getattr(args, "login_timeout", DEFAULT_LOGIN_TIMEOUT)),
            open_browser=bool(getattr(args, "open_browser", True)),
        )
        yield LoginSession(LoginMode.BROWSER, driver, server)


def _read_pasted(console: Console) -> str:
    """One line from stdin; the prompt goes to stderr."""
    console.stderr.write("URL: ")
    console.stderr.flush()
    line = console.read_line()
    if not line:
        console.stderr.write("\n")
    return line
