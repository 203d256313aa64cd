from __future__ import annotations

import math

from oidc_probe.core.context import SignatureResult
from oidc_probe.core.model import Status
from oidc_probe.report import Counts, Format, Report, Result, render, summary_line
from oidc_probe.report.model import json_safe
from tests.factories import ISSUER, make_context
from tests.unit.report.builders import (
    ID_TOKEN,
    REFRESH_TOKEN,
    finding,
    full_context,
    sample_findings,
)


def test_counts_and_result_from_findings() -> None:
    report = Report.from_run(full_context(), sample_findings())
    assert report.counts == Counts(passed=1, failed=1, warned=1, info=1, skipped=1)
    assert report.counts.as_dict() == {
        "pass": 1,
        "fail": 1,
        "warn": 1,
        "info": 1,
        "skip": 1,
        "accepted": 0,
    }
    assert report.result is Result.FAIL


def test_warnings_alone_do_not_fail() -> None:
    findings = [
        finding(status=Status.WARN),
        finding(status=Status.PASS),
        finding(status=Status.SKIP),
    ]
    assert Report.from_run(full_context(), findings).result is Result.PASS


def test_target_comes_from_config_and_settings() -> None:
    ctx = full_context()
    target = Report.from_run(ctx, []).target
    assert target.issuer == ISSUER
    assert target.client_id == ctx.config.client_id
    assert (target.auth_url, target.token_url, target.certs_url) == (
        ctx.config.auth_url,
        ctx.config.token_url,
        ctx.config.certs_url,
    )


def test_access_view_reads_email_and_configured_claims_from_the_id_token() -> None:
    ctx = full_context(configured=("cognito:groups", "custom:team"))
    view = Report.from_run(ctx, []).access_view
    assert (view.email.name, view.email.present, view.email.value) == (
        "email",
        True,
        "user@example.com",
    )
    groups, team = view.oidc_fields
    assert (groups.name, groups.present, groups.value) == (
        "cognito:groups",
        True,
        ["admins", "staff"],
    )
    assert (team.name, team.present) == ("custom:team", False)
    assert view.note == ""


def test_access_view_without_an_id_token_explains_why() -> None:
    ctx = full_context()
    ctx.id_token = None
    view = Report.from_run(ctx, []).access_view
    assert not view.email.present
    assert [c.present for c in view.oidc_fields] == [False]
    assert "no ID token was obtained" in view.note


def test_access_view_when_the_login_was_not_attempted() -> None:
    view = Report.from_run(make_context(), []).access_view
    assert not view.email.present
    assert "not attempted" in view.note


def test_access_view_notes_a_bad_signature() -> None:
    ctx = full_context()
    ctx.signature = SignatureResult(alg="RS256", kid="k1", key_found=True, valid=False)
    assert "was not verified" in Report.from_run(ctx, []).access_view.note
    # Issue 19: a signature never tried (an unusable key) is not verified either.
    ctx.signature = SignatureResult(alg="RS256", kid="k1", key_found=True, valid=None)
    assert "Access would reject this login" in Report.from_run(ctx, []).access_view.note


def test_tokens_only_with_show_tokens() -> None:
    ctx = full_context()
    assert Report.from_run(ctx, []).tokens is None
    tokens = Report.from_run(ctx, [], show_tokens=True).tokens
    assert tokens is not None
    assert tokens["id_token"] == ID_TOKEN
    assert tokens["refresh_token"] == REFRESH_TOKEN


def test_report_repr_never_shows_tokens() -> None:
    report = Report.from_run(full_context(), [], show_tokens=True)
    assert ID_TOKEN not in repr(report)


def test_summary_line() -> None:
    line = summary_line(Report.from_run(full_context(), sample_findings()))
    assert line == (
        "oidc-probe: 1 passed, 1 failed, 1 warning, 1 info, 1 skipped: "
        "result FAIL: CLM003 configured-claim-present"
    )


def test_render_dispatches_on_format() -> None:
    report = Report.from_run(full_context(), sample_findings())
    assert render(report, Format.JSON, color=True).startswith("{")
    assert render(report, Format.TEXT, color=False).startswith("oidc-probe ")


def test_json_safe_converts_what_json_cannot_take() -> None:
    value = {1: {"b", "a"}, "n": math.nan, "raw": b"\xffx", "obj": object, "t": (1, 2.5)}
    safe = json_safe(value)
    assert safe["1"] == ["a", "b"]
    assert safe["n"] == "nan"
    assert safe["raw"] == "\ufffdx"
    assert safe["obj"] == str(object)
    assert safe["t"] == [1, 2.5]


def test_the_command_line_offers_every_report_format() -> None:
    # cli/output.py spells the names out so that `--help` needs no renderer import.
    from oidc_probe.cli.output import FORMATS

    assert tuple(f.value for f in Format) == FORMATS
