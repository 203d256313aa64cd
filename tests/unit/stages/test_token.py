from __future__ import annotations

import base64
from urllib.parse import parse_qsl

import httpx2
import pytest

from oidc_probe.core.context import LoginResult, RunContext
from oidc_probe.core.settings import ClientAuth, LoginMode
from oidc_probe.plumbing.http import make_client
from oidc_probe.stages import token
from oidc_probe.stages.authorize import build_request
from oidc_probe.stages.token import basic_authorization
from tests.factories import make_context
from tests.unit.stages.idp import BASE, REDIRECT_URI, make_config, make_settings

SECRET = "a+b/c=d:e%"


def _ctx(
    *,
    client_auth: ClientAuth = ClientAuth.BASIC,
    pkce: bool = True,
    state: str | None = None,
    params: dict[str, str] | None = None,
    **config: object,
) -> RunContext:
    cfg = make_config(pkce_enabled=pkce, client_secret=SECRET, **config)
    settings = make_settings(client_auth=client_auth)
    ctx = make_context(cfg, settings)
    ctx.authorization = build_request(cfg, settings)
    callback = {"code": "the-code", "state": ctx.authorization.state if state is None else state}
    ctx.login = LoginResult(callback_params=params if params is not None else callback)
    return ctx


def _run(ctx: RunContext) -> list[httpx2.Request]:
    seen: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        return httpx2.Response(
            200,
            json={"id_token": "x.y.z", "access_token": "at", "token_type": "Bearer"},
            headers={"Cache-Control": "no-store"},
        )

    with make_client(ctx.settings, transport=httpx2.MockTransport(handle)) as client:
        token.run(ctx, client)
    return seen


def test_basic_header_is_unencoded_as_cfg005_says_access_sends_it() -> None:
    # Issue 24 item 7: the probe does what CFG005 says Access does (no form-urlencoding).
    header = basic_authorization("client-1", SECRET)
    decoded = base64.b64decode(header.removeprefix("Basic ")).decode()
    assert decoded == f"client-1:{SECRET}"


def test_basic_exchange() -> None:
    ctx = _ctx()
    (request,) = _run(ctx)
    assert request.method == "POST"
    assert str(request.url) == f"{BASE}/oauth2/token"
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert request.headers["authorization"] == basic_authorization("client-1", SECRET)
    body = dict(parse_qsl(request.content.decode()))
    assert ctx.authorization is not None
    assert body == {
        "grant_type": "authorization_code",
        "redirect_uri": REDIRECT_URI,
        "code": "the-code",
        "code_verifier": ctx.authorization.code_verifier,
    }
    assert ctx.token_fetch is not None
    assert ctx.token_fetch.headers["cache-control"] == "no-store"
    assert ctx.token_response == {"id_token": "x.y.z", "access_token": "at", "token_type": "Bearer"}


def test_post_auth_sends_credentials_in_the_body_only() -> None:
    (request,) = _run(_ctx(client_auth=ClientAuth.POST, pkce=False))
    assert "authorization" not in request.headers
    body = dict(parse_qsl(request.content.decode()))
    assert body["client_id"] == "client-1"
    assert body["client_secret"] == SECRET
    assert "code_verifier" not in body


def test_state_mismatch_is_not_exchanged() -> None:
    ctx = _ctx(state="forged")
    assert _run(ctx) == []
    assert ctx.token_fetch is None
    assert ctx.stopped["token"] == "state mismatch"


def test_a_non_ascii_state_is_a_mismatch_not_a_crash() -> None:
    ctx = _ctx(state="\u00e9t\u00e9")
    assert _run(ctx) == []
    assert ctx.stopped["token"] == "state mismatch"


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"error": "access_denied", "state": "s"}, "the authorization request was refused"),
        ({"state": "s"}, "the callback has no code"),
    ],
)
def test_callback_without_code(params: dict[str, str], reason: str) -> None:
    ctx = _ctx(params=params)
    assert _run(ctx) == []
    assert ctx.stopped["token"] == reason


def test_no_login_result() -> None:
    ctx = _ctx()
    ctx.login = LoginResult(login_error="wrong password")
    assert _run(ctx) == []
    assert ctx.stopped["token"] == "the login did not reach the redirect URI"


def test_a_failed_initiate_auth_sign_in_is_named_as_such() -> None:
    cfg = make_config(client_secret=SECRET)
    ctx = make_context(cfg, make_settings(login=LoginMode.INITIATE_AUTH))
    ctx.authorization = build_request(cfg, ctx.settings)
    ctx.login = LoginResult(login_error="NotAuthorizedException")
    assert _run(ctx) == []
    assert ctx.stopped["token"] == token.NO_INITIATE_AUTH_TOKENS


def test_placeholder_token_url() -> None:
    ctx = _ctx(token_url="https://<your user pool domain>/oauth2/token")
    assert _run(ctx) == []
    assert ctx.stopped["token"] == "token_url is not a usable URL"


def test_a_callback_iss_naming_another_issuer_is_not_exchanged() -> None:
    """RFC 9207 2.4: after a mix-up the client must not redeem the code."""
    ctx = _ctx()
    assert ctx.authorization is not None
    params = {"code": "the-code", "state": ctx.authorization.state, "iss": "https://evil.test"}
    ctx = _ctx(params=params)
    assert ctx.authorization is not None
    ctx.login = LoginResult(callback_params={**params, "state": ctx.authorization.state})
    assert _run(ctx) == []
    assert "RFC 9207" in ctx.stopped["token"]


def test_a_callback_iss_equal_to_the_issuer_is_exchanged() -> None:
    ctx = _ctx()
    assert ctx.authorization is not None
    params = {"code": "c", "state": ctx.authorization.state, "iss": ctx.settings.issuer}
    ctx.login = LoginResult(callback_params=params)
    assert len(_run(ctx)) == 1
