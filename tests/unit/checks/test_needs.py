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


def test_a_need_about_a_subject_names_it_in_the_skip() -> None:
    spec = Check(
        "TST002",
        "test",
        Stage.CLAIMS,
        (),
        Status.FAIL,
        _body,
        (CLAIMS.about(lambda ctx: ctx.config.email_claim_name),),
    )
    ctx = make_context()
    [finding] = run_check(spec, ctx)
    assert finding.status is Status.SKIP
    assert finding.subject == ctx.config.email_claim_name
    assert finding.message == claims_or_reason(ctx)


def test_a_string_from_a_need_helper_is_the_reason() -> None:
    from oidc_probe.checks.needs import need

    spec = Check(
        "TST003", "test", Stage.CLAIMS, (), Status.FAIL, _body, (need("x", lambda _: "why"),)
    )
    [finding] = run_check(spec, make_context())
    assert (finding.status, finding.message) == (Status.SKIP, "why")


def test_no_check_opens_with_a_hand_written_input_guard() -> None:
    """The inputs checks read are declared (needs=), not fetched and tested in the body."""
    import inspect

    from oidc_probe.checks.catalogue import all_checks

    guards = (
        "claims_or_reason(ctx)",
        "_document(ctx)",
        "_keys(ctx)",
        "_login(ctx)",
        "audit_or_reason(ctx",
        "_successful_exchange(ctx)",
        "_token(ctx)",
        "_results(ctx",
        "decide(ctx)",
        "no_claims_reason(ctx)",
        "no_header_reason(ctx)",
        "no_id_token_reason(ctx)",
        "no_userinfo_reason(ctx)",
        "_signature(ctx)",
        "_header(ctx)",
        "setup_of(ctx)",
        "= ctx.pool_audit",
        "= ctx.access_jwt",
        "= ctx.jwks_fetch",
        "= ctx.token_fetch",
        "attribute_claims(ctx)",
        "not_attempted",
        "results.",
    )
    opening = {
        spec.id: inspect.getsource(spec.func).split('"""')[2].strip().splitlines()[:2]
        for spec in all_checks()
    }
    left = {
        cid: lines
        for cid, lines in opening.items()
        if any(g in line for line in lines for g in guards)
    }
    assert left == {}


def test_a_need_about_each_subject_skips_once_for_each() -> None:
    spec = Check(
        "TST004",
        "test",
        Stage.CLAIMS,
        (),
        Status.FAIL,
        _body,
        (CLAIMS.about_each(lambda ctx: ("a", "b")),),
    )
    ctx = make_context()
    findings = run_check(spec, ctx)
    assert [(f.status, f.subject, f.message) for f in findings] == [
        (Status.SKIP, "a", claims_or_reason(ctx)),
        (Status.SKIP, "b", claims_or_reason(ctx)),
    ]


def test_a_need_or_else_skips_first_then_runs_the_body_with_the_partial_value() -> None:
    seen.clear()
    spec = Check("TST005", "test", Stage.CLAIMS, (), Status.FAIL, _body, (CLAIMS.or_else({}),))
    ctx = make_context()
    findings = run_check(spec, ctx)
    assert [(f.status, f.message) for f in findings] == [
        (Status.SKIP, claims_or_reason(ctx)),
        (Status.PASS, "ran"),
    ]
    assert seen == [{}]


def test_the_checks_that_skip_per_subject_declare_it() -> None:
    for check_id in ("AWS009", "EXP001", "ACC001"):
        spec = get_check(check_id)
        assert spec is not None
        assert spec.needs, check_id
