"""The interactive login modes end to end in headless Chromium, through the real CLI.

(a) ``--login browser``: the CLI's browser opener (``BROWSER``, honoured by Python's
webbrowser) hands the URL to this test's Chromium, which logs in at the emulator
and lands on the results page. (b) ``--login paste``: Chromium logs in, lands on
Access's callback (intercepted, never sent to Cloudflare) and the test pastes that
URL. (c) ``--login headless-browser`` against the JavaScript-only login page.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from oidc_probe.login.headless import NO_SANDBOX_AS_ROOT, NO_SANDBOX_UNAVAILABLE
from tests.browser import pages
from tests.browser.conftest import CHROMIUM
from tests.browser.pages import browser_opener, capture_redirects, wait_for_file
from tests.e2e.interactive import (
    TEAM,
    TEAM_CALLBACK,
    LiveCli,
    PoolEmulator,
    checks,
    pool_emulator,
    statuses,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[PoolEmulator]:
    with pool_emulator(tmp_path, callbacks=(TEAM_CALLBACK,)) as emulator:
        yield emulator


def sign_in(page: Page, emu: PoolEmulator) -> None:
    pages.sign_in(page, "demo", emu.password())


def test_browser_login_lands_on_the_results_page(
    emu: PoolEmulator, page: Page, tmp_path: Path, artifacts: Path
) -> None:
    opener, opened = browser_opener(tmp_path)
    with LiveCli.start(
        ["check", "--config", str(emu.config_file()), "--format", "json", "--login", "browser",
         "--redirect-uri", emu.redirect_uri, "--login-timeout", "30"],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret(), "BROWSER": str(opener)},
    ) as cli:  # fmt: skip
        page.goto(wait_for_file(opened))
        sign_in(page, emu)
        page.wait_for_url(re.compile(r"/oidc-probe/results/"))
        result = page.locator("#result")
        result.wait_for()
        assert result.inner_text() == "PASS"
        assert "code=" not in page.url
        access = page.locator("#access + div").inner_text()
        assert "demo@example.com" in access
        fields = page.locator("#access ~ div.card").nth(1).inner_text()
        for claim in ("cognito:username", "cognito:groups", "admins"):
            assert claim in fields
        identity = page.locator("#identity").inner_text()  # get-identity, as Access builds it
        assert '"email": "demo@example.com"' in identity
        assert '"oidc_fields"' in identity
        custom = page.locator("#custom").inner_text()  # the Access token's trimmed custom claim
        assert '"cognito:groups"' in custom
        assert "approximate" in custom
        assert page.locator("tr.finding").count() >= 40
        assert page.locator("tr.finding.fail").count() == 0
        assert page.locator("#AUT002 .status").inner_text().lower() == "pass"
        assert page.locator("#IDT004 .status").inner_text().lower() == "pass"
        claims = page.locator("#claims").inner_text()
        assert "4f8e2b1c-9d3a-4c57-8e21-6b0a9f3d7c15" in claims
        assert "[signature redacted]" in page.content()
        html = page.content()
        for secret in (emu.secret(), emu.password(), "eyJ"):
            assert secret not in html
        page.screenshot(path=str(artifacts / "results-page.png"))
        page.screenshot(path=str(artifacts / "results-page-full.png"), full_page=True)
        code, stdout, stderr = cli.finish(timeout=20)
    assert code == 0, stderr
    assert statuses(stdout, "AUT002") == ["pass"]
    assert "opening the login page in your browser" in stderr


def test_paste_login_with_the_callback_url_from_the_browser(emu: PoolEmulator, page: Page) -> None:
    captured = capture_redirects(page, "https://" + TEAM + ".cloudflareaccess.com/")
    with LiveCli.start(
        ["check", "--config", str(emu.config_file()), "--format", "json", "--team-name", TEAM],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret()},
    ) as cli:
        page.goto(cli.authorization_url())
        sign_in(page, emu)
        page.wait_for_url(TEAM_CALLBACK + "?*")
        assert page.url == captured[0]
        code, stdout, stderr = cli.finish(page.url + "\n")
    assert code == 0, stderr
    for check_id in ("AUT001", "AUT002", "AUT003", "TOK001", "IDT009"):
        assert statuses(stdout, check_id) == ["pass"], check_id
    assert "paste it here" in stderr


def test_headless_browser_login_on_the_javascript_login_page(
    browser: Browser, tmp_path: Path
) -> None:
    with pool_emulator(tmp_path, login_page="js") as js_emu, LiveCli.start(
        ["check", "--config", str(js_emu.config_file()), "--format", "json",
         "--login", "headless-browser", "--browser-path", CHROMIUM, "--username", "demo",
         "--redirect-uri", js_emu.redirect_uri],
        env={"OIDC_PROBE_CLIENT_SECRET": js_emu.secret(),
             "OIDC_PROBE_PASSWORD": js_emu.password()},
    ) as cli:  # fmt: skip
        code, stdout, stderr = cli.finish(timeout=30)
    assert code == 0, stderr
    found = checks(stdout)
    assert [c["status"] for c in found["AUT002"]] == ["pass"]
    assert [c["status"] for c in found["TOK001"]] == ["pass"]
    assert js_emu.password() not in stdout + stderr
    # Issue 20, item 7: the sandbox stays on unless Chromium cannot run with it; as root
    # (this test machine) one line says so.
    sandbox_notes = [line for line in stderr.splitlines() if "without its sandbox" in line]
    if os.geteuid() == 0:
        assert sandbox_notes == [NO_SANDBOX_AS_ROOT], stderr
    else:
        assert sandbox_notes in ([], [NO_SANDBOX_UNAVAILABLE]), stderr


def test_headless_browser_approves_a_consent_page_and_signs_in(
    browser: Browser, tmp_path: Path
) -> None:
    """Issue 22: headless-browser continues through a consent page (ticking its box), where
    the form login stops and names it (the fault matrix, tests/e2e/test_faults.py)."""
    with pool_emulator(tmp_path, faults=("login-consent",)) as emu, LiveCli.start(
        ["check", "--config", str(emu.config_file()), "--format", "json",
         "--login", "headless-browser", "--browser-path", CHROMIUM, "--username", "demo",
         "--redirect-uri", emu.redirect_uri],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret(), "OIDC_PROBE_PASSWORD": emu.password()},
    ) as cli:  # fmt: skip
        code, stdout, stderr = cli.finish(timeout=30)
    assert code == 0, stderr
    assert [c["status"] for c in checks(stdout)["AUT002"]] == ["pass"]
    assert [c["status"] for c in checks(stdout)["TOK001"]] == ["pass"]


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ("login-new-password-required", "login stopped at a forced password change"),
        ("login-mfa-totp", "login stopped at a multi-factor authentication prompt"),
        ("login-user-disabled", "login stopped at a page saying the user is disabled"),
        ("login-user-unconfirmed", "login stopped at an account-confirmation page"),
        ("login-account-selection", "login stopped at an account-selection page"),
    ],
)
def test_headless_browser_names_the_page_that_stops_the_login(
    browser: Browser, tmp_path: Path, fault: str, words: str
) -> None:
    """Issue 19: AUT002 names the page after the password, with what to do."""
    with pool_emulator(tmp_path, faults=(fault,)) as emu, LiveCli.start(
        ["check", "--config", str(emu.config_file()), "--format", "json",
         "--login", "headless-browser", "--browser-path", CHROMIUM, "--username", "demo",
         "--redirect-uri", emu.redirect_uri],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret(), "OIDC_PROBE_PASSWORD": emu.password()},
    ) as cli:  # fmt: skip
        code, stdout, stderr = cli.finish(timeout=30)
    assert code == 1, stderr
    (aut002,) = checks(stdout)["AUT002"]
    assert aut002["status"] == "fail", checks(stdout)
    assert words in aut002["message"], aut002["message"]
    assert aut002["hint"]
    assert emu.password() not in stdout + stderr
