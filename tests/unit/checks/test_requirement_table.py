"""docs/verifier-requirements.md: every row names registered checks and a test that exists."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from oidc_probe.checks.catalogue import get_check

REPO = Path(__file__).resolve().parents[3]
TABLE = REPO / "docs" / "verifier-requirements.md"
_ROW = re.compile(r"^\| (?!Requirement|---)(.+?) \| (.+?) \| (.+?) \| (.+?) \|$", re.MULTILINE)
_ID = re.compile(r"\b[A-Z]{3}\d{3}\b")


def rows() -> list[tuple[str, str, str]]:
    return [(m[1], m[3], m[4]) for m in _ROW.finditer(TABLE.read_text(encoding="utf-8"))]


def _functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}


def test_the_table_has_rows() -> None:
    assert len(rows()) > 50


@pytest.mark.parametrize(("requirement", "checks", "test"), rows(), ids=lambda v: v[:40])
def test_each_row_names_registered_checks_and_an_existing_test(
    requirement: str, checks: str, test: str
) -> None:
    ids = _ID.findall(checks)
    if checks != "IDT*":
        assert ids, requirement
    for check_id in ids:
        assert get_check(check_id) is not None, (requirement, check_id)
    path, _, name = test.partition("::")
    file = REPO / path
    assert file.is_file(), test
    function, _, param = name.partition("[")
    assert function in _functions(file), test
    if param and path.endswith("test_faults.py"):
        from oidc_probe.fake_cognito import Fault

        assert Fault(param.rstrip("]")) in Fault, test
