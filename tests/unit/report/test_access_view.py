"""The identity Access builds and the trimmed custom claim, in the text and Markdown reports."""

from __future__ import annotations

from oidc_probe.access.identity import CUSTOM_CLAIM_BUDGET
from oidc_probe.report import Report
from oidc_probe.report.markdown import render_markdown
from oidc_probe.report.text import render_text
from tests.unit.report.builders import full_context

BIG = {
    "email": "user@example.com",
    "name": "x" * (CUSTOM_CLAIM_BUDGET + 10),
    "cognito:groups": ["admins"],
    "groups": ["from-a-claim-named-groups"],
}


def test_text_shows_identity_groups_and_what_trimming_dropped() -> None:
    ctx = full_context(BIG, configured=("cognito:groups", "name"))
    text = render_text(Report.from_run(ctx, []), verbose=True, width=200)
    assert (
        "groups (IdP groups, only from a claim named 'groups'): [\"from-a-claim-named-groups\"]"
        in text
    )
    assert "kept: cognito:groups" in text
    assert "dropped: name" in text
    assert "approximate" in text


def test_markdown_shows_the_custom_claim_and_the_groups() -> None:
    ctx = full_context(BIG, configured=("cognito:groups", "name"))
    markdown = render_markdown(Report.from_run(ctx, []))
    assert "| groups (only from a claim named `groups`) |" in markdown
    assert "dropped: name" in markdown


def test_cognito_groups_alone_are_not_idp_groups() -> None:
    view = Report.from_run(full_context(), []).access_view
    assert view.identity is not None
    assert "groups" not in view.identity  # cognito:groups alone is not IdP groups
