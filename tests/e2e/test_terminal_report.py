"""The text report as a person reads it: the real CLI in a pseudo-terminal of 50 rows."""

from __future__ import annotations

import pytest

from tests.e2e.terminal import run_in_terminal


def test_a_passing_demo_fits_a_50_row_terminal() -> None:
    screen = run_in_terminal(["demo"], rows=50, columns=80)
    assert screen.code == 0, screen.raw
    rows = screen.rows
    assert len(rows) <= 50, "\n".join(rows)
    assert all(len(row) <= 80 for row in rows), "\n".join(r for r in rows if len(r) > 80)
    assert rows[-1].startswith("oidc-probe: ")
    assert rows[-1].endswith("result PASS")
    assert "ID token: 18 passed" in rows
    assert any(r.startswith("Pool configuration (AWS API): 16 checks not run") for r in rows)
    assert any(r.startswith("Active checks: 4 checks not run") for r in rows)
    assert "Problems: 3 warnings" in rows


@pytest.mark.parametrize(
    ("fault", "failing"),
    [
        ("token-invalid-client", ["TOK001"]),
        ("bad-signature", ["IDT004"]),
        ("no-email", ["CLM001"]),
    ],
)
def test_a_failing_run_shows_its_failures_in_the_last_20_rows(
    fault: str, failing: list[str]
) -> None:
    screen = run_in_terminal(["demo", "--fault", fault], rows=50, columns=80)
    assert screen.code == 1, screen.raw
    rows = screen.rows
    last = rows[-20:]
    fail_rows = [r for r in rows if r.lstrip().startswith("FAIL ")]
    assert fail_rows, "\n".join(rows)
    assert all(r in last for r in fail_rows), "\n".join(rows)
    assert {r.split()[1] for r in fail_rows} == set(failing)
    summary = rows[-1]
    assert summary.startswith("oidc-probe: ")
    assert "result FAIL: " in summary
    for check_id in failing:
        assert check_id in summary
    # Each failure once: in the problems block, not also among the stage counts.
    assert len(fail_rows) == len(failing)


def test_checks_skipped_after_a_failure_fold_into_one_line_per_stage() -> None:
    screen = run_in_terminal(["demo", "--fault", "token-invalid-client"], columns=120)
    rows = screen.rows
    assert (
        "ID token: 18 checks not run: no ID token: the token exchange failed (TOK001 failed)"
        in rows
    )
    assert not [r for r in rows if r.lstrip().startswith("SKIP ")]


def test_verbose_lists_every_check() -> None:
    screen = run_in_terminal(["demo", "-v"], rows=50, columns=200)
    assert screen.code == 0
    text = "\n".join(screen.rows)
    assert "PASS  IDT004 id-token-signature-valid" in text
    assert "SKIP  AWS001 pool-found" in text
    assert "Problems:" not in text
