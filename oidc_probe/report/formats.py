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
    report: Report,
    fmt: Format,
    *,
    color: bool = False,
    github: bool = False,
    verbose: bool = False,
    width: int = 80,
) -> str:
    """The report in ``fmt``, every string from outside made inert for that output.

    ``color``, ``verbose`` and ``width`` only affect the text format; ``github`` says a
    GitHub Actions runner reads the output (see :mod:`oidc_probe.plumbing.inert` for what
    each output gets).
    """
    from oidc_probe.plumbing import inert

    if fmt is Format.TEXT:
        shown = _for_terminal(report, github=github)
        return renderer(fmt)(shown, color=color, verbose=verbose, width=width)
    if fmt is Format.GITHUB:
        return renderer(fmt)(_for_terminal(report, github=True))
    text = renderer(fmt)(report)
    if fmt is Format.JSON:
        text = inert.json_safe_text(text)
    elif fmt is Format.JUNIT:
        text = inert.xml_safe_text(text)
    if github:
        text = inert.break_workflow(text, _SYNTAX[fmt])
    return text


_SYNTAX = {Format.JSON: "json", Format.JUNIT: "xml", Format.MARKDOWN: "markdown"}


def _for_terminal(report: Report, *, github: bool) -> Report:
    """``report`` with every free-form string, user names included, shown terminal-safe."""
    from dataclasses import replace
    from functools import partial

    from oidc_probe.plumbing import inert

    shown = partial(inert.terminal, github=github)
    names: dict[str, str] = {}  # each user's (or token line's) name, escaped once

    def name(user: str) -> str:
        if user not in names:
            names[user] = shown(user)
        return names[user]

    mapped = report.map_text(shown)
    return replace(
        mapped,
        findings=tuple(
            f if name(f.user) == f.user else f.for_user(name(f.user)) for f in mapped.findings
        ),
        users=tuple(replace(u, username=name(u.username)) for u in mapped.users),
    )
