"""The report formats and the one table that maps each to its renderer (imported lazily).

Renderers are pure functions over a :class:`~oidc_probe.report.model.Report`; they
import the model, never this table, so the dependencies point one way.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.report.model import Report


class Format(StrEnum):
    TEXT = "text"
    JSON = "json"
    JUNIT = "junit"
    GITHUB = "github"
    MARKDOWN = "markdown"


# Each format's renderer, ``render_<format>`` in ``oidc_probe.report.<format>``; imported on
# first use, so choosing a format (while parsing options, before any request) costs nothing.
RENDERER_MODULES: dict[Format, str] = {f: f"oidc_probe.report.{f.value}" for f in Format}


def renderer(fmt: Format) -> Callable[..., str]:
    renderer_fn: Callable[..., str] = getattr(
        importlib.import_module(RENDERER_MODULES[fmt]), f"render_{fmt.value}"
    )
    return renderer_fn


def render(
    report: Report, fmt: Format, *, color: bool = False, verbose: bool = False, width: int = 80
) -> str:
    """The report in ``fmt``. ``color``, ``verbose`` and ``width`` only affect the text format."""
    if fmt is Format.TEXT:
        return renderer(fmt)(report, color=color, verbose=verbose, width=width)
    return renderer(fmt)(report)
