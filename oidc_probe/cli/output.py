"""Where reports go and what makes a run fail: formats, outputs, baseline, ``--fail-on``.

Several formats in one run: ``--format`` is repeatable and ``--output FORMAT=FILE``
(repeatable) sends one format to a file. Each format goes to stdout unless an
``--output`` names it; at most one format may go to stdout. A plain ``--output FILE``
is allowed when exactly one format is selected. A format named only in
``--output FORMAT=FILE`` is selected too, so ``--output junit=report.xml`` prints
the text report and writes the JUnit file.

``github`` writes workflow commands; when ``GITHUB_STEP_SUMMARY`` is set, the
Markdown report is appended to that file as well.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError

# What the part before '=' of ``--output`` looks like when it was meant as a format name.
_FORMAT_ATTEMPT = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding
    from oidc_probe.plumbing.redact import Redactor
    from oidc_probe.report.formats import Format
    from oidc_probe.report.model import Report
    from oidc_probe.run.baseline import Baseline
    from oidc_probe.run.results import MultiRun, RunResult

STEP_SUMMARY_ENV = "GITHUB_STEP_SUMMARY"
FORMATS = ("text", "json", "junit", "github", "markdown")


def add_output_options(parser: argparse.ArgumentParser) -> None:
    """The output flags shared by ``check``, ``discover``, ``verify`` and ``demo``."""
    group = parser.add_argument_group("output and CI")
    group.add_argument(
        "--format",
        action="append",
        choices=FORMATS,
        metavar="FORMAT",
        help=f"report format, repeatable: {', '.join(FORMATS)} (default text)",
    )
    group.add_argument(
        "--output",
        action="append",
        metavar="[FORMAT=]FILE",
        help="write a format to FILE instead of stdout (repeatable: --output junit=report.xml)",
    )
    group.add_argument(
        "--show-tokens", action="store_true", help="include the raw tokens in the report"
    )
    group.add_argument("--no-color", action="store_true", help="never use colour")
    group.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        help="no progress line on the terminal (the summary line stays)",
    )
    group.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="list every check in the text report (default: counts per stage, then the problems)",
    )
    group.add_argument(
        "--fail-on",
        choices=["fail", "warn"],
        default="fail",
        help="exit 1 on failures (default) or on warnings too",
    )
    group.add_argument(
        "--baseline",
        metavar="FILE",
        help="accepted failures (JSON or TOML entries: id, subject, user, reason)",
    )
    group.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when checks fail (report only)"
    )


@dataclass(frozen=True)
class Destination:
    """One report format and where it goes (a file, or standard output)."""

    fmt: Format
    path: Path | None = None  # None: stdout


@dataclass(frozen=True)
class OutputOptions:
    """How a command's report is written and which exit code it gives (from the output options)."""

    destinations: tuple[Destination, ...]
    show_tokens: bool = False
    no_color: bool = False
    verbose: bool = False
    quiet: bool = False
    fail_on_warn: bool = False
    exit_zero: bool = False
    baseline: Baseline | None = None

    @property
    def fmt(self) -> Format:
        return self.destinations[0].fmt

    @property
    def output(self) -> Path | None:
        return self.destinations[0].path

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> OutputOptions:
        """The output options (:func:`add_output_options`) every reporting command has."""
        formats, outputs = args.format, args.output
        if isinstance(formats, str):
            formats = [formats]
        if isinstance(outputs, str):
            outputs = [outputs]
        return cls(
            destinations=destinations(formats or [], outputs or []),
            show_tokens=bool(args.show_tokens),
            no_color=bool(args.no_color),
            verbose=bool(args.verbose),
            quiet=bool(args.quiet),
            fail_on_warn=args.fail_on == "warn",
            exit_zero=bool(args.exit_zero),
            baseline=_baseline(args.baseline) if args.baseline else None,
        )


def _baseline(path: str) -> Baseline:
    """``--baseline FILE``; its module (and TOML) is imported only when one is given."""
    from oidc_probe.run.baseline import load_baseline

    return load_baseline(path)


