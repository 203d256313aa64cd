from __future__ import annotations

from oidc_probe.login.form import choose_login_form
from oidc_probe.login.html_forms import parse_page
from tests.unit.stages.idp import _page

MIXED = """<html><head><title> Sign
  in </title><script>var html = '<form><input type="password"></form>';</script></head>
<body>
<div style="display: none">
  <form name="hiddenForm" action="/h"><input type="password" name="p"></form>
</div>
<form id="main" action="/go?a=1&amp;b=2" method="POST">
  <input type="hidden" name="csrf" value="t&amp;k">
  <input name="email">
  <input type="password" name="pw">
  <input type="checkbox" name="remember" value="yes" checked>
  <input type="checkbox" name="spam" value="yes">
  <input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>
  <select name="lang">
    <option value="en">English</option><option value="fr" selected>French</option>
  </select>
  <textarea name="note">hello</textarea>
  <input type="reset" name="reset" value="x">
  <button type="button" name="show">show</button>
  <button name="go" value="1">Go</button>
  <input type="submit" name="other" value="2">
</form>
<div role="alert"> Too many <b>attempts</b> </div>
<span class="error"></span>
</body></html>"""


def test_parse_forms_fields_and_errors() -> None:
    page = parse_page(MIXED)
    assert page.title == "Sign in"
    assert page.has_script
    assert [f.name or f.id for f in page.forms] == ["hiddenForm", "main"]
    hidden, main = page.forms
    assert hidden.hidden
    assert not main.hidden
    assert main.action == "/go?a=1&b=2"
    assert main.method == "post"
    assert page.error_texts == ("Too many attempts",)


def test_submission_follows_browser_rules() -> None:
    main = parse_page(MIXED).forms[1]
    assert main.username_field() is not None
    assert main.username_field().name == "email"  # type: ignore[union-attr]
    assert main.submission({"email": "u", "pw": "p"}) == [
        ("csrf", "t&k"),
        ("email", "u"),
        ("pw", "p"),
        ("remember", "yes"),
        ("r", "2"),
        ("lang", "fr"),
        ("note", "hello"),
        ("go", "1"),
    ]


def test_script_content_is_not_parsed_as_a_form() -> None:
    page = parse_page("<html><script>document.write('<form></form>')</script></html>")
    assert page.forms == ()
    assert page.has_script


def test_cognito_page_has_the_form_twice_and_the_first_is_chosen() -> None:
    page = parse_page(_page("client_id=c&state=s", "Incorrect username or password."))
    assert len(page.forms) == 2
    assert all(f.name == "cognitoSignInForm" for f in page.forms)
    chosen = choose_login_form(page.forms)
    assert chosen is page.forms[0]
    assert chosen.action == "/login?client_id=c&state=s"
    assert page.error_texts == ("Incorrect username or password.",)


def test_visible_login_form_preferred_over_hidden_one() -> None:
    forms = parse_page(MIXED).forms
    assert choose_login_form(forms) is forms[1]


def test_form_closed_by_its_parent_and_unclosed_form() -> None:
    page = parse_page(
        "<div><form action='/a'><input name='x'></div><form action='/b'><input name='y'>"
    )
    assert [(f.action, [x.name for x in f.fields]) for f in page.forms] == [
        ("/a", ["x"]),
        ("/b", ["y"]),
    ]


def test_markup_the_stdlib_parser_rejects_ends_the_page() -> None:
    page = parse_page("<form action='/a'><input name='x'></form><![abc[ x ]]><form action='/b'>")
    assert [f.action for f in page.forms] == ["/a"]
