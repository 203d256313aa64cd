"""``--login browser``: the user logs in in their own browser; the probe receives the callback.

The authorization URL is opened with an injectable opener (``webbrowser.open`` by
default, which honours the ``BROWSER`` environment variable) or printed with
``--no-open``. A :class:`~oidc_probe.login.callback_server.CallbackServer`
receives the redirect; a countdown on stderr shows the time left.
"""

from __future__ import annotations

import threading
import time
import webbrowser
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

import httpx2

from oidc_probe.core.context import AuthorizationRequest, LoginResult
from oidc_probe.core.defaults import DEFAULT_LOGIN_TIMEOUT
from oidc_probe.login.callback import callback_result, preflight
from oidc_probe.login.callback_server import CallbackServer

Opener = Callable[[str], bool]
SESSION_NOTE = (
    "note: a browser already signed in to the identity provider (Cognito keeps the session "
    "for an hour) skips the sign-in form and logs in as that user; to log in as someone "
    "else, use a private window or sign out at the provider first"
)


class Countdown:
    """The progress line on stderr: rewritten in place on a terminal, said once otherwise."""

    def __init__(self, stream: TextIO, what: str) -> None:
        self.stream = stream
        self.what = what
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty()) if callable(isatty) else False
        self._shown = False

    def update(self, remaining: float) -> None:
        if self.live:
            self.stream.write(
                f"\r\x1b[K{self.what}: {format_remaining(remaining)} left (Ctrl-C to cancel)"
            )
            self.stream.flush()
            self._shown = True
        elif not self._shown:
            self.stream.write(
                f"{self.what} (up to {format_remaining(remaining)}; Ctrl-C to cancel)\n"
            )
            self.stream.flush()
            self._shown = True

    def clear(self) -> None:
        if self.live and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


def format_remaining(seconds: float) -> str:
    """``4:05`` for 245 s; whole seconds rounded up."""
    whole = max(0, int(-(-seconds // 1)))
    return f"{whole // 60}:{whole % 60:02d}"


@dataclass(frozen=True)
class BrowserLogin:
    """Opens the authorization URL in a browser and waits for the callback server.

    ``say`` writes one line for the user (stderr); ``stream`` carries the countdown.
    """

    server: CallbackServer
    say: Callable[[str], None]
    stream: TextIO
    timeout: float = DEFAULT_LOGIN_TIMEOUT
    open_browser: bool = True
    opener: Opener = field(default=webbrowser.open)
    clock: Callable[[], float] = time.monotonic
    tick: float = 1.0

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        refused = preflight(client, request)
        if refused is not None:
            return refused
        self.server.expect(request.state)
        opened = self._open(request.url)
        # Cognito's hosted UI keeps a session cookie for an hour: a browser signed in to
        # the pool domain skips the form and logs in as that user (as with Access).
        self.say(SESSION_NOTE)
        countdown = Countdown(self.stream, "waiting for the login in the browser")
        deadline = self.clock() + self.timeout
        url: str | None = None
        warned = False
        try:
            while url is None:
                remaining = deadline - self.clock()
                if remaining <= 0:
                    break
                countdown.update(remaining)
                url = self.server.wait_for_callback(min(self.tick, remaining))
                if not warned and opened is not None and opened.failed():
                    countdown.clear()
                    self.say("could not start a browser: open the URL above yourself")
                    warned = True
        finally:
            countdown.clear()
        if url is None:
            return LoginResult(login_error=self._timeout_message())
        self.say("callback received; checking the tokens")
        return callback_result(url)

    def _open(self, url: str) -> _Opening | None:
        if not self.open_browser:
            self.say("open this URL in a browser on this machine to log in:")
            self.say(f"  {url}")
            return None
        self.say("opening the login page in your browser; if it does not open, visit:")
        self.say(f"  {url}")
        return _Opening.start(self.opener, url)

    def _timeout_message(self) -> str:
        message = (
            f"no login came back to {self.server.endpoint.redirect_uri} within "
            f"{self.timeout:g} s (--login-timeout)"
        )
        if self.server.ignored:
            reasons = "; ".join(sorted(set(self.server.ignored)))
            message += f"; {len(self.server.ignored)} other callback(s) were ignored ({reasons})"
        return message


class _Opening:
    """The opener runs in a thread: some browsers' launchers block until the browser exits."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.ok = True

    @classmethod
    def start(cls, opener: Opener, url: str) -> _Opening:
        opening = cls()

        def run() -> None:
            try:
                opening.ok = bool(opener(url))
            except (webbrowser.Error, OSError):
                opening.ok = False
            finally:
                opening.done.set()

        threading.Thread(target=run, name="oidc-probe-opener", daemon=True).start()
        return opening

    def failed(self) -> bool:
        return self.done.is_set() and not self.ok
