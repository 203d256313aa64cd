"""Just enough HTML understanding for a headless form login, on the stdlib parser.

:func:`parse_page` finds the forms of a page (action, method, fields, submit
buttons), whether the page carries scripts, and the error messages it shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
_SUBMIT_TYPES = frozenset({"submit", "image"})
_SKIPPED_TYPES = frozenset({"reset", "button", "file"})
_TEXT_TYPES = frozenset({"text", "email", "tel", ""})
USERNAME_NAMES = (
    "username",
    "login",
    "email",
    "user",
    "userName",
    "identifier",
    "j_username",
    "loginfmt",
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class FormField:
    """An ``input``, ``select``, ``textarea`` or ``button`` inside a form."""

    tag: str
    type: str
    name: str
    value: str
    checked: bool = False

    @property
    def is_submit(self) -> bool:
        return self.type in _SUBMIT_TYPES


@dataclass(frozen=True)
class HtmlForm:
    """One ``<form>`` of a page: where it posts, its fields, and whether it is hidden."""

    action: str | None
    method: str
    name: str
    id: str
    fields: tuple[FormField, ...]
    hidden: bool = False

    @property
    def password_field(self) -> FormField | None:
        return next((f for f in self.fields if f.type == "password" and f.name), None)

    @property
    def visible_inputs(self) -> tuple[FormField, ...]:
        """Fields a person would type into (text-like inputs and text areas)."""
        return tuple(
            f
            for f in self.fields
            if f.name and (f.tag == "textarea" or (f.tag == "input" and f.type in _TEXT_TYPES))
        )

    def username_field(self) -> FormField | None:
        """The field for the user name: a well-known name first, else the first text input."""
        candidates = self.visible_inputs
        by_name = {f.name.lower(): f for f in candidates}
        for name in USERNAME_NAMES:
            if name.lower() in by_name:
                return by_name[name.lower()]
        return candidates[0] if candidates else None

    def submission(self, values: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """The pairs a browser sends: successful controls, the first named submit button.

        ``values`` overrides the value of the fields it names.
        """
        overrides = values or {}
        pairs: list[tuple[str, str]] = []
        submit_added = False
        for field in self.fields:
            if not field.name or field.type in _SKIPPED_TYPES:
                continue
            if field.is_submit:
                if not submit_added:
                    pairs.append((field.name, field.value))
                    submit_added = True
                continue
            if field.type in ("checkbox", "radio") and not field.checked:
                continue
            pairs.append((field.name, overrides.get(field.name, field.value)))
        return pairs


@dataclass(frozen=True)
class ParsedPage:
    """What the form login reads from a page: its forms, scripts, error texts and title."""

    forms: tuple[HtmlForm, ...]
    has_script: bool
    error_texts: tuple[str, ...]
    title: str = ""


def parse_page(html: str) -> ParsedPage:
    """Parse leniently: markup the stdlib parser gives up on ends the page there."""
    parser = _PageParser()
    try:
        parser.feed(html)
        parser.close()
    except AssertionError:  # _markupbase asserts on unknown marked sections such as "<![x["
        pass
    return parser.result()


def _is_error_element(attrs: dict[str, str]) -> bool:
    if attrs.get("role", "").lower() == "alert":
        return True
    marker = f"{attrs.get('id', '')} {attrs.get('class', '')}".lower()
    return "error" in marker


def _is_hidden(attrs: dict[str, str]) -> bool:
    return "hidden" in attrs or bool(_HIDDEN_STYLE.search(attrs.get("style", "")))


class _Form:
    def __init__(self, attrs: dict[str, str], hidden: bool) -> None:
        self.attrs = attrs
        self.hidden = hidden
        self.fields: list[FormField] = []

    def freeze(self) -> HtmlForm:
        action = self.attrs.get("action")
        return HtmlForm(
            action=action.strip() if action is not None else None,
            method=(self.attrs.get("method") or "get").strip().lower(),
            name=self.attrs.get("name", ""),
            id=self.attrs.get("id", ""),
            fields=tuple(self.fields),
            hidden=self.hidden,
        )


class _PageParser(HTMLParser):
    """Tracks open elements to know hidden ancestors, forms and error-message elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._stack: list[tuple[str, bool]] = []  # (tag, hidden)
        self._forms: list[HtmlForm] = []
        self._form: _Form | None = None
        self._form_depth = -1
        self._errors: list[str] = []
        self._capture_depth = -1
        self._capture: list[str] = []
        self._text_field: tuple[str, dict[str, str], list[str]] | None = None
        self._select: tuple[dict[str, str], list[tuple[str, bool]]] | None = None
        self._option: list[str] | None = None
        self._option_attrs: dict[str, str] = {}
        self._in_script = False
        self._in_title = False
        self._title: list[str] = []
        self.has_script = False

    def result(self) -> ParsedPage:
        if self._form is not None:
            self._forms.append(self._form.freeze())
            self._form = None
        self._finish_capture()
        seen: list[str] = []
        for text in self._errors:
            if text and text not in seen:
                seen.append(text)
        title = _SPACES.sub(" ", "".join(self._title)).strip()
        return ParsedPage(tuple(self._forms), self.has_script, tuple(seen), title)

    @property
    def _hidden(self) -> bool:
        return bool(self._stack) and self._stack[-1][1]

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k.lower(): (v if v is not None else "") for k, v in attrs_list}
        if tag == "script":
            self.has_script = True
            self._in_script = True
        elif tag == "title":
            self._in_title = True
        hidden = self._hidden or _is_hidden(attrs)
        if tag == "form":
            if self._form is not None:
                self._forms.append(self._form.freeze())
            self._form = _Form(attrs, hidden)
            self._form_depth = len(self._stack)
        elif tag == "input":
            self._add_field("input", attrs)
        elif tag == "button":
            kind = attrs.get("type", "submit").lower()
            self._add_field("button", {**attrs, "type": kind})
        elif tag == "textarea":
            self._text_field = (tag, attrs, [])
        elif tag == "select":
            self._select = (attrs, [])
        elif tag == "option":
            self._option = []
            self._option_attrs = attrs
        if self._capture_depth < 0 and _is_error_element(attrs) and tag not in _VOID:
            self._capture_depth = len(self._stack)
            self._capture = []
        if tag not in _VOID:
            self._stack.append((tag, hidden))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        elif tag == "title":
            self._in_title = False
        elif tag == "textarea" and self._text_field is not None:
            _, attrs, text = self._text_field
            self._add_field("textarea", {**attrs, "type": "textarea", "value": "".join(text)})
            self._text_field = None
        elif tag == "option":
            self._end_option()
        elif tag == "select" and self._select is not None:
            self._end_option()
            attrs, options = self._select
            chosen = next((v for v, sel in options if sel), options[0][0] if options else "")
            self._add_field("select", {**attrs, "type": "select", "value": chosen})
            self._select = None
        if not any(t == tag for t, _ in self._stack):
            return
        while self._stack:
            open_tag, _ = self._stack.pop()
            if len(self._stack) <= self._capture_depth:
                self._finish_capture()
            if self._form is not None and len(self._stack) <= self._form_depth:
                self._forms.append(self._form.freeze())
                self._form = None
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._in_script:
            return
        if self._in_title:
            self._title.append(data)
        if self._text_field is not None:
            self._text_field[2].append(data)
        if self._option is not None:
            self._option.append(data)
        if self._capture_depth >= 0:
            self._capture.append(data)

    def _end_option(self) -> None:
        if self._option is None or self._select is None:
            self._option = None
            return
        text = "".join(self._option).strip()
        value = self._option_attrs.get("value", text)
        self._select[1].append((value, "selected" in self._option_attrs))
        self._option = None

    def _finish_capture(self) -> None:
        if self._capture_depth >= 0:
            self._errors.append(_SPACES.sub(" ", "".join(self._capture)).strip())
        self._capture_depth = -1
        self._capture = []

    def _add_field(self, tag: str, attrs: dict[str, str]) -> None:
        if self._form is None:
            return
        self._form.fields.append(
            FormField(
                tag=tag,
                type=attrs.get("type", "text" if tag == "input" else tag).strip().lower(),
                name=attrs.get("name", ""),
                value=attrs.get("value", ""),
                checked="checked" in attrs,
            )
        )
