"""A page served with HTTP 2xx that refuses the authorization request instead of redirecting."""

from __future__ import annotations

import re

from oidc_probe.core.context import AuthorizeError, HttpExchange
from oidc_probe.login.html_forms import parse_page
from oidc_probe.plumbing.http import strip_query

# Words of a refusal on a page served as HTTP 200 (LemonLDAP::NG: "Unauthorized URL").
_REFUSAL_WORDS = re.compile(
    r"\b(error|invalid|unauthori[sz]ed|not allowed|not registered|not authorized|mismatch|"
    r"forbidden|denied|refused)\b",
    re.IGNORECASE,
)
# An alert that only says the page is loading (Glewlwyd's sign-in page, before its
# script runs: role="alert", "Loading...") refuses nothing.
_LOADING = re.compile(r"\s*(loading|please wait)\b[\s.…]*$", re.IGNORECASE)
_NOT_TEXT = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.IGNORECASE | re.DOTALL)


def refusal_page(exchange: HttpExchange) -> AuthorizeError | None:
    """An HTML page served with HTTP 2xx that refuses the request instead of redirecting.

    Some providers answer an unregistered redirect URI with an error page and status 200
    (LemonLDAP::NG shows "Unauthorized URL"). Such a page has no sign-in form (no
    password or text field) and says it refuses: an element marked as an error or alert,
    or refusal words in its visible text (scripts and styles left out, so a JavaScript
    sign-in page whose code mentions errors is not taken for one).
    """
    if not exchange.ok or "html" not in exchange.content_type:
        return None
    page = parse_page(exchange.text)
    if any(form.password_field or form.visible_inputs for form in page.forms):
        return None
    said = next(
        (text for text in page.error_texts if text.strip() and not _LOADING.match(text)), ""
    )
    if not said:
        visible = " ".join(_NOT_TEXT.sub(" ", exchange.text).split())
        match = _REFUSAL_WORDS.search(visible)
        if match is None:
            return None
        start = max(0, match.start() - 60)
        said = visible[start : match.end() + 80].strip()
    return AuthorizeError(
        "error page (HTTP 200)", " ".join(said.split())[:200], "page", strip_query(exchange.url)
    )
