from __future__ import annotations

import textwrap

from hypothesis import given
from hypothesis import strategies as st

from oidc_probe.core.model import Stage, Status
from oidc_probe.report import Report
from oidc_probe.report.text import EVIDENCE_LIMIT, WIDTH, _Layout, _Style, render_text
from tests.factories import make_context
from tests.unit.report.builders import ID_TOKEN, finding, full_context, sample_findings


def _text(
    *,
    color: bool = False,
    show_tokens: bool = False,
    configured: tuple[str, ...] = ("cognito:groups",),
) -> str:
    ctx = full_context(configured=configured)
    # -v: the full listing, every check on its line, wide enough not to wrap.
    return render_text(
        Report.from_run(ctx, sample_findings(), show_tokens=show_tokens),
        color=color,
        verbose=True,
        width=200,
    )


def test_findings_are_grouped_by_stage_in_run_order() -> None:
    lines = _text().splitlines()
    titles = [t.title for t in Stage if t.title in lines]
    assert titles == [
        Stage.CONFIG.title,
        Stage.DISCOVERY.title,
        Stage.TOKEN.title,
        Stage.ID_TOKEN.title,
        Stage.CLAIMS.title,
    ]
    assert Stage.JWKS.title not in lines
    positions = [lines.index(t) for t in titles]
    assert positions == sorted(positions)


def test_one_line_per_finding_with_mark_id_slug_subject_and_message() -> None:
    text = _text()
    assert "  PASS  CFG001 config-complete: all set" in text
    assert "  SKIP  DSC008 discovery-pkce-s256: pkce_enabled is false" in text
    assert "  INFO  IDT010 id-token-at-hash-valid: no at_hash" in text
    assert "  FAIL  CLM003 configured-claim-present [custom:team]: 'custom:team' is missing" in text


def test_failures_show_hint_and_evidence_under_the_line() -> None:
    lines = _text().splitlines()
    at = next(i for i, line in enumerate(lines) if "FAIL  CLM003" in line)
    assert lines[at + 1].strip() == "hint: the attribute is unset or the app client cannot read it"
    assert lines[at + 2].strip() == "expected: present"
    assert lines[at + 3].strip() == "actual:   absent"
    assert lines[at + 1].startswith(" " * 10)


def test_warnings_show_their_hint_but_passes_do_not() -> None:
    findings = [
        finding("TOK003", Status.WARN, hint="warn-hint"),
        finding("CFG001", Status.PASS, hint="pass-hint", evidence={"actual": "pass-actual"}),
    ]
    text = render_text(Report.from_run(full_context(), findings))
    assert "hint: warn-hint" in text
    assert "pass-hint" not in text
    assert "pass-actual" not in text


def test_structured_evidence_is_compact_json_and_long_evidence_is_cut() -> None:
    findings = [
        finding("CLM005", Status.FAIL, evidence={"expected": ["a", "b"], "actual": "x" * 1000}),
    ]
    text = render_text(Report.from_run(full_context(), findings), verbose=True, width=1000)
    assert 'expected: ["a", "b"]' in text
    assert "x" * EVIDENCE_LIMIT + "... (1000 characters)" in text
    assert "x" * (EVIDENCE_LIMIT + 1) not in text


def test_no_ansi_without_colour_and_ansi_with_it() -> None:
    plain = _text(color=False)
    coloured = _text(color=True)
    assert "\x1b[" not in plain
    assert "\x1b[1;31mFAIL\x1b[0m" in coloured
    assert "\x1b[32mPASS\x1b[0m" in coloured


def test_what_access_will_see() -> None:
    lines = _text(configured=("cognito:groups", "custom:team")).splitlines()
    start = lines.index("What Access will see")
    section = lines[start:]
    assert '  email (email): "user@example.com"' in section
    assert '    cognito:groups: ["admins", "staff"]' in section
    assert "    custom:team: missing" in section


def test_what_access_will_see_without_an_id_token() -> None:
    text = render_text(Report.from_run(make_context(), []), verbose=True)
    assert "note: the login was not attempted" in text
    assert "email (email): not known without a login" in text
    assert "missing" not in text
    short = render_text(Report.from_run(make_context(), []))
    assert "claims (email, cognito:groups): not known without a login" in short


def test_no_configured_claims_is_said() -> None:
    assert "oidc_fields: none configured" in _text(configured=())


def test_tokens_section_only_with_show_tokens() -> None:
    assert ID_TOKEN not in _text()
    assert "Tokens" not in _text()
    shown = _text(show_tokens=True)
    assert "Tokens (shown because of --show-tokens)" in shown
    assert f"  id_token: {ID_TOKEN}" in shown


def test_summary_is_not_in_the_report() -> None:
    assert "passed," not in _text()


def test_long_hints_are_wrapped_under_the_hint_label() -> None:
    hint = " ".join(f"word{i}" for i in range(60))
    report = Report.from_run(full_context(), [finding(status=Status.FAIL, hint=hint)])
    text = render_text(report, verbose=True)
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("hint: "))
    block = [lines[at]]
    block += [line for line in lines[at + 1 :] if line.startswith(" " * 20)]
    assert len(block) > 1
    assert all(len(line) <= WIDTH for line in block)
    assert " ".join(" ".join(block).split()) == f"hint: {hint}"


@given(
    st.text(st.sampled_from("ab -:xyz\t\n\r\x0b\x0c\u00a0\u3000\u200b\u2028é"), max_size=70),
    st.sampled_from(["", "  ", " " * 14]),
)
def test_a_line_wraps_as_textwrap_wraps_it(text: str, first: str) -> None:
    # wrap() skips textwrap for a line that fits; the rows must be the same
    rest = first + "    "
    expected = textwrap.wrap(
        text,
        40,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [first.rstrip()]
    assert _Layout(_Style(False), 40, verbose=False).wrap(text, first, rest) == expected
