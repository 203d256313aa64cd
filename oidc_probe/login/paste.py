"""``--login paste``: the user logs in in any browser and pastes the URL they land on.

This verifies the callback Access really uses (``--team-name`` sets it to
``https://<team>.cloudflareaccess.com/cdn-cgi/access/callback``) without adding a
localhost callback to the app client. The browser lands on Cloudflare's page,
which shows an error there (the login was not started by Cloudflare); the code
in that URL is still unused, and the probe exchanges it.

Before asking, the driver requests the authorization URL once (without following
the redirect) so that a refused request, such as Cognito's redirect_mismatch page
for an unregistered callback, is reported at once instead of after a login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx2

from oidc_probe.core.context import AuthorizationRequest, LoginResult
from oidc_probe.login.callback import callback_result, error_page_result, preflight
from oidc_probe.plumbing.http import strip_query
from oidc_probe.plumbing.urls import same_endpoint

_QUOTES = "\"'<> \t\r\n"


@dataclass(frozen=True)
class PasteLogin:
    """``read_line`` returns what the user pasted; ``say`` writes a line for them (stderr).

    ``callback_url`` (``--callback-url``) replaces the prompt, for scripts.
    """

    read_line: Callable[[], str]
    say: Callable[[str], None]
    callback_url: str | None = None
    preflight: bool = True

    def login(self, client: httpx2.Client, request: AuthorizationRequest) -> LoginResult:
        if self.preflight:
            refused = preflight(client, request)
            if refused is not None:
                return refused
        if self.callback_url is not None:
            return parse_pasted(self.callback_url, request.redirect_uri)
        self.say("1. open this URL in a browser and log in:")
        self.say(f"  {request.url}")
        self.say(f"2. the browser lands on {strip_query(request.redirect_uri)}")
        self.say("   (an error page there is expected: the probe, not Access, started this login)")
        self.say("3. copy the full URL from the address bar and paste it here, then press Enter:")
        return parse_pasted(self.read_line(), request.redirect_uri)


def parse_pasted(text: str, redirect_uri: str) -> LoginResult:
    """What the pasted URL says: the callback, the provider's error page, or why neither."""
    pasted = text.strip().strip(_QUOTES)
    if not pasted:
        return LoginResult(
            login_error="no URL was pasted: paste the full URL of the page the browser "
            "landed on after the login (or pass --callback-url URL)"
        )
    if "://" not in pasted and "=" in pasted:
        base = redirect_uri.split("?", 1)[0]
        pasted = f"{base}?{pasted.lstrip('?')}"
    parts = urlsplit(pasted)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return LoginResult(login_error="the pasted text is not a URL (expected http(s)://...)")
    if same_endpoint(pasted, redirect_uri):
        return callback_result(pasted)
    page = error_page_result(pasted)
    if page is not None:
        return page
    return LoginResult(
        login_error=f"the pasted URL ({strip_query(pasted)}) is not the redirect URI "
        f"{strip_query(redirect_uri)}: paste the URL the browser shows after the login "
        "completes (it carries code and state)"
    )
