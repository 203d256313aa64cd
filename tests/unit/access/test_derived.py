"""The identity Access builds is computed once per run and shared by checks and reports."""

from __future__ import annotations

from oidc_probe.access import derived
from oidc_probe.report.model import Report
from tests.unit.report.builders import full_context


def test_computed_once_and_shared_with_the_report() -> None:
    ctx = full_context()
    first = derived.identity_of(ctx)
    assert first is not None
    assert derived.identity_of(ctx) is first
    assert derived.custom_of(ctx) is derived.custom_of(ctx)
    view = Report.from_run(ctx, []).access_view
    assert ctx.access_identity is not None
    assert view.identity == first.as_json() == ctx.access_identity.identity


def test_no_claims_no_identity() -> None:
    ctx = full_context()
    ctx.id_token = None
    ctx.derived.clear()
    assert derived.derive_views(ctx) is None
    assert ctx.access_identity is None
    assert Report.from_run(ctx, []).access_view.identity is None
