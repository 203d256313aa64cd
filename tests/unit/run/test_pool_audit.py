"""The background pool audit of ``check --aws`` (run/pool_audit.py)."""

from __future__ import annotations

import pytest

from oidc_probe.core.errors import UsageError
from oidc_probe.core.pool import AuditRequest
from oidc_probe.core.settings import RunSettings
from oidc_probe.run.pool_audit import start_pool_audit
from tests.factories import ISSUER, make_config, make_context


def test_without_aws_nothing_runs() -> None:
    running = start_pool_audit(make_context())
    assert running.thread is None
    running.join()


def test_an_error_in_the_thread_is_raised_by_join() -> None:
    settings = RunSettings(issuer=ISSUER, aws=AuditRequest())
    ctx = make_context(make_config(certs_url="https://idp.example.com/jwks"), settings)
    running = start_pool_audit(ctx)
    with pytest.raises(UsageError, match="needs the user pool id in certs_url"):
        running.join()
    assert ctx.pool_audit is None
