"""Clients for the emulator as a server: the full code flow, repeated by many threads.

Used by ``tests/e2e/test_emulator_server.py`` (a bounded load test) and by
``make bench`` (logins per second).
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx2

REDIRECT_URI = "http://localhost:8765/callback"
_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'(\w+)="([^"]*)"')
_ACTION = re.compile(r'<form\b[^>]*action="([^"]*)"', re.IGNORECASE)


@dataclass(frozen=True)
class Target:
    auth_url: str
    token_url: str
    client_id: str
    client_secret: str
    username: str
    password: str
    scopes: str = "openid email profile"


def login_once(client: httpx2.Client, target: Target) -> None:
    """authorize -> sign-in page -> POST credentials -> code -> token; raises on any error."""
    params = {
        "response_type": "code",
        "client_id": target.client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": target.scopes,
        "state": secrets.token_urlsafe(16),
        "nonce": secrets.token_urlsafe(16),
    }
    redirect = client.get(target.auth_url, params=params)
    if redirect.status_code != 302:
        raise AssertionError(f"authorize answered {redirect.status_code}")
    login_url = urljoin(target.auth_url, redirect.headers["location"])
    page = client.get(login_url)
    if page.status_code != 200:
        raise AssertionError(f"sign-in page answered {page.status_code}")
    form: dict[str, str] = {}
    for tag in _INPUT.findall(page.text.split("</form>")[0]):
        attrs = dict(_ATTR.findall(tag))
        if "name" in attrs:
            form[attrs["name"]] = attrs.get("value", "")
    form.update(username=target.username, password=target.password)
    found = _ACTION.search(page.text)
    if found is None:
        raise AssertionError("no sign-in form")
    action = urljoin(login_url, found.group(1).replace("&amp;", "&"))
    callback = client.post(action, data=form)
    if callback.status_code != 302:
        raise AssertionError(f"sign-in answered {callback.status_code}")
    code = parse_qs(urlsplit(callback.headers["location"]).query)["code"][0]
    tokens = client.post(
        target.token_url,
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI},
        auth=(target.client_id, target.client_secret),
    )
    if tokens.status_code != 200 or "id_token" not in tokens.json():
        raise AssertionError(f"token endpoint answered {tokens.status_code}")


@dataclass
class LoadResult:
    logins: int = 0
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def per_second(self) -> float:
        return self.logins / self.seconds if self.seconds else 0.0


def run_load(
    target: Target, *, clients: int, seconds: float, logins: int | None = None
) -> LoadResult:
    """``clients`` threads, each its own cookie jar, logging in until ``seconds`` have passed
    (or, with ``logins``, until that many succeeded, whichever comes first)."""
    result = LoadResult()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        with httpx2.Client(timeout=30.0, follow_redirects=False) as client:
            while time.monotonic() < stop_at and (logins is None or result.logins < logins):
                client.cookies.clear()
                try:
                    login_once(client, target)
                except Exception as exc:  # every failure is counted, none stops the load
                    with lock:
                        result.errors.append(f"{type(exc).__name__}: {exc}")
                    continue
                with lock:
                    result.logins += 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    result.seconds = time.monotonic() - started
    return result
