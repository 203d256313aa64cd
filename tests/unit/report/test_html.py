from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser

from oidc_probe.access.identity import CUSTOM_CLAIM_BUDGET
from oidc_probe.cli.login_modes import results_page
from oidc_probe.core.model import Stage, Status
from oidc_probe.plumbing.html_page import message_page
from oidc_probe.report.html import render_results_page
from oidc_probe.report.model import Report

from .builders import (
    ACCESS_TOKEN,
    CLIENT_SECRET,
    CODE,
    ID_TOKEN,
    PASSWORD,
    REFRESH_TOKEN,
    finding,
    full_context,
    sample_findings,
)

WHEN = datetime(2027, 1, 2, 3, 4, 5, tzinfo=UTC)


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.urls += [v or "" for k, v in attrs if k in ("src", "href", "action")]


def tags_of(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    return parser


def test_findings_grouped_by_stage_with_hints_for_failures() -> None:
    report = Report.from_run(full_context(), sample_findings())
    html = render_results_page(report, generated_at=WHEN)
    assert html.index("Configuration") < html.index("Token exchange") < html.index("ID token")
    assert 'id="TOK003"' in html
    assert "How to fix:</strong> set Cache-Control: no-store" in html
    assert '<span class="result fail" id="result">FAIL</span>' in html
    assert "2027-01-02 03:04:05 UTC" in html


def test_what_access_sees_and_the_decoded_token_without_its_signature() -> None:
    ctx = full_context(configured=("cognito:groups", "department"))
    html = results_page(ctx, [finding(status=Status.PASS)])
    assert "user@example.com" in html
    assert "[&quot;admins&quot;, &quot;staff&quot;]" in html
    assert "missing from the ID token" in html  # department
    assert "RS256" in html
    assert "[signature redacted]" in html
    for secret in (ID_TOKEN, ACCESS_TOKEN, REFRESH_TOKEN, CODE, CLIENT_SECRET, PASSWORD):
        assert secret not in html


def test_tokens_are_never_shown_even_when_the_report_has_them() -> None:
    report = Report.from_run(full_context(), sample_findings(), show_tokens=True)
    assert report.tokens
    html = render_results_page(report)
    assert ID_TOKEN not in html
    assert REFRESH_TOKEN not in html


def test_every_value_is_escaped_and_nothing_loads_or_runs() -> None:
    hostile = "<script>alert(1)</script><img src=https://evil.example/x>"
    claims = {"sub": "u", "email": hostile, "exp": 1_800_000_000, hostile: hostile}
    findings = [
        finding(
            "AUT001", Status.FAIL, stage=Stage.AUTHORIZE, message=hostile, hint=hostile,
            subject=hostile, evidence={"expected": hostile, "actual": {"k": hostile}},
        )
    ]  # fmt: skip
    report = replace(Report.from_run(full_context(claims), findings), tool_version=hostile)
    html = render_results_page(report, id_token_header={"alg": hostile})
    parsed = tags_of(html)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert parsed.urls == []
    assert "&lt;script&gt;" in html
    assert "(2027-01-15 08:00:00 UTC)" in html  # exp as a date


def test_message_page_can_refresh_itself() -> None:
    html = message_page("Checking...", "wait <here>", refresh=1)
    assert '<meta http-equiv="refresh" content="1">' in html
    assert "wait &lt;here&gt;" in html
    assert "refresh" not in message_page("Done", "ok")


def test_the_identity_and_the_trimmed_custom_claim_access_builds() -> None:
    claims = {
        "sub": "u",
        "email": "user@example.com",
        "cognito:groups": ["admins"],
        "groups": ["from-groups"],
        "name": "x" * (CUSTOM_CLAIM_BUDGET + 10),
    }
    ctx = full_context(claims, configured=("cognito:groups", "groups", "name"))
    report = Report.from_run(ctx, [finding(status=Status.PASS)])
    html = render_results_page(report)
    identity = _section(html, "identity")
    assert "&quot;oidc_fields&quot;" in identity  # the get-identity shape, as JSON
    assert "&quot;email&quot;: &quot;user@example.com&quot;" in identity
    assert "<code>[&quot;from-groups&quot;]</code>" in identity  # IdP groups: the groups claim
    custom = _section(html, "custom")
    assert "&quot;cognito:groups&quot;" in custom  # kept
    assert '<span class="status warn">name</span>' in custom  # dropped to fit the budget
    assert "approximate" in custom
    assert "x" * CUSTOM_CLAIM_BUDGET not in custom  # the dropped value is not shown as kept
    for secret in (ID_TOKEN, ACCESS_TOKEN, REFRESH_TOKEN, CODE, CLIENT_SECRET, PASSWORD):
        assert secret not in html


def test_without_groups_or_trimming_the_sections_say_so() -> None:
    html = render_results_page(Report.from_run(full_context(), []))
    assert "none (no claim named &#x27;groups&#x27;)" in _section(html, "identity")
    assert '<span class="muted">nothing</span>' in _section(html, "custom")


def test_identity_and_custom_values_are_escaped() -> None:
    hostile = "<script>alert(1)</script><img src=https://evil.example/x>"
    claims = {"sub": "u", "email": hostile, "groups": [hostile], "custom:x": hostile}
    ctx = full_context(claims, configured=("groups", "custom:x"))
    html = render_results_page(Report.from_run(ctx, []))
    parsed = tags_of(html)
    assert "script" not in parsed.tags
    assert "img" not in parsed.tags
    assert parsed.urls == []
    assert "&lt;script&gt;" in _section(html, "identity")
    assert "&lt;script&gt;" in _section(html, "custom")


def _section(html: str, element_id: str) -> str:
    """The card with ``id=element_id`` (up to the next heading)."""
    start = html.index(f"id='{element_id}'")
    end = html.find("<h", start)
    return html[start : end if end != -1 else len(html)]
