"""``oidc-probe``: argument parsing, dispatch, and the one place errors become exit codes.

Only the standard library is imported here; each command imports what it needs
when it runs, so ``--help`` and ``--version`` stay fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TextIO

from oidc_probe import __version__
from oidc_probe.cli.argtypes import non_negative_int, port, positive_float
from oidc_probe.cli.console import Console
from oidc_probe.cli.table import (
    COMMANDS,
    DESCRIPTION,
    EXIT_CODES,
    EXIT_FAILED,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    PROG,
)
from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI
from oidc_probe.core.errors import ProbeError, UsageError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

    from oidc_probe.cli.check import ProbeRunner


class CommandLineError(UsageError):
    """An argparse error: printed after the usage of the (sub)command."""

    def __init__(self, message: str, *, prog: str, usage: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.usage = usage


class _ParserExit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
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
        raise _ParserExit(status)

    def error(self, message: str) -> NoReturn:
        raise CommandLineError(message, prog=self.prog, usage=self.format_usage())


class _RefuseSecret(argparse.Action):
    """A hidden option for a secret given as an argument: refused, saying what to do (``const``)."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        raise UsageError(
            f"{option_string} is not accepted: secrets given as arguments end up in the shell "
            f"history and the process list; {self.const}"
        )


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
    parser = _Parser(
        prog=PROG,
        console=console,
        description=DESCRIPTION,
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")
    debug = _Parser(add_help=False, console=console)
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
            _OPTIONS[name](sub)
    return parser


def _check_options(check: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.ci_parsers import add_expect_options
    from oidc_probe.cli.login_modes import add_login_options

    _add_config_options(check)
    _add_flow_options(check)
    add_login_options(check)
    _add_output_options(check)
    add_expect_options(check)


def _discover_options(parser: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.ci_parsers import add_discover_options

    add_discover_options(parser)


def _verify_options(parser: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.ci_parsers import add_verify_options

    add_verify_options(parser)


def _cloudflare_config_options(parser: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.ci_parsers import add_cloudflare_config_options

    add_cloudflare_config_options(parser)


def _demo_options(demo: argparse.ArgumentParser) -> None:
    demo.add_argument(
        "--fault", action="append", metavar="NAME", help="make the emulator misbehave (repeatable)"
    )
    demo.add_argument(
        "--pkce", dest="pkce_enabled", action=argparse.BooleanOptionalAction, default=None
    )
    demo.add_argument("--client-auth", choices=["basic", "post"], default="basic")
    demo.add_argument(
        "--active", action="store_true", help="also run the active checks TOK004, TOK005, AUT005"
    )
    _add_output_options(demo)


def _fake_cognito_options(fake: argparse.ArgumentParser) -> None:
    fake.add_argument("--host", default="127.0.0.1", help="loopback address (default 127.0.0.1)")
    fake.add_argument("--port", type=port, default=9229, help="port (default 9229; 0: any)")
    fake.add_argument("--pool", metavar="FILE", help="pool file (default: the packaged demo pool)")
    fake.add_argument(
        "--fault", action="append", metavar="NAME", help="inject a fault (repeatable)"
    )
    fake.add_argument("--list-faults", action="store_true", help="list the faults and exit")
    fake.add_argument(
        "--login-page",
        choices=["classic", "js"],
        default="classic",
        help="sign-in page: classic HTML, or js (the form rendered with JavaScript only)",
    )
    fake.add_argument(
        "--request-log",
        metavar="FILE",
        help="append 'METHOD PATH' of every request to FILE (no query, headers or body)",
    )
    fake.add_argument(
        "--write-config",
        metavar="FILE",
        help="write Cloudflare's identity-provider JSON for this emulator to FILE (mode 0600)",
    )


def _checks_options(checks: argparse.ArgumentParser) -> None:
    checks.add_argument("--format", choices=["text", "json"], default="text")


def _explain_options(explain: argparse.ArgumentParser) -> None:
    explain.add_argument("check_id", metavar="ID", help="a check ID such as CLM003")


_OPTIONS: dict[str, Callable[[argparse.ArgumentParser], None]] = {
    "check": _check_options,
    "discover": _discover_options,
    "verify": _verify_options,
    "cloudflare-config": _cloudflare_config_options,
    "demo": _demo_options,
    "fake-cognito": _fake_cognito_options,
    "checks": _checks_options,
    "explain": _explain_options,
}


def _add_config_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("identity provider (flags override fields of --config)")
    group.add_argument("--config", metavar="FILE", help="Cloudflare's identity-provider JSON")
    group.add_argument("--client-id", metavar="ID")
    group.add_argument(
        "--client-secret",
        action=_RefuseSecret,
        nargs="?",
        const="put client_secret in the config file or set OIDC_PROBE_CLIENT_SECRET",
        help=argparse.SUPPRESS,
    )
    group.add_argument("--auth-url", metavar="URL")
    group.add_argument("--token-url", metavar="URL")
    group.add_argument("--certs-url", metavar="URL", help="the JWKS URL")
    group.add_argument(
        "--scopes",
        action="append",
        metavar="SCOPES",
        help="scopes, space or comma separated (repeatable)",
    )
    group.add_argument(
        "--claims",
        action="append",
        metavar="CLAIMS",
        help="custom claims Access should read, space or comma separated (repeatable)",
    )
    group.add_argument(
        "--pkce",
        dest="pkce_enabled",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="PKCE as with Access's pkce_enabled",
    )
    group.add_argument("--email-claim-name", metavar="CLAIM")
    group.add_argument(
        "--issuer", help="expected issuer (default: certs_url without /.well-known/jwks.json)"
    )


def _add_flow_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("flow and login")
    group.add_argument(
        "--redirect-uri",
        default=DEFAULT_REDIRECT_URI,
        metavar="URL",
        help=f"redirect URI registered with the provider (default {DEFAULT_REDIRECT_URI})",
    )
    group.add_argument(
        "--client-auth",
        choices=["basic", "post"],
        default="basic",
        help="token endpoint client authentication (default basic, as Access)",
    )
    group.add_argument(
        "--login",
        choices=["browser", "paste", "form", "headless-browser", "initiate-auth"],
        default=None,
        help="login mode (default browser on a terminal, form otherwise): browser (you log in "
        "in your browser; the probe receives the callback and shows the results there), "
        "paste (you paste the URL you land on), form (the provider's login pages, headless), "
        "headless-browser (headless Chromium, for pages that need JavaScript) or initiate-auth "
        "(Cognito's InitiateAuth API, USER_PASSWORD_AUTH; not the tokens Access gets)",
    )
    group.add_argument(
        "--cognito-endpoint",
        metavar="URL",
        help="Cognito API for --login initiate-auth (default "
        "https://cognito-idp.<region>.amazonaws.com/, region from certs_url)",
    )
    group.add_argument(
        "--active",
        action="store_true",
        help="also run the active checks TOK004, TOK005 and AUT005: one more token request, "
        "login and authorization request against the pool",
    )
    group.add_argument("--username", help="user to log in as")
    group.add_argument(
        "--password",
        action=_RefuseSecret,
        nargs="?",
        const="set OIDC_PROBE_PASSWORD (or the variable named by --password-env) "
        "or use --password-stdin",
        help=argparse.SUPPRESS,
    )
    password = group.add_mutually_exclusive_group()
    password.add_argument(
        "--password-env",
        default="OIDC_PROBE_PASSWORD",
        metavar="NAME",
        help="environment variable holding the password (default OIDC_PROBE_PASSWORD)",
    )
    password.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    group.add_argument(
        "--discovery-only",
        action="store_true",
        help="stop after discovery and the JWKS (no login, no credentials needed)",
    )
    group.add_argument(
        "--leeway", type=non_negative_int, default=60, metavar="SECONDS", help="clock skew"
    )
    group.add_argument(
        "--timeout",
        type=positive_float,
        default=10.0,
        metavar="SECONDS",
        help="limit for each whole request, body included (default 10)",
    )
    group.add_argument("--ca-bundle", metavar="PATH", help="CA certificates to trust (PEM)")


def _add_output_options(parser: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.output import add_output_options

    add_output_options(parser)


def _dispatch(
    args: argparse.Namespace,
    console: Console,
    parser: argparse.ArgumentParser,
    probe: ProbeRunner | None,
) -> int:
    command: str | None = args.command
    if command in ("check", "discover"):
        from oidc_probe.cli.check import check_command

        return check_command(args, console, probe)
    if command == "verify":
        from oidc_probe.cli.verify import verify_command

        return verify_command(args, console)
    if command == "cloudflare-config":
        from oidc_probe.cli.cloudflare_config import cloudflare_config_command

        return cloudflare_config_command(args, console)
    if command == "demo":
        from oidc_probe.cli.demo import demo_command

        return demo_command(args, console, probe)
    if command == "fake-cognito":
        from oidc_probe.fake_cognito.cli import format_fault_list, run_fake_cognito

        if args.list_faults:
            console.out(format_fault_list())
            return EXIT_OK
        return run_fake_cognito(
            host=args.host,
            port=args.port,
            pool_path=args.pool,
            faults=args.fault or (),
            out=console.stdout,
            login_page=args.login_page,
            request_log=args.request_log,
            write_config=args.write_config,
        )
    if command == "checks":
        from oidc_probe.cli.catalogue import checks_command

        return checks_command(args.format, console)
    if command == "explain":
        from oidc_probe.cli.catalogue import explain_command

        return explain_command(args.check_id, console)
    parser.print_help(console.stderr)
    return EXIT_USAGE


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
    debug = "--debug" in arguments
    try:
        parser = build_parser(console, _selected_command(arguments))
        args = parser.parse_args(arguments)
        debug = bool(getattr(args, "debug", debug))
        return _dispatch(args, console, parser, probe)
    except _ParserExit as exc:
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

            console.err(traceback.format_exc().rstrip())
            console.err(f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)}")
        else:
            console.err(
                f"{PROG}: internal error: {type(exc).__name__}: {_one_line(exc)} "
                "(rerun with --debug for the traceback)"
            )
        return EXIT_INTERNAL


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def run() -> NoReturn:
    """Entry point of the ``oidc-probe`` script and ``python -m oidc_probe``."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    sys.exit(code)
