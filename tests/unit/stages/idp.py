"""A small Cognito-shaped identity provider behind ``httpx2.MockTransport``, for stage tests.

It is not the emulator: just enough of the hosted UI, token, JWKS, discovery
and userinfo endpoints to drive the stages and the form login, with every
request recorded so tests can assert what the probe sent.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit

import httpx2
from joserfc import jws
from joserfc.jwk import RSAKey

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.settings import RunSettings

BASE = "https://idp.test"
POOL = "us-east-1_Test12345"
ISSUER = f"{BASE}/{POOL}"
REDIRECT_URI = "http://localhost:8765/callback"
CLIENT_ID = "client-1"
CLIENT_SECRET = "a+b/c=d:e%"
USERNAME = "alice"
PASSWORD = "correct horse"
CSRF = "csrf-token-123"
COOKIE = "XSRF-TOKEN"

_KEYS: dict[str, RSAKey] = {}
_KEYS_LOCK = threading.Lock()  # the pipeline serves the JWKS and the token from two threads


def rsa_key(kid: str) -> RSAKey:
    """An RSA signing key, generated once per test session per kid."""
    with _KEYS_LOCK:
        if kid not in _KEYS:
            _KEYS[kid] = RSAKey.generate_key(
                2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"}
            )
        return _KEYS[kid]


def public_jwk(key: RSAKey) -> dict[str, Any]:
    return dict(key.as_dict(private=False))


def sign(claims: dict[str, Any], key: RSAKey, header: dict[str, Any] | None = None) -> str:
    protected = {"alg": "RS256", "kid": key.kid, **(header or {})}
    return jws.serialize_compact(protected, json.dumps(claims), key, algorithms=["RS256"])


def make_config(**overrides: Any) -> ProbeConfig:
    values: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "auth_url": f"{BASE}/oauth2/authorize",
        "token_url": f"{BASE}/oauth2/token",
        "certs_url": f"{ISSUER}/.well-known/jwks.json",
        "scopes": ("openid", "email"),
        "pkce_enabled": True,
    }
    values.update(overrides)
    return ProbeConfig(**values)


def make_settings(**overrides: Any) -> RunSettings:
    values: dict[str, Any] = {"issuer": ISSUER, "redirect_uri": REDIRECT_URI, "timeout": 2.0}
    values.update(overrides)
    return RunSettings(**values)


def _page(query: str, error: str = "") -> str:
    action = html.escape(f"/login?{query}")
    message = f'<p id="loginErrorMessage" class="errorMessage-customizable">{error}</p>'
    form = f"""
      <form name="cognitoSignInForm" action="{action}" method="post" class="cognito-asf">
        <input name="_csrf" type="hidden" value="{CSRF}"/>
        <label>Username</label>
        <input id="signInFormUsername" name="username" type="text" class="inputField-customizable">
        <input id="signInFormPassword" name="password" type="password">
        <input name="cognitoAsfData" type="hidden" value="">
        <input name="signInSubmitButton" type="Submit" value="Sign in" class="btn btn-primary">
      </form>"""
    error_block = message if error else ""
    return f"""<!DOCTYPE html>
<html><head><title>Signin</title><script src="/static/login.js"></script></head>
<body>
  <div class="modal-content visible-md visible-lg">{error_block}{form}</div>
  <div class="modal-content visible-xs visible-sm">{error_block}{form}</div>