def destinations(formats: Sequence[str], outputs: Sequence[str]) -> tuple[Destination, ...]:
    """Resolve ``--format`` and ``--output`` into where each format goes (see the module doc)."""
    from oidc_probe.plumbing.outfile import writable_output
    from oidc_probe.report.formats import Format

    files: dict[Format, Path] = {}
    plain: list[str] = []
    for value in outputs:
        prefix, sep, rest = value.partition("=")
        if sep and prefix in FORMATS:
            fmt = Format(prefix)
            if fmt in files:
                raise UsageError(f"--output {prefix}=...: given twice")
            path = writable_output(rest)
            assert path is not None
            files[fmt] = path
        elif sep and _FORMAT_ATTEMPT.fullmatch(prefix):
            raise UsageError(
                f"--output {prefix}=...: unknown format {prefix!r} (formats: "
                f"{', '.join(FORMATS)}); a file whose name holds '=' is given as a path, "
                f"e.g. ./{prefix}=..."
            )
        else:
            plain.append(value)
    chosen = [Format(f) for f in formats] or [Format.TEXT]
    selected = list(dict.fromkeys(chosen + list(files)))
    if len(plain) > 1:
        raise UsageError("--output FILE given more than once: use --output FORMAT=FILE per format")
    on_stdout = [f for f in selected if f not in files]
    if plain:
        if len(on_stdout) != 1:
            raise UsageError(
                f"--output {plain[0]}: several formats are selected; "
                "say which one goes there with --output FORMAT=FILE"
            )
        files[on_stdout[0]] = writable_output(plain[0])  # type: ignore[assignment]
        on_stdout = []
    if len(on_stdout) > 1:
        names = ", ".join(f.value for f in on_stdout)
        raise UsageError(
            f"only one format can go to stdout (got {names}); "
            "send the others to files with --output FORMAT=FILE"
        )
    paths = [p.resolve() for p in files.values()]
    if len(set(paths)) != len(paths):
        raise UsageError("--output: two formats would be written to the same file")
    return tuple(Destination(f, files.get(f)) for f in selected)


def emit(result: RunResult, options: OutputOptions, console: Console) -> int:
    """The report of a use case's result; returns the exit code."""
    from oidc_probe.run.results import SingleRun

    if isinstance(result, SingleRun):
        return emit_report(result.ctx, result.findings, options, console)
    return emit_multi_report(result, options, console)


def emit_report(
    ctx: RunContext, findings: Sequence[Finding], options: OutputOptions, console: Console
) -> int:
    """Render, redact and write the report of a single run; returns the exit code."""
    from oidc_probe.plumbing.redact import Redactor
    from oidc_probe.report.model import Report
    from oidc_probe.run.results import SingleRun

    findings = _baselined(SingleRun(ctx, tuple(findings)), options, console).all_findings()
    if not options.show_tokens:
        console.redactor.add(*ctx.secrets())
    redactor = Redactor.for_context(ctx, show_tokens=options.show_tokens)
    report = Report.from_run(ctx, findings, show_tokens=options.show_tokens)
    return _emit(report, redactor, options, console)


def emit_multi_report(run: MultiRun, options: OutputOptions, console: Console) -> int:
    """The report of a ``--users`` run: run-wide findings, then one section per user."""
    from oidc_probe.plumbing.redact import Redactor
    from oidc_probe.report.of_result import report_of

    marked = _baselined(run, options, console)
    findings = marked.all_findings()
    secrets: list[str | None] = []
    for ctx in run.contexts():
        secrets += [ctx.config.client_secret, ctx.settings.password]
        if not options.show_tokens:
            secrets += ctx.secrets()
    console.redactor.add(*secrets)
    report = report_of(run, show_tokens=options.show_tokens, findings=findings)
    return _emit(report, Redactor(secrets), options, console)


def _baselined(run: RunResult, options: OutputOptions, console: Console) -> RunResult:
    """``run`` with the baseline applied (and the signature net cast again after it)."""
    if options.baseline is None:
        return run
    from oidc_probe.run.baseline import unused_message

    marked, unused = options.baseline.apply_run(run)
    for line in unused_message(options.baseline, unused):
        console.warn(line)
    return marked


def _emit(report: Report, redactor: Redactor, options: OutputOptions, console: Console) -> int:
    from oidc_probe.report.formats import Format, render
    from oidc_probe.report.model import Result, summary_line

    report = replace(report, fail_on_warn=options.fail_on_warn).redacted(redactor)
    for dest in options.destinations:
        color = dest.path is None and dest.fmt is Format.TEXT
        color = color and console.color(disabled=options.no_color)
        width = console.width() if dest.path is None else 80
        text = render(
            report,
            dest.fmt,
            color=color,
            github=console.github_actions,
            verbose=options.verbose,
            width=width,
        )
        if dest.fmt is Format.TEXT:
            text = redactor.redact(text)
        if dest.path is None:
            console.out(text, redacted=True, commands=dest.fmt is Format.GITHUB)
        else:
            write_file(dest.path, text, private=options.show_tokens)
            console.err(f"oidc-probe: {dest.fmt.value} report written to {dest.path}")
        if dest.fmt is Format.GITHUB:
            _step_summary(report, console)
    console.err(summary_line(report))
    if options.exit_zero:
        return 0
    return 1 if report.result is Result.FAIL else 0


def _step_summary(report: Report, console: Console) -> None:
    from oidc_probe.report.markdown import render_markdown

    target = console.environ.get(STEP_SUMMARY_ENV)
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as summary:
            summary.write(render_markdown(report) + "\n")
    except OSError as exc:
        console.warn(f"{STEP_SUMMARY_ENV}={target}: cannot append the summary ({exc.strerror})")


def write_file(path: Path, text: str, *, private: bool = False) -> None:
    """Write a report file: never through a symbolic link; mode 0600 when ``private``
    (``--show-tokens`` puts the tokens in it)."""
    from oidc_probe.plumbing.outfile import write_output

    write_output(path, text, private=private)
