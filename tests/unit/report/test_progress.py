"""The progress line's text, and its drawing on a (fake) terminal."""

from __future__ import annotations

import io
import threading

from oidc_probe.cli.console import Console
from oidc_probe.cli.progress import ERASE, ProgressLine, wanted
from oidc_probe.report.progress import progress_line


def test_the_line_names_the_last_started_stage_and_its_time() -> None:
    assert progress_line([]) == ""
    assert progress_line([("token", 1.25)]) == "oidc-probe: Token exchange 1.2 s"
    line = progress_line([("discovery", 2.0), ("jwks", 1.9), ("authorize", 0.4)])
    assert line == "oidc-probe: Authorization and login 0.4 s (and 2 more)"
    assert progress_line([("token", 1.0)], width=20) == "oidc-probe: Token ex"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _console(stderr: io.StringIO, **environ: str) -> Console:
    return Console(stdin=io.StringIO(), stdout=io.StringIO(), stderr=stderr, environ=environ)


def test_only_on_a_terminal_without_quiet_and_without_a_person_logging_in() -> None:
    tty = _console(_Tty())
    assert wanted(tty, quiet=False, interactive=False)
    assert not wanted(tty, quiet=True, interactive=False)
    assert not wanted(tty, quiet=False, interactive=True)
    assert not wanted(_console(io.StringIO()), quiet=False, interactive=False)
    assert not wanted(_console(_Tty(), TERM="dumb"), quiet=False, interactive=False)


def test_a_stage_is_drawn_at_once_and_erased_before_other_lines() -> None:
    stderr = _Tty()
    console = _console(stderr)
    now = [10.0]
    line = ProgressLine(console, clock=lambda: now[0])
    line.started("token")
    now[0] = 11.5
    line.draw()
    console.err("warning: something")
    line.ended("token")
    line.stop.set()
    line.erase()
    assert stderr.getvalue() == (
        f"{ERASE}oidc-probe: Token exchange 0.0 s"
        f"{ERASE}oidc-probe: Token exchange 1.5 s"
        f"{ERASE}warning: something\n"
        f"{ERASE}"
    )


def test_a_stage_stays_while_another_user_is_still_in_it() -> None:
    """With --users the stage key is shared: one user leaving it does not remove it."""
    stderr = _Tty()
    console = _console(stderr)
    now = [10.0]
    line = ProgressLine(console, clock=lambda: now[0])
    line.started("token")  # user 1
    now[0] = 10.5
    line.started("token")  # user 2
    now[0] = 11.0
    line.ended("token")  # user 1 leaves; user 2 is still exchanging
    line.draw()
    assert stderr.getvalue().endswith(f"{ERASE}oidc-probe: Token exchange 0.5 s")
    line.ended("token")
    assert line.running == {}
    line.ended("token")  # an extra end changes nothing
    assert line.running == {}


def test_a_message_waits_for_the_redraw_in_progress() -> None:
    """Console.err takes the lock the redraw holds: the two never interleave."""
    stderr = _Tty()
    console = _console(stderr)
    line = ProgressLine(console)
    with line.drawing:
        writer = threading.Thread(target=console.err, args=("warning: late",))
        writer.start()
        writer.join(0.3)
        assert writer.is_alive()
        assert "late" not in stderr.getvalue()
    writer.join(5)
    assert stderr.getvalue() == "warning: late\n"
