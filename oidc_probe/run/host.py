"""What a use case may ask of whoever runs it: the environment, stdin, stderr, the redactor.

The command line passes its :class:`oidc_probe.cli.console.Console`; the Python API a
:class:`QuietHost`, which reads nothing from the terminal and keeps the warnings.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Protocol, TextIO

from oidc_probe.plumbing.redact import Redactor


class Host(Protocol):
    environ: Mapping[str, str]
    stdin: TextIO
    stderr: TextIO
    redactor: Redactor

    def err(self, line: str) -> None: ...

    def warn(self, message: str) -> None: ...

    def read_line(self) -> str: ...

    def read_all(self) -> str: ...


class QuietHost:
    """A host with no terminal: empty stdin, stderr kept in :attr:`lines`."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ: Mapping[str, str] = dict(environ or {})
        self.stdin: TextIO = io.StringIO()
        self.stderr: TextIO = io.StringIO()
        self.redactor = Redactor()
        self.lines: list[str] = []

    def err(self, line: str) -> None:
        self.lines.append(self.redactor.redact(line))

    def warn(self, message: str) -> None:
        self.err(f"warning: {message}")

    def read_line(self) -> str:
        return ""

    def read_all(self) -> str:
        return ""
