from __future__ import annotations

import pytest

from oidc_probe.checks.catalogue import all_checks
from oidc_probe.report.readme_catalogue import END, PAGE, START, catalogue_markdown, synced


def test_readme_catalogue_is_in_sync_with_the_registry() -> None:
    text = PAGE.read_text(encoding="utf-8")
    assert synced(text) == text, "run: python -m oidc_probe.report.readme_catalogue"


def test_every_check_has_a_row() -> None:
    table = catalogue_markdown()
    for spec in all_checks():
        assert f"| {spec.id} | `{spec.slug}` | {spec.stage.key} | {spec.severity.value} |" in table


def test_synced_replaces_only_between_markers() -> None:
    text = f"before\n{START}\nSTALE-ROW\n{END}\nafter\n"
    new = synced(text)
    assert new.startswith(f"before\n{START}\n| ID |")
    assert new.endswith(f"{END}\nafter\n")
    assert "STALE-ROW" not in new
    with pytest.raises(ValueError, match="markers"):
        synced("no markers")
