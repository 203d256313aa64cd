"""The active stage's refresh (TOK007): sent first, authenticated as the code exchange, kept."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl

import httpx2
import pytest

from oidc_probe.core.active import NotAttempted, RefreshAttempt
from oidc_probe.core.context import LoginResult, RunContext
from oidc_probe.core.settings import ClientAuth, LoginMode
from oidc_probe.stages.token import basic_authorization
from tests.factories import json_exchange, make_config
from tests.unit.stages.test_active_stage import TOKEN, Driver, main_run, refuse, run

REFRESH = "main-refresh-token-0001"
SECRET = make_config().client_secret
CLIENT_ID = make_config().client_id


def with_refresh_token(ctx: RunContext, value: object = REFRESH) -> RunContext:
    body = {"id_token": "a.b.c", "access_token": "main-access", "refresh_token": value}
    ctx.token_fetch = json_exchange(TOKEN, body, method="POST")
    return ctx


def form(request: httpx2.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


def refreshed(request: httpx2.Request) -> httpx2.Response:
    if form(request).get("grant_type") == "refresh_token":
        return httpx2.Response(200, json={"access_token": "new-access", "id_token": "x.y.z"})
    return refuse(request)


def test_the_refresh_goes_first_with_the_code_exchange_s_basic_authentication() -> None:
    ctx = with_refresh_token(main_run())
    sent = run(ctx, refreshed, Driver())

    first, replay = sent[0], sent[1]
    assert form(first) == {"grant_type": "refresh_token", "refresh_token": REFRESH}
    assert form(replay)["grant_type"] == "authorization_code"  # TOK004 comes after
    expected = basic_authorization(CLIENT_ID, SECRET)
    assert first.headers["authorization"] == replay.headers["authorization"] == expected
    assert ctx.active is not None
    attempt = ctx.active.refresh
    assert isinstance(attempt, RefreshAttempt)
    assert attempt.exchange.status == 200


def test_with_client_secret_post_the_refresh_carries_id_and_secret_in_the_form() -> None:
    ctx = with_refresh_token(main_run(client_auth=ClientAuth.POST))
    sent = run(ctx, refreshed, Driver())

    assert "authorization" not in sent[0].headers
    assert form(sent[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
        "client_id": CLIENT_ID,
        "client_secret": SECRET,
    }


def test_a_public_client_sends_its_id_and_no_secret() -> None:
    ctx = with_refresh_token(main_run())
    ctx.config = make_config(client_secret=None)
    sent = run(ctx, refreshed, Driver())

    assert form(sent[0]) == {
        "grant_type": "refresh_token",
        "refresh_token": REFRESH,
        "client_id": CLIENT_ID,
    }


def test_the_refreshed_id_token_is_decoded_and_judged_and_its_tokens_are_secrets() -> None:
    ctx = with_refresh_token(main_run())
    run(ctx, refreshed, Driver())

    attempt = ctx.active.refresh if ctx.active else None
    assert isinstance(attempt, RefreshAttempt)
    assert attempt.id_token is not None
    assert attempt.id_token.raw == "x.y.z"
    assert attempt.signature is not None
    assert attempt.signature.valid is None  # "a.b.c" style tokens do not decode
    assert {"new-access", "x.y.z", REFRESH} <= set(ctx.secrets())


def test_a_refused_refresh_is_kept_without_an_id_token() -> None:
    ctx = with_refresh_token(main_run())
    run(ctx, refuse, Driver())

    attempt = ctx.active.refresh if ctx.active else None
    assert isinstance(attempt, RefreshAttempt)
    assert attempt.exchange.status == 400
    assert attempt.id_token is None


def no_refresh_token(ctx: RunContext) -> RunContext:
    return ctx  # main_run's token response holds an id_token only


def a_number(ctx: RunContext) -> RunContext:
    return with_refresh_token(ctx, 42)


def a_failed_exchange(ctx: RunContext) -> RunContext:
    ctx.token_fetch = json_exchange(TOKEN, {"error": "invalid_client"}, 400, method="POST")
    return ctx


@pytest.mark.parametrize(
    ("setup", "words"),
    [
        (no_refresh_token, "held no refresh_token (the client may not be allowed it; Access"),
        (a_number, "not a non-empty string"),
        (a_failed_exchange, "did not succeed (see TOK001)"),
    ],
)
def test_without_a_refresh_token_nothing_is_sent_and_the_reason_is_kept(
    setup: Callable[[RunContext], RunContext], words: str
) -> None:
    ctx = setup(main_run())
    sent = run(ctx, refuse, Driver())

    assert all(form(r).get("grant_type") != "refresh_token" for r in sent)
    assert ctx.active is not None
    assert isinstance(ctx.active.refresh, NotAttempted)
    assert words in ctx.active.refresh.reason


def test_initiate_auth_tokens_are_not_refreshed_at_the_token_endpoint() -> None:
    ctx = with_refresh_token(main_run(login=LoginMode.INITIATE_AUTH))
    ctx.login = LoginResult(token_fetch=ctx.token_fetch)

    def pages(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, html="<form><input name=username></form>")

    sent = run(ctx, pages, None)

    assert all(r.method == "GET" for r in sent)
    assert ctx.active is not None
    assert isinstance(ctx.active.refresh, NotAttempted)
    assert "--login initiate-auth" in ctx.active.refresh.reason


def test_browser_modes_refresh_too_since_it_needs_no_person() -> None:
    ctx = with_refresh_token(main_run(login=LoginMode.BROWSER))
    sent = run(ctx, refreshed, None)

    assert form(sent[0])["grant_type"] == "refresh_token"
    assert ctx.active is not None
    assert isinstance(ctx.active.refresh, RefreshAttempt)
