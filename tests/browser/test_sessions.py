"""Issue 13, item 5: the hosted UI's session cookie and ``prompt``, in a real browser.

(a) Two ``--login browser`` runs in one browser: the second authorization rides the
session of the first (no sign-in page) and the probe still passes. (b) The emulator's
own command with the managed-login (JavaScript) page: ``prompt=none`` without a session
is ``login_required``, a signed-in browser skips the form, ``prompt=login`` shows it
again and ``prompt=none`` then goes straight back.
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from oidc_probe.fake_cognito import load_pool
from tests.browser.pages import browser_opener, capture_redirects, sign_in, wait_for_file
from tests.e2e.conftest import REPO
from tests.e2e.interactive import LiveCli, PoolEmulator, pool_emulator, statuses

if TYPE_CHECKING:
    from playwright.sync_api import Page, Request

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

DEMO_POOL = load_pool(None)
CLIENT = DEMO_POOL.clients[0]
CALLBACK = CLIENT.callback_urls[0]


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[PoolEmulator]:
    with pool_emulator(tmp_path) as emulator:
        yield emulator


def _browser_run(emu: PoolEmulator, page: Page, opener: Path, opened: Path) -> list[str]:
    """One ``check --login browser`` in ``page``; returns the emulator paths the page loaded."""
    loaded: list[str] = []

    def record(request: Request) -> None:
        if request.url.startswith(emu.server.base_url):
            loaded.append(urlsplit(request.url).path)

    page.on("request", record)
    with LiveCli.start(
        ["check", "--config", str(emu.config_file()), "--format", "json", "--login", "browser",
         "--redirect-uri", emu.redirect_uri, "--login-timeout", "30"],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret(), "BROWSER": str(opener)},
    ) as cli:  # fmt: skip
        page.goto(wait_for_file(opened))
        if "/login" in urlsplit(page.url).path:
            sign_in(page, "demo", emu.password())
        page.wait_for_url(re.compile(r"/oidc-probe/results/"))
        page.locator("#result").wait_for()
        assert page.locator("#result").inner_text() == "PASS"
        code, stdout, stderr = cli.finish(timeout=20)
    page.remove_listener("request", record)
    assert code == 0, stderr
    assert statuses(stdout, "AUT002") == ["pass"]
    assert statuses(stdout, "IDT009") == ["pass"]  # a fresh nonce each run, echoed each time
    return loaded


def test_a_second_browser_login_rides_the_hosted_ui_session(
    emu: PoolEmulator, page: Page, tmp_path: Path
) -> None:
    opener, opened = browser_opener(tmp_path)
    first = _browser_run(emu, page, opener, opened)
    assert "/login" in first
    second = _browser_run(emu, page, opener, opened)
    assert second == ["/oauth2/authorize"]  # straight back to the probe: no sign-in page


@pytest.fixture
def managed_login() -> Iterator[str]:
    """``oidc-probe fake-cognito --login-page js`` in its own process; yields its base URL."""
    command = [sys.executable, "-m", "oidc_probe", "fake-cognito", "--port", "0"]
    server = subprocess.Popen(
        [*command, "--login-page", "js"], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        yield server.stdout.readline().split("serving at ")[1].split()[0]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=10)


def _authorize(page: Page, base: str, state: str, prompt: str | None = None) -> str:
    """Open the authorization URL; returns where the page ended (callback or sign-in page)."""
    params = {"response_type": "code", "client_id": CLIENT.client_id, "redirect_uri": CALLBACK}
    params |= {"scope": "openid email", "state": state}
    if prompt is not None:
        params["prompt"] = prompt
    page.goto(f"{base}/oauth2/authorize?{urlencode(params)}")
    return page.url


def _callback(url: str) -> dict[str, list[str]]:
    assert url.startswith(CALLBACK), url
    return parse_qs(urlsplit(url).query)


def test_prompt_on_the_managed_login_page(managed_login: str, page: Page) -> None:
    captured = capture_redirects(page, CALLBACK, status=200, body=b"callback")
    user = DEMO_POOL.user("demo")
    assert user is not None

    def landed(state: str, prompt: str | None = None) -> dict[str, list[str]]:
        _authorize(page, managed_login, state, prompt)
        params = _callback(captured[-1])
        assert params["state"] == [state]  # this request's callback, not an earlier one
        return params

    refused = landed("s1", prompt="none")
    assert (refused["error"], refused["state"]) == (["login_required"], ["s1"])
    assert "/login" in _authorize(page, managed_login, "s2")
    sign_in(page, "demo", user.password)
    page.wait_for_url(CALLBACK + "*")
    assert _callback(captured[-1])["state"] == ["s2"]
    assert "code" in _callback(captured[-1])
    assert "code" in landed("s3")  # the session: no sign-in page
    assert "/login" in _authorize(page, managed_login, "s4", prompt="login")
    assert "code" in landed("s5", prompt="none")
    assert len(captured) == 4
