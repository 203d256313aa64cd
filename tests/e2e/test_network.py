"""Broken networks and servers, through the real CLI against a real emulator.

The emulator serves the healthy parts; one URL at a time (discovery via
``--issuer``, certs_url, token_url, auth_url in the config, userinfo via the
discovery document) points at a hostile server, a closed port or a name under
``.invalid``. Each fault must give a failing finding naming the URL and the
cause, exit code 1, no traceback, and the stages that do not depend on the
broken one must still run.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oidc_probe.fake_cognito import create_app, load_pool
from oidc_probe.fake_cognito.server import start_in_thread
from tests.e2e.conftest import CliResult, Emulator, probe
from tests.e2e.hostile_servers import HostileServer, Mode, refused_url

INVALID_HOST = "idp.oidc-probe.invalid"
SHORT_TIMEOUT = "1"


class DiscoveryOverride:
    """ASGI wrapper changing fields of the emulator's discovery document (``overrides``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.overrides: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not path.endswith("/openid-configuration"):
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []

        async def keep(message: Message) -> None:
            messages.append(message)

        await self.app(scope, receive, keep)
        start = next(m for m in messages if m["type"] == "http.response.start")
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.response.body")
        document = {**json.loads(body), **self.overrides}
        new_body = json.dumps(document).encode()
        headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(new_body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": new_body})


@dataclass
class Setup:
    emu: Emulator
    discovery: DiscoveryOverride
    hostile: HostileServer

    @property
    def issuer(self) -> str:
        return str(self.emu.pool.issuer(self.emu.base_url))

    def broken_url(self, mode: str, path: str) -> str:
        if mode == "refused":
            return refused_url(path)
        if mode == "dns":
            # https: a secret never goes over plain http to a host that is not loopback
            # (the run would stop before the DNS lookup).
            return f"https://{INVALID_HOST}{path}"
        return self.hostile.url(mode, path)


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    pool = load_pool(None)
    wrapped = DiscoveryOverride(create_app(pool))
    server = start_in_thread(wrapped)
    hostile = HostileServer()
    try:
        yield Setup(Emulator(server, pool, tmp_path_factory.mktemp("net")), wrapped, hostile)
    finally:
        hostile.stop()
        server.stop()


# mode -> words the failing finding must contain (besides the URL)
CAUSES: dict[str, str] = {
    "refused": "connection refused",
    "dns": f"DNS lookup failed for host {INVALID_HOST}",
    Mode.HANG: f"timed out after {SHORT_TIMEOUT}s",
    Mode.SILENT: f"timed out after {SHORT_TIMEOUT}s",
    Mode.TRICKLE: f"timed out after {SHORT_TIMEOUT}s",
    Mode.ERROR_500: "HTTP 500",
    Mode.ERROR_503: "HTTP 503",
    Mode.HTML: "HTML",
    Mode.BIG: "larger than 1 MiB",
    Mode.BIG_DECLARED: "larger than 1 MiB",
    Mode.LOOP: "HTTP 302 redirect to",
    Mode.RESET: "closed the connection",
}
SLOW = {Mode.HANG, Mode.SILENT, Mode.TRICKLE}
# Findings a pointed-away URL explains: the config no longer matches discovery, an http
# URL on a non-loopback host, URLs on several hosts.
CONFIG_SIDE_EFFECTS = {"CFG002", "CFG004", "DSC003"}


def _run(setup: Setup, mode: str, *extra: str, config: Path | None = None) -> CliResult:
    timeout = ["--timeout", SHORT_TIMEOUT] if mode in SLOW else []
    return probe(setup.emu, *timeout, *extra, config=config)


def _findings(result: CliResult, check_id: str) -> list[dict[str, Any]]:
    return [c for c in result.json()["checks"] if c["id"] == check_id]


def _assert_clean_failure(result: CliResult) -> None:
    assert result.code == 1, result.stderr
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
        assert "internal error" not in stream


def _assert_names(result: CliResult, check_id: str, url: str, cause: str) -> None:
    findings = [f for f in _findings(result, check_id) if f["status"] == "fail"]
    assert findings, f"{check_id} did not fail: {_findings(result, check_id)}"
    shown = json.dumps(findings)
    assert url in shown, shown
    assert cause in shown, shown


def _assert_status(result: CliResult, check_id: str, *allowed: str) -> None:
    statuses = set(result.statuses(check_id))
    assert statuses, (check_id, "missing")
    assert statuses <= set(allowed), (check_id, _findings(result, check_id))


def _assert_only_failing(result: CliResult, allowed: set[str]) -> None:
    unexpected = result.failing() - allowed
    assert not unexpected, [f for f in result.json()["checks"] if f["id"] in unexpected]


ALL_MODES = ["refused", "dns", *CAUSES.keys() - {"refused", "dns"}]
ALL_MODES.sort()


@pytest.mark.parametrize("mode", ALL_MODES)
def test_broken_discovery_and_jwks(setup: Setup, mode: str) -> None:
    """Both at once: neither depends on the other, and the login does not need them."""
    pool_id = setup.emu.pool.pool_id
    issuer = setup.broken_url(mode, f"/{pool_id}")
    certs = setup.broken_url(mode, f"/{pool_id}/.well-known/jwks.json")
    result = _run(setup, mode, "--issuer", issuer, config=setup.emu.config_file(certs_url=certs))
    _assert_clean_failure(result)
    _assert_names(result, "DSC001", issuer, CAUSES[mode])
    _assert_names(result, "JWK001", certs, CAUSES[mode])
    for later in ("AUT001", "AUT002", "AUT003", "TOK001", "TOK002", "IDT001", "IDT002", "IDT011"):
        _assert_status(result, later, "pass")
    _assert_status(result, "IDT004", "skip", "fail")
    # --issuer names the broken server, so the real token's iss no longer matches it.
    _assert_only_failing(result, {"DSC001", "JWK001", "IDT005"} | CONFIG_SIDE_EFFECTS)


# Fewer modes for the endpoints after discovery and JWKS: each run costs a process.
SOME_MODES = ["refused", "dns", Mode.HANG, Mode.ERROR_500, Mode.HTML, Mode.BIG, Mode.LOOP]


@pytest.mark.parametrize("mode", [*SOME_MODES, Mode.RESET, Mode.TRICKLE])
def test_broken_token_endpoint(setup: Setup, mode: str) -> None:
    token_url = setup.broken_url(mode, "/oauth2/token")
    result = _run(setup, mode, config=setup.emu.config_file(token_url=token_url))
    _assert_clean_failure(result)
    # An HTML page with HTTP 200 is an answer (TOK001) of the wrong shape (TOK002).
    failing = "TOK002" if mode == Mode.HTML else "TOK001"
    _assert_names(result, failing, token_url, CAUSES[mode])
    for earlier in ("DSC001", "JWK001", "AUT001", "AUT002", "AUT003"):
        _assert_status(result, earlier, "pass")
    for later in ("IDT001", "IDT004", "CLM001", "USR001"):
        _assert_status(result, later, "skip")
    _assert_only_failing(result, {failing} | CONFIG_SIDE_EFFECTS)


@pytest.mark.parametrize("mode", SOME_MODES)
def test_broken_userinfo(setup: Setup, mode: str) -> None:
    userinfo = setup.broken_url(mode, "/oauth2/userInfo")
    setup.discovery.overrides = {"userinfo_endpoint": userinfo}
    try:
        result = _run(setup, mode)
    finally:
        setup.discovery.overrides = {}
    _assert_clean_failure(result)
    _assert_names(result, "USR001", userinfo, CAUSES[mode])
    for earlier in ("DSC001", "JWK001", "AUT002", "TOK001", "IDT004", "CLM001"):
        _assert_status(result, earlier, "pass")
    _assert_only_failing(result, {"USR001"})


AUTHORIZE_CAUSES = {
    **CAUSES,
    Mode.LOOP: "too many redirects (more than 10 in a row)",
    Mode.HTML: "no sign-in form found",
    Mode.BIG: "larger than 1 MiB",
}


@pytest.mark.parametrize("mode", SOME_MODES)
def test_broken_authorize_page(setup: Setup, mode: str) -> None:
    auth_url = setup.broken_url(mode, "/oauth2/authorize")
    result = _run(setup, mode, config=setup.emu.config_file(auth_url=auth_url))
    _assert_clean_failure(result)
    failing = [
        f
        for f in _findings(result, "AUT001") + _findings(result, "AUT002")
        if f["status"] == "fail"
    ]
    # No answer at all to the authorization request: AUT001 cannot pass either (issue 20,
    # item 7), and both name the cause. An HTTP error is the provider refusing (AUT001);
    # a loop or a page without a form fails only AUT002.
    expected = {"refused": ["AUT001", "AUT002"], "dns": ["AUT001", "AUT002"]}
    expected |= {Mode.HANG: ["AUT001", "AUT002"], Mode.BIG: ["AUT001", "AUT002"]}
    expected |= {Mode.ERROR_500: ["AUT001"]}
    assert [f["id"] for f in failing] == expected.get(mode, ["AUT002"])
    shown = json.dumps(failing)
    assert auth_url.split("?")[0] in shown, shown
    assert AUTHORIZE_CAUSES[mode] in shown, shown
    if mode in ("refused", "dns", Mode.HANG):  # the network, not the password
        (login,) = [f for f in failing if f["id"] == "AUT002"]
        assert "the password was never tried" in login["hint"], failing
        assert "--timeout" in login["hint"]
        assert "check --username" not in login["hint"]
    for independent in ("DSC001", "JWK001", "JWK002"):
        _assert_status(result, independent, "pass")
    for later in ("TOK001", "IDT001", "IDT004"):
        _assert_status(result, later, "skip")
    _assert_only_failing(result, {"AUT001", "AUT002"} | CONFIG_SIDE_EFFECTS)


def test_text_report_names_the_url_and_cause(setup: Setup) -> None:
    certs = setup.broken_url("refused", "/jwks.json")
    result = probe(
        setup.emu,
        "--issuer",
        setup.issuer,
        config=setup.emu.config_file(certs_url=certs),
        fmt="text",
    )
    _assert_clean_failure(result)
    line = next(x for x in result.entries("FAIL") if "JWK001" in x)
    assert certs in line
    assert "connection refused" in line
    assert "JWK001 jwks-reachable" in result.stderr.strip().splitlines()[-1]
