"""Expectations about the claims of a user's ID token: ``--expect`` and the users file.

Four forms, each one string:

- ``CLAIM=VALUE``: the claim equals VALUE;
- ``CLAIM~=VALUE``: the claim is an array holding VALUE (a single string equal to
  VALUE also matches, as Access treats it as one value);
- ``CLAIM``: the claim is present (any value);
- ``!CLAIM``: the claim is absent.

VALUE is text; it is compared with the claim by the claim's JSON type:

- a string claim must equal VALUE exactly (case-sensitive, no trimming);
- a boolean claim matches ``true`` or ``false`` (any case);
- a number claim matches VALUE read as a number (``1042`` equals ``1042.0``);
- an array claim with ``=`` must equal VALUE read as a JSON array
  (``cognito:groups=["admins","users"]``, order matters); use ``~=`` for membership;
- an object or null claim must equal VALUE read as JSON.

Claim names may contain ``:`` (``cognito:groups``, ``custom:team``); only the first
``~=`` or ``=`` separates the name from the value, so values may contain ``=``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from oidc_probe.core.errors import UsageError
from oidc_probe.core.jsontypes import a_json_type


class Kind(StrEnum):
    EQUALS = "="
    CONTAINS = "~="
    PRESENT = "present"
    ABSENT = "absent"


@dataclass(frozen=True)
class Expectation:
    """One ``--expect`` rule: a claim, and what the ID token must hold for it."""

    claim: str
    kind: Kind
    value: str = ""

    @property
    def text(self) -> str:
        """The expectation as the user writes it."""
        if self.kind is Kind.PRESENT:
            return self.claim
        if self.kind is Kind.ABSENT:
            return f"!{self.claim}"
        return f"{self.claim}{self.kind.value}{self.value}"

    def describe(self) -> str:
        """What is expected, in words (the ``expected`` evidence)."""
        if self.kind is Kind.PRESENT:
            return f"{self.claim} present"
        if self.kind is Kind.ABSENT:
            return f"{self.claim} absent"
        if self.kind is Kind.CONTAINS:
            return f"{self.claim} contains {self.value!r}"
        return f"{self.claim} = {self.value!r}"


def parse_expectation(text: str, *, where: str = "--expect") -> Expectation:
    """One expectation, or a :class:`UsageError` naming ``where`` and the problem."""
    if not text.strip():
        raise UsageError(
            f"{where}: empty expectation; use CLAIM=VALUE, CLAIM~=VALUE, CLAIM or !CLAIM"
        )
    if text.startswith("!"):
        claim = text[1:].strip()
        if not claim or "=" in claim:
            raise UsageError(
                f"{where} {text!r}: '!CLAIM' takes a claim name only (no value), e.g. '!custom:x'"
            )
        return Expectation(claim, Kind.ABSENT)
    index = text.find("=")
    if index < 0:
        return Expectation(text.strip(), Kind.PRESENT)
    contains = index > 0 and text[index - 1] == "~"
    claim = text[: index - 1 if contains else index].strip()
    if not claim:
        raise UsageError(f"{where} {text!r}: no claim name before '{'~=' if contains else '='}'")
    return Expectation(claim, Kind.CONTAINS if contains else Kind.EQUALS, text[index + 1 :])


def parse_expectations(
    texts: list[str] | tuple[str, ...] | None, *, where: str = "--expect"
) -> tuple[Expectation, ...]:
    return tuple(parse_expectation(t, where=where) for t in texts or ())


@dataclass(frozen=True)
class Verdict:
    """Whether an expectation held, the message that says so, and a hint when it did not."""

    met: bool
    message: str
    hint: str = ""


_MISSING_HINT = (
    "the claim is not in the ID token: check the user's attributes and groups in Cognito, "
    "that the app client may read the attribute, and that the scopes cover it (see CLM003)"
)


def evaluate(expectation: Expectation, claims: Mapping[str, Any]) -> Verdict:
    """Judge one expectation against the decoded ID-token claims."""
    name = expectation.claim
    present = name in claims
    value = claims.get(name)
    if expectation.kind is Kind.ABSENT:
        if present:
            return Verdict(False, f"{name!r} is in the ID token but should be absent")
        return Verdict(True, f"{name!r} is absent, as expected")
    if not present:
        return Verdict(False, f"{name!r} is not in the ID token", _MISSING_HINT)
    if expectation.kind is Kind.PRESENT:
        return Verdict(True, f"{name!r} is present")
    wanted = expectation.value
    if expectation.kind is Kind.CONTAINS:
        if isinstance(value, list):
            if any(scalar_matches(item, wanted) for item in value):
                return Verdict(True, f"{name!r} contains {wanted!r}")
            return Verdict(False, f"{name!r} does not contain {wanted!r}")
        if isinstance(value, str) and value == wanted:
            return Verdict(True, f"{name!r} is the single string {wanted!r} (not an array)")
        hint = (
            "Access splits only JSON arrays into values; a comma-separated string is one value "
            "(see CLM005)"
            if isinstance(value, str)
            else ""
        )
        return Verdict(
            False, f"{name!r} is {a_json_type(value)}, not an array holding {wanted!r}", hint
        )
    if values_equal(value, wanted):
        return Verdict(True, f"{name!r} equals {wanted!r}")
    hint = f"to test membership use '{name}~={wanted}'" if isinstance(value, list) else ""
    return Verdict(False, f"{name!r} does not equal {wanted!r}", hint)


def scalar_matches(value: Any, wanted: str) -> bool:
    """A claim value (string, boolean, number) against the text of an expectation."""
    if isinstance(value, bool):
        return wanted.strip().lower() == ("true" if value else "false")
    if isinstance(value, int | float):
        number = _number(wanted)
        return number is not None and float(value) == number
    if isinstance(value, str):
        return value == wanted
    return False


def values_equal(value: Any, wanted: str) -> bool:
    if isinstance(value, bool | int | float | str):
        return scalar_matches(value, wanted)
    try:
        parsed = json.loads(wanted)
    except ValueError:
        return False
    if isinstance(value, list) and isinstance(parsed, list):
        return len(value) == len(parsed) and all(
            _json_equal(a, b) for a, b in zip(value, parsed, strict=True)
        )
    return _json_equal(value, parsed)


def _json_equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    return bool(a == b)


def _number(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None
