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


class FakeCognito:
    """The two user calls, answering as AdminGetUser / AdminListGroupsForUser do."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def admin_get_user(self, **params: str) -> dict[str, object]:
        self.calls.append(f"AdminGetUser {params['Username']}")
        return {"Username": params["Username"], "Enabled": True, "UserStatus": "CONFIRMED"}

    def admin_list_groups_for_user(self, **params: object) -> dict[str, object]:
        self.calls.append("AdminListGroupsForUser")
        return {"Groups": []}


def test_without_a_username_the_token_user_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from oidc_probe.core.context import DecodedJwt
    from oidc_probe.core.pool import PoolAudit
    from oidc_probe.stages import aws_pool

    fake = FakeCognito()
    monkeypatch.setattr(aws_pool, "make_client", lambda ctx, request: fake)
    ctx = make_context(
        id_token=DecodedJwt(raw="x.y.z", claims={"cognito:username": "carol"}),
        pool_audit=PoolAudit("us-east-1_Ab12Cd34E", "us-east-1", "c", pool={"Id": "p"}),
    )
    aws_pool.read_token_user(ctx, AuditRequest())
    assert fake.calls == ["AdminGetUser carol", "AdminListGroupsForUser"]
    assert ctx.pool_audit is not None
    assert ctx.pool_audit.users["carol"].groups == ()
    aws_pool.read_token_user(ctx, AuditRequest())  # users known: no second read
    assert len(fake.calls) == 2


def test_the_thread_leaves_the_timings_to_join(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit thread never writes ``ctx.timings_ms``: the main thread reorders that dict
    while the audit runs (pipeline._order_timings), so join() records the pool's timing."""
    from oidc_probe.core.model import Stage
    from oidc_probe.core.pool import PoolAudit
    from oidc_probe.stages import aws_pool

    def fake_read_pool(ctx: object, request: AuditRequest) -> PoolAudit:
        return PoolAudit("us-east-1_Ab12Cd34E", "us-east-1", "c", elapsed_ms=12.5)

    monkeypatch.setattr(aws_pool, "read_pool", fake_read_pool)
    ctx = make_context(settings=RunSettings(issuer=ISSUER, aws=AuditRequest()))
    ctx.timings_ms["discovery"] = 3.0
    running = start_pool_audit(ctx)
    assert running.thread is not None
    running.thread.join(5)
    assert not running.thread.is_alive()
    assert ctx.timings_ms == {"discovery": 3.0}  # the ended thread wrote nothing there
    running.join()
    assert ctx.timings_ms == {"discovery": 3.0, Stage.POOL.key: 12.5}
