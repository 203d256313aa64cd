"""The short text report: counts per stage, folded skips, the problems block."""

from __future__ import annotations

from dataclasses import replace

from oidc_probe.checks import access_app, access_policies, pool
from oidc_probe.checks.catalogue import all_checks
from oidc_probe.checks.registry import run_check
from oidc_probe.core.model import Stage, Status
from oidc_probe.report import Report
from oidc_probe.report.folding import (
    ACCESS_NOT_ASKED,
    ACTIVE_NOT_ASKED,
    POOL_NOT_ASKED,
    failing_names,
    not_asked,
    problems,
    stage_views,
)
from oidc_probe.report.text import render_text
from tests.unit.report.builders import finding, full_context


def test_the_reasons_are_the_checks_own_messages() -> None:
    assert POOL_NOT_ASKED == pool.NOT_RUN
    assert ACCESS_NOT_ASKED[0] == access_policies.NO_POLICIES
    assert ACCESS_NOT_ASKED[2:] == (access_app.NO_APP, access_app.NO_TESTER)
    active = [c for c in all_checks() if c.func.__module__ == "oidc_probe.checks.active"]
    assert len(active) == 4
    for spec in active:  # without --active
        [skip] = run_check(spec, full_context())
        assert skip.status is Status.SKIP
        assert skip.message.startswith(ACTIVE_NOT_ASKED)


def _skip(check_id: str, stage: Stage, message: str) -> object:
    return finding(check_id, Status.SKIP, stage=stage, message=message)


def test_skips_after_a_failure_fold_into_one_line_naming_the_cause() -> None:
    reason = "no ID token: the token exchange failed (see TOK001)"
    findings = [
        finding("TOK001", Status.FAIL, stage=Stage.TOKEN, message="HTTP 400"),
        *(
            finding(f"IDT00{i}", Status.SKIP, stage=Stage.ID_TOKEN, message=reason)
            for i in range(1, 4)
        ),
        finding("USR002", Status.SKIP, stage=Stage.USERINFO, message="not fetched (see USR001)"),
    ]
    views, active = stage_views(findings)
    assert active is None
    by_stage = {v.stage: v for v in views}
    assert by_stage[Stage.ID_TOKEN].one_line() == (
        "ID token: 3 checks not run: no ID token: the token exchange failed (TOK001 failed)"
    )
    assert by_stage[Stage.USERINFO].one_line() == (
        "Userinfo endpoint: 1 check not run: not fetched (USR001 did not run)"
    )
    assert by_stage[Stage.TOKEN].counts == "1 failed"


def test_a_skip_with_its_own_reason_is_counted_not_folded() -> None:
    findings = [
        finding("DSC001", Status.PASS, stage=Stage.DISCOVERY),
        finding("DSC008", Status.SKIP, stage=Stage.DISCOVERY, message="pkce_enabled is false"),
    ]
    views, _ = stage_views(findings)
    assert views[0].counts == "1 passed, 1 skipped"
    assert views[0].folds == ()


def test_parts_not_asked_for_are_one_line_each() -> None:
    findings = [
        *(
            finding(f"AWS00{i}", Status.SKIP, stage=Stage.POOL, message=POOL_NOT_ASKED)
            for i in (1, 2)
        ),
        finding("ACC001", Status.SKIP, stage=Stage.ACCESS, message=ACCESS_NOT_ASKED[0]),
        finding("ACC002", Status.SKIP, stage=Stage.ACCESS, message=ACCESS_NOT_ASKED[1]),
        finding("TOK004", Status.SKIP, stage=Stage.TOKEN, message="not run: run with --active x"),
        finding(
            "AUT005", Status.SKIP, stage=Stage.AUTHORIZE, message="not run: run with --active y"
        ),
    ]
    views, active = stage_views(findings)
    lines = [v.one_line() for v in views if v.one_line()]
    assert lines == [
        "Pool configuration (AWS API): pool audit not run: `audit` or `--aws`",
        f"What Access will do: 2 checks not run: {ACCESS_NOT_ASKED[0]}",
    ]
    assert active is not None
    assert active.text() == "2 checks not run: run with --active to test them (AUT005, TOK004)"


