from __future__ import annotations

import httpx2
import pytest

from oidc_probe.core.context import AuthorizationRequest
from oidc_probe.login.paste import PasteLogin, parse_pasted

CALLBACK = "https://team.cloudflareaccess.com/cdn-cgi/access/callback"
AUTHORIZE = "https://pool.auth.us-east-1.amazoncognito.com/oauth2/authorize?client_id=c&state=s"
REQUEST = AuthorizationRequest(
    url=AUTHORIZE, state="s", nonce="n", redirect_uri=CALLBACK, scope="openid"
)


@pytest.mark.parametrize(
    "pasted",
    [
        f"{CALLBACK}?code=abc&state=s",
        f'  "{CALLBACK}?code=abc&state=s"\n',
        f"<{CALLBACK}?code=abc&state=s>",
        "code=abc&state=s",
        "?code=abc&state=s",
    ],
)
def test_the_callback_in_its_usual_shapes(pasted: str) -> None:
    result = parse_pasted(pasted, CALLBACK)
    assert result.callback_params == {"code": "abc", "state": "s"}
    assert result.login_error is None


def test_cognitos_error_page_is_an_authorize_error() -> None:
    url = "https://pool.auth.us-east-1.amazoncognito.com/error?error=redirect_mismatch&client_id=c"
    result = parse_pasted(url, CALLBACK)
    assert result.authorize_error is not None
    assert (result.authorize_error.error, result.authorize_error.via) == (
        "redirect_mismatch",
        "error_page",
    )


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ("", "no URL was pasted"),
        ("hello", "not a URL"),
        ("https://pool.auth.us-east-1.amazoncognito.com/login?state=s", "is not the redirect URI"),
    ],
)
def test_anything_else_says_what_was_expected(pasted: str, says: str) -> None:
    result = parse_pasted(pasted, CALLBACK)
    assert result.login_error is not None
    assert says in result.login_error


def client_answering(status: int, location: str | None = None) -> httpx2.Client:
    headers = {"location": location} if location else {}
    return httpx2.Client(
        transport=httpx2.MockTransport(lambda request: httpx2.Response(status, headers=headers))
    )


def test_an_unregistered_callback_is_reported_without_asking() -> None:
    asked: list[str] = []
    driver = PasteLogin(read_line=lambda: asked.append("read") or "", say=asked.append)
    result = driver.login(
        client_answering(302, "/error?error=redirect_mismatch&client_id=c"), REQUEST
    )
    assert asked == []
    assert result.authorize_error is not None
    assert result.authorize_error.error == "redirect_mismatch"


def test_a_login_page_leads_to_the_prompt() -> None:
    said: list[str] = []
    driver = PasteLogin(read_line=lambda: f"{CALLBACK}?code=abc&state=s\n", say=said.append)
    result = driver.login(client_answering(302, "/login?client_id=c"), REQUEST)
    assert result.callback_params == {"code": "abc", "state": "s"}
    assert f"  {AUTHORIZE}" in said
    assert any("paste it here" in line for line in said)


def test_callback_url_replaces_the_prompt() -> None:
    said: list[str] = []
    driver = PasteLogin(
        read_line=lambda: pytest.fail("must not read"),
        say=said.append,
        callback_url=f"{CALLBACK}?code=abc&state=s",
    )
    result = driver.login(client_answering(200), REQUEST)
    assert result.callback_params == {"code": "abc", "state": "s"}
    assert said == []
