"""``oidc-probe``: argument parsing, dispatch, and the one place errors become exit codes.

Only the standard library is imported here; each command imports what it needs
when it runs, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NoReturn, Protocol, TextIO, cast

from oidc_probe import __version__
from oidc_probe.cli.console import Console
from oidc_probe.cli.parser import CommandLineError, Parser, ParserExit
from oidc_probe.cli.table import (
    COMMANDS,
    COMMANDS_MODULES,
    DESCRIPTION,
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    PROG,
)
from oidc_probe.core.errors import ProbeError, UsageError

if TYPE_CHECKING:
    from oidc_probe.run.runner import ProbeRunner


def _selected_command(arguments: Sequence[str]) -> str | None:
    """The subcommand named on the command line, found before parsing."""
    for argument in arguments:
        if argument in COMMANDS:
            return argument
        if not argument.startswith("-"):
            return None
    return None


def build_parser(console: Console, command: str | None = None) -> argparse.ArgumentParser:
    """The parser; only ``command`` (if any) gets its options, the others just their help."""
    parser = Parser(
        prog=PROG,
        console=console,
        description=DESCRIPTION,
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    debug = Parser(add_help=False, console=console)
    debug.add_argument(
        "--debug", action="store_true", default=argparse.SUPPRESS, help="show tracebacks"
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (summary, description, epilog) in COMMANDS.items():
        sub = commands.add_parser(
            name,
            console=console,
            parents=[debug],
            help=summary,
            description=description,
            epilog=epilog,
        )
        if name == command:
            _command(name).add_options(sub)
    return parser


class _Command(Protocol):
    """A subcommand's module: its options, and how it runs."""

    def add_options(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int: ...


def _command(name: str) -> _Command:
    """The module of subcommand ``name``, imported only when that command is used."""
    from importlib import import_module

    return cast(_Command, import_module(f"oidc_probe.cli.{COMMANDS_MODULES[name]}"))


def _dispatch(
    args: argparse.Namespace,
    console: Console,
    parser: argparse.ArgumentParser,
    probe: ProbeRunner | None,
) -> int:
    command: str | None = args.command
    if command is None:
        parser.print_help(console.stderr)
        return EXIT_USAGE
    return _command(command).run(args, console, probe)


def main(
    argv: Sequence[str] | None = None,
    *,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    probe: ProbeRunner | None = None,
) -> int:
    """Run one command and return its exit code; never raises (except ``SystemExit``).

    ``probe`` replaces the pipeline-and-checks runner of ``check`` and ``demo``
    (a seam for tests); by default the real pipeline runs.
    """
    console = Console(
        stdin=stdin if stdin is not None else sys.stdin,
        stdout=stdout if stdout is not None else sys.stdout,
        stderr=stderr if stderr is not None else sys.stderr,
        environ=os.environ if environ is None else environ,
    )
    arguments = list(sys.argv[1:] if argv is None else argv)
    # A token given as an argument (verify TOKEN, verify-access TOKEN) is a secret from the
    # start: a usage error quoting it must not print it.
    console.redactor.add(*(a for a in arguments if _looks_like_jwt(a)))
    debug = "--debug" in arguments
    try:
        _refuse_url_credentials(arguments)
        parser = build_parser(console, _selected_command(arguments))
        args = parser.parse_args(arguments)
        debug = bool(args.debug)
        return _dispatch(args, console, parser, probe)
    except ParserExit as exc:
        return exc.status
    except CommandLineError as exc:
        console.stderr.write(exc.usage)
        console.err(f"{exc.prog}: error: {exc}")
        return EXIT_USAGE
    except ProbeError as exc:
        console.err(f"{PROG}: error: {_one_line(exc)}")
        return exc.exit_code
    except KeyboardInterrupt:
        console.err(f"{PROG}: interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return EXIT_FAILED
    except Exception as exc:
        if debug:
            import traceback

            for line in traceback.format_exc().rstrip().splitlines():
                console.err(line)
            console.err(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}")
        else:
            console.err(
                f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)} "
                "(rerun with --debug for the traceback)"
            )
        return EXIT_INTERNAL


_URL_USERINFO = re.compile(r"(?i)^(?:--[\w-]+=)?[a-z][a-z0-9+.-]*://[^/?#\s]*@")


def _refuse_url_credentials(arguments: Sequence[str]) -> None:
    """A URL with ``user:password@`` in any argument: one line naming the option, never the
    value (the credentials belong in the environment or the config's secret field)."""
    for i, argument in enumerate(arguments):
        if _URL_USERINFO.match(argument):
            flag = argument.split("=", 1)[0] if argument.startswith("--") else ""
            if not flag and i > 0 and arguments[i - 1].startswith("--"):
                flag = arguments[i - 1]
            where = f"{flag}: " if flag else ""
            raise UsageError(
                f"{where}a URL with credentials in it (user:password@host) is refused; remove them"
            )


def _looks_like_jwt(argument: str) -> bool:
    """A compact JWS/JWE: dot-separated base64url segments, the first a JSON header."""
    parts = argument.split(".")
    return (
        len(parts) in (3, 5)
        and parts[0].startswith("eyJ")
        and all(part.replace("-", "").replace("_", "").isalnum() or not part for part in parts)
    )


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def run() -> NoReturn:
    """Entry point of the ``oidc-probe`` script and ``python -m oidc_probe``.

    Before exiting, every object still alive is frozen out of the garbage collector:
    the interpreter's last collection at shutdown would otherwise walk them all (about
    30 ms after a probe, ``docs/performance.md``) only to free memory the process is
    about to return anyway. Exit handlers still run and every stream is still flushed.
    """
    # A thread whose response has arrived waits at most 1 ms (not 5) for the interpreter
    # while another thread imports in the background (oidc_probe.plumbing.warmup).
    sys.setswitchinterval(0.001)
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    import gc

    gc.freeze()
    sys.exit(code)
