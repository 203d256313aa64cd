"""The emulator over HTTPS with a locally generated CA (trustme), through the real CLI."""

from __future__ import annotations

import io
import json
import os
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from oidc_probe.fake_cognito import create_app, load_pool
from oidc_probe.fake_cognito.server import start_in_thread
from tests.e2e.conftest import CliResult, Emulator, probe, run_cli

TLS_CAUSE = "TLS certificate verification failed"


def _serve(ca: trustme.CA, tmp: Path, *hosts: str) -> Emulator:
    cert = ca.issue_cert(*hosts)
    certfile, keyfile = tmp / "server.pem", tmp / "server.key"
    cert.private_key_and_cert_chain_pem.write_to_path(str(certfile))
    cert.private_key_pem.write_to_path(str(keyfile))
    pool = load_pool(None)
    server = start_in_thread(create_app(pool), ssl_certfile=str(certfile), ssl_keyfile=str(keyfile))
    return Emulator(server, pool, tmp)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_bundle(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


@pytest.fixture(scope="module")
def https_emulator(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emulator]:
    emu = _serve(ca, tmp_path_factory.mktemp("tls"), "127.0.0.1", "localhost")
    yield emu
    emu.server.stop()


def _assert_no_crash(result: CliResult) -> None:
    for stream in (result.stdout, result.stderr):
        assert "Traceback" not in stream
        assert "internal error" not in stream


def _fail_text(result: CliResult, check_id: str) -> str:
    failing = [c for c in result.json()["checks"] if c["id"] == check_id and c["status"] == "fail"]
    assert failing, f"{check_id} did not fail"
    return json.dumps(failing)


def test_the_emulator_serves_https(https_emulator: Emulator) -> None:
    assert https_emulator.base_url.startswith("https://127.0.0.1:")


def test_an_untrusted_certificate_fails_each_request_naming_tls(
    https_emulator: Emulator,
) -> None:
    result = probe(https_emulator)
    _assert_no_crash(result)
    assert result.code == 1
    base = https_emulator.base_url
    discovery = _fail_text(result, "DSC001")
    assert f"{base}/" in discovery
    assert TLS_CAUSE in discovery
    jwks = _fail_text(result, "JWK001")
    assert "/.well-known/jwks.json" in jwks
    assert TLS_CAUSE in jwks
    assert "for a private CA, pass --ca-bundle PATH" in discovery
    login = _fail_text(result, "AUT002")
    assert f"{base}/oauth2/authorize" in login
    assert TLS_CAUSE in login
    # Issue 20, item 7: the authorization request got no answer, so AUT001 cannot pass.
    assert TLS_CAUSE in _fail_text(result, "AUT001")
    assert result.failing() == {"DSC001", "JWK001", "AUT001", "AUT002"}


def test_the_text_report_says_tls_verification_failed(https_emulator: Emulator) -> None:
    result = probe(https_emulator, fmt="text")
    assert result.code == 1
    lines = result.entries("FAIL")
    assert any("DSC001" in x and TLS_CAUSE in x for x in lines), lines
    assert any("AUT002" in x and TLS_CAUSE in x for x in lines), lines


def test_ca_bundle_makes_the_whole_probe_pass(https_emulator: Emulator, ca_bundle: Path) -> None:
    result = probe(https_emulator, "--ca-bundle", str(ca_bundle))
    _assert_no_crash(result)
    assert result.code == 0, result.failing()
    assert result.json()["result"] == "pass"
    assert set(result.statuses("CFG002")) == {"pass"}
    for check_id in ("DSC001", "JWK001", "AUT002", "TOK001", "IDT004", "USR001"):
        assert result.statuses(check_id) == ["pass"], check_id


def test_a_bundle_of_another_ca_still_fails(https_emulator: Emulator, tmp_path: Path) -> None:
    other = tmp_path / "other.pem"
    trustme.CA().cert_pem.write_to_path(str(other))
    result = probe(https_emulator, "--ca-bundle", str(other), "--discovery-only")
    _assert_no_crash(result)
    assert result.code == 1
    assert TLS_CAUSE in _fail_text(result, "DSC001")


def test_a_certificate_for_another_host_fails(
    ca: trustme.CA, ca_bundle: Path, tmp_path: Path
) -> None:
    emu = _serve(ca, tmp_path, "idp.example.com")
    try:
        result = probe(emu, "--ca-bundle", str(ca_bundle), "--discovery-only")
    finally:
        emu.server.stop()
    _assert_no_crash(result)
    assert result.code == 1
    shown = _fail_text(result, "DSC001")
    assert TLS_CAUSE in shown
    assert "mismatch" in shown
    assert "for a private CA, pass --ca-bundle" not in shown  # another CA would not help


@pytest.mark.parametrize("kind", ["missing", "directory", "not-pem", "empty"])
def test_an_unusable_ca_bundle_is_a_usage_error(
    https_emulator: Emulator, tmp_path: Path, kind: str
) -> None:
    path = {
        "missing": tmp_path / "nowhere.pem",
        "directory": tmp_path,
        "not-pem": tmp_path / "garbage.pem",
        "empty": tmp_path / "empty.pem",
    }[kind]
    if kind == "not-pem":
        path.write_text("this is not a certificate\n")
    if kind == "empty":
        path.write_text("")
    result = probe(https_emulator, "--ca-bundle", str(path))
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("oidc-probe: error: --ca-bundle ")
    assert str(path) in lines[0]


def test_ssl_cert_file_is_the_trust_read_ahead_of_the_first_request(
    https_emulator: Emulator, ca_bundle: Path
) -> None:
    """The CA certificates are read in the background as `check` starts
    (oidc_probe.plumbing.trust): that read honours SSL_CERT_FILE as httpx2 does."""
    result = probe(https_emulator, env={"SSL_CERT_FILE": str(ca_bundle)})
    _assert_no_crash(result)
    assert result.code == 0, result.failing()
    assert result.statuses("IDT004") == ["pass"]


@pytest.mark.parametrize("kind", ["missing", "not-pem"])
def test_an_unusable_ssl_cert_file_is_one_usage_line(
    https_emulator: Emulator, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "trust.pem"
    if kind == "not-pem":
        path.write_text("this is not a certificate\n")
    result = probe(https_emulator, env={"SSL_CERT_FILE": str(path)})
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"oidc-probe: error: SSL_CERT_FILE {path}: "
        + ("file not found" if kind == "missing" else lines[0].split(": ", 3)[-1])
    ]
    assert kind == "missing" or "not a usable PEM CA bundle" in lines[0]


def test_a_usage_error_while_the_trust_is_still_read_never_crashes(tmp_path: Path) -> None:
    """`check` starts reading the CA certificates in a thread as it starts; a usage error
    found a moment later must still end with exit 2, never with a signal (a daemon thread
    inside OpenSSL at interpreter shutdown crashed about one run in seven)."""
    config = tmp_path / "idp.json"
    config.write_text("{}")
    codes = [
        run_cli(["check", "--config", str(config), "--output", "bogus=x"]).code for _ in range(20)
    ]
    assert set(codes) == {2}, codes


def _users_file(tmp: Path, emu: Emulator) -> tuple[Path, dict[str, str]]:
    names = ("demo", "special")  # both in a group: CLM003 passes for each
    path = tmp / "users.json"
    path.write_text(
        json.dumps({"users": [{"username": n, "password_env": f"PW_{n}"} for n in names]})
    )
    return path, {f"PW_{n}": emu.password(n) for n in names}


def test_users_over_https_share_one_read_of_the_trust(
    https_emulator: Emulator, ca_bundle: Path, tmp_path: Path
) -> None:
    """Every user's client of a --users run verifies the provider with the same trust."""
    users, passwords = _users_file(tmp_path, https_emulator)
    result = run_cli(
        ["check", "--config", str(https_emulator.config_file()), "--users", str(users), "-q"],
        env={
            "SSL_CERT_FILE": str(ca_bundle),
            "OIDC_PROBE_CLIENT_SECRET": https_emulator.secret(),
            **passwords,
        },
    )
    _assert_no_crash(result)
    assert result.code == 0, result.stderr
    assert "result PASS" in result.stderr


def test_a_users_run_reads_the_ca_certificates_once(
    emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading them costs ~18 ms of CPU; 50 users used to read them 51 times."""
    from oidc_probe.cli.main import main
    from oidc_probe.plumbing import trust

    reads: list[int] = []
    real = trust._read

    def counted() -> ssl.SSLContext:
        reads.append(1)
        return real()

    monkeypatch.setattr(trust, "_read", counted)
    users, passwords = _users_file(tmp_path, emulator)
    out, err = io.StringIO(), io.StringIO()
    code = main(
        ["check", "--config", str(emulator.config_file()), "--users", str(users), "-q"],
        stdout=out,
        stderr=err,
        environ={"OIDC_PROBE_CLIENT_SECRET": emulator.secret(), **passwords},
    )
    assert code == 0, err.getvalue()
    assert "2 users" in err.getvalue()
    assert len(reads) == 1


def test_a_fifo_as_ssl_cert_file_never_hangs_the_command(
    https_emulator: Emulator, ca_bundle: Path, tmp_path: Path
) -> None:
    """Without --ca-bundle: one usage line; with it, the variable is not read at all."""
    fifo = tmp_path / "trust.fifo"
    os.mkfifo(fifo)
    refused = probe(https_emulator, env={"SSL_CERT_FILE": str(fifo)})
    assert refused.code == 2
    assert refused.stderr.strip().splitlines() == [
        f"oidc-probe: error: SSL_CERT_FILE {fifo}: not a usable PEM CA bundle (not a regular file)"
    ]
    bundled = probe(https_emulator, "--ca-bundle", str(ca_bundle), env={"SSL_CERT_FILE": str(fifo)})
    assert bundled.code == 0, bundled.stderr
