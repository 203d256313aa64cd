"""The interactive login modes through the real CLI, without a browser.

The person in the loop is played by the form login (it follows the emulator's
pages and stops at the redirect without requesting it) or by plain HTTP requests.
"""

from __future__ import annotations

import re
import signal
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest

from oidc_probe.core.context import AuthorizationRequest
from oidc_probe.login.form import FormLogin
from tests.e2e.interactive import (
    TEAM,
    TEAM_CALLBACK,
    LiveCli,
    PoolEmulator,
    checks,
    pool_emulator,
    statuses,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[PoolEmulator]:
    with pool_emulator(tmp_path, callbacks=(TEAM_CALLBACK,)) as emulator:
        yield emulator


def start(emu: PoolEmulator, *args: str, config: Path | None = None) -> LiveCli:
    return LiveCli.start(
        ["check", "--config", str(config or emu.config_file()), "--format", "json", *args],
        env={"OIDC_PROBE_CLIENT_SECRET": emu.secret()},
    )


def log_in(emu: PoolEmulator, auth_url: str, redirect_uri: str) -> str:
    """The URL the browser would land on after signing in as the demo user."""
    request = AuthorizationRequest(
        url=auth_url, state="", nonce="", redirect_uri=redirect_uri, scope="openid"
    )
    with httpx2.Client(follow_redirects=False) as client:
        result = FormLogin("demo", emu.password()).login(client, request)
    assert result.callback_url is not None, result
    return result.callback_url


def test_paste_mode_exchanges_the_pasted_callback(emu: PoolEmulator) -> None:
    with start(emu, "--team-name", TEAM) as cli:
        auth_url = cli.authorization_url()
        assert parse_qs(urlsplit(auth_url).query)["redirect_uri"] == [TEAM_CALLBACK]
        landed = log_in(emu, auth_url, TEAM_CALLBACK)
        code, stdout, stderr = cli.finish(f"  {landed}  \n")
    assert code == 0, stderr
    for check_id in ("AUT001", "AUT002", "AUT003", "TOK001", "IDT004", "CLM001"):
        assert statuses(stdout, check_id) == ["pass"], check_id
    pasted_code = parse_qs(urlsplit(landed).query)["code"][0]
    assert pasted_code not in stdout + stderr


def test_paste_mode_reports_a_code_already_redeemed(emu: PoolEmulator) -> None:
    with start(emu, "--team-name", TEAM, config=emu.config_file(pkce_enabled=False)) as cli:
        landed = log_in(emu, cli.authorization_url(), TEAM_CALLBACK)
        redeemed = httpx2.post(
            f"{emu.base_url}/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": parse_qs(urlsplit(landed).query)["code"][0],
                "redirect_uri": TEAM_CALLBACK,
            },
            auth=(emu.pool.clients[0].client_id, emu.secret()),
        )
        assert redeemed.status_code == 200
        code, stdout, stderr = cli.finish(landed + "\n")
    assert code == 1, stderr
    [tok001] = checks(stdout)["TOK001"]
    assert tok001["status"] == "fail"
    assert "invalid_grant" in tok001["message"]
    assert "reused" in tok001["hint"]


def test_paste_mode_reports_an_unregistered_callback_before_any_login(
    emu: PoolEmulator,
) -> None:
    with start(emu, "--team-name", "not-registered") as cli:
        code, stdout, stderr = cli.finish(timeout=20)
    assert code == 1, stderr
    [aut001] = checks(stdout)["AUT001"]
    assert aut001["status"] == "fail"
    assert "redirect_mismatch" in aut001["message"]
    assert "https://not-registered.cloudflareaccess.com/cdn-cgi/access/callback" in aut001["hint"]
    assert "URL:" not in stderr  # refused before the prompt: no login was needed to know


def test_callback_url_with_a_foreign_state_fails_the_state_check(emu: PoolEmulator) -> None:
    forged = f"{emu.redirect_uri}?code=0f0e0d0c-forged&state=not-the-probes-state"
    with start(emu, "--redirect-uri", emu.redirect_uri, "--callback-url", forged) as cli:
        code, stdout, stderr = cli.finish()
    assert code == 1, stderr
    assert statuses(stdout, "AUT003") == ["fail"]
    assert statuses(stdout, "TOK001") == ["skip"]


