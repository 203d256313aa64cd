"""The default TLS trust read ahead of the first request (oidc_probe.plumbing.trust)."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import pytest
import trustme

from oidc_probe.plumbing import trust


def test_a_preloaded_context_is_httpx2s_default_trust_and_serves_one_client() -> None:
    trust.preload()
    first = trust.default_context()
    assert first.verify_mode == ssl.CERT_REQUIRED
    assert first.check_hostname
    second = trust.default_context()  # nothing pending: read again, not shared
    assert second is not first
    assert second.verify_mode == ssl.CERT_REQUIRED


def test_the_preload_reads_ssl_cert_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bundle = tmp_path / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    trust.preload()
    context = trust.default_context()
    assert len(context.get_ca_certs()) == 1


def test_an_error_while_reading_is_raised_where_the_context_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    trust.preload()
    with pytest.raises(FileNotFoundError, match="No such file"):
        trust.default_context()


def test_a_fifo_as_ssl_cert_file_is_refused_without_being_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a FIFO blocks until a writer comes: the thread that must be joined at exit
    would hang the command after its report."""
    fifo = tmp_path / "trust.fifo"
    os.mkfifo(fifo)
    monkeypatch.setenv("SSL_CERT_FILE", str(fifo))
    trust.preload()
    with pytest.raises(trust.NotARegularFile):
        trust.default_context()


def test_a_preload_read_under_another_environment_is_discarded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run in the same process (a test, the plugin) after the variables changed reads
    the trust they name, not the one an earlier, unfinished run preloaded."""
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    trust.preload()  # left pending, as by a run that ended in a usage error
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(FileNotFoundError):
        trust.default_context()
