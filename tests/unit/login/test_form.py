from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx2
import pytest

from oidc_probe.core.context import AuthorizationRequest, LoginResult
from oidc_probe.login import FormLogin
from oidc_probe.plumbing.http import make_client
from oidc_probe.plumbing.urls import same_endpoint
from oidc_probe.stages.authorize import build_request
from tests.unit.stages.idp import (
    BASE,
    CSRF,
    PASSWORD,
    REDIRECT_URI,
    USERNAME,
    FakeIdp,
    make_config,
    make_settings,
)

Handler = Callable[[httpx2.Request], httpx2.Response]


def _login(
    transport: httpx2.BaseTransport,
    *,
    password: str = PASSWORD,
    redirect_uri: str = REDIRECT_URI,
    auth_url: str = f"{BASE}/oauth2/authorize",
) -> tuple[LoginResult, AuthorizationRequest]:
    settings = make_settings(redirect_uri=redirect_uri)
    request = build_request(make_config(auth_url=auth_url), settings)
    with make_client(settings, transport=transport) as client:
        return FormLogin(USERNAME, password).login(client, request), request


def _mock(routes: dict[str, Handler], seen: list[httpx2.Request]) -> httpx2.MockTransport:
    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        handler = routes.get(f"{request.method} {request.url.host}{request.url.path}")
        if handler is None:
            return httpx2.Response(404, text="<html><body>nothing here</body></html>")
        return handler(request)

    return httpx2.MockTransport(handle)


def _html(body: str, status: int = 200) -> httpx2.Response:
    return httpx2.Response(status, text=body, headers={"Content-Type": "text/html"})


def test_cognito_login_reaches_the_callback_without_requesting_it() -> None:
    idp = FakeIdp()
    result, request = _login(idp.transport())
    assert result.login_error is None, result.login_error
    assert result.authorize_error is None
    assert result.callback_params is not None
    assert result.callback_params["state"] == request.state
    assert result.callback_params["code"] in idp.codes
    assert all(r.url.host == "idp.test" for r in idp.requests)  # localhost:8765 never requested
    assert idp.paths() == ["GET /oauth2/authorize", "GET /login", "POST /login"]
    assert result.pages == (f"{BASE}/oauth2/authorize", f"{BASE}/login", f"{BASE}/login")


def test_cognito_form_post_keeps_hidden_fields_button_and_cookie() -> None:
    idp = FakeIdp()
    _login(idp.transport())
    post = idp.requests[-1]
    form = parse_qsl(post.content.decode(), keep_blank_values=True)
    assert form == [
        ("_csrf", CSRF),
        ("username", USERNAME),
        ("password", PASSWORD),
        ("cognitoAsfData", ""),
        ("signInSubmitButton", "Sign in"),
    ]
    assert "XSRF-TOKEN=xyz" in post.headers["cookie"]
    assert post.url.path == "/login"
    assert dict(post.url.params)["client_id"] == "client-1"  # the action's query, unescaped


def test_wrong_password_reports_the_page_error_text_and_not_the_password() -> None:
    result, _ = _login(FakeIdp().transport(), password="wrong-pass")
    assert result.callback_params is None
    assert result.login_error is not None
    assert "Incorrect username or password." in result.login_error
    assert result.login_error.count("Incorrect username") == 1
    assert "wrong-pass" not in result.login_error


def test_unregistered_redirect_uri_is_an_error_page() -> None:
    idp = FakeIdp(registered_redirects=("https://elsewhere.test/cb",))
    result, _ = _login(idp.transport())
    assert result.authorize_error is not None
    assert result.authorize_error.error == "redirect_mismatch"
    assert result.authorize_error.via == "error_page"
    assert "/error?" in result.authorize_error.url
    assert idp.paths() == ["GET /oauth2/authorize"]


def test_error_redirect_to_the_callback() -> None:
    seen: list[httpx2.Request] = []
    location = f"{REDIRECT_URI}?error=invalid_scope&error_description=bad+scope&state=s"
    routes: dict[str, Handler] = {
        "GET idp.test/oauth2/authorize": lambda r: httpx2.Response(
            302, headers={"Location": location}
        )
    }
    result, _ = _login(_mock(routes, seen))
    assert result.authorize_error is not None
    assert (result.authorize_error.error, result.authorize_error.via) == (
        "invalid_scope",
        "redirect",
    )
    assert result.authorize_error.description == "bad scope"
    assert result.callback_params == {
        "error": "invalid_scope",
        "error_description": "bad scope",
        "state": "s",
    }
    assert len(seen) == 1


def test_http_error_on_the_authorize_endpoint() -> None:
    seen: list[httpx2.Request] = []
    routes: dict[str, Handler] = {
        "GET idp.test/oauth2/authorize": lambda r: httpx2.Response(
            400, json={"error": "unauthorized_client", "error_description": "no code grant"}
        )
    }
    result, _ = _login(_mock(routes, seen))
    assert result.authorize_error is not None
    assert result.authorize_error.via == "http"
    assert result.authorize_error.error == "unauthorized_client"
    assert result.authorize_error.description == "no code grant"


