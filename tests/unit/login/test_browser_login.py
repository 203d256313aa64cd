from __future__ import annotations

import io
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from oidc_probe.core.context import AuthorizationRequest
from oidc_probe.login.browser import BrowserLogin, Countdown, format_remaining
from oidc_probe.login.callback import callback_result
from oidc_probe.login.callback_server import CallbackServer
from tests.e2e.interactive import free_port


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def server() -> Iterator[CallbackServer]:
    with CallbackServer(f"http://localhost:{free_port()}/callback", results_wait=0.1) as running:
        yield running


def request_for(server: CallbackServer, state: str = "st4te") -> AuthorizationRequest:
    uri = server.endpoint.redirect_uri
    return AuthorizationRequest(
        url=f"https://idp.example/oauth2/authorize?state={state}&redirect_uri={uri}",
        state=state,
        nonce="n",
        redirect_uri=uri,
        scope="openid",
    )


def idp(location: str = "/login?client_id=c") -> httpx2.Client:
    """The authorization endpoint, as the preflight request sees it."""
    return httpx2.Client(
        transport=httpx2.MockTransport(
            lambda request: httpx2.Response(302, headers={"location": location})
        )
    )


def come_back(url: str) -> bool:
    """An opener that plays a browser and its user: the IdP redirects back at once."""
    query = parse_qs(urlsplit(url).query)
    target = f"{query['redirect_uri'][0]}?code=the-code&state={query['state'][0]}"
    httpx2.get(target.replace("localhost", "127.0.0.1"), follow_redirects=False)
    return True


def test_opens_the_browser_and_returns_the_callback(server: CallbackServer) -> None:
    lines: list[str] = []
    stream = io.StringIO()
    driver = BrowserLogin(server, lines.append, stream, timeout=10, opener=come_back)
    result = driver.login(idp(), request_for(server))
    assert result.callback_params == {"code": "the-code", "state": "st4te"}
    assert result.authorize_error is None
    assert any("opening the login page" in line for line in lines)
    assert any(line.strip().startswith("https://idp.example/") for line in lines)
    assert stream.getvalue().startswith("waiting for the login in the browser (up to 0:10;")


def test_no_open_prints_the_url_and_times_out_with_the_reason(server: CallbackServer) -> None:
    lines: list[str] = []
    opened: list[str] = []
    driver = BrowserLogin(
        server, lines.append, io.StringIO(), timeout=0.3, open_browser=False,
        opener=lambda url: bool(opened.append(url)), tick=0.05,
    )  # fmt: skip
    result = driver.login(idp(), request_for(server))
    assert opened == []
    assert lines[0].startswith("open this URL in a browser")
    assert any("keeps the session for an hour" in line for line in lines)  # Cognito's session
    assert result.callback_params is None
    assert result.login_error is not None
    assert "within 0.3 s (--login-timeout)" in result.login_error


def test_a_browser_that_cannot_start_is_reported(server: CallbackServer) -> None:
    lines: list[str] = []
    driver = BrowserLogin(
        server, lines.append, io.StringIO(), timeout=0.5, opener=lambda url: False, tick=0.05
    )
    driver.login(idp(), request_for(server))
    assert "could not start a browser: open the URL above yourself" in lines


def test_an_error_redirect_becomes_an_authorize_error() -> None:
    result = callback_result("http://localhost:8765/callback?error=access_denied&state=s")
    assert result.authorize_error is not None
    assert result.authorize_error.error == "access_denied"
    assert result.authorize_error.via == "redirect"


def test_countdown_rewrites_its_line_on_a_terminal() -> None:
    tty = Tty()
    countdown = Countdown(tty, "waiting")
    countdown.update(125.2)
    countdown.update(124.9)
    countdown.clear()
    assert tty.getvalue() == (
        "\r\x1b[Kwaiting: 2:06 left (Ctrl-C to cancel)"
        "\r\x1b[Kwaiting: 2:05 left (Ctrl-C to cancel)\r\x1b[K"
    )


def test_countdown_says_it_once_elsewhere() -> None:
    stream = io.StringIO()
    countdown = Countdown(stream, "waiting")
    countdown.update(300)
    countdown.update(299)
    countdown.clear()
    assert stream.getvalue() == "waiting (up to 5:00; Ctrl-C to cancel)\n"


@pytest.mark.parametrize(
    ("seconds", "shown"), [(0, "0:00"), (0.2, "0:01"), (59.5, "1:00"), (300, "5:00")]
)
def test_format_remaining(seconds: float, shown: str) -> None:
    assert format_remaining(seconds) == shown


def test_a_refused_request_is_reported_without_opening_a_browser(server: CallbackServer) -> None:
    opened: list[str] = []
    driver = BrowserLogin(
        server, print, io.StringIO(), timeout=60, opener=lambda url: bool(opened.append(url))
    )
    result = driver.login(idp("/error?error=redirect_mismatch&client_id=c"), request_for(server))
    assert opened == []
    assert result.authorize_error is not None
    assert result.authorize_error.error == "redirect_mismatch"
