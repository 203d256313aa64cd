"""AUT005's view of a page served with HTTP 200: a refusal, or a sign-in page."""

from __future__ import annotations

from oidc_probe.core.context import HttpExchange
from oidc_probe.login.refusal import refusal_page


def _page(html: str, status: int = 200, content_type: str = "text/html") -> HttpExchange:
    return HttpExchange(
        "GET",
        "https://sso.example/oauth2/authorize?client_id=c&redirect_uri=x",
        status=status,
        headers={"content-type": content_type},
        text=html,
    )


def test_an_error_page_without_a_form_is_a_refusal() -> None:
    refused = refusal_page(
        _page("<html><title>Portal</title><div class='message'>Unauthorized URL</div></html>")
    )
    assert refused is not None
    assert refused.via == "page"
    assert "Unauthorized URL" in refused.description
    assert refused.url == "https://sso.example/oauth2/authorize"  # no query


def test_an_element_marked_as_error_names_the_refusal() -> None:
    refused = refusal_page(_page("<p>Hello</p><div role='alert'>redirect_uri is wrong</div>"))
    assert refused is not None
    assert refused.description == "redirect_uri is wrong"


def test_a_sign_in_form_is_not_a_refusal_even_with_an_error_message() -> None:
    html = (
        "<div class='error'>Invalid session</div><form method=post>"
        "<input name=user><input type=password name=password></form>"
    )
    assert refusal_page(_page(html)) is None


def test_a_javascript_sign_in_page_is_not_a_refusal() -> None:
    html = (
        "<html><title>Sign in</title><div id=app></div>"
        "<script>if (e) showError('invalid password')</script></html>"
    )
    assert refusal_page(_page(html)) is None


def test_only_html_2xx_pages_are_judged() -> None:
    assert refusal_page(_page("<p>error</p>", status=400)) is None
    assert refusal_page(_page('{"error": "x"}', content_type="application/json")) is None


def test_an_alert_that_only_says_loading_is_not_a_refusal() -> None:
    """Glewlwyd's sign-in page (webapp/login.html) before its script runs."""
    html = (
        "<html><title>Glewlwyd</title><div class='alert alert-info' role='alert'>"
        "Loading...</div><script src='js/app.js'></script></html>"
    )
    assert refusal_page(_page(html)) is None