def test_problems_are_each_once_warnings_first_failures_last() -> None:
    fail = finding("CLM003", Status.FAIL, subject="name", message="missing")
    warn = finding("TOK003", Status.WARN, stage=Stage.TOKEN, message="cacheable")
    accepted = replace(finding("CLM001", Status.FAIL), accepted="known")
    found = problems([fail.for_user("alice"), warn, fail.for_user("bob"), accepted])
    assert [p.finding.check_id for p in found] == ["TOK003", "CLM003"]
    assert found[1].users == ("alice", "bob")


def test_failing_names_once_each_and_capped() -> None:
    findings = [finding(f"CLM00{i}", Status.FAIL, slug=f"s{i}") for i in range(1, 8)]
    assert failing_names(findings[:1] * 3) == "CLM001 s1"
    assert failing_names(findings).endswith("CLM005 s5 and 2 more")


def test_the_short_report_ends_with_the_problems_and_their_hints() -> None:
    findings = [
        finding("CFG001", Status.PASS, stage=Stage.CONFIG),
        finding("CLM003", Status.FAIL, hint="set the attribute", evidence={"expected": "x"}),
    ]
    text = render_text(Report.from_run(full_context(), findings))
    lines = text.splitlines()
    at = lines.index("Problems: 1 failed")
    assert lines[at + 1].startswith("  FAIL  CLM003 configured-claim-present")
    assert lines[at + 2].strip() == "hint: set the attribute"
    assert "expected" not in text  # with a hint the short form leaves the evidence to -v
    bare = finding("CLM005", Status.FAIL, evidence={"expected": "x", "actual": "y"})
    short = render_text(Report.from_run(full_context(), [bare])).splitlines()
    assert [row.strip() for row in short[-2:]] == ["expected: x", "actual:   y"]
    assert "PASS" not in text
    assert "Configuration: 1 passed" in lines


def test_lines_wrap_at_the_width_between_words() -> None:
    message = " ".join(f"word{i}" for i in range(40))
    text = render_text(
        Report.from_run(full_context(), [finding(status=Status.FAIL, message=message)]), width=60
    )
    rows = text.splitlines()
    assert all(len(row) <= 60 for row in rows if "word" in row)
    words = " ".join(row.strip() for row in rows if "word" in row).split()
    assert [w for w in words if w.startswith("word")] == message.split()


def test_what_the_run_was_not_asked_to_do_is_recognised() -> None:
    assert not_asked(finding("AWS001", Status.SKIP, stage=Stage.POOL, message=POOL_NOT_ASKED))
    assert not_asked(
        finding("TOK007", Status.SKIP, stage=Stage.TOKEN, message="not run: run with --active x")
    )
    assert not_asked(
        finding("ACC002", Status.SKIP, stage=Stage.ACCESS, message=ACCESS_NOT_ASKED[1])
    )
    assert not not_asked(finding("IDT001", Status.SKIP, message="no ID token (see TOK001)"))
    assert not not_asked(finding("AWS001", Status.FAIL, stage=Stage.POOL, message=POOL_NOT_ASKED))


def test_a_stage_holding_only_active_checks_is_not_listed_empty() -> None:
    active = finding(
        "AUT005", Status.SKIP, stage=Stage.AUTHORIZE, message="not run: run with --active"
    )
    views, fold = stage_views([active])
    assert views == []
    assert fold is not None
    assert fold.check_ids == ("AUT005",)


def test_many_failures_put_the_hints_first_so_the_failures_end_the_report() -> None:
    hint = " ".join(["advice"] * 40)
    findings = [
        finding("CLM003", Status.FAIL, subject=f"c{i}", message="missing", hint=f"c{i}: {hint}")
        for i in range(6)
    ]
    rows = render_text(Report.from_run(full_context(), findings)).splitlines()
    fails = [i for i, row in enumerate(rows) if row.startswith("  FAIL  ")]
    assert len(fails) == 6
    assert len(rows) - fails[0] <= 19
    hints = rows.index("Hints")
    assert hints < rows.index("Problems: 6 failed")
    assert sum(row.count("advice") for row in rows) == 40  # one hint per check
    few = render_text(Report.from_run(full_context(), findings[:1])).splitlines()
    assert "Hints" not in few
