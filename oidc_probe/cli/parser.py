"""The argparse parser of ``oidc-probe``, made to write to injected streams and never exit.

Errors become :class:`CommandLineError` (a usage error printed after the usage line);
``--help``/``--version`` become :class:`ParserExit`, so :mod:`oidc_probe.cli.main`
decides every exit code in one place.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, NoReturn

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from oidc_probe.cli.console import Console


class CommandLineError(UsageError):
    """An argparse error: printed after the usage of the (sub)command."""

    def __init__(self, message: str, *, prog: str, usage: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.usage = usage


class ParserExit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Parser(argparse.ArgumentParser):
    """An ArgumentParser that writes to the injected streams and never calls ``sys.exit``."""

    def __init__(self, *args: Any, console: Console, **kwargs: Any) -> None:
        self.console = console
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        if message:
            to_stdout = file is None or file is sys.stdout
            (self.console.stdout if to_stdout else self.console.stderr).write(message)

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self.console.stderr.write(message)
        raise ParserExit(status)

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(message, prog=self.prog, usage=self.format_usage())
