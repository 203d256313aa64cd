"""The redactor's prefix index replaces exactly what one regex of all secrets would."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from oidc_probe.plumbing.redact import REDACTED, Redactor

_ALPHABET = "abcé.%+ \"'"


def _reference(secrets: set[str], text: str) -> str:
    alternatives = sorted(secrets, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))).sub(REDACTED, text)


@settings(max_examples=300, deadline=None)
@given(
    secrets=st.lists(st.text(_ALPHABET, min_size=4, max_size=20), min_size=1, max_size=8),
    text=st.text(_ALPHABET, max_size=80),
)
def test_same_result_as_one_regex_of_all_secrets(secrets: list[str], text: str) -> None:
    redactor = Redactor(secrets)
    for secret in secrets[:2]:
        text = text[: len(text) // 2] + secret + text[len(text) // 2 :]
    assert redactor.redact(text) == _reference(redactor._secrets, text)


def test_a_short_secret_inside_a_long_ones_prefix_is_still_found() -> None:
    redactor = Redactor(["abcd", "abcdefghijklmnopq"])
    assert redactor.redact("xabcdefghijklmnoZ abcdefghijklmnopq") == (
        f"x{REDACTED}efghijklmnoZ {REDACTED}"
    )


def test_thousands_of_tokens_with_one_header_are_all_redacted() -> None:
    header = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"
    tokens = [f"{header}.payload{i:05d}.signature{i:05d}" for i in range(3000)]
    redactor = Redactor(tokens)
    text = f"a {tokens[0]} b {tokens[1234]}c{tokens[2999]} {header}.payload99999.x"
    assert redactor.redact(text) == (
        f"a {REDACTED} b {REDACTED}c{REDACTED} {header}.payload99999.x"
    )


def test_secrets_added_later_are_redacted_too() -> None:
    redactor = Redactor(["first-secret"])
    assert redactor.redact("first-secret second-secret") == f"{REDACTED} second-secret"
    redactor.add("second-secret")
    assert redactor.redact("first-secret second-secret") == f"{REDACTED} {REDACTED}"
