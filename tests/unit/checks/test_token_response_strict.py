"""TOK006 (the token response body is unambiguous JSON) and TOK002's token_type/id_token cases."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from oidc_probe.core.model import Status
from oidc_probe.plumbing.http import parse_json
from tests.unit.checks.helpers import by_subject, only, run, text_of
from tests.unit.checks.test_token_checks import ID_TOKEN, ctx_with, token_body, token_fetch
from tests.unit.checks.token_fixtures import assert_documented


def with_text(text: str) -> object:
    """The exchange as the HTTP client records a body ``text``: parsed as it would be."""
    parsed, error = parse_json(text, "application/json")
    return replace(token_fetch(), text=text, json=parsed, json_error=error)


def test_tok006_passes_plain_json() -> None:
    assert only("TOK006", ctx_with(token_fetch())).status is Status.PASS


def test_tok006_passes_padded_json_and_says_so() -> None:
    finding = only("TOK006", ctx_with(with_text("\n  " + json.dumps(token_body()) + " \n")))
    assert finding.status is Status.PASS
    assert "whitespace" in finding.message


def test_tok006_fails_a_repeated_id_token_without_showing_either() -> None:
    text = '{"id_token": "forged-value-xyz", ' + json.dumps(token_body())[1:]
    fetch = with_text(text)
    assert fetch.json["id_token"] == ID_TOKEN  # the last value is used
    finding = only("TOK006", ctx_with(fetch))
    assert finding.status is Status.FAIL
    assert "repeats id_token" in finding.message
    assert "forged-value-xyz" not in text_of(finding)
    assert ID_TOKEN not in text_of(finding)


def test_tok006_fails_a_byte_order_mark() -> None:
    fetch = with_text("\ufeff" + json.dumps(token_body()))
    finding = only("TOK006", ctx_with(fetch))
    assert finding.status is Status.FAIL
    assert "byte order mark" in finding.message
    assert only("TOK002", ctx_with(fetch)).status is Status.FAIL


def test_tok006_skips_without_a_successful_exchange_or_json() -> None:
    assert only("TOK006", ctx_with(None)).status is Status.SKIP
    assert only("TOK006", ctx_with(with_text("<html>"))).status is Status.SKIP


def test_tok006_is_documented() -> None:
    assert_documented("TOK006")


@pytest.mark.parametrize("token_type", ["mac", "DPoP", "Bearer2", 1])
def test_tok002_fails_token_types_other_than_bearer(token_type: object) -> None:
    findings = by_subject(run("TOK002", ctx_with(token_fetch(token_body(token_type=token_type)))))
    assert findings["token_type"].status is Status.FAIL


@pytest.mark.parametrize("token_type", ["bearer", "BEARER", "Bearer"])
def test_tok002_takes_bearer_in_any_case(token_type: str) -> None:
    finding = only("TOK002", ctx_with(token_fetch(token_body(token_type=token_type))))
    assert finding.status is Status.PASS


@pytest.mark.parametrize("id_token", [{"jwt": ID_TOKEN}, [ID_TOKEN], 7, ""])
def test_tok002_fails_an_id_token_that_is_not_a_string(id_token: object) -> None:
    findings = by_subject(run("TOK002", ctx_with(token_fetch(token_body(id_token=id_token)))))
    assert findings["id_token"].status is Status.FAIL


def test_the_id_token_checks_point_at_tok002_for_a_body_that_is_not_an_object() -> None:
    fetch = with_text("\ufeff" + json.dumps(token_body()))
    assert "TOK002" in only("IDT001", ctx_with(fetch)).message
    empty = token_fetch(token_body(id_token=""))
    assert "TOK002" in only("IDT001", ctx_with(empty)).message


def test_tok006_fails_nan_which_python_would_accept() -> None:
    fetch = with_text(json.dumps(token_body())[:-1] + ', "expires_at": NaN}')
    finding = only("TOK006", ctx_with(fetch))
    assert finding.status is Status.FAIL
    assert "NaN" in finding.message
