from __future__ import annotations

import datetime
import gzip
import http.server
import ipaddress
import json
import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from oidc_probe import __version__
from oidc_probe.core.errors import UsageError
from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing.http import (
    MAX_BODY_BYTES,
    TEXT_QUOTE_CHARS,
    describe_error,
    fetch,
    is_usable_url,
    make_client,
    strip_query,
)
from tests.e2e.interactive import free_port

SETTINGS = RunSettings(issuer="https://idp.test", timeout=3.0)


def _client(response: httpx2.Response, seen: list[httpx2.Request] | None = None) -> httpx2.Client:
    def handle(request: httpx2.Request) -> httpx2.Response:
        if seen is not None:
            seen.append(request)
        return response

    return make_client(SETTINGS, transport=httpx2.MockTransport(handle))


def test_client_settings() -> None:
    seen: list[httpx2.Request] = []
    with _client(httpx2.Response(200), seen) as client:
        assert client.timeout == httpx2.Timeout(3.0)
        assert client.follow_redirects is False
        fetch(client, "get", "https://idp.test/x")
    assert seen[0].headers["user-agent"] == f"oidc-probe/{__version__}"
    assert seen[0].method == "GET"


def test_json_response_headers_lowercased() -> None:
    response = httpx2.Response(200, json={"a": 1}, headers={"Cache-Control": "no-store"})
    with _client(response) as client:
        exchange = fetch(client, "GET", "https://idp.test/x")
    assert exchange.ok
    assert exchange.status == 200
    assert exchange.json == {"a": 1}
    assert exchange.json_error is None
    assert exchange.headers["cache-control"] == "no-store"
    assert exchange.content_type == "application/json"
    assert exchange.elapsed_ms >= 0


def test_html_is_not_json() -> None:
    response = httpx2.Response(500, text="<html>oops</html>", headers={"Content-Type": "text/html"})
    with _client(response) as client:
        exchange = fetch(client, "GET", "https://idp.test/x")
    assert exchange.status == 500
    assert exchange.error is None
    assert exchange.json is None
    assert exchange.json_error == "not JSON (content-type text/html)"
    assert exchange.text == "<html>oops</html>"


def test_broken_json_and_empty_body() -> None:
    broken = httpx2.Response(200, text='{"a":', headers={"Content-Type": "application/json"})
    with _client(broken) as client:
        exchange = fetch(client, "GET", "https://idp.test/x")
    assert exchange.json_error is not None
    assert exchange.json_error.startswith("invalid JSON: ")
    with _client(httpx2.Response(200)) as client:
        assert (
            fetch(client, "GET", "https://idp.test/x").json_error
            == "empty body (content-type none)"
        )


def test_redirects_are_not_followed() -> None:
    seen: list[httpx2.Request] = []
    with _client(httpx2.Response(302, headers={"Location": "/next"}), seen) as client:
        exchange = fetch(client, "GET", "https://idp.test/x")
    assert exchange.status == 302
    assert exchange.headers["location"] == "/next"
    assert len(seen) == 1


def test_text_is_capped_but_json_parsed_whole() -> None:
    body = {"pad": "a" * (TEXT_QUOTE_CHARS * 2)}
    with _client(httpx2.Response(200, json=body)) as client:
        exchange = fetch(client, "GET", "https://idp.test/x")
    assert len(exchange.text) == TEXT_QUOTE_CHARS
    assert exchange.json == body


def test_body_at_the_cap_is_accepted_and_past_it_refused() -> None:
    with _client(httpx2.Response(200, content=b"a" * MAX_BODY_BYTES)) as client:
        assert fetch(client, "GET", "https://idp.test/x").error is None
    with _client(httpx2.Response(200, content=b"a" * (MAX_BODY_BYTES + 1))) as client:
        exchange = fetch(client, "GET", "https://idp.test/x")
    assert exchange.error == "response larger than 1 MiB"
    assert exchange.status is None
    assert not exchange.ok


def test_endless_stream_stops_at_the_cap() -> None:
    produced = []

    def endless() -> Iterator[bytes]:
        while True:
            produced.append(1)
            yield b"x" * 65536

    with _client(httpx2.Response(200, content=endless())) as client:
        exchange = fetch(client, "GET", "https://idp.test/x")
    assert exchange.error == "response larger than 1 MiB"
    assert len(produced) <= MAX_BODY_BYTES // 65536 + 1


