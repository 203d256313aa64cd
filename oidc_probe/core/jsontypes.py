"""JSON type names of decoded values, for messages that describe a value without showing it."""

from __future__ import annotations

_ARTICLES = {"boolean": "a", "number": "a", "string": "a", "array": "an", "object": "an"}


def json_type(value: object) -> str:
    """The JSON type name of a decoded value: string, number, boolean, array, object or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    return "object"


def a_json_type(value: object) -> str:
    """:func:`json_type` with its article for running text: ``a string``, ``an array``, ``null``."""
    name = json_type(value)
    article = _ARTICLES.get(name)
    return f"{article} {name}" if article else name
