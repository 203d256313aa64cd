"""GitHub Actions workflow commands: one annotation per failure or warning.

``::error title=<ID slug>::<message>`` for failures (and warnings with
``--fail-on warn``), ``::warning`` for warnings, ``::notice`` for findings the
baseline accepts. Data is escaped as the runner expects (``%``, CR, LF) and
property values also escape ``:`` and ``,``. The summary line is the CLI's, on
stderr, as for every format (the runner's log shows both streams: once is enough).
The Markdown summary for ``GITHUB_STEP_SUMMARY`` is written by the CLI (see
:mod:`oidc_probe.cli.output`).
"""

from __future__ import annotations

from oidc_probe.core.model import Finding, Status
from oidc_probe.report.lines import finding_details, finding_title
from oidc_probe.report.model import Report


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str) -> str:
    """One workflow command line: ``::name key=value,key=value::message``."""
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def level(finding: Finding, *, fail_on_warn: bool) -> str | None:
    if finding.accepted:
        return "notice"
    if finding.status is Status.FAIL:
        return "error"
    if finding.status is Status.WARN:
        return "error" if fail_on_warn else "warning"
    return None


def render_github(report: Report) -> str:
    lines = []
    for finding in report.findings:
        name = level(finding, fail_on_warn=report.fail_on_warn)
        if name is None:
            continue
        title = finding_title(finding)
        lines.append(command(name, f"{title}: {finding_details(finding)}", title=title))
    return "".join(f"{line}\n" for line in lines)
