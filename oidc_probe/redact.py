"""The last safety net for secrets: every output passes through a :class:`Redactor`.

Checks never put secrets into findings; this module makes sure that a slip (a
token echoed inside an error body, a code in a quoted URL) still never reaches
the terminal, a report file or an error line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, quote_plus

if TYPE_CHECKING:
    from oidc_probe.context import RunContext
    from oidc_probe.report.base import Report

REDACTED = "[redacted]"
MIN_LENGTH = 4


class Redactor:
    """Replaces every known secret, in every usual encoding, with ``[redacted]``.

    Secrets shorter than :data:`MIN_LENGTH` are ignored: replacing them would
    shred ordinary words without protecting anything. Besides the raw value, the
    URL-encoded and JSON-escaped forms are replaced too, so a code inside a
    quoted URL or a secret with quotes inside a JSON body are caught.

    The set of secrets grows with :meth:`add` as a command learns them (the
    client secret after loading the config, the password after reading it, the
    tokens after the run), so that error lines printed at any point are covered.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def __repr__(self) -> str:
        return f"Redactor({len(self._secrets)} values)"

    def __len__(self) -> int:
        return len(self._secrets)

    def add(self, *secrets: str | None) -> None:
        for secret in secrets:
            if not secret or len(secret) < MIN_LENGTH:
                continue
            for variant in (
                secret,
                quote(secret, safe=""),
                quote_plus(secret),
                _json_escaped(secret),
            ):
                if len(variant) >= MIN_LENGTH:
                    self._secrets.add(variant)
        alternatives = sorted(self._secrets, key=len, reverse=True)
        self._pattern = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None

    def redact(self, text: str) -> str:
        if self._pattern is None:
            return text
        return self._pattern.sub(REDACTED, text)

    __call__ = redact

    def redact_data(self, value: Any) -> Any:
        """A copy of JSON-like data with every string (keys included) redacted.

        Used for machine output, where replacing inside the rendered text could
        break the syntax when a secret happens to equal a piece of it.
        """
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, Mapping):
            return {self.redact_data(k): self.redact_data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.redact_data(v) for v in value]
        return value

    @classmethod
    def for_context(cls, ctx: RunContext, *, show_tokens: bool = False) -> Redactor:
        """Every secret of the run; with ``show_tokens`` only the client secret and password."""
        if show_tokens:
            return cls([ctx.config.client_secret, ctx.settings.password])
        return cls([ctx.config.client_secret, ctx.settings.password, *ctx.secrets()])


def _json_escaped(secret: str) -> str:
    return json.dumps(secret)[1:-1]


def redact_report(report: Report, redactor: Redactor) -> Report:
    """A copy of ``report`` with every free-form value passed through ``redactor``."""
    return report.map_text(redactor.redact_data)
