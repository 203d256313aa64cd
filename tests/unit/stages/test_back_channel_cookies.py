"""The token and userinfo requests come from Access's servers: no cookie of the login.

LemonLDAP::NG refuses a token request that carries its portal session cookie ("This
endpoint is not supposed to be called by authenticated users"); Access never has it.
"""

from __future__ import annotations

import httpx2

from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing.http import fetch, make_client
from tests.factories import ISSUER


def test_fetch_without_cookies_sends_none_of_the_client_cookies() -> None:
    seen: list[str | None] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("cookie"))
        return httpx2.Response(200, json={}, headers={"set-cookie": "session=abc; Path=/"})

    with make_client(RunSettings(issuer=ISSUER), transport=httpx2.MockTransport(handle)) as client:
        fetch(client, "GET", "https://sso.example/login")  # the login sets the cookie
        fetch(client, "GET", "https://sso.example/login")  # a browser-like request sends it
        fetch(client, "POST", "https://sso.example/token", content="x", cookies=False)
    assert seen == [None, "session=abc", None]
