"""The active stage: what it sends, in which order, and what it leaves alone."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import httpx2

from oidc_probe.core.active import NotAttempted, UnregisteredRedirectAttempt, WrongVerifierAttempt
from oidc_probe.core.context import AuthorizationRequest, HttpExchange, LoginResult, RunContext
from oidc_probe.core.settings import LoginMode, RunSettings
from oidc_probe.plumbing.http import make_client
from oidc_probe.stages import active
from tests.factories import ISSUER, json_exchange, make_config, make_context

REGISTERED = "http://localhost:8765/callback"
AUTH = "https://example.auth.us-east-1.amazoncognito.com/oauth2/authorize"
TOKEN = "https://example.auth.us-east-1.amazoncognito.com/oauth2/token"

Handler = Callable[[httpx2.Request], httpx2.Response]


class Driver:
    """Records the requests it is asked to complete; answers with a code on their redirect URI."""

    def __init__(self) -> None:
        self.requests: list[AuthorizationRequest] = []

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        self.requests.append(request)
        return LoginResult(
            callback_params={"code": f"code-{len(self.requests)}", "state": request.state}
        )


def run(ctx: RunContext, handle: Handler, driver: Driver | None) -> list[httpx2.Request]:
    sent: list[httpx2.Request] = []

    def record(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        return handle(request)

    with make_client(ctx.settings, transport=httpx2.MockTransport(record)) as client:
        active.run(ctx, client, driver)
    return sent


def refuse(request: httpx2.Request) -> httpx2.Response:
    """Token requests are refused; the authorization endpoint shows its sign-in page."""
    if request.method == "GET":
        return httpx2.Response(200, html="<form><input name=username></form>")
    return httpx2.Response(400, json={"error": "invalid_grant"})


def main_run(**settings: object) -> RunContext:
    ctx = make_context(
        config=make_config(pkce_enabled=True),
        settings=RunSettings(issuer=ISSUER, active=True, **settings),  # type: ignore[arg-type]
    )
    request = AuthorizationRequest(AUTH, "st", "no", REGISTERED, "openid", code_verifier="v" * 50)
    ctx.authorization = request
    ctx.login = LoginResult(callback_params={"code": "main-code", "state": "st"})
    ctx.token_fetch = json_exchange(TOKEN, {"id_token": "a.b.c"}, method="POST")
    return ctx


def test_unregistered_redirect_uri_adds_a_path_segment_and_drops_the_query() -> None:
    assert active.unregistered_redirect_uri("https://a.example/cb/?x=1") == (
        "https://a.example/cb/oidc-probe-unregistered"
    )


def test_nothing_happens_without_active() -> None:
    ctx = main_run()
    ctx.settings = RunSettings(issuer=ISSUER)
    assert run(ctx, refuse, Driver()) == []
    assert ctx.active is None


def test_form_mode_replays_the_code_then_logs_in_twice() -> None:
    ctx = main_run()
    driver = Driver()
    sent = run(ctx, refuse, driver)

    bodies = [dict(parse_qsl(r.content.decode())) for r in sent if r.method == "POST"]
    assert [b["code"] for b in bodies] == ["main-code", "code-1"]
    assert bodies[0]["code_verifier"] == "v" * 50  # the replay is the very same request
    assert bodies[1]["code_verifier"] not in ("v" * 50, "")
    assert [r.redirect_uri for r in driver.requests] == [
        REGISTERED,
        REGISTERED + "/oidc-probe-unregistered",
    ]
    results = ctx.active
    assert results is not None
    assert isinstance(results.code_replay, HttpExchange)
    assert results.code_replay.status == 400
    assert isinstance(results.wrong_verifier, WrongVerifierAttempt)
    assert results.wrong_verifier.exchange is not None
    assert isinstance(results.unregistered_redirect, UnregisteredRedirectAttempt)
    assert results.unregistered_redirect.baseline is ctx.login
    assert "active" in ctx.timings_ms


def test_a_failed_main_exchange_means_no_refresh_no_replay_and_no_extra_login_for_tok005() -> None:
    ctx = main_run()
    ctx.token_fetch = json_exchange(TOKEN, {"error": "invalid_client"}, status=400, method="POST")
    driver = Driver()
    run(ctx, refuse, driver)
    assert ctx.active is not None
    results = ctx.active
    assert isinstance(results.code_replay, NotAttempted)
    assert isinstance(results.wrong_verifier, NotAttempted)
    assert isinstance(results.refresh, NotAttempted)
    assert isinstance(results.unregistered_redirect, UnregisteredRedirectAttempt)
    assert len(driver.requests) == 1  # AUT005 only


def test_initiate_auth_visits_without_signing_in() -> None:
    ctx = main_run(login=LoginMode.INITIATE_AUTH)

    def pages(request: httpx2.Request) -> httpx2.Response:
        redirect_uri = dict(parse_qsl(urlsplit(str(request.url)).query)).get("redirect_uri", "")
        if redirect_uri == REGISTERED:
            return httpx2.Response(200, html="<form><input name=username></form>")
        return httpx2.Response(302, headers={"location": "/error?error=redirect_mismatch"})

    sent = run(ctx, pages, None)
    assert [r.method for r in sent] == ["GET", "GET"]
    attempt = ctx.active.unregistered_redirect if ctx.active else None
    assert isinstance(attempt, UnregisteredRedirectAttempt)
    assert not attempt.signed_in
    assert attempt.login.authorize_error is not None
    assert attempt.login.authorize_error.error == "redirect_mismatch"
    assert attempt.baseline is not None
    assert (attempt.baseline.login_error or "").startswith(active.SIGN_IN_PAGE)


def test_a_refusal_before_the_sign_in_page_needs_no_sign_in() -> None:
    """A provider that refuses the unregistered URI at once is judged without a login."""
    ctx = main_run()
    driver = Driver()

    def pages(request: httpx2.Request) -> httpx2.Response:
        if request.method == "POST":
            return refuse(request)
        return httpx2.Response(200, html="<h1>Error</h1><p>Unauthorized URL</p>")

    run(ctx, pages, driver)
    attempt = ctx.active.unregistered_redirect if ctx.active else None
    assert isinstance(attempt, UnregisteredRedirectAttempt)
    assert not attempt.signed_in
    assert attempt.login.authorize_error is not None
    assert attempt.login.authorize_error.via == "page"
    assert [r.redirect_uri for r in driver.requests] == [REGISTERED]  # TOK005's login only


def test_headless_modes_replay_the_code_but_do_not_log_in_again() -> None:
    ctx = main_run(login=LoginMode.HEADLESS_BROWSER)
    sent = run(ctx, refuse, None)
    posts = [dict(parse_qsl(r.content.decode())) for r in sent if r.method == "POST"]
    assert [b["code"] for b in posts] == ["main-code"]  # TOK004 only
    assert ctx.active is not None
    assert isinstance(ctx.active.code_replay, HttpExchange)
    assert isinstance(ctx.active.wrong_verifier, NotAttempted)


def test_visit_stops_at_the_redirect_uri_without_requesting_it() -> None:
    target = REGISTERED + "/oidc-probe-unregistered"

    def open_redirect(request: httpx2.Request) -> httpx2.Response:
        assert request.url.host != "localhost"
        return httpx2.Response(302, headers={"location": f"{target}?code=leaked&state=s"})

    with make_client(
        RunSettings(issuer=ISSUER), transport=httpx2.MockTransport(open_redirect)
    ) as client:
        result = active.visit(client, AUTH, target)
    assert result.callback_params == {"code": "leaked", "state": "s"}
