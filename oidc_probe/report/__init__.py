"""Reports: pure formatters over the findings of a run.

``model`` holds the :class:`Report` every format is rendered from; each renderer
(``text``, ``json``, ``junit``, ``github``, ``markdown``, ``html``) imports the model
only; ``formats`` is the one table from a :class:`Format` to its renderer.
May import: ``core``, ``plumbing`` (redaction, the HTML shell), ``checks.registry`` (the
catalogue); never a stage or a login driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oidc_probe.report.formats import Format, render
    from oidc_probe.report.model import (
        AccessView,
        ClaimView,
        Counts,
        Report,
        Result,
        Target,
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


def __getattr__(name: str) -> Any:
    """The names above, imported on first use (PEP 562): the progress line and the
    ``--format`` table are needed before a probe's first request, the model only after."""
    if name in ("Format", "render"):
        from oidc_probe.report import formats

        return getattr(formats, name)
    if name in __all__:
        from oidc_probe.report import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
