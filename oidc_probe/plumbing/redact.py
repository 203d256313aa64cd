"""The last safety net for secrets: every output passes through a :class:`Redactor`.

Checks never put secrets into findings; this module makes sure that a slip (a
token echoed inside an error body, a code in a quoted URL) still never reaches
the terminal, a report file or an error line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from oidc_probe.plumbing.jsonlike import map_strings

if TYPE_CHECKING:
    from oidc_probe.core.context import RunContext

REDACTED = "[redacted]"
MIN_LENGTH = 4
PREFIX = 12
# Base64 forms are made for credentials (client secrets, passwords, API tokens, codes),
# not for long tokens, whose raw form is what leaks and whose forms would swell the index.
BASE64_MAX_SECRET = 256
BASE64_MIN_CORE = 8


class Redactor:
    """Replaces every known secret, in every usual encoding, with ``[redacted]``.

    Secrets shorter than :data:`MIN_LENGTH` are ignored: replacing them would
    shred ordinary words without protecting anything. Besides the raw value, the
    URL-encoded and JSON-escaped forms are replaced too, so a code inside a
    quoted URL or a secret with quotes inside a JSON body are caught, and the
    Base64 forms of the raw and URL-encoded values (:func:`base64_forms`), so an
    echoed ``Authorization: Basic base64(id:secret)`` is caught whatever the id.

    The set of secrets grows with :meth:`add` as a command learns them (the
    client secret after loading the config, the password after reading it, the
    tokens after the run), so that error lines printed at any point are covered.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        self._base64: set[str] = set()
        self._added: set[str] = set()  # the values given, whose forms are all in _secrets
        self._index: _Index | None = None
        self.add(*secrets)

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} values)"

    def __len__(self) -> int:
        return len(self._secrets)

    def add(self, *secrets: str | None) -> None:
        """Register ``secrets`` (``None``, short and already known values are skipped: a run
        of many tokens gives the client secret once per token)."""
        wanted = [
            s for s in dict.fromkeys(secrets) if s and len(s) >= MIN_LENGTH and s not in self._added
        ]
        if not wanted:
            return
        self._added.update(wanted)
        from urllib.parse import quote, quote_plus

        for secret in wanted:
            if _ENCODES_AS_ITSELF.fullmatch(secret):  # a JWT, most secrets: no other forms
                encoded, escaped = {secret}, secret
            else:
                encoded = {secret, quote(secret, safe=""), quote_plus(secret)}
                escaped = _json_escaped(secret)
            for variant in (*encoded, escaped):
                if len(variant) >= MIN_LENGTH:
                    self._secrets.add(variant)
            if len(secret) <= BASE64_MAX_SECRET:
                for variant in encoded:
                    forms = base64_forms(variant)
                    self._secrets.update(forms)
                    self._base64.update(forms)
        self._index = None

    def redact(self, text: str) -> str:
        """``text`` with every secret replaced, leftmost first, the longest at each position.

        A small regex finds the places where a secret may start (one alternative per
        distinct prefix of :data:`PREFIX` characters, so thousands of tokens sharing a
        JWT header make one alternative); there the secrets with that prefix are tried.
        """
        if not self._secrets:
            return text
        index = self._index or self._build_index()
        found = index.starts.search(text)
        if found is None:
            return text
        parts: list[str] = []
        done = 0
        while found is not None:
            at = found.start()
            length = index.longest_at(text, at)
            if length:
                start, end = at, at + length
                if text[start:end] in self._base64:
                    start, end = _base64_quantum(text, start, end, done)
                parts += (text[done:start], REDACTED)
                done = end
            found = index.starts.search(text, done if length else at + 1)
        parts.append(text[done:])
        return "".join(parts)

    def _build_index(self) -> _Index:
        by_prefix: dict[str, list[str]] = {}
        for secret in sorted(self._secrets, key=len, reverse=True):
            by_prefix.setdefault(secret[:PREFIX], []).append(secret)
        alternatives = sorted(by_prefix, key=len, reverse=True)
        self._index = _Index(
            re.compile("|".join(map(re.escape, alternatives))),
            by_prefix,
            tuple(sorted({len(k) for k in by_prefix})),
        )
        return self._index

    __call__ = redact

    def appears_in(self, text: str) -> bool:
        """Whether any secret (in any of its encodings) is in ``text``; compiles nothing, so a
        long-running caller can skip :meth:`redact` (and its pattern) for clean text."""
        return any(secret in text for secret in self._secrets)

    def redact_data(self, value: Any) -> Any:
        """A copy of JSON-like data with every string (keys included) redacted.

        Used for machine output, where replacing inside the rendered text could
        break the syntax when a secret happens to equal a piece of it. What holds no
        secret is kept, not copied (:func:`~oidc_probe.plumbing.jsonlike.map_strings`).
        """
        return map_strings(value, self.redact)

    @classmethod
    def for_context(cls, ctx: RunContext, *, show_tokens: bool = False) -> Redactor:
        """Every secret of the run; with ``show_tokens`` only the client secret and password."""
        if show_tokens:
            return cls(ctx.credentials())
        return cls(ctx.secrets())