def test_cap_applies_to_decompressed_bytes() -> None:
    bomb = gzip.compress(b"0" * (2 * MAX_BODY_BYTES))
    response = httpx2.Response(200, content=bomb, headers={"Content-Encoding": "gzip"})
    with _client(response) as client:
        assert fetch(client, "GET", "https://idp.test/x").error == "response larger than 1 MiB"


def test_declared_length_past_the_cap_is_refused_before_reading() -> None:
    response = httpx2.Response(200, content=iter([b"{}"]), headers={"Content-Length": "9999999"})
    with _client(response) as client:
        assert fetch(client, "GET", "https://idp.test/x").error == "response larger than 1 MiB"


def test_invalid_url_is_an_error_value() -> None:
    with make_client(SETTINGS) as client:
        exchange = fetch(client, "GET", "ftp://idp.test/x")
    assert exchange.error is not None
    assert exchange.error.startswith("invalid URL")


def test_connection_refused() -> None:
    port = free_port()
    with make_client(SETTINGS) as client:
        exchange = fetch(client, "GET", f"http://127.0.0.1:{port}/x")
    assert exchange.error == "connection refused"
    assert exchange.describe() == f"GET http://127.0.0.1:{port}/x -> connection refused"


def test_server_that_never_answers_times_out() -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        settings = RunSettings(issuer="https://idp.test", timeout=0.3)
        with make_client(settings) as client:
            exchange = fetch(client, "GET", f"http://127.0.0.1:{port}/x")
    assert exchange.error == "timed out after 0.3s"
    assert exchange.elapsed_ms >= 250


def _chained(cause: BaseException, url: str = "https://nohost.test/x") -> httpx2.ConnectError:
    try:
        try:
            raise cause
        except OSError as inner:
            raise httpx2.ConnectError(str(inner), request=httpx2.Request("GET", url)) from inner
    except httpx2.ConnectError as exc:
        return exc


def test_dns_failure_names_the_host() -> None:
    exc = _chained(socket.gaierror(-2, "Name or service not known"))
    assert describe_error(exc) == "DNS lookup failed for host nohost.test"


def test_connect_errors_without_a_known_cause() -> None:
    assert describe_error(_chained(OSError("weird"))) == "could not connect (weird)"
    assert describe_error(httpx2.TooManyRedirects("x")) == "too many redirects"


# --- TLS, against a real HTTPS server with a certificate from a throwaway CA ---


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "oidc-probe test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = json.dumps({"ok": True}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}/", cert
    finally:
        server.shutdown()
        server.server_close()


def test_untrusted_certificate_fails_with_a_clear_cause(https_server: tuple[str, Path]) -> None:
    url, _ = https_server
    with make_client(SETTINGS) as client:
        exchange = fetch(client, "GET", url)
    assert exchange.error is not None
    assert exchange.error.startswith("TLS certificate verification failed: ")
    assert "self" in exchange.error  # "self-signed certificate" / "self signed certificate"


def test_ca_bundle_makes_the_certificate_trusted(https_server: tuple[str, Path]) -> None:
    url, cert = https_server
    settings = RunSettings(issuer="https://idp.test", timeout=3.0, ca_bundle=str(cert))
    with make_client(settings) as client:
        exchange = fetch(client, "GET", url)
    assert exchange.error is None
    assert exchange.json == {"ok": True}


def test_unusable_ca_bundle_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="file not found"):
        make_client(RunSettings(issuer="x", ca_bundle=str(tmp_path / "missing.pem")))
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(UsageError, match="not a usable PEM CA bundle"):
        make_client(RunSettings(issuer="x", ca_bundle=str(garbage)))


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("https://idp.test/x", True),
        ("http://127.0.0.1:8000", True),
        ("https://<your user pool domain>/oauth2/token", False),
        ("", False),
        (None, False),
        ("idp.test/x", False),
        ("file:///etc/passwd", False),
    ],
)
def test_is_usable_url(url: str | None, usable: bool) -> None:
    assert is_usable_url(url) is usable


def test_strip_query() -> None:
    assert strip_query("https://a.test/p?state=s#f") == "https://a.test/p"


def test_header_that_cannot_be_encoded_is_an_error_value() -> None:
    with _client(httpx2.Response(200)) as client:
        exchange = fetch(
            client, "GET", "https://idp.test/x", headers={"Authorization": "Bearer \u2603"}
        )
    assert exchange.error is not None
    assert exchange.error.startswith("cannot build the request")
