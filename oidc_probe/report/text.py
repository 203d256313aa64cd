"""The human report: findings grouped by stage, then what Access will see.

The summary line is not part of it: the CLI prints that on stderr.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from oidc_probe.core.model import Finding, Stage, Status
from oidc_probe.report.folding import (
    ACTIVE_TITLE,
    POOL_AUDIT_FOLDED,
    Problem,
    not_asked,
    problems,
    stage_views,
)
from oidc_probe.report.model import (
    AccessView,
    ClaimView,
    Counts,
    Report,
    fold_pool_audit,
    json_safe,
)

EVIDENCE_LIMIT = 400
# The short report keeps every failure's line within this many rows of its end.
FAILURES_WITHIN = 19
WIDTH = 80
INDENT = " " * 14

_MARKS = {
    Status.PASS: "PASS",
    Status.FAIL: "FAIL",
    Status.WARN: "WARN",
    Status.INFO: "INFO",
    Status.SKIP: "SKIP",
}
_COLORS = {
    Status.PASS: "32",
    Status.FAIL: "1;31",
    Status.WARN: "33",
    Status.INFO: "36",
    Status.SKIP: "2",
}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_BOLD = "1"
_DIM = "2"


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color and text else text


def render_text(
    report: Report, *, color: bool = False, verbose: bool = False, width: int = WIDTH
) -> str:
    """The human report. Without ``verbose`` the short form (see :mod:`.folding`).

    ``width`` is the terminal's width (80 when not a terminal): lines wrap at spaces,
    never inside a word.
    """
    style = _Style(color)
    layout = _Layout(style, max(width, 40), verbose)
    lines = _header(report, style)
    run_wide = [f for f in report.findings if not f.user]
    if report.users and not verbose:
        # What no user was asked to run is the same for all: shown once, with the run.
        first = report.user_findings(report.users[0].username)
        run_wide += [f for f in first if not_asked(f)]
    lines += layout.stages(run_wide, "")
    if not report.users:
        lines += ["", *layout.wrap_all(_access_view(report.access_view, style, verbose))]
        if report.tokens is not None:
            lines += ["", *_tokens(report.tokens, style)]
    for user in report.users:
        findings = report.user_findings(user.username)
        failing = sum(1 for f in findings if f.failing)
        verdict = f"{failing} failing" if failing else "no failure"
        kind = report.section_kind.capitalize()
        lines += ["", style(f"{kind} {user.username} ({verdict})", _BOLD)]
        shown = [f for f in findings if verbose or not not_asked(f)]
        lines += layout.stages(shown, "  ")
        view = [f"  {line}" for line in _access_view(user.access_view, style, verbose)]
        lines += ["", *layout.wrap_all(view)]
        if user.tokens is not None:
            lines += ["", *(f"  {line}" for line in _tokens(user.tokens, style))]
    if not verbose:
        lines += ["", *layout.problems(report.findings)]
    return "\n".join(lines) + "\n"


class _Layout:
    """Lines of the report at one width, in the long (``-v``) or the short form."""

    def __init__(self, style: _Style, width: int, verbose: bool) -> None:
        self.style = style
        self.width = width
        self.verbose = verbose

    def stages(self, findings: list[Finding], indent: str) -> list[str]:
        if self.verbose:
            return self._every_check(findings, indent)
        return self._stage_counts(findings, indent)

    def _every_check(self, findings: list[Finding], indent: str) -> list[str]:
        findings, folded = fold_pool_audit(findings)
        lines: list[str] = []
        for stage in Stage:
            if stage is Stage.POOL and folded:
                mark = self.style(_MARKS[Status.SKIP], _COLORS[Status.SKIP])
                title = indent + self.style(stage.title, _BOLD)
                lines += ["", title, f"{indent}  {mark}  {POOL_AUDIT_FOLDED}"]
                continue
            found = [f for f in findings if f.stage is stage]
            if not found:
                continue
            lines += ["", indent + self.style(stage.title, _BOLD)]
            for finding in found:
                lines += self.finding(finding, indent, details=True)
        return lines

    def _stage_counts(self, findings: list[Finding], indent: str) -> list[str]:
        views, active = stage_views(findings)
        if not views:
            return []
        lines = [""]
        for view in views:
            whole = view.one_line()
            if whole is not None:
                lines += self.wrap(whole, indent, indent + "  ")
                continue
            title = self.style(view.stage.title, _BOLD)
            lines += self.wrap(f"{view.stage.title}: {view.counts}", indent, indent + "  ", title)
            for fold in view.folds:
                lines += self.wrap(fold.text(), indent + "  ", indent + "    ")
        if active is not None:
            lines += self.wrap(f"{ACTIVE_TITLE}: {active.text()}", indent, indent + "  ")
        if not indent:
            lines.append(
                self.style("(-v lists every check; oidc-probe explain ID tells more)", _DIM)
            )
        return lines

    def problems(self, findings: Sequence[Finding]) -> list[str]:
        """The closing block: each failure and warning once, with its hint.

        Each hint sits under its problem, unless that would push the first failure
        out of the last :data:`FAILURES_WITHIN` rows: then the hints come first, one
        per check, and the problems follow as one line each, failures last.
        """
        found = problems(findings)
        if not found:
            return [self.style("Problems: none", _BOLD)]
        counts = Counts.of(p.finding for p in found)
        parts = [f"{counts.failed} failed" if counts.failed else ""]
        if counts.warned:
            parts.append(f"{counts.warned} warning{'s' if counts.warned > 1 else ''}")
        title = [self.style(f"Problems: {', '.join(p for p in parts if p)}", _BOLD)]
        inline = self._problem_rows(found, inline=True)
        if _rows_from_first_failure(inline) <= FAILURES_WITHIN:
            return title + inline
        return self._hints_first(found) + title + self._problem_rows(found, inline=False)

    def _problem_rows(self, found: Sequence[Problem], *, inline: bool) -> list[str]:
        lines: list[str] = []
        last_hint = ("", "")
        for problem in found:
            finding = problem.finding
            lines += self.finding(finding, "", details=False, users=problem.users)
            if not inline:
                continue
            if finding.hint and last_hint != (finding.check_id, finding.hint):
                lines += self.label("hint: ", finding.hint, " " * 8)
            last_hint = (finding.check_id, finding.hint)
            if finding.status is Status.FAIL and not finding.hint:
                # with a hint, the message says what was found; -v shows the evidence too
                lines += self._evidence(finding, " " * 8)
        return lines

    def _hints_first(self, found: Sequence[Problem]) -> list[str]:
        """One hint per check (the first problem's), before the list of problems."""
        lines = [self.style("Hints", _BOLD)]
        seen: set[str] = set()
        for problem in found:
            finding = problem.finding
            if not finding.hint or finding.check_id in seen:
                continue
            seen.add(finding.check_id)
            subject = f" [{finding.subject}]" if finding.subject else ""
            lines += self.label(f"{finding.check_id}{subject}: ", finding.hint, "  ")
        return [*lines, ""] if len(lines) > 1 else []

    def finding(
        self,
        finding: Finding,
        indent: str,
        *,
        details: bool,
        users: tuple[str, ...] = (),
    ) -> list[str]:
        mark = _MARKS[finding.status]
        subject = f" [{finding.subject}]" if finding.subject else ""
        who = f" ({', '.join(users)})" if users else ""
        text = f"{mark}  {finding.check_id} {finding.slug}{subject}{who}: {finding.message}"
        styled = self.style(mark, _COLORS[finding.status])
        lines = self.wrap(text, indent + "  ", indent + " " * 8, styled, mark)
        if not details:
            return lines
        inner = indent + INDENT
        if finding.accepted:
            lines += self.label("accepted: ", f"{finding.accepted} (baseline)", inner)
        elif finding.status in (Status.FAIL, Status.WARN):
            if finding.hint:
                lines += self.label("hint: ", finding.hint, inner)
            lines += self._evidence(finding, inner)
        return lines

    def _evidence(self, finding: Finding, indent: str) -> list[str]:
        lines: list[str] = []
        for key in ("expected", "actual"):
            if key in finding.evidence:
                label = f"{key}:".ljust(10)
                lines += self.label(label, _evidence(finding.evidence[key]), indent)
        return lines

    def label(self, label: str, text: str, indent: str) -> list[str]:
        """``label`` then ``text`` wrapped under itself; the label dim on a terminal."""
        rows: list[str] = []
        hang = indent + " " * len(label)
        for number, paragraph in enumerate(text.splitlines() or [""]):
            first = indent + label if number == 0 else hang
            rows += self.wrap(paragraph, first, hang)
        rows[0] = indent + self.style(label, _DIM) + rows[0][len(indent) + len(label) :]
        return rows

    def wrap(
        self,
        text: str,
        first: str,
        rest: str,
        styled: str = "",
        plain: str = "",
    ) -> list[str]:
        """``text`` wrapped at spaces to the width; ``plain`` at its start shown as ``styled``."""
        plain = plain or (text.split(":", 1)[0] if styled else "")
        if _fits(text, self.width - len(first)):
            rows = [first + text]  # what textwrap gives, without its cost (most lines)
        else:
            rows = textwrap.wrap(
                text,
                self.width,
                initial_indent=first,
                subsequent_indent=rest,
                break_long_words=False,
                break_on_hyphens=False,
            ) or [first.rstrip()]
        if styled and plain and rows[0][len(first) :].startswith(plain):
            rows[0] = first + styled + rows[0][len(first) + len(plain) :]
        return rows

    def wrap_all(self, lines: list[str]) -> list[str]:
        """Already built lines, each wrapped under its own indentation."""
        rows: list[str] = []
        for line in lines:
            indent = line[: len(line) - len(line.lstrip(" "))]
            rows += self.wrap(line.lstrip(" "), indent, indent + "    ") if line else [""]
        return rows


# What textwrap turns into spaces (it splits at these) besides the space itself.
_WRAP_WHITESPACE = re.compile("[\t\n\x0b\x0c\r]")


def _fits(text: str, room: int) -> bool:
    """Whether ``textwrap`` would give ``text`` back as one line unchanged, in ``room`` columns:
    it fits, it ends in no whitespace (which textwrap drops) and holds none that it rewrites."""
    return (
        0 < len(text) <= room and not text[-1].isspace() and _WRAP_WHITESPACE.search(text) is None
    )


def _rows_from_first_failure(rows: Sequence[str]) -> int:
    marks = [i for i, row in enumerate(rows) if _ANSI.sub("", row).startswith("  FAIL  ")]
    return len(rows) - marks[0] if marks else 0


def _header(report: Report, style: _Style) -> list[str]:
    target = report.target
    return [
        style(f"{report.tool_name} {report.tool_version}", _BOLD),
        f"  issuer     {target.issuer} ({target.issuer_basis})",
        f"  client id  {target.client_id}",
        *(f"  connect to {rule} (--connect-to)" for rule in target.connect_to),
    ]


def _evidence(value: Any) -> str:
    text = value if isinstance(value, str) else _compact(value)
    if len(text) > EVIDENCE_LIMIT:
        text = text[:EVIDENCE_LIMIT] + f"... ({len(text)} characters)"
    return text


def _compact(value: Any) -> str:
    return json.dumps(json_safe(value), ensure_ascii=False, sort_keys=False)


def _access_view(view: AccessView, style: _Style, verbose: bool = True) -> list[str]:
    lines = [style("What Access will see", _BOLD)]
    if view.note:
        lines.append(f"  note: {view.note}")
    if not verbose and view.email.unknown:
        names = ", ".join([view.email.name, *(c.name for c in view.oidc_fields)])
        return [*lines, f"  claims ({names}): {style(view.email.unknown, _DIM)}"]
    lines.append(_claim_line(f"email ({view.email.name})", view.email, style))
    if view.oidc_fields:
        lines.append("  oidc_fields (configured claims):")
        lines += [_claim_line(f"  {c.name}", c, style) for c in view.oidc_fields]
    else:
        lines.append("  oidc_fields: none configured")
    if view.identity is not None:
        groups = view.identity.get("groups")
        shown = _compact(groups) if groups is not None else "none (no claim named 'groups')"
        lines.append(f"  groups (IdP groups, only from a claim named 'groups'): {shown}")
        if verbose:
            lines.append(f"  identity (get-identity): {_compact(view.identity)}")
    custom = view.custom
    if custom is not None:
        lines.append(
            f"  custom claim of the Access token: {custom.size} bytes, budget about "
            f"{custom.budget} (approximate)"
        )
        lines.append(f"    kept: {', '.join(custom.kept) or 'nothing'}")
        if custom.dropped:
            dropped = ", ".join(custom.dropped)
            lines.append(f"    dropped: {style(dropped, _COLORS[Status.WARN])}")
        if verbose:
            lines.append(f"    why: {custom.note}")
    return lines


def _claim_line(label: str, claim: ClaimView, style: _Style) -> str:
    if claim.present:
        value = _compact(claim.value)
    else:
        value = style(claim.shown, _COLORS[Status.SKIP if claim.unknown else Status.FAIL])
    return f"  {label}: {value}"


def _tokens(shown: Mapping[str, str], style: _Style) -> list[str]:
    lines = [style("Tokens (shown because of --show-tokens)", _BOLD)]
    tokens: Iterable[tuple[str, str]] = shown.items()
    lines += [f"  {name}: {value}" for name, value in tokens]
    if len(lines) == 1:
        lines.append("  none received")
    return lines
