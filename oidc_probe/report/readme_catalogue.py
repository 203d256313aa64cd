"""The check catalogue page (docs/checks.md), generated from the registry (the docstrings).

``python -m oidc_probe.report.readme_catalogue`` rewrites the table between the
``<!-- catalogue:start -->`` and ``<!-- catalogue:end -->`` markers of docs/checks.md
(the README links to it); ``--check`` only reports whether it is up to date (exit 1 if
not). A test keeps the committed page in sync.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

START = "<!-- catalogue:start -->"
END = "<!-- catalogue:end -->"
PAGE = Path(__file__).parents[2] / "docs" / "checks.md"


def catalogue_markdown() -> str:
    from oidc_probe.checks.catalogue import all_checks

    lines = [
        "| ID | Slug | Stage | Severity | What it checks |",
        "| --- | --- | --- | --- | --- |",
    ]
    for spec in all_checks():
        summary = spec.summary.replace("``", "`").replace("|", "\\|")
        lines.append(
            f"| {spec.id} | `{spec.slug}` | {spec.stage.key} | {spec.severity.value} | {summary} |"
        )
    return "\n".join(lines) + "\n"


def synced(text: str) -> str:
    """``text`` with the table between the markers replaced; ValueError without the markers."""
    start = text.find(START)
    end = text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{PAGE.name} has no {START} ... {END} markers")
    head = text[: start + len(START)]
    return f"{head}\n{catalogue_markdown()}{text[end:]}"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    text = PAGE.read_text(encoding="utf-8")
    new = synced(text)
    if "--check" in args:
        if new != text:
            print("docs/checks.md is out of date: run python -m oidc_probe.report.readme_catalogue")
            return 1
        return 0
    if new != text:
        PAGE.write_text(new, encoding="utf-8")
        print("docs/checks.md updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
