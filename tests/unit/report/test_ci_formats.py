from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from oidc_probe.cli.output import Destination, destinations
from oidc_probe.core.errors import UsageError
from oidc_probe.core.model import Stage, Status
from oidc_probe.report.formats import Format
from oidc_probe.report.github import command, escape_data, escape_property, render_github
from oidc_probe.report.junit import render_junit
from oidc_probe.report.markdown import cell, render_markdown
from oidc_probe.report.model import Report, UserSection
from tests.unit.report.builders import finding, full_context, sample_findings
from tests.unit.report.junit_schema import SchemaError, validate


def _report(findings: list | None = None, **changes: object) -> Report:
    report = Report.from_run(full_context(), findings or sample_findings())
    return replace(report, **changes)  # type: ignore[arg-type]


def test_junit_validates_and_maps_statuses() -> None:
    findings = [
        *sample_findings(),
        replace(finding("CLM002", Status.FAIL, subject="email_verified"), accepted="known"),
        finding("CLM001", Status.FAIL, message="bad \x00 char <&>", hint="do x"),
    ]
    root = validate(render_junit(_report(findings)))
    cases = root.findall(".//testcase")
    assert len(cases) == len(findings)
    failures = root.findall(".//failure")
    assert {f.get("type") for f in failures} == {"CLM003", "CLM001"}
    assert any("hint: do x" in (f.text or "") for f in failures)
    skipped = [s.get("message") for s in root.findall(".//skipped")]
    assert "accepted by the baseline: known" in skipped
    assert root.get("failures") == "2"
    warn = next(c for c in cases if c.get("name", "").startswith("TOK003"))
    assert warn.find("failure") is None
    assert (warn.findtext("system-out") or "").startswith("warn: ")


def test_junit_fail_on_warn_turns_warnings_into_failures() -> None:
    root = validate(render_junit(_report(fail_on_warn=True)))
    assert root.get("failures") == "2"


def test_junit_users_get_their_own_suites_and_classnames() -> None:
    view = _report().access_view
    alice = [replace(f, user="a.lice") for f in sample_findings()]
    report = _report(
        [finding("CFG001", Status.PASS, stage=Stage.CONFIG), *alice],
        users=(UserSection("a.lice", view),),
    )
    root = validate(render_junit(report))
    names = [s.get("name") for s in root.findall("testsuite")]
    assert names == ["oidc-probe", "oidc-probe: a.lice"]
    classnames = {c.get("classname") for c in root.findall("testsuite")[1]}
    assert "oidc-probe.a_lice.claims" in classnames


def test_the_validator_rejects_what_the_schema_forbids() -> None:
    with pytest.raises(SchemaError):
        validate('<testsuites><testsuite name="x" tests="1"></testsuite></testsuites>')
    with pytest.raises(SchemaError):
        validate('<testsuites><testsuite tests="0"/></testsuites>')
    with pytest.raises(SchemaError):
        validate(
            '<testsuites><testsuite name="x" tests="1"><testcase name="a">'
            "<failure/><skipped/></testcase></testsuite></testsuites>"
        )


def test_github_escaping() -> None:
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a:b,c%") == "a%3Ab%2Cc%25"
    assert command("error", "m\nx", title="T: 1,2") == "::error title=T%3A 1%2C2::m%0Ax"


WORKFLOW_COMMAND = re.compile(r"^::(error|warning|notice)( title=[^:\r\n]*)?::[^\r\n]*$")


def test_github_annotations_follow_the_workflow_command_syntax() -> None:
    findings = [
        *sample_findings(),
        finding("CLM003", Status.FAIL, subject="a:b,c", message="100%\nline", hint="h"),
        replace(finding("CLM002", Status.FAIL), accepted="known"),
    ]
    lines = render_github(_report(findings)).splitlines()
    commands = [line for line in lines if line.startswith("::")]
    assert all(WORKFLOW_COMMAND.match(line) for line in commands), commands
    kinds = [line.split(" ", 1)[0] for line in commands]
    assert kinds.count("::error") == 2
    assert kinds.count("::warning") == 1
    assert kinds.count("::notice") == 1
    assert any("title=CLM003 configured-claim-present [a%3Ab%2Cc]" in c for c in commands)
    assert lines == commands  # the summary line is the CLI's, on stderr: printed once


def test_github_output_of_a_clean_run_is_empty() -> None:
    assert render_github(_report([finding("CFG001", Status.PASS)])) == ""


def test_markdown_escapes_cells() -> None:
    assert cell("a|b\n<script>") == "a\\|b<br>&lt;script&gt;"
    text = render_markdown(_report([finding("CLM003", Status.FAIL, message="x | <b>y</b>")]))
    assert "## oidc-probe: FAIL" in text
    assert "<b>" not in text
    assert "x \\| &lt;b&gt;y&lt;/b&gt;" in text


def test_destinations(tmp_path: Path) -> None:
    xml = str(tmp_path / "r.xml")
    assert destinations([], []) == (Destination(Format.TEXT),)
    assert destinations([], [f"junit={xml}"]) == (
        Destination(Format.TEXT),
        Destination(Format.JUNIT, Path(xml)),
    )
    assert destinations(["json"], [xml]) == (Destination(Format.JSON, Path(xml)),)
    both = destinations(["text", "junit"], [f"junit={xml}"])
    assert [d.fmt for d in both] == [Format.TEXT, Format.JUNIT]


@pytest.mark.parametrize(
    ("formats", "outputs", "message"),
    [
        (["text", "json"], [], "only one format can go to stdout"),
        (["text", "json"], ["{x}"], "several formats"),
        ([], ["{x}", "{y}"], "more than once"),
        ([], ["junit={x}", "junit={y}"], "given twice"),
        (["json"], ["json={x}", "junit={x}"], "same file"),
        ([], ["junit={d}/missing/r.xml"], "does not exist"),
    ],
)
def test_destination_errors(tmp_path: Path, formats: list, outputs: list, message: str) -> None:
    values = [o.format(x=tmp_path / "x", y=tmp_path / "y", d=tmp_path) for o in outputs]
    with pytest.raises(UsageError, match=message):
        destinations(formats, values)
