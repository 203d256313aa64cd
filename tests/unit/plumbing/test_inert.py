"""The one module that decides how outside text is shown, per output."""

from __future__ import annotations

import json

from oidc_probe.plumbing import inert


def test_terminal_escapes_controls_bidi_and_line_breaks() -> None:
    shown = inert.terminal("a\x1b[2J\r\nb\x7f\x9b\u202e\u200b\ufeff\u2066\tc")
    assert shown == "a\\x1b[2J\\r\\nb\\x7f\\x9b\\u202e\\u200b\\ufeff\\u2066\\tc"
    assert inert.terminal("plain ascii and üñíçødé") == "plain ascii and üñíçødé"


def test_github_breaks_workflow_markers() -> None:
    shown = inert.terminal("::error::x ##[group]y", github=True)
    assert "::" not in shown
    assert "##[" not in shown
    assert inert.terminal("::error::x") == "::error::x"


def test_workflow_safe_lines_keeps_only_the_given_commands() -> None:
    text = "ok\n  ::error::x\n##[group]y\n::notice::mine"
    out = inert.workflow_safe_lines(text, keep=frozenset({"::notice::mine"}))
    assert out.splitlines() == ["ok", "  :%3Aerror::x", "#%23[group]y", "::notice::mine"]


def test_machine_breaks_decode_to_the_same_data() -> None:
    value = {"d": "x::y ##[z \u202e \x9b"}
    text = inert.break_workflow(inert.json_safe_text(json.dumps(value, ensure_ascii=False)), "json")
    assert "::" not in text
    assert "\u202e" not in text
    assert json.loads(text) == value


def test_markdown_text_is_inert() -> None:
    shown = inert.markdown_text(
        "[x](https://e.example) ![i](http://a/b.png) <b>h</b> @admin #12 GH-3 www.e.example a|b"
    )
    for live in ("[x](", "![", "<b>", "@admin", "#12", "GH-3", "www.e", "https://", "a|b"):
        assert live not in shown
    assert "\\|" in shown


def test_markdown_code_fences_around_backticks() -> None:
    assert inert.markdown_code("a`b|c") == "``a`b\\|c``"
    assert inert.markdown_code("`x`") == "`` `x` ``"


def test_internationalised_hosts_are_shown_with_their_ascii_form() -> None:
    lookalike = "https://cognito-\u0456dp.us-east-1.amazonaws.com/us-east-1_X/.well-known/jwks.json"
    shown = inert.terminal(f"certs_url {lookalike}, then more")
    assert shown == (
        f"certs_url {lookalike} (ASCII host: xn--cognito-dp-42i.us-east-1.amazonaws.com), then more"
    )
    assert inert.terminal("https://example.com/x") == "https://example.com/x"
    assert "xn\\-\\-bcher\\-kva" in inert.markdown_text("http://bücher.de:8080/x")
