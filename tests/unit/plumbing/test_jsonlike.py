"""plumbing/jsonlike.py: the walk that rewrites the strings of JSON-like data."""

from __future__ import annotations

from types import MappingProxyType

from oidc_probe.plumbing.jsonlike import map_strings, once_each


def test_every_string_is_rewritten_keys_included_in_json_shapes() -> None:
    value = MappingProxyType({"k-a": ("a", 1, None, True, 2.5), "n": {"a": ["x", {"a": "a"}]}})
    assert map_strings(value, str.upper) == {
        "K-A": ["A", 1, None, True, 2.5],
        "N": {"A": ["X", {"A": "A"}]},
    }


def test_what_needs_no_change_comes_back_itself_and_a_change_copies() -> None:
    inner = {"b": ["c", 1]}
    value = {"a": inner, "z": [inner, "d"]}
    assert map_strings(value, str) is value
    assert map_strings(value, lambda s: "C" if s == "c" else s) == {
        "a": {"b": ["C", 1]},
        "z": [{"b": ["C", 1]}, "d"],
    }
    assert value == {"a": {"b": ["c", 1]}, "z": [{"b": ["c", 1]}, "d"]}  # untouched
    tuple_ = ("a",)
    assert map_strings(tuple_, str) == ["a"]  # a tuple is always a list (JSON's shape)


def test_an_equal_string_from_fn_counts_as_unchanged() -> None:
    value = {"a": "xy"}
    assert map_strings(value, lambda s: "".join(list(s))) is value


def test_once_each_computes_each_distinct_string_once() -> None:
    seen: list[str] = []

    def shout(text: str) -> str:
        seen.append(text)
        return text.upper()

    fn = once_each(shout)
    assert [fn(t) for t in ("a", "b", "a", "".join(["a"]), "b")] == ["A", "B", "A", "A", "B"]
    assert seen == ["a", "b"]
