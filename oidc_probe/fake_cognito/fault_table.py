"""Keep the fault table of docs/faults.md in sync with the ``Fault`` enum.

``python -m oidc_probe.fake_cognito.fault_table`` prints the table;
``python -m oidc_probe.fake_cognito.fault_table --write docs/faults.md`` replaces the
table between the markers in that file. A test fails when the page and the enum differ.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

from oidc_probe.fake_cognito.faults import markdown_table

BEGIN = "<!-- fault-table:begin (generated: python -m oidc_probe.fake_cognito.fault_table) -->"
END = "<!-- fault-table:end -->"


def table_in(text: str) -> str | None:
    """The generated part of ``text`` between the markers, or None without markers."""
    start = text.find(BEGIN)
    end = text.find(END)
    if start < 0 or end < start:
        return None
    return text[start + len(BEGIN) : end].strip("\n") + "\n"


def with_table(text: str) -> str:
    """``text`` with the table between the markers replaced by the current one."""
    start = text.find(BEGIN)
    end = text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the markers {BEGIN!r} and {END!r} are missing")
    return text[: start + len(BEGIN)] + "\n" + markdown_table() + text[end:]


def main(argv: Sequence[str]) -> int:
    if not argv:
        sys.stdout.write(markdown_table())
        return 0
    if len(argv) == 2 and argv[0] == "--write":
        path = Path(argv[1])
        path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
        return 0
    sys.stderr.write(
        "usage: python -m oidc_probe.fake_cognito.fault_table [--write docs/faults.md]\n"
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
