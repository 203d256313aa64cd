"""JUnit's run time: from the first stage's start to the last one's end (stages overlap)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from oidc_probe.report.junit import render_junit
from oidc_probe.report.model import AccessView, ClaimView, Report, Target


def _report(**kwargs: object) -> Report:
    return Report(
        target=Target("https://issuer", "client", "https://a", "https://t", "https://c"),
        findings=(),
        access_view=AccessView(ClaimView("email", False), (), ""),
        **kwargs,  # type: ignore[arg-type]
    )


def test_overlapping_stages_count_once() -> None:
    report = _report(
        timings_ms={"discovery": 80.0, "authorize": 100.0},
        timeline_ms={"discovery": (5.0, 85.0), "authorize": (5.0, 105.0)},
    )
    assert ET.fromstring(render_junit(report)).get("time") == "0.100"


def test_without_a_timeline_the_durations_add_up() -> None:
    report = _report(timings_ms={"discovery": 80.0, "authorize": 100.0})
    assert ET.fromstring(render_junit(report)).get("time") == "0.180"
