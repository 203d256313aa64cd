"""Redaction sweep: across every emulator fault, a wrong password and a wrong secret, no
output of the real CLI (stdout, stderr, every report file) holds the client secret, the
password, an authorization code, a PKCE verifier or a raw token, in any encoding (raw,
percent-encoded, Base64 standard and URL-safe with and without padding, alone or as the
``id:secret`` pair of HTTP Basic auth, RFC 6749 section 2.3.1); with ``--show-tokens``
the tokens appear and the secret and password still do not. A token endpoint that echoes
the request (the Basic header included) leaks nothing either.

The raw values are learnt from the emulator's side of the wire: an ASGI wrapper records
what the probe sent (code, code_verifier) and what the emulator answered (codes in
redirects, tokens in token responses).
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlsplit

import pytest
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from oidc_probe.fake_cognito import create_app, load_pool
from oidc_probe.fake_cognito.faults import Fault
from oidc_probe.fake_cognito.server import start_in_thread
from tests.e2e.conftest import DEMO_PASSWORD_USER, CliResult, Emulator, run_cli
from tests.e2e.hostile_servers import HostileServer, Mode

SECRET_FORM_FIELDS = ("code", "code_verifier", "client_secret", "password", "refresh_token")
FILE_FORMATS = ("json", "junit", "markdown", "github")


class Recorder:
    """ASGI wrapper collecting every secret value that crossed the wire."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.values: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._from_query(scope.get("query_string", b"").decode("latin-1"))
        request: list[bytes] = []
        response: list[bytes] = []

        async def tapped_receive() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                request.append(message.get("body", b""))
            return message

        async def tapped_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                for name, value in message.get("headers", []):
                    if name.lower() == b"location":
                        self._from_query(urlsplit(value.decode("latin-1")).query)
            elif message["type"] == "http.response.body":
                response.append(message.get("body", b""))
            await send(message)

        await self.app(scope, tapped_receive, tapped_send)
        self._from_query(b"".join(request).decode("utf-8", "replace"))
        self._from_json(b"".join(response))

    def _from_query(self, query: str) -> None:
        for name, value in parse_qsl(query, keep_blank_values=True):
            if name in SECRET_FORM_FIELDS:
                self._add(value)

    def _from_json(self, body: bytes) -> None:
        try:
            document = json.loads(body)
        except ValueError:
            return
        if isinstance(document, dict):
            for name, value in document.items():
                if name.endswith("_token") and isinstance(value, str):
                    self._add(value)

    def _add(self, value: str) -> None:
        if len(value) >= 8:
            self.values.add(value)
            parts = value.split(".")
            if len(parts) in (3, 5) and len(parts[-1]) >= 16:
                self.values.add(parts[-1])  # a JWT's signature alone must not leak either


@dataclass
class Sweep:
    emu: Emulator
    recorder: Recorder
    outputs: list[str] = field(default_factory=list)

    def run(
        self,
        out_dir: Path,
        *extra: str,
        password: str | None = None,
        secret: str | None = None,
        **config_changes: Any,
    ) -> CliResult:
        """text on stdout, every other format to a file, the step summary too."""
        out_dir.mkdir(parents=True, exist_ok=True)
        files = [f"--output={fmt}={out_dir / ('report.' + fmt)}" for fmt in FILE_FORMATS]
        # The secret comes from the env.
        config = self.emu.config_file(client_secret=None, **config_changes)
        env = {
            "OIDC_PROBE_CLIENT_SECRET": secret if secret is not None else self.emu.secret(),
            "OIDC_PROBE_PASSWORD": password or self.emu.password(DEMO_PASSWORD_USER),
            "GITHUB_STEP_SUMMARY": str(out_dir / "step-summary.md"),
        }
        args = [
            "check",
            "--config",
            str(config),
            "--username",
            DEMO_PASSWORD_USER,
            "--format",
            "text",
            "-v",  # every check on its line: the widest text to sweep
            *files,
            *extra,
        ]
        result = run_cli(args, env=env)
        assert result.code in (0, 1), (result.code, result.stderr)
        assert "Traceback" not in result.stderr
        written = [p.read_text(encoding="utf-8") for p in sorted(out_dir.iterdir()) if p.is_file()]
        assert len(written) >= len(FILE_FORMATS), sorted(out_dir.iterdir())
        self.outputs = [result.stdout, result.stderr, *written]
        return result

    def leaks(self, *values: str) -> list[str]:
        blob = "\n".join(self.outputs)
        return [v for v in values if v and v in blob]


def _start(tmp_path: Path, *faults: str) -> Iterator[Sweep]:
    pool = load_pool(None)
    recorder = Recorder(create_app(pool, faults=faults))
    server = start_in_thread(recorder)
    try:
        yield Sweep(Emulator(server, pool, tmp_path), recorder)
    finally:
        server.stop()


@pytest.fixture
def sweep(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Sweep]:
    faults = getattr(request, "param", ())
    yield from _start(tmp_path, *faults)


