from __future__ import annotations

import io
from typing import Any

import pytest

from oidc_probe.cli.console import Console
from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import LoginMode
from oidc_probe.login import headless
from oidc_probe.run.login_factory import choose_login_mode, redirect_uri_from
from oidc_probe.run.requests import LoginRequest


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def console(*, tty: bool) -> Console:
    stream = Tty if tty else io.StringIO
    return Console(stdin=stream(), stdout=io.StringIO(), stderr=stream(), environ={})


def args(**values: Any) -> LoginRequest:
    """The login part of a request, as the request builder makes it from these options."""
    login = values.pop("login", None)
    return LoginRequest(mode=LoginMode(login) if login else None, **values)


def test_default_is_browser_on_a_terminal_and_form_otherwise() -> None:
    assert choose_login_mode(args(), console(tty=True)) is LoginMode.BROWSER
    assert choose_login_mode(args(), console(tty=False)) is LoginMode.FORM


def test_paste_options_imply_paste_and_an_explicit_mode_wins() -> None:
    assert choose_login_mode(args(team_name="t"), console(tty=True)) is LoginMode.PASTE
    assert choose_login_mode(args(callback_url="https://x"), console(tty=False)) is LoginMode.PASTE
    assert choose_login_mode(args(login="form"), console(tty=True)) is LoginMode.FORM
    with pytest.raises(UsageError, match="--callback-url is for --login paste"):
        choose_login_mode(args(login="browser", callback_url="https://x"), console(tty=True))


def test_team_name_sets_accesss_callback() -> None:
    assert redirect_uri_from(args(team_name="Acme-Corp")) == (
        "https://acme-corp.cloudflareaccess.com/cdn-cgi/access/callback"
    )
    assert redirect_uri_from(args()) == DEFAULT_REDIRECT_URI


@pytest.mark.parametrize(
    ("values", "says"),
    [
        ({"team_name": "acme.cloudflareaccess.com"}, "team name only"),
        ({"team_name": "acme", "redirect_uri": "http://localhost:9000/cb"}, "give one"),
    ],
)
def test_team_name_mistakes(values: dict[str, str], says: str) -> None:
    with pytest.raises(UsageError, match=says):
        redirect_uri_from(args(**values))


def test_missing_playwright_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headless.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(UsageError, match=r"pip install 'oidc-probe\[browser\]'"):
        headless.require_playwright()


def test_browser_path_must_be_an_executable(tmp_path: object) -> None:
    with pytest.raises(UsageError, match="--browser-path /nonexistent/chromium"):
        headless.find_browser("/nonexistent/chromium")


def test_no_chromium_anywhere_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headless, "DEFAULT_BROWSER_PATHS", ())
    monkeypatch.setattr(headless.shutil, "which", lambda name: None)
    with pytest.raises(UsageError, match="apt-get install chromium"):
        headless.find_browser(None)