class _Index:
    """Where secrets may start (``starts``), and the secrets by prefix, longest first."""

    __slots__ = ("by_prefix", "prefix_lengths", "starts")

    def __init__(
        self, starts: re.Pattern[str], by_prefix: dict[str, list[str]], lengths: tuple[int, ...]
    ) -> None:
        self.starts = starts
        self.by_prefix = by_prefix
        self.prefix_lengths = lengths

    def longest_at(self, text: str, at: int) -> int:
        """The length of the longest secret at ``text[at:]``, 0 if none."""
        best = 0
        for length in self.prefix_lengths:
            for secret in self.by_prefix.get(text[at : at + length], ()):
                if len(secret) <= best:
                    break
                if text.startswith(secret, at):
                    best = len(secret)
                    break
        return best


# URL-unreserved characters (RFC 3986): the URL-encoded and JSON-escaped forms of a value
# made only of these are the value itself.
_ENCODES_AS_ITSELF = re.compile(r"[A-Za-z0-9_.~-]*")

_BASE64_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")


def _base64_quantum(text: str, start: int, end: int, floor: int) -> tuple[int, int]:
    """``start``/``end`` widened over the Base64 characters that share a quantum with the
    secret's first and last bytes (at most four on each side) and the padding."""
    for _ in range(4):
        if start <= floor or text[start - 1] not in _BASE64_CHARS:
            break
        start -= 1
    for _ in range(4):
        if end >= len(text) or text[end] not in _BASE64_CHARS:
            break
        end += 1
    while end < len(text) and text[end] == "=":
        end += 1
    return start, end


def base64_forms(secret: str) -> set[str]:
    """What ``secret`` looks like inside any Base64 text, standard or URL-safe alphabet.

    The whole value encoded, with and without padding; and, because a secret inside a
    larger encoded value (``id:secret`` in Basic auth) starts at any of three byte
    alignments, for each alignment the run of characters that encodes only the
    secret's bytes. Replacing that run hides every character that depends on the
    secret alone; :meth:`Redactor.redact` also hides the quanta at its edges.
    """
    import base64

    data = secret.encode("utf-8")
    forms: set[str] = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        whole = encode(data).decode("ascii")
        forms |= {whole, whole.rstrip("=")}
        for skip in range(3):
            aligned = data[skip:]
            aligned = aligned[: len(aligned) // 3 * 3]
            if aligned:
                forms.add(encode(aligned).decode("ascii"))
    return {f for f in forms if len(f) >= BASE64_MIN_CORE}


def _json_escaped(secret: str) -> str:
    import json

    return json.dumps(secret)[1:-1]
