"""How a string from outside is shown, per output: the one place that decides.

Strings from the provider (claims, ``iss``, ``error_description``, page texts,
reason phrases), from tokens, from the config, from Cloudflare's and AWS's APIs
and from the environment reach the reports and stderr. Each output has its own
rule, and every renderer and the console call the function for theirs:

- **terminal** (text report, stderr warnings, error lines, progress lines):
  :func:`terminal` shows C0 and C1 control characters, DEL and the bidi and
  invisible format characters escaped (``\\x1b``, ``\\u202e``), newlines and
  carriage returns included, so an outside string can neither move the cursor,
  change colours, write the clipboard (OSC 52), start a line nor overwrite one:
  a status word (``PASS``, ``result FAIL``) is always the tool's.
- **GitHub Actions** (whenever ``GITHUB_ACTIONS`` is set, whatever the format):
  :func:`terminal` with ``github=True`` also breaks the workflow-command markers
  ``::`` and ``##[`` with GitHub's own percent escaping (``:%3A``, ``#%23[``), so
  an outside string cannot be read as a command by the runner (which only reads
  a command at the start of a line, and no outside string can start one), nor
  styled as one by the log viewer. ``--format github`` writes its own commands
  with the documented data escaping (:mod:`oidc_probe.report.github`);
  :func:`workflow_safe_lines` is the last net over whole outputs.
- **Markdown** (job summaries, PR comments): :func:`markdown_text` and
  :func:`markdown_code` make links, images, autolinks, ``@mentions``, ``#123``
  references and HTML inert text.
- JUnit XML, JSON and the HTML page escape by their own syntax; JSON and JUnit
  also write DEL, C1 and bidi characters as escapes (:func:`json_safe_text`,
  :func:`xml_safe_text`) and, under GitHub Actions, ``::`` and ``##[`` with the
  format's own escapes (:func:`break_workflow`): the data decodes unchanged.
- A URL with an internationalised host is followed by its ASCII (punycode) host
  wherever :func:`terminal` or :func:`markdown_text` shows it (:func:`with_ascii_hosts`).

:mod:`oidc_probe.report.formats` applies these per format; :class:`oidc_probe.cli.console.Console`
applies :func:`terminal` to every stderr line and :func:`workflow_safe_lines` to stdout.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

GITHUB_ACTIONS_ENV = "GITHUB_ACTIONS"

# C0, DEL, C1, and the bidi / invisible format characters (zero-width spaces and
# joiners, LRM/RLM, embeddings and overrides, isolates, the BOM), plus the Unicode
# line and paragraph separators and the Arabic letter mark.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_WORKFLOW = re.compile(r"::|##\[")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED:
        return _NAMED[char]
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def _break_workflow(match: re.Match[str]) -> str:
    return ":%3A" if match.group() == "::" else "#%23["


def terminal(text: str, *, github: bool = False) -> str:
    """``text`` safe on one line of a terminal (and, with ``github``, of an Actions log).

    A URL whose host is internationalised is followed by its ASCII (punycode) host, so
    lookalike hosts (a Cyrillic letter for a Latin one) differ on screen.
    """
    # printable ASCII (most text) has nothing to escape and no host to spell out
    shown = text if text.isascii() and text.isprintable() else _escape(text)
    return _WORKFLOW.sub(_break_workflow, shown) if github else shown


def _escape(text: str) -> str:
    return _UNSAFE.sub(_escape_char, with_ascii_hosts(text))


_URL_HOST = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)(?:[^\s/?#@]*@)?(\[[^\]]*\]|[^\s/?#:]+)")


def ascii_host(host: str) -> str:
    """``host`` in ASCII: IDNA where it applies, else each label in punycode (``xn--``)."""
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        labels = []
        for label in host.split("."):
            if label.isascii():
                labels.append(label)
            else:
                labels.append("xn--" + label.encode("punycode").decode("ascii"))
        return ".".join(labels)


def with_ascii_hosts(text: str) -> str:
    """``text`` where each URL with a non-ASCII host is followed by ``(ASCII host: xn--...)``."""
    if text.isascii():
        return text
    out: list[str] = []
    done = 0
    for match in _URL_HOST.finditer(text):
        host = match.group(2)
        if host.isascii():
            continue
        end = match.end()
        while end < len(text) and not text[end].isspace():
            end += 1
        while end > match.end() and text[end - 1] in ".,;:!?)]}'\"":
            end -= 1
        out += [text[done:end], f" (ASCII host: {ascii_host(host)})"]
        done = end
    out.append(text[done:])
    return "".join(out)


def github_actions(environ: Mapping[str, str]) -> bool:
    """Whether the output is read by a GitHub Actions runner (``GITHUB_ACTIONS`` set)."""
    return bool(environ.get(GITHUB_ACTIONS_ENV))


# The same break in the syntax of each machine format, so the data decodes unchanged.
WORKFLOW_BREAKS = {
    "json": (":\\u003a", "#\\u0023["),
    "xml": (":&#58;", "#&#35;["),
    "markdown": (":&#58;", "#&#35;["),
}


def break_workflow(text: str, syntax: str) -> str:
    """Rendered ``text`` of a machine format (``json``, ``xml``, ``markdown``) with no ``::``
    nor ``##[`` left, each written with that syntax's own escape (same data once decoded).

    Only for formats where those sequences can appear only inside values.
    """
    colons, hashes = WORKFLOW_BREAKS[syntax]
    return _WORKFLOW.sub(lambda m: colons if m.group() == "::" else hashes, text)


def workflow_safe_lines(text: str, *, keep: frozenset[str] = frozenset()) -> str:
    """``text`` where no line (leading blanks ignored) starts with ``::`` or ``##[``.

    The runner reads a workflow command only at the start of a line; lines in
    ``keep`` (the tool's own commands) pass. Any other such line gets its marker
    percent-escaped, as GitHub documents for command values.
    """
    lines = text.split("\n")
    for i, line in enumerate(lines):
        body = line.lstrip()
        if line in keep or not (body.startswith("::") or body.startswith("##[")):
            continue
        lead = line[: len(line) - len(body)]
        lines[i] = lead + _WORKFLOW.sub(_break_workflow, body, count=1)
    return "\n".join(lines)


# Markdown: backslash-escape the punctuation that builds links, images, emphasis,
# code, headings, lists and tables; make HTML an entity; break the triggers of
# GitHub's autolinks (scheme://, www.), mentions (@) and references (#123, GH-1)
# with an empty HTML comment, which GitHub renders as nothing.
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")
_MD_BREAK = re.compile(r"(?i)(@|:(?=//)|www(?=\\\.)|gh(?=\\-\d)|\\#(?=\d))")


def markdown_text(text: str) -> str:
    """``text`` as inert Markdown inline text (one line: newlines are escaped)."""
    shown = terminal(text)
    shown = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    shown = _MD_PUNCT.sub(r"\\\1", shown)
    return _MD_BREAK.sub(lambda m: m.group() + "<!-- -->", shown)


def markdown_code(text: str) -> str:
    """``text`` as an inline code span (nothing inside is parsed), safe in a table cell."""
    shown = terminal(text).replace("|", "\\|")
    longest = max((len(run) for run in re.findall("`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


_MACHINE_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200b-\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def json_safe_text(encoded: str) -> str:
    """JSON text (from ``json.dumps``) with DEL, C1 and bidi characters as ``\\u`` escapes.

    ``json.dumps(ensure_ascii=False)`` escapes only C0; these escapes decode to the
    same data, so JSON consumers see no difference and a terminal shows them inert.
    """
    return _MACHINE_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", encoded)


def xml_safe_text(encoded: str) -> str:
    """XML text with DEL, C1 and bidi characters as character references (same data)."""
    return _MACHINE_UNSAFE.sub(lambda m: f"&#x{ord(m.group()):x};", encoded)