</body></html>"""


@dataclass
class FakeIdp:
    """Cognito-shaped endpoints on ``https://idp.test``; tweak the attributes to misbehave."""

    signing_kid: str = "key-1"
    jwks_kids: list[str] = field(default_factory=lambda: ["key-1", "key-2"])
    jwks_after_first: list[str] | None = None  # the JWKS served from the second fetch on
    registered_redirects: tuple[str, ...] = (REDIRECT_URI,)
    echo_state: bool = True
    id_token_override: str | None = None
    requests: list[httpx2.Request] = field(default_factory=list)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    jwks_fetches: int = 0

    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handle)

    def paths(self) -> list[str]:
        return [f"{r.method} {r.url.path}" for r in self.requests]

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        if request.url.host != "idp.test":
            raise httpx2.ConnectError("Connection refused", request=request)
        route = {
            ("GET", f"/{POOL}/.well-known/openid-configuration"): self.discovery,
            ("GET", f"/{POOL}/.well-known/jwks.json"): self.jwks,
            ("GET", "/oauth2/authorize"): self.authorize,
            ("GET", "/login"): self.login_page,
            ("POST", "/login"): self.login_post,
            ("POST", "/oauth2/token"): self.token,
            ("GET", "/oauth2/userInfo"): self.userinfo,
        }.get((request.method, request.url.path))
        if route is None:
            return httpx2.Response(404, text="not found")
        return route(request)

    def discovery(self, request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200,
            json={
                "issuer": ISSUER,
                "authorization_endpoint": f"{BASE}/oauth2/authorize",
                "token_endpoint": f"{BASE}/oauth2/token",
                "jwks_uri": f"{ISSUER}/.well-known/jwks.json",
                "userinfo_endpoint": f"{BASE}/oauth2/userInfo",
                "response_types_supported": ["code"],
            },
        )

    def jwks(self, request: httpx2.Request) -> httpx2.Response:
        self.jwks_fetches += 1
        kids = self.jwks_kids
        if self.jwks_fetches > 1 and self.jwks_after_first is not None:
            kids = self.jwks_after_first
        return httpx2.Response(200, json={"keys": [public_jwk(rsa_key(k)) for k in kids]})

    def authorize(self, request: httpx2.Request) -> httpx2.Response:
        params = dict(request.url.params)
        if params.get("redirect_uri") not in self.registered_redirects:
            target = f"{BASE}/error?" + urlencode(
                {"error": "redirect_mismatch", "client_id": params.get("client_id", "")}
            )
            return httpx2.Response(302, headers={"Location": target})
        return httpx2.Response(302, headers={"Location": f"/login?{request.url.query.decode()}"})

    def login_page(self, request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(
            200,
            text=_page(request.url.query.decode()),
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Set-Cookie": f"{COOKIE}=xyz; Path=/",
            },
        )

    def login_post(self, request: httpx2.Request) -> httpx2.Response:
        form = dict(parse_qsl(request.content.decode()))
        params = dict(request.url.params)
        cookie_ok = f"{COOKIE}=xyz" in request.headers.get("cookie", "")
        if not cookie_ok or form.get("_csrf") != CSRF or "signInSubmitButton" not in form:
            return httpx2.Response(
                400, text="<html><body><p class='error'>Bad request</p></body></html>"
            )
        if (form.get("username"), form.get("password")) != (USERNAME, PASSWORD):
            page = _page(request.url.query.decode(), "Incorrect username or password.")
            return httpx2.Response(200, text=page, headers={"Content-Type": "text/html"})
        code = secrets.token_urlsafe(16)
        self.codes[code] = params
        state = params.get("state", "") if self.echo_state else "forged"
        location = params["redirect_uri"] + "?" + urlencode({"code": code, "state": state})
        return httpx2.Response(302, headers={"Location": location})

    def token(self, request: httpx2.Request) -> httpx2.Response:
        form = dict(parse_qsl(request.content.decode()))
        client = _client_credentials(request, form)
        if client != (CLIENT_ID, CLIENT_SECRET):
            return httpx2.Response(400, json={"error": "invalid_client"})
        params = self.codes.pop(form.get("code", ""), None)
        if params is None or form.get("redirect_uri") != params.get("redirect_uri"):
            return httpx2.Response(400, json={"error": "invalid_grant"})
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "sub": "sub-1",
            "aud": CLIENT_ID,
            "exp": now + 3600,
            "iat": now,
            "token_use": "id",
            "nonce": params.get("nonce"),
            "email": "alice@example.com",
        }
        id_token = self.id_token_override or sign(claims, rsa_key(self.signing_kid))
        body = {
            "id_token": id_token,
            "access_token": "access-" + secrets.token_urlsafe(8),
            "token_type": "Bearer",
            "expires_in": 3600,
        }
        return httpx2.Response(200, json=body, headers={"Cache-Control": "no-store"})

    def userinfo(self, request: httpx2.Request) -> httpx2.Response:
        if not request.headers.get("authorization", "").startswith("Bearer access-"):
            return httpx2.Response(401, json={"error": "invalid_token"})
        return httpx2.Response(200, json={"sub": "sub-1", "email": "alice@example.com"})


def _client_credentials(request: httpx2.Request, form: dict[str, str]) -> tuple[str, str]:
    header = request.headers.get("authorization", "")
    if header.startswith("Basic "):
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        if (user, password) == (CLIENT_ID, CLIENT_SECRET):
            return user, password  # unencoded, as the probe (and, reportedly, Access) sends it
        return unquote_plus(user), unquote_plus(password)
    return form.get("client_id", ""), form.get("client_secret", "")


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))
