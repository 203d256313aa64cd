"""A probe's result as metrics: the status encoding, the series, nothing secret in a label."""

from __future__ import annotations

import time

from oidc_probe.core.config import ProbeConfig
from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.core.settings import RunSettings
from oidc_probe.exporter.adapter import ProbeRun
from oidc_probe.exporter.metrics import ProbeResult, render_probe

SECRET = "client-secret-unit-7f3a9c"


def _ctx(**fields: object) -> RunContext:
    config = ProbeConfig(
        "c",
        "https://pool.example/auth",
        "https://pool.example/token",
        "https://idp.example/jwks",
        client_secret=SECRET,
    )
    ctx = RunContext(config, RunSettings(issuer="https://idp.example"))
    for name, value in fields.items():
        setattr(ctx, name, value)
    return ctx


def _finding(check_id: str, status: Status) -> Finding:
    return Finding(check_id, "a-slug", Stage.ID_TOKEN, status, "message")


def _render(ctx: RunContext, findings: list[Finding], error: str | None = None) -> str:
    run = ProbeRun(ctx, findings, tuple(ctx.secrets()))
    return render_probe(ProbeResult("m", run, error, 1.5, time.time())).decode()


def test_the_worst_status_of_a_check_is_its_value() -> None:
    text = _render(
        _ctx(),
        [
            _finding("IDT001", Status.PASS),
            _finding("IDT001", Status.FAIL),
            _finding("IDT002", Status.SKIP),
            _finding("IDT003", Status.WARN),
        ],
    )
    assert 'oidc_probe_check_status{check="IDT001",slug="a-slug",stage="id_token"} 4.0' in text
    assert 'oidc_probe_check_status{check="IDT002",slug="a-slug",stage="id_token"} 2.0' in text
    assert 'oidc_probe_check_status{check="IDT003",slug="a-slug",stage="id_token"} 3.0' in text
    assert "probe_success 0.0" in text
    assert 'oidc_probe_checks{status="fail"} 1.0' in text


def test_a_clean_run_succeeds() -> None:
    text = _render(_ctx(), [_finding("IDT001", Status.PASS)])
    assert "probe_success 1.0" in text
    assert "probe_duration_seconds 1.5" in text


def test_no_secret_reaches_a_label_and_labels_are_one_capped_line() -> None:
    jwks = HttpExchange(
        "GET",
        "https://idp.example/jwks",
        status=200,
        json={"keys": [{"kid": f"kid-{SECRET}", "kty": "RSA"}, {"kid": "x\n" * 500, "kty": "RSA"}]},
        tls_not_after=2_000_000_000.0,
    )
    stopped = {"token": f"the provider said {SECRET}"}
    text = _render(_ctx(jwks_fetch=jwks, stopped=stopped), [])
    assert SECRET not in text
    assert 'kid="kid-[redacted]"' in text
    assert "[redacted]" in text
    longest = max(len(line) for line in text.splitlines())
    assert longest < 400
    assert 'oidc_probe_tls_cert_not_after_seconds{host="idp.example"} 2e+09' in text
    assert "oidc_probe_jwks_keys 2.0" in text


def test_the_keyset_id_changes_with_the_key_ids_only() -> None:
    def keyset(*kids: str) -> str:
        jwks = HttpExchange(
            "GET", "https://idp.example/jwks", status=200, json={"keys": [{"kid": k} for k in kids]}
        )
        lines = _render(_ctx(jwks_fetch=jwks), []).splitlines()
        return next(line for line in lines if line.startswith("oidc_probe_jwks_keyset_id "))

    assert keyset("a", "b") == keyset("b", "a")
    assert keyset("a", "b") != keyset("a", "c")


def test_without_a_run_the_reason_is_the_output() -> None:
    text = render_probe(
        ProbeResult("m", None, "the password file /x cannot be read", 0.0, time.time())
    ).decode()
    assert "probe_success 0.0" in text
    assert (
        'oidc_probe_failure_info{reason="the password file /x cannot be read",stage="probe"} 1.0'
        in text
    )
    assert "oidc_probe_check_status{" not in text


def test_the_redactor_check_sees_every_encoding_without_compiling() -> None:
    from oidc_probe.plumbing.redact import Redactor

    redactor = Redactor(["a secret/with+chars"])
    assert redactor.appears_in("x a secret/with+chars y")
    assert redactor.appears_in("q=a%20secret%2Fwith%2Bchars")  # URL-encoded
    assert redactor.appears_in("q=a+secret%2Fwith%2Bchars")  # form-encoded
    assert not redactor.appears_in("nothing here")
    assert redactor._index is None  # nothing compiled: no pattern per run in re's cache