CONSENT = """<html><body><h1>Authorize</h1>
<form action="/interaction/abc/confirm" method="post">
  <input type="hidden" name="prompt" value="consent"/>
  <button autofocus type="submit" class="login login-submit">Continue</button>
</form></body></html>"""

LOGIN = """<html><body>
<form autocomplete="off" action="/interaction/abc/login" method="post">
  <input type="hidden" name="prompt" value="login"/>
  <input required type="text" name="login" placeholder="Enter any login">
  <input required type="password" name="password">
  <button type="submit" class="login login-submit">Sign-in</button>
</form></body></html>"""


def test_consent_page_is_submitted_as_is() -> None:
    seen: list[httpx2.Request] = []
    callback = f"{REDIRECT_URI}?code=c0de&state=st"
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: httpx2.Response(
            302, headers={"Location": "/interaction/abc"}
        ),
        "GET op.test/interaction/abc": lambda r: _html(
            CONSENT if any(x.url.path.endswith("/login") for x in seen) else LOGIN
        ),
        "POST op.test/interaction/abc/login": lambda r: httpx2.Response(
            303, headers={"Location": "/interaction/abc"}
        ),
        "POST op.test/interaction/abc/confirm": lambda r: httpx2.Response(
            303, headers={"Location": callback}
        ),
    }
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.login_error is None, result.login_error
    assert result.callback_params == {"code": "c0de", "state": "st"}
    login_post, consent_post = (r for r in seen if r.method == "POST")
    assert parse_qsl(login_post.content.decode()) == [
        ("prompt", "login"),
        ("login", USERNAME),
        ("password", PASSWORD),
    ]
    assert parse_qsl(consent_post.content.decode()) == [("prompt", "consent")]


def test_endless_consent_pages_stop() -> None:
    seen: list[httpx2.Request] = []
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: _html(CONSENT),
        "POST op.test/interaction/abc/confirm": lambda r: _html(CONSENT),
    }
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.login_error is not None
    assert "more than 3 consent pages" in result.login_error
    assert sum(r.method == "POST" for r in seen) == 3


def test_javascript_only_page_needs_javascript() -> None:
    seen: list[httpx2.Request] = []
    page = (
        '<html><head><script src="/app.js"></script></head>'
        '<body><div id="root"></div></body></html>'
    )
    routes: dict[str, Handler] = {"GET op.test/auth": lambda r: _html(page)}
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.needs_javascript is True
    assert result.login_error is not None
    assert "JavaScript" in result.login_error


def test_page_without_form_or_script_is_a_login_error() -> None:
    seen: list[httpx2.Request] = []
    page = "<html><body><p class='alert-error'>Service unavailable</p></body></html>"
    routes: dict[str, Handler] = {"GET op.test/auth": lambda r: _html(page)}
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.needs_javascript is False
    assert (
        result.login_error == "no sign-in form found at https://op.test/auth: Service unavailable"
    )


def test_redirect_loop_is_capped() -> None:
    seen: list[httpx2.Request] = []
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: httpx2.Response(302, headers={"Location": "/auth?again=1"})
    }
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.login_error is not None
    assert "too many redirects" in result.login_error
    assert len(seen) == 11  # the first request and 10 redirects followed


def test_network_error_names_the_url_without_query() -> None:
    def refuse(request: httpx2.Request) -> httpx2.Response:
        raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)

    result, request = _login(httpx2.MockTransport(refuse))
    assert result.login_error == f"GET {BASE}/oauth2/authorize failed: connection refused"
    assert request.state not in result.login_error


def test_login_page_after_a_server_error_on_submit() -> None:
    seen: list[httpx2.Request] = []
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: _html(LOGIN),
        "POST op.test/interaction/abc/login": lambda r: _html(
            "<html><body>oops</body></html>", 500
        ),
    }
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.authorize_error is None
    assert result.login_error == "POST https://op.test/interaction/abc/login -> HTTP 500"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://localhost:8765/callback?code=1", True),
        ("HTTP://LOCALHOST:8765/callback", True),
        ("http://localhost:8765/callback/", False),
        ("http://localhost:8766/callback", False),
        ("https://localhost:8765/callback", False),
        ("http://127.0.0.1:8765/callback", False),
    ],
)
def test_same_endpoint(url: str, expected: bool) -> None:
    assert same_endpoint(url, REDIRECT_URI) is expected


def test_same_endpoint_default_ports() -> None:
    assert same_endpoint("https://a.test:443/cb?x=1", "https://a.test/cb")
    assert not same_endpoint("https://a.test:8443/cb", "https://a.test/cb")


def test_driver_repr_hides_the_password() -> None:
    assert PASSWORD not in repr(FormLogin(USERNAME, PASSWORD))


def test_identifier_first_login() -> None:
    seen: list[httpx2.Request] = []
    step1 = "<html><body><form method='post' action='/id'><input name='email'></form></body></html>"
    step2 = (
        "<html><body><form method='post' action='/pw'><input type='hidden' name='email' value='u'>"
        "<input type='password' name='pwd'></form></body></html>"
    )
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: _html(step1),
        "POST op.test/id": lambda r: _html(step2),
        "POST op.test/pw": lambda r: httpx2.Response(
            302, headers={"Location": REDIRECT_URI + "?code=c"}
        ),
    }
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.callback_params == {"code": "c"}
    assert [r.content.decode() for r in seen if r.method == "POST"] == [
        f"email={USERNAME}",
        f"email=u&pwd={PASSWORD.replace(' ', '+')}",
    ]