def test_browser_mode_waits_ignores_foreign_callbacks_and_times_out(emu: PoolEmulator) -> None:
    with start(
        emu, "--login", "browser", "--no-open", "--login-timeout", "3",
        "--redirect-uri", emu.redirect_uri,
    ) as cli:  # fmt: skip
        cli.authorization_url()
        forged = httpx2.get(f"{emu.redirect_uri}?code=x&state=forged", follow_redirects=False)
        code, stdout, stderr = cli.finish()
    assert forged.status_code == 400
    assert "ignored" in forged.text
    assert forged.headers["content-security-policy"].startswith("default-src 'none'")
    assert code == 1, stderr
    [aut002] = checks(stdout)["AUT002"]
    assert aut002["status"] == "fail"
    assert "within 3 s" in aut002["message"]
    assert "1 other callback(s) were ignored" in aut002["message"]


def test_browser_mode_with_the_port_in_use_says_so_in_one_line(emu: PoolEmulator) -> None:
    port = urlsplit(emu.redirect_uri).port
    assert port is not None
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", port))
        busy.listen(1)
        with start(
            emu, "--login", "browser", "--no-open", "--redirect-uri", emu.redirect_uri
        ) as cli:
            code, stdout, stderr = cli.finish()
    assert code == 2
    assert stdout == ""
    [line] = stderr.strip().splitlines()
    assert re.search(r"--redirect-uri .*already in use", line), line
    assert "Traceback" not in stderr


def test_browser_mode_refuses_a_redirect_uri_it_cannot_serve(emu: PoolEmulator) -> None:
    with start(
        emu, "--login", "browser", "--redirect-uri", "https://app.example.com/callback"
    ) as cli:
        code, _, stderr = cli.finish()
    assert code == 2
    assert "--login paste" in stderr
    assert "Traceback" not in stderr


def test_form_login_on_the_javascript_page_points_to_the_browser_modes(tmp_path: Path) -> None:
    with pool_emulator(tmp_path, login_page="js") as js_emu, LiveCli.start(
        ["check", "--config", str(js_emu.config_file()), "--format", "json",
         "--login", "form", "--username", "demo", "--redirect-uri", js_emu.redirect_uri],
        env={"OIDC_PROBE_CLIENT_SECRET": js_emu.secret(),
             "OIDC_PROBE_PASSWORD": js_emu.password()},
    ) as cli:  # fmt: skip
        code, stdout, stderr = cli.finish()
    assert code == 1, stderr
    [aut002] = checks(stdout)["AUT002"]
    assert aut002["status"] == "fail"
    assert "JavaScript" in aut002["message"]
    assert "--login headless-browser" in aut002["hint"]
    assert "--login browser" in aut002["hint"]


def test_ctrl_c_while_waiting_exits_130_and_frees_the_port(emu: PoolEmulator) -> None:
    with start(emu, "--login", "browser", "--no-open", "--redirect-uri", emu.redirect_uri) as cli:
        cli.authorization_url()
        cli.process.send_signal(signal.SIGINT)
        code, _stdout, stderr = cli.finish()
    assert code == 130
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    port = urlsplit(emu.redirect_uri).port
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        again.bind(("127.0.0.1", port or 0))


def test_browser_mode_reports_an_unregistered_callback_without_waiting(
    emu: PoolEmulator,
) -> None:
    unregistered = emu.redirect_uri.replace("/callback", "/not-registered")
    with start(emu, "--login", "browser", "--no-open", "--redirect-uri", unregistered) as cli:
        code, stdout, stderr = cli.finish(timeout=15)
    assert code == 1, stderr
    [aut001] = checks(stdout)["AUT001"]
    assert aut001["status"] == "fail"
    assert "redirect_mismatch" in aut001["message"]
    assert unregistered in aut001["hint"]
    assert "open this URL" not in stderr
