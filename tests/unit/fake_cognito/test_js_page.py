from __future__ import annotations

import json
import re

from starlette.testclient import TestClient

from oidc_probe.fake_cognito import create_app, load_pool
from oidc_probe.fake_cognito.js_page import LoginPage, js_login_page, page_renderer
from oidc_probe.fake_cognito.pages import login_page
from oidc_probe.login.html_forms import parse_page

from .conftest import CALLBACK


def test_the_javascript_page_has_no_form_but_a_script_that_builds_one() -> None:
    html = js_login_page("/login?client_id=x&state=s", "csrf-token", "demo", "Wrong password.")
    parsed = parse_page(html)
    assert parsed.forms == ()
    assert parsed.has_script
    data = json.loads(re.search(r'id="signin-data">(.*?)</script>', html, re.S).group(1))
    assert data == {
        "action": "/login?client_id=x&state=s",
        "csrf": "csrf-token",
        "username": "demo",
        "error": "Wrong password.",
    }
    assert "cognitoSignInForm" in html
    assert "signInSubmitButton" in html


def test_page_data_cannot_close_the_script_element() -> None:
    html = js_login_page("/login", "c", username="</script><script>alert(1)</script>")
    assert html.count("</script>") == 2  # the data block and the builder, nothing injected
    assert "\\u003c/script\\u003e" in html


def test_renderer_by_name() -> None:
    assert page_renderer("js") is js_login_page
    assert page_renderer(LoginPage.CLASSIC) is login_page


def test_the_emulator_serves_the_javascript_page_when_asked() -> None:
    pool = load_pool()
    client_id = pool.clients[0].client_id
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid",
        "state": "s",
    }
    with TestClient(create_app(pool, login_page="js")) as client:
        page = client.get("/login", params=params)
    assert page.status_code == 200
    assert 'id="signin-data"' in page.text
    assert parse_page(page.text).forms == ()