def test_multi_factor_page_is_not_submitted() -> None:
    seen: list[httpx2.Request] = []
    mfa = "<html><body><form method='post' action='/mfa'><input name='totp_code'></form></body>"
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: _html(LOGIN),
        "POST op.test/interaction/abc/login": lambda r: _html(mfa),
    }
    result, _ = _login(_mock(routes, seen), auth_url="https://op.test/auth")
    assert result.login_error is not None
    assert "fields: totp_code" in result.login_error
    # Issue 19: the page is named, with what to do.
    assert "login stopped at a multi-factor authentication prompt" in result.login_error
    assert "MFA" in result.hint
    assert [r.url.path for r in seen if r.method == "POST"] == ["/interaction/abc/login"]


_FORM = (
    "<html><body><form method='post' action='{action}'>"
    "<input name='username'><input type='password' name='password'></form></body></html>"
)


@pytest.mark.parametrize(
    "action",
    ["https://elsewhere.test/steal", "http://127.0.0.1:9/steal", "https://idp.test:8443/login"],
)
def test_the_password_goes_only_to_the_origin_of_the_sign_in_page(action: str) -> None:
    """Issue 20, item 3: any other form action fails the login (AUT002) without sending."""
    seen: list[httpx2.Request] = []
    routes: dict[str, Handler] = {
        "GET idp.test/oauth2/authorize": lambda r: _html(_FORM.format(action=action))
    }
    result, _ = _login(_mock(routes, seen))
    assert result.login_error is not None
    assert "neither the origin of auth_url nor of the sign-in page; not sent" in result.login_error
    assert [r.method for r in seen] == ["GET"]
    assert all(PASSWORD not in r.content.decode() for r in seen)


def test_a_307_of_the_password_to_another_origin_is_not_followed() -> None:
    seen: list[httpx2.Request] = []
    routes: dict[str, Handler] = {
        "GET idp.test/oauth2/authorize": lambda r: _html(_FORM.format(action="/login")),
        "POST idp.test/login": lambda r: httpx2.Response(
            307, headers={"Location": "https://elsewhere.test/collect"}
        ),
    }
    result, _ = _login(_mock(routes, seen))
    assert result.login_error is not None
    assert "not sent" in result.login_error
    assert [r.url.host for r in seen] == ["idp.test", "idp.test"]


def test_a_password_form_on_plain_http_to_a_remote_host_stops_the_run() -> None:
    from oidc_probe.core.errors import UsageError

    seen: list[httpx2.Request] = []
    routes: dict[str, Handler] = {
        "GET idp.test/oauth2/authorize": lambda r: _html(_FORM.format(action="/login"))
    }
    with pytest.raises(
        UsageError, match=r"refusing to send the password \(form login\) over plain"
    ):
        _login(_mock(routes, seen), auth_url="http://idp.test/oauth2/authorize")
    assert [r.method for r in seen] == ["GET"]


def test_a_login_stopping_page_without_a_form_is_named() -> None:
    """Issue 19: an account chooser (links only) after the password is named in AUT002."""
    chooser = "<html><body><h1>Choose an account</h1><a href='/a'>ana@example.com</a></body>"
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: _html(LOGIN),
        "POST op.test/interaction/abc/login": lambda r: _html(chooser),
    }
    result, _ = _login(_mock(routes, []), auth_url="https://op.test/auth")
    assert result.login_error is not None
    assert result.login_error.startswith("login stopped at an account-selection page")
    assert "fresh session" in result.hint


def test_a_script_page_after_the_password_still_needs_javascript() -> None:
    page = "<html><body><script>render()</script></body>"
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: _html(LOGIN),
        "POST op.test/interaction/abc/login": lambda r: _html(page),
    }
    result, _ = _login(_mock(routes, []), auth_url="https://op.test/auth")
    assert result.needs_javascript


def test_a_refusal_page_after_the_password_is_an_authorization_refusal() -> None:
    """Issue 22: LemonLDAP::NG checks the redirect URI after the sign-in and shows its
    "Unauthorized URL" page with HTTP 200 (an alert, a link back, its script)."""
    page = (
        "<html><body><script src='/static/portal.js'></script>"
        "<div class='message message-negative alert'>Unauthorized URL</div>"
        "<a href='/'>Go to portal</a></body></html>"
    )
    routes: dict[str, Handler] = {
        "GET op.test/auth": lambda r: _html(LOGIN),
        "POST op.test/interaction/abc/login": lambda r: _html(page),
    }
    result, _ = _login(_mock(routes, []), auth_url="https://op.test/auth")
    assert result.needs_javascript is False
    assert result.authorize_error is not None
    assert result.authorize_error.via == "page"
    assert "Unauthorized URL" in result.authorize_error.description
