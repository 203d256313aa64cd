"""JUnit XML, as Jenkins, GitLab and most CI systems read it.

One ``<testsuite>`` for the run-wide checks (config, discovery, JWKS, or all of them
for a single-user run) and one per user of a multi-user run; one ``<testcase>`` per
check, subject and user. ``classname`` is ``oidc-probe.<stage>`` (with the user:
``oidc-probe.<user>.<stage>``, dots in the user name replaced by ``_``).

Mapping: FAIL -> ``<failure type="ID">``; WARN -> ``<failure>`` with ``--fail-on warn``,
else a passing test case whose ``<system-out>`` holds the warning; SKIP ->
``<skipped>``; a finding accepted by the baseline -> ``<skipped>`` with the reason;
PASS and INFO -> passing test cases. The layout follows the JUnit schema Jenkins
publishes (junit-10.xsd): attributes ``name``/``tests``/``failures``/``errors``/
``skipped``/``time`` on suites, children in schema order.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from oidc_probe.core.model import Finding, Status
from oidc_probe.report.lines import finding_details, finding_title
from oidc_probe.report.model import Report

# Characters XML 1.0 does not allow, even escaped.
_INVALID_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def render_junit(report: Report) -> str:
    suites = ET.Element("testsuites", name=report.tool_name)
    groups: list[tuple[str, str, Sequence[Finding]]] = [
        (report.tool_name, "", [f for f in report.findings if not f.user])
    ]
    groups += [
        (f"{report.tool_name}: {u.username}", u.username, report.user_findings(u.username))
        for u in report.users
    ]
    totals = [0, 0, 0]
    spans = report.timeline_ms.values()
    # stages overlap, so the run took from the first start to the last end, not the sum
    elapsed_ms = max(e for _, e in spans) - min(s for s, _ in spans) if spans else None
    time_s = (elapsed_ms if elapsed_ms is not None else sum(report.timings_ms.values())) / 1000
    for name, user, findings in groups:
        if not findings and user == "" and report.users:
            continue
        suite = _suite(report, name, user, findings)
        suites.append(suite)
        totals[0] += int(suite.get("tests", "0"))
        totals[1] += int(suite.get("failures", "0"))
        totals[2] += int(suite.get("skipped", "0"))
    suites.set("tests", str(totals[0]))
    suites.set("failures", str(totals[1]))
    suites.set("errors", "0")
    suites.set("skipped", str(totals[2]))
    suites.set("time", f"{time_s:.3f}")
    ET.indent(suites)
    body = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(report: Report, name: str, user: str, findings: Sequence[Finding]) -> ET.Element:
    failures = skipped = 0
    suite = ET.Element("testsuite", name=clean(name))
    properties = ET.SubElement(suite, "properties")
    target = report.target
    for key, value in (
        ("issuer", target.issuer),
        ("issuer_basis", target.issuer_basis),
        ("client_id", target.client_id),
        ("tool_version", report.tool_version),
        ("user", user),
    ):
        if value:
            ET.SubElement(properties, "property", name=key, value=clean(value))
    for finding in findings:
        case = ET.SubElement(
            suite,
            "testcase",
            name=clean(finding_title(finding, with_user=False)),
            classname=_classname(report.tool_name, user, finding),
            time="0",
        )
        details = clean(finding_details(finding))
        if finding.accepted:
            skipped += 1
            ET.SubElement(
                case, "skipped", message=clean(f"accepted by the baseline: {finding.accepted}")
            )
        elif finding.status is Status.FAIL or (
            finding.status is Status.WARN and report.fail_on_warn
        ):
            failures += 1
            failure = ET.SubElement(
                case, "failure", message=clean(finding.message), type=finding.check_id
            )
            failure.text = details
        elif finding.status is Status.SKIP:
            skipped += 1
            ET.SubElement(case, "skipped", message=clean(finding.message))
        elif finding.status in (Status.WARN, Status.INFO):
            out = ET.SubElement(case, "system-out")
            out.text = f"{finding.status.value}: {details}"
    suite.set("tests", str(len(findings)))
    suite.set("failures", str(failures))
    suite.set("errors", "0")
    suite.set("skipped", str(skipped))
    suite.set("time", "0")
    return suite


def _classname(tool: str, user: str, finding: Finding) -> str:
    parts = [tool]
    if user:
        parts.append(clean(user).replace(".", "_"))
    parts.append(finding.stage.key)
    return ".".join(parts)
