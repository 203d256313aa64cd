"""Checks that declare their inputs: the registry resolves them or skips with the reason."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from oidc_probe.checks._inputs import claims_or_reason
from oidc_probe.checks.catalogue import get_check
from oidc_probe.checks.needs import CLAIMS
from oidc_probe.checks.registry import Check, run_check
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Outcome, Stage, Status, passed
from oidc_probe.core.settings import LoginMode, RunSettings
from tests.factories import ISSUER, make_context
from tests.unit.report.builders import full_context

seen: list[Mapping[str, Any]] = []


def _body(ctx: RunContext, claims: Mapping[str, Any]) -> Iterator[Outcome]:
    seen.append(claims)
    yield passed("ran")


SPEC = Check(
    "TST001",
    "test",
    Stage.ID_TOKEN,
    (),
    Status.FAIL,
    _body,
    (CLAIMS,),
    {LoginMode.PASTE: "a pasted login cannot say"},
)


def test_a_missing_input_is_a_skip_with_the_inputs_reason_and_the_body_does_not_run() -> None:
    seen.clear()
    ctx = make_context()
    [finding] = run_check(SPEC, ctx)
    assert finding.status is Status.SKIP
    assert finding.message == claims_or_reason(ctx)
    assert seen == []


def test_a_present_input_is_passed_to_the_check() -> None:
    seen.clear()
    ctx = full_context()
    [finding] = run_check(SPEC, ctx)
    assert finding.status is Status.PASS
    assert seen == [ctx.id_token_claims]


def test_a_declared_login_mode_skips_before_resolving() -> None:
    ctx = make_context(settings=RunSettings(issuer=ISSUER, login=LoginMode.PASTE))
    [finding] = run_check(SPEC, ctx)
    assert finding.message == "a pasted login cannot say (--login paste)"


def test_converted_checks_declare_the_claims() -> None:
    for check_id in ("IDT005", "IDT006", "IDT007"):
        spec = get_check(check_id)
        assert spec is not None
        assert spec.needs == (CLAIMS,)
