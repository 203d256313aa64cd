"""plumbing/normalise.py: lone surrogates, depth, numbers; iterative at any depth."""

from __future__ import annotations

import json

from oidc_probe.plumbing.jose import decode_jwt
from oidc_probe.plumbing.normalise import MAX_DEPTH, finite_float, normalise


def test_lone_surrogates_become_replacement_characters_pairs_stay() -> None:
    value = json.loads('{"a": "x\\ud800y", "\\udc00k": [1, {"b": "\\ud83d\\ude00"}]}')
    result = normalise(value, "the payload")
    assert result.value == {"a": "x\ufffdy", "\ufffdk": [1, {"b": "\U0001f600"}]}
    (note,) = result.notes
    assert "in the payload replaced with U+FFFD" in note
    assert "a" in note
    json.dumps(result.value).encode("utf-8")  # encodable now


def test_deep_subtrees_are_kept_as_json_text_and_the_rest_stays() -> None:
    deep = json.loads("[" * 900 + '"x"' + "]" * 900)
    result = normalise({"deep": deep, "flat": 1})
    assert result.value["flat"] == 1
    inner = result.value["deep"]
    for _ in range(MAX_DEPTH - 1):
        inner = inner[0]
    assert isinstance(inner, str)
    assert json.loads(inner) is not None
    assert any("nested over 64 levels" in n for n in result.notes)


def test_nothing_to_change_gives_no_notes() -> None:
    value = {"n": 10**300, "f": 1.5, "s": "é", "l": [None, True]}
    assert normalise(value) == normalise(value)
    assert normalise(value).notes == ()
    assert normalise(value).value is value  # returned as it is, not copied


def test_overflowing_float_literals_are_kept_as_text() -> None:
    assert finite_float("1.5") == 1.5
    assert finite_float("1e400") == "1e400"


def test_decoded_jwt_claims_are_normalised_with_notes() -> None:
    import base64

    def part(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).rstrip(b"=").decode()

    header = part('{"alg":"RS256"}')
    payload = part('{"name":"a\\ud800","x":1e400}')
    raw = f"{header}.{payload}.c2ln"
    token = decode_jwt(raw)
    assert token.claims == {"name": "a\ufffd", "x": "1e400"}
    assert any("U+FFFD" in n for n in token.notes)
