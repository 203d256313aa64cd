"""The report formats and the one table that maps each to its renderer.

Renderers are pure functions over a :class:`~oidc_probe.report.model.Report`; they
import the model, never this table, so the dependencies point one way.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from oidc_probe.report.github import render_github
from oidc_probe.report.json import render_json
from oidc_probe.report.junit import render_junit
from oidc_probe.report.markdown import render_markdown
from oidc_probe.report.model import Report
from oidc_probe.report.text import render_text


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"


_RENDERERS: dict[Format, Callable[[Report], str]] = {
    Format.JSON: render_json,
    Format.JUNIT: render_junit,
    Format.GITHUB: render_github,
    Format.MARKDOWN: render_markdown,
}


def render(report: Report, fmt: Format, *, color: bool = False) -> str:
    """The report in ``fmt``. ``color`` only affects the text format."""
    if fmt is Format.TEXT:
        return render_text(report, color=color)
    return _RENDERERS[fmt](report)
