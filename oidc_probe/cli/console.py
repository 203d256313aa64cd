"""The streams and environment a command talks to, injectable for tests."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TextIO

from oidc_probe.core.errors import UsageError
from oidc_probe.plumbing import inert
from oidc_probe.plumbing.redact import Redactor


class Console:
    """Where a command reads and writes. Everything written goes through ``redactor``.

    Mutable on purpose: commands add secrets to ``redactor`` as they learn them,
    so the error line ``main()`` prints on failure is redacted too.
    """

    def __init__(
        self,
        *,
        stdin: TextIO,
        stdout: TextIO,
        stderr: TextIO,
        environ: Mapping[str, str],
        redactor: Redactor | None = None,
    ) -> None:
        self.stdin = stdin
        self.stdout = stdout
        self.stderr = stderr
        self.environ = environ
        self.redactor = redactor if redactor is not None else Redactor()
        # True while a progress line (cli/progress.py) is on stderr: err() erases it first.
        self.live_line = False
        # Held by whoever writes stderr's last line: err() and the progress line's redraw.
        self.line_lock = threading.RLock()

    @property
    def github_actions(self) -> bool:
        """Whether a GitHub Actions runner reads these streams (``GITHUB_ACTIONS`` set)."""
        return inert.github_actions(self.environ)

    def out(self, text: str, *, redacted: bool = False, commands: bool = False) -> None:
        """Write ``text`` (complete with newlines) to stdout.

        ``redacted`` says the caller already redacted it (reports are redacted
        field by field, so that machine output keeps its syntax). Under GitHub
        Actions no line may start with a workflow command unless ``commands`` says
        the text is ``--format github``, whose commands the tool wrote itself.
        """
        shown = text if redacted else self.redactor.redact(text)
        if self.github_actions and not commands:
            shown = inert.workflow_safe_lines(shown)
        self.stdout.write(shown)
        self.stdout.flush()

    def err(self, line: str) -> None:
        """Write one line to stderr, inert (:func:`oidc_probe.plumbing.inert.terminal`),
        erasing the progress line first (it is redrawn after).

        Control characters, newlines included, are shown escaped: a message that
        quotes the provider or the config can neither start a line nor move the cursor.
        """
        shown = inert.terminal(self.redactor.redact(line), github=self.github_actions)
        with self.line_lock:
            erase = "\r\x1b[K" if self.live_line else ""
            self.stderr.write(erase + shown + "\n")
            self.stderr.flush()

    def read_line(self) -> str:
        """One line from stdin ('' at end of input); bad UTF-8 is a usage error, not a crash."""
        return self._read(self.stdin.readline)

    def read_all(self) -> str:
        """All of stdin; bad UTF-8 is a usage error, not a crash."""
        return self._read(self.stdin.read)

    @staticmethod
    def _read(read: Callable[[], str]) -> str:
        try:
            text = read()
            # Under the C locale Python reads stdin with surrogateescape: bad bytes
            # arrive as lone surrogates instead of an error.
            text.encode("utf-8")
        except UnicodeError:
            raise UsageError("standard input is not UTF-8 text") from None
        return text

    def warn(self, message: str) -> None:
        self.err(f"warning: {message}")

    def color(self, *, disabled: bool = False) -> bool:
        """Whether stdout gets ANSI colour: a TTY, ``NO_COLOR`` unset or empty, not disabled."""
        if disabled or self.environ.get("NO_COLOR"):
            return False
        isatty = getattr(self.stdout, "isatty", None)
        return bool(isatty()) if callable(isatty) else False

    def width(self, *, stderr: bool = False) -> int:
        """The terminal's width when stdout (or stderr) is a terminal, else 80 columns."""
        import shutil

        isatty = getattr(self.stderr if stderr else self.stdout, "isatty", None)
        if not (callable(isatty) and isatty()):
            return 80
        return shutil.get_terminal_size((80, 24)).columns
