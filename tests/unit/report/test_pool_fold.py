"""Without a pool audit, the human formats print one line for the AWS checks; JSON and
JUnit keep every check's entry (stable IDs for their consumers)."""

from __future__ import annotations

import json

from oidc_probe.core.model import Stage, Status
from oidc_probe.core.pool import AUDIT_NOT_RUN
from oidc_probe.report import Report
from oidc_probe.report.folding import POOL_AUDIT_FOLDED
from oidc_probe.report.json import render_json
from oidc_probe.report.junit import render_junit
from oidc_probe.report.markdown import render_markdown
from oidc_probe.report.model import fold_pool_audit
from oidc_probe.report.text import render_text
from tests.factories import make_context
from tests.unit.report.builders import finding


def _report(message: str = AUDIT_NOT_RUN) -> Report:
    skipped = [
        finding(f"AWS00{i}", Status.SKIP, stage=Stage.POOL, slug=f"s{i}", message=message)
        for i in (1, 2, 3)
    ]
    return Report.from_run(make_context(), [finding("CLM003"), *skipped])


def test_text_and_markdown_fold_the_unrun_audit_into_one_line() -> None:
    report = _report()
    for verbose in (False, True):  # the short report and the full listing (-v)
        text = render_text(report, verbose=verbose)
        assert text.count(POOL_AUDIT_FOLDED) == 1
        assert "AWS001" not in text
    assert "CLM003" in render_text(report, verbose=True)
    markdown = render_markdown(report)
    assert markdown.count(POOL_AUDIT_FOLDED) == 1
    assert "`AWS001`-`AWS003`" in markdown


def test_json_and_junit_keep_every_aws_entry() -> None:
    report = _report()
    ids = [c["id"] for c in json.loads(render_json(report))["checks"]]
    assert ids.count("AWS001") == 1
    assert "AWS003" in ids
    junit = render_junit(report)
    assert "AWS001" in junit
    assert POOL_AUDIT_FOLDED not in junit


def test_an_audit_that_ran_is_never_folded() -> None:
    report = _report("DescribeUserPool said no such pool")
    kept, folded = fold_pool_audit(report.findings)
    assert folded == []
    assert len(kept) == 4
    assert "AWS002" in render_text(report, verbose=True)
