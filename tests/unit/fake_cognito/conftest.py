"""Helpers driving the emulator in-process with Starlette's TestClient (httpx2 underneath)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.testclient import TestClient

from oidc_probe.fake_cognito import Pool, PoolKeys, create_app, load_pool

REPO = Path(__file__).parents[3]
TEST_POOL = REPO / "fixtures" / "pools" / "test_pool.json"
CALLBACK = "http://localhost:8765/callback"
T0 = 1_800_000_000.0


@dataclass
class Clock:
    t: float = T0

    def __call__(self) -> float:
        return self.t


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(token: str, index: int) -> dict[str, Any]:
    part = token.split(".")[index]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def query(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def pkce_pair(verifier: str = "v" * 50) -> tuple[str, str]:
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


@dataclass
class Driver:
    """A browser-like client of one emulator app."""

    client: TestClient
    pool: Pool
    clock: Clock
    app: Any
    client_id: str = ""
    secret: str | None = field(default=None, repr=False)

    def authorize(self, **overrides: str | None) -> Any:
        params: dict[str, str | None] = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": CALLBACK,
            "scope": "openid email profile",
            "state": "state-123",
            "nonce": "nonce-456",
        }
        params.update(overrides)
        sent = {k: v for k, v in params.items() if v is not None}
        return self.client.get("/oauth2/authorize", params=sent, follow_redirects=False)

    def login_page(self, **overrides: str | None) -> Any:
        response = self.authorize(**overrides)
        assert response.status_code == 302, response.text
        assert response.headers["location"].startswith("/login?"), response.headers["location"]
        return self.client.get(response.headers["location"])

    def submit(self, page_html: str, username: str, password: str) -> Any:
        csrf = re.search(r'name="_csrf" value="([^"]*)"', page_html)
        action = re.search(r'<form name="cognitoSignInForm" action="([^"]*)"', page_html)
        assert csrf
        assert action
        return self.client.post(
            unescape(action.group(1)),
            data={
                "_csrf": csrf.group(1),
                "username": username,
                "password": password,
                "cognitoAsfData": "",
                "signInSubmitButton": "Sign in",
            },
            follow_redirects=False,
        )

    def login(
        self, username: str, password: str | None = None, **overrides: str | None
    ) -> dict[str, str]:
        """Run authorize + hosted-UI login; the callback's query parameters."""
        user = self.pool.user(username)
        page = self.login_page(**overrides)
        response = self.submit(page.text, username, password or (user.password if user else ""))
        assert response.status_code == 302, response.text
        return query(response.headers["location"])

    def token(
        self,
        code: str,
        *,
        auth: str = "basic",
        redirect_uri: str = CALLBACK,
        verifier: str | None = None,
        secret: str | None = None,
        client_id: str | None = None,
    ) -> Any:
        cid = client_id or self.client_id
        sec = secret if secret is not None else self.secret
        data = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
        if verifier is not None:
            data["code_verifier"] = verifier
        headers = {}
        if auth == "basic":
            raw = f"{cid}:{sec or ''}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(raw).decode()
        else:
            data["client_id"] = cid
            if sec is not None:
                data["client_secret"] = sec
        return self.client.post("/oauth2/token", data=data, headers=headers)

    def tokens(self, username: str = "demo", **overrides: str | None) -> dict[str, Any]:
        code = self.login(username, **overrides)["code"]
        response = self.token(code)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def jwks(self) -> dict[str, Any]:
        return dict(self.client.get(f"/{self.pool.pool_id}/.well-known/jwks.json").json())

    def discovery(self) -> Any:
        return self.client.get(f"/{self.pool.pool_id}/.well-known/openid-configuration")


@pytest.fixture(scope="session")
def keys() -> PoolKeys:
    return PoolKeys.generate()


@pytest.fixture(scope="session")
def default_pool() -> Pool:
    return load_pool()


@pytest.fixture(scope="session")
def test_pool() -> Pool:
    return load_pool(TEST_POOL)


@pytest.fixture
def make_driver(keys: PoolKeys, default_pool: Pool) -> Iterator[Callable[..., Driver]]:
    clients: list[TestClient] = []

    def make(*faults: str, pool: Pool | None = None, client_index: int = 0) -> Driver:
        chosen = pool or default_pool
        clock = Clock()
        app = create_app(chosen, faults=faults, now=clock, keys=keys)
        client = TestClient(app)
        clients.append(client)
        app_client = chosen.clients[client_index]
        return Driver(client, chosen, clock, app, app_client.client_id, app_client.client_secret)

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def driver(make_driver: Callable[..., Driver]) -> Driver:
    return make_driver()
