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

# Imported on first use (PEP 562), so a submodule needed early (``progress``, ``formats``)
# does not pull the model in before a probe's first request.
_FROM_FORMATS = frozenset({"Format", "render"})


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    module = import_module(
        "oidc_probe.report.formats" if name in _FROM_FORMATS else "oidc_probe.report.model"
    )
    return getattr(module, name)
