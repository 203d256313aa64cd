"""``oidc-probe checks`` and ``oidc-probe explain ID``: the check catalogue as documentation."""

from __future__ import annotations

import json
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
    rows += [(c.id, c.slug, c.stage.key, c.summary) for c in catalogue]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [
        "  ".join([*(cell.ljust(w) for cell, w in zip(row[:3], widths, strict=True)), row[3]])
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def explain_command(check_id: str, console: Console) -> int:
    from oidc_probe.checks.catalogue import get_check

    spec = get_check(check_id)
    if spec is None:
        raise UsageError(
            f"unknown check ID {check_id!r}; run 'oidc-probe checks' to list the check IDs"
        )
    console.out(explain_page(spec))
    return 0


def explain_page(spec: Check) -> str:
    """The documentation page of a check: identity, stage, severity, docstring, references."""
    from oidc_probe.report.json import ref_object

    lines = [
        f"{spec.id} {spec.slug}",
        f"Stage:    {spec.stage.title} ({spec.stage.key})",
        f"Severity: {spec.severity.value} when the condition is not met",
        "",
        spec.doc or spec.summary,
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
