"""``oidc-probe checks`` and ``oidc-probe explain ID``: the check catalogue as documentation."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from oidc_probe.checks.registry import Check
    from oidc_probe.cli.console import Console


def checks_command(fmt: str, console: Console) -> int:
    from oidc_probe.checks.catalogue import all_checks

    catalogue = all_checks()
    if fmt == "json":
        data = {"schema_version": 1, "checks": [_check_data(c) for c in catalogue]}
        console.out(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    console.out(catalogue_table(catalogue))
    return 0


def catalogue_table(catalogue: list[Check]) -> str:
    """One row per check: ID, slug, stage key, one-line summary."""
    rows = [("ID", "SLUG", "STAGE", "SUMMARY")]
    rows += [(c.id, c.slug, c.stage.key, plain_text(c.summary)) for c in catalogue]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3]])
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def plain_text(doc: str) -> str:
    """A docstring as a terminal shows it: ``literal`` and :mod:`name` without their markup."""
    return _LITERAL.sub(r"\1", _ROLE.sub(r"\1", doc))


def find_check(name: str) -> Check:
    """The check named by its ID (any case), its slug, or the ``ID slug`` a report line shows."""
    from oidc_probe.checks.catalogue import all_checks, get_check
    from oidc_probe.core.config import near_name

    words = name.split()
    spec = get_check(words[0]) if words else None
    if spec is not None:
        return spec
    slugs = {c.slug: c for c in all_checks()}
    key = name.strip().lower()
    if key in slugs:
        return slugs[key]
    near = near_name(key, slugs)
    suggestion = f" (did you mean '{near}', {slugs[near].id}?)" if near else ""
    raise UsageError(
        f"unknown check {name!r}{suggestion}; run 'oidc-probe checks' to list the check IDs "
        "and slugs"
    )


def explain_command(check_id: str, console: Console) -> int:
    console.out(explain_page(find_check(check_id)))
    return 0


def explain_page(spec: Check) -> str:
    """The documentation page of a check: identity, stage, severity, docstring, references."""
    from oidc_probe.report.json import ref_object

    lines = [
        f"{spec.id} {spec.slug}",
        f"Stage:    {spec.stage.title} ({spec.stage.key})",
        f"Severity: {spec.severity.value} when the condition is not met",
        "",
        plain_text(spec.doc or spec.summary),
    ]
    if spec.refs:
        lines += ["", "Reference URLs:"]
        width = max(len(r) for r in spec.refs)
        for ref in spec.refs:
            url = ref_object(ref)["url"] or "(no URL known)"
            lines.append(f"  {ref.ljust(width)}  {url}")
    return "\n".join(lines).rstrip() + "\n"


def _check_data(spec: Check) -> dict[str, Any]:
    from oidc_probe.report.json import ref_object

    return {
        "id": spec.id,
        "slug": spec.slug,
        "stage": spec.stage.key,
        "severity": spec.severity.value,
        "summary": spec.summary,
        "refs": [ref_object(r) for r in spec.refs],
        "doc": spec.doc,
    }
