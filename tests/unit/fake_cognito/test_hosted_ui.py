from __future__ import annotations

from collections.abc import Callable

import pytest

from oidc_probe.fake_cognito import Pool

from .conftest import CALLBACK, Driver, query


def test_authorize_redirects_to_login_with_the_same_parameters(driver: Driver) -> None:
    response = driver.authorize()
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("/login?")
    assert query(location) == {
        "response_type": "code",
        "client_id": driver.client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid email profile",
        "state": "state-123",
        "nonce": "nonce-456",
    }


@pytest.mark.parametrize(
    "overrides",
    [
        {"client_id": "unknownclient"},
        {"client_id": None},
        {"redirect_uri": "http://localhost:9999/callback"},
        {"redirect_uri": CALLBACK + "/"},
        {"redirect_uri": None},
    ],
)
def test_unknown_client_or_unregistered_redirect_shows_redirect_mismatch(
    driver: Driver, overrides: dict[str, str | None]
) -> None:
    response = driver.authorize(**overrides)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith("/error?")
    assert query(location)["error"] == "redirect_mismatch"
    assert query(location)["client_id"] == (overrides.get("client_id", driver.client_id) or "")
    page = driver.client.get(location)
    assert page.status_code == 400
    assert "redirect_mismatch" in page.text


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"response_type": "id_token"}, "invalid_request"),
        ({"response_type": None}, "invalid_request"),
        ({"response_type": "token"}, "unauthorized_client"),
        ({"code_challenge": "abc", "code_challenge_method": "plain"}, "invalid_request"),
        ({"code_challenge": "abc"}, "invalid_request"),
        ({"code_challenge_method": "S256"}, "invalid_request"),
    ],
)
def test_other_errors_redirect_back_with_state(
    driver: Driver, overrides: dict[str, str | None], error: str
) -> None:
    response = driver.authorize(**overrides)
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(CALLBACK + "?")
    params = query(location)
    assert params["error"] == error
    assert params["state"] == "state-123"
    assert params["error_description"]


def test_client_without_code_grant_is_unauthorized(
    make_driver: Callable[..., Driver], test_pool: Pool
) -> None:
    d = make_driver(pool=test_pool, client_index=3)
    params = query(d.authorize(scope="openid email").headers["location"])
    assert params["error"] == "unauthorized_client"


def test_login_page_has_the_classic_hosted_ui_form_twice(driver: Driver) -> None:
    page = driver.login_page()
    assert page.status_code == 200
    html = page.text
    assert html.count('<form name="cognitoSignInForm"') == 2
    assert html.count('method="post"') == 2
    assert html.count('name="_csrf"') == 2
    assert html.count('name="cognitoAsfData"') == 2
    assert html.count('name="username"') == 2
    assert html.count('name="password"') == 2
    assert html.count('name="signInSubmitButton"') == 2
    assert 'action="/login?response_type=code&amp;client_id=' in html
    assert "XSRF-TOKEN" in page.headers["set-cookie"]


def test_successful_login_redirects_with_code_and_state(driver: Driver) -> None:
    params = driver.login("demo")
    assert set(params) == {"code", "state"}
    assert params["state"] == "state-123"


def test_login_without_state_has_no_state_in_the_callback(driver: Driver) -> None:
    assert set(driver.login("demo", state=None)) == {"code"}


def test_password_with_special_characters(driver: Driver) -> None:
    assert "code" in driver.login("special")


def test_wrong_password_re_renders_the_page_with_cognitos_message(driver: Driver) -> None:
    page = driver.login_page()
    response = driver.submit(page.text, "demo", "wrong-password")
    assert response.status_code == 200
    assert "Incorrect username or password." in response.text
    assert response.text.count('<form name="cognitoSignInForm"') == 2
    retry = driver.submit(response.text, "demo", driver.pool.user("demo").password)  # type: ignore[union-attr]
    assert retry.status_code == 302
    assert "code" in query(retry.headers["location"])


def test_unknown_user_gets_the_same_message(driver: Driver) -> None:
    page = driver.login_page()
    response = driver.submit(page.text, "nobody", "whatever")
    assert "Incorrect username or password." in response.text


def test_post_without_the_csrf_cookie_is_refused(driver: Driver) -> None:
    page = driver.login_page()
    driver.client.cookies.clear()
    response = driver.submit(page.text, "demo", driver.pool.user("demo").password)  # type: ignore[union-attr]
    assert response.status_code == 302
    assert response.headers["location"].startswith("/error?")
    assert "code=" not in response.headers["location"]


def test_logout_redirects_only_to_registered_logout_urls(
    make_driver: Callable[..., Driver], test_pool: Pool
) -> None:
    d = make_driver(pool=test_pool)
    ok = d.client.get(
        "/logout",
        params={"client_id": d.client_id, "logout_uri": "http://localhost:8765/bye"},
        follow_redirects=False,
    )
    assert ok.status_code == 302
    assert ok.headers["location"] == "http://localhost:8765/bye"
    bad = d.client.get(
        "/logout",
        params={"client_id": d.client_id, "logout_uri": "https://evil.example/"},
        follow_redirects=False,
    )
    assert query(bad.headers["location"])["error"] == "redirect_mismatch"


def test_error_page_escapes_the_error(driver: Driver) -> None:
    page = driver.client.get("/error", params={"error": "<script>x</script>"})
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;" in page.text
