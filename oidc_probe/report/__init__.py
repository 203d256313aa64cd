"""Reports: formatters over the findings of a run (text and JSON)."""

from __future__ import annotations

from oidc_probe.report.base import (
    AccessView,
    ClaimView,
    Counts,
    Format,
    Report,
    Result,
    Target,
    render,
    summary_line,
)

__all__ = [
    "AccessView",
    "ClaimView",
    "Counts",
    "Format",
    "Report",
    "Result",
    "Target",
    "render",
    "summary_line",
]
