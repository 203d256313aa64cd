"""Which check statuses the real CLI has shown during this test session.

Every e2e test that runs the CLI through ``conftest.run_cli`` feeds the JSON
reports it gets back (stdout or ``--output``) into :data:`OBSERVED`. The gate in
``test_check_coverage.py`` runs last and asserts that every check in the catalogue
was shown failing (warning, for WARN-severity checks) and passing. It enforces this
only when the whole e2e directory was selected; a partial run (``-k``, one file,
``--lf``) cannot have seen every scenario, so there the gate skips.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from oidc_probe.checks.registry import Check
from oidc_probe.core.model import Status

E2E_DIR = Path(__file__).parent
RUN_LAST = "run_last"
# A finding line of the text report: "  FAIL  CLM003 configured-claim-present [..]: ..."
_TEXT_LINE = re.compile(r"^\s+(PASS|FAIL|WARN|INFO|SKIP)\s+([A-Z]{3}\d{3})\s", re.MULTILINE)

# check ID -> status -> the test that first showed it
OBSERVED: dict[str, dict[str, str]] = {}


@dataclass
class Selection:
    """What this session selected of the e2e directory."""

    files: set[str] = field(default_factory=set)
    deselected: int = 0

    def incomplete(self) -> str:
        """Why this session cannot have run every scenario; empty when it ran them all."""
        absent = sorted({p.name for p in E2E_DIR.glob("test_*.py")} - self.files)
        reasons = [f"{self.deselected} e2e tests deselected"] if self.deselected else []
        if absent:
            reasons.append(f"not collected: {', '.join(absent)}")
        return "; ".join(reasons)


SELECTION = Selection()


Observed = dict[str, dict[str, str]]


def _note(observed: Observed, check_id: str, status: str) -> None:
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" ", 1)[0]
    observed.setdefault(check_id, {}).setdefault(status, test)


def record_output(stdout: str, args: Iterable[str], observed: Observed = OBSERVED) -> None:
    """Record the report in ``stdout`` and in the ``--output`` file (JSON or text)."""
    texts = [stdout]
    arguments = list(args)
    if "--output" in arguments[:-1]:
        path = Path(arguments[arguments.index("--output") + 1])
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8"))
    for text in texts:
        try:
            data = json.loads(text)
        except ValueError:
            for status, check_id in _TEXT_LINE.findall(text):
                _note(observed, check_id, status.lower())
            continue
        checks = data.get("checks") if isinstance(data, dict) else None
        if data.get("schema_version") == 1 and isinstance(checks, list):
            for item in checks:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    _note(observed, item["id"], str(item.get("status")))


def failing_status(spec: Check) -> str:
    """The status that shows the check failing: its severity (fail, or warn)."""
    return Status.WARN.value if spec.severity is Status.WARN else Status.FAIL.value


def missing(
    checks: Iterable[Check], allowed: Mapping[str, str], observed: Observed = OBSERVED
) -> list[str]:
    """One line per check not yet shown failing and passing (``allowed``: ID -> reason)."""
    lines = []
    for spec in checks:
        seen = observed.get(spec.id, {})
        wanted = [failing_status(spec), Status.PASS.value]
        if spec.id in allowed:
            wanted = [Status.PASS.value]
        absent = [status for status in wanted if status not in seen]
        if absent:
            lines.append(f"{spec.id} {spec.slug}: never shown {' or '.join(absent)}")
    return lines


def on_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Move the gate to the end of the session, after every scenario has run."""
    last = [item for item in items if item.get_closest_marker(RUN_LAST) is not None]
    if last:
        items[:] = [item for item in items if item not in last] + last


def on_deselected(items: Iterable[pytest.Item]) -> None:
    SELECTION.deselected += sum(1 for item in items if E2E_DIR in item.path.parents)


def on_collection_finish(items: Iterable[pytest.Item]) -> None:
    SELECTION.files |= {item.path.name for item in items if item.path.parent == E2E_DIR}
