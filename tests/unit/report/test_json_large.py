"""A large JSON report: the same data, each check and user on one line (the C encoder)."""

from __future__ import annotations

import json

from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.report.json import ONE_LINE_ITEMS_FROM, render_json, report_data
from oidc_probe.report.model import AccessView, ClaimView, Report, Target


def _report(n: int) -> Report:
    findings = tuple(
        Finding(
            "IDT001", "slug", Stage.ID_TOKEN, Status.PASS, f"message {i} ü", refs=("RFC7519-4",)
        )
        for i in range(n)
    )
    return Report(
        target=Target("https://issuer", "client", "https://a", "https://t", "https://c"),
        findings=findings,
        access_view=AccessView(ClaimView("email", False), (), ""),
        timeline_ms={"discovery": (0.0, 1.5)},
    )


def test_large_report_has_the_same_data_one_check_per_line() -> None:
    report = _report(ONE_LINE_ITEMS_FROM)
    text = render_json(report)
    assert json.loads(text) == json.loads(json.dumps(report_data(report)))
    lines = text.splitlines()
    assert sum(1 for line in lines if line.lstrip().startswith('{"id": "IDT001"')) == len(
        report.findings
    )
    assert "message 3 ü" in text
    assert json.loads(text)["timeline_ms"] == {"discovery": {"start": 0.0, "end": 1.5}}


def test_small_report_stays_indented() -> None:
    text = render_json(_report(3))
    assert '\n    {\n      "id": "IDT001",' in text
    assert json.loads(text)["checks"][0]["refs"][0]["url"].startswith("https://")
