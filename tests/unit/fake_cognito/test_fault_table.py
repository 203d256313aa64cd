"""The fault table of docs/faults.md is generated from the Fault enum and kept in sync by this test."""

from __future__ import annotations

from pathlib import Path

import pytest

from oidc_probe.fake_cognito import Fault
from oidc_probe.fake_cognito.fault_table import BEGIN, END, main, table_in, with_table
from oidc_probe.fake_cognito.faults import markdown_table

PAGE = Path(__file__).parents[3] / "docs" / "faults.md"


def test_readme_fault_table_matches_the_enum() -> None:
    assert table_in(PAGE.read_text(encoding="utf-8")) == markdown_table(), (
        "docs/faults.md's fault table is stale: run "
        "`.venv/bin/python -m oidc_probe.fake_cognito.fault_table --write docs/faults.md`"
    )


def test_table_has_one_row_per_fault_naming_its_check() -> None:
    rows = markdown_table().splitlines()[2:]
    assert len(rows) == len(Fault)
    for fault, row in zip(Fault, rows, strict=True):
        assert row.startswith(f"| `{fault.value}` |")
        assert row.endswith(f"| {', '.join(fault.fails) or 'none'} |")


def test_write_replaces_only_the_table(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{BEGIN}\nold table\n{END}\noutro\n")
    assert main(["--write", str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith("intro\n")
    assert text.endswith(f"{END}\noutro\n")
    assert "old table" not in text
    assert table_in(text) == markdown_table()


def test_write_without_markers_is_refused() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_table("no markers here")