def encodings(value: str) -> list[str]:
    """``value`` in Base64, both alphabets, with and without padding, and for each of the
    three byte alignments the characters that encode only its bytes (how it looks inside a
    larger Base64 value)."""
    data = value.encode()
    found: list[str] = []
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(data).decode()
        found += [whole, whole.rstrip("=")]
        for skip in range(3):
            aligned = data[skip:][: (len(data) - skip) // 3 * 3]
            found.append(encode(aligned).decode())
    return found


def basic_pairs(client_id: str, secret: str) -> list[str]:
    """The Basic credentials in Base64: raw and as RFC 6749 2.3.1 form-encodes them."""
    pairs = [f"{client_id}:{secret}", f"{quote_plus(client_id)}:{quote_plus(secret)}"]
    return [e for pair in pairs for e in encodings(pair)[:4]]


def secret_forms(*values: str) -> list[str]:
    return [form for v in values for form in (v, *encodings(v), *encodings(quote_plus(v)))]


def _assert_nothing_leaks(sweep: Sweep, *also: str) -> None:
    secret = sweep.emu.secret()
    password = sweep.emu.password(DEMO_PASSWORD_USER)
    client_id = str(sweep.emu.pool.probe_config(sweep.emu.base_url)["config"]["client_id"])
    values = [
        *secret_forms(secret, password, *also),
        *basic_pairs(client_id, secret),
        *(basic_pairs(client_id, v) for v in also),
        *sorted(sweep.recorder.values),
    ]
    flat = [v for item in values for v in ([item] if isinstance(item, str) else item)]
    leaked = sweep.leaks(*(v for v in flat if len(v) >= 8))
    assert not leaked, [v[:12] + "..." for v in leaked]


@pytest.mark.parametrize("sweep", [(f.value,) for f in Fault], indirect=True, ids=str)
def test_no_secret_in_any_output_under_a_fault(sweep: Sweep, tmp_path: Path) -> None:
    sweep.run(tmp_path / "out")
    _assert_nothing_leaks(sweep)


def test_the_recorder_sees_the_secrets_of_a_healthy_run(sweep: Sweep, tmp_path: Path) -> None:
    """Guard: the sweep is only as good as what the recorder learns."""
    result = sweep.run(tmp_path / "out")
    assert result.code == 0, result.stderr
    values = sweep.recorder.values
    assert len(values) >= 6, len(values)  # code, verifier?, 3 tokens and their signatures
    assert any(v.startswith("eyJ") for v in values)
    _assert_nothing_leaks(sweep)


def test_a_wrong_password_is_not_echoed(sweep: Sweep, tmp_path: Path) -> None:
    wrong = "Wr0ng-Passw0rd-Sweep-7c1d"
    result = sweep.run(tmp_path / "out", password=wrong)
    assert result.code == 1
    assert "AUT002" in result.stdout
    _assert_nothing_leaks(sweep, wrong)


def test_a_wrong_secret_is_not_echoed(sweep: Sweep, tmp_path: Path) -> None:
    wrong = "wrong-client-secret-sweep-4e2a9b"
    result = sweep.run(tmp_path / "out", secret=wrong)
    assert result.code == 1
    assert "TOK001" in result.stdout
    _assert_nothing_leaks(sweep, wrong)


def test_show_tokens_shows_tokens_but_never_the_secret_or_password(
    sweep: Sweep, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = sweep.run(out, "--show-tokens")
    assert result.code == 0, result.stderr
    report: dict[str, Any] = json.loads((out / "report.json").read_text())
    id_token = report["tokens"]["id_token"]
    assert id_token in sweep.recorder.values
    assert id_token in result.stdout
    blob = "\n".join(sweep.outputs)
    assert sweep.emu.secret() not in blob
    assert sweep.emu.password(DEMO_PASSWORD_USER) not in blob


@pytest.mark.parametrize(
    ("sweep", "jwts"),
    [((), 5), (("refresh-refused",), 3), (("refresh-new-sub",), 5)],
    indirect=["sweep"],
    ids=str,
)
def test_active_runs_leak_nothing_of_the_refresh(sweep: Sweep, jwts: int, tmp_path: Path) -> None:
    """--active redeems the refresh token (TOK007): it and the refreshed tokens stay hidden."""
    result = sweep.run(tmp_path / "out", "--active")
    assert "TOK007" in result.stdout
    # The main ID, access and refresh tokens, and the refreshed pair unless refused.
    assert len([v for v in sweep.recorder.values if v.startswith("eyJ")]) == jwts
    _assert_nothing_leaks(sweep)


def test_a_token_endpoint_echoing_the_request_leaks_no_encoding(
    sweep: Sweep, tmp_path: Path
) -> None:
    """The echo holds ``Authorization: Basic base64(id:secret)`` and the form body."""
    with HostileServer() as echo:
        token_url = echo.url(Mode.ECHO, "/oauth2/token")
        result = sweep.run(tmp_path / "out", token_url=token_url)
    assert result.code == 1
    shown = " ".join(result.stdout.split())  # the report wraps at 80 columns
    assert re.search(r"Authorization: Basic [A-Za-z0-9+/]*\[redacted\]", shown)
    _assert_nothing_leaks(sweep)


def test_client_secret_basic_pair_with_special_characters_leaks_nothing(
    sweep: Sweep, tmp_path: Path
) -> None:
    """A secret that form-encoding changes, echoed back: neither pair encoding shows."""
    wrong = "s3cr+t/with=special&chars:~!"
    with HostileServer() as echo:
        token_url = echo.url(Mode.ECHO, "/oauth2/token")
        result = sweep.run(tmp_path / "out", secret=wrong, token_url=token_url)
    assert result.code == 1
    shown = " ".join(result.stdout.split())  # the report wraps at 80 columns
    assert re.search(r"Authorization: Basic [A-Za-z0-9+/]*\[redacted\]", shown)
    _assert_nothing_leaks(sweep, wrong)
