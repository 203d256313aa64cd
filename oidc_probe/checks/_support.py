"""Small helpers shared by the config, discovery, JWKS, authorize and token checks."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from oidc_probe.core import cognito
from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.model import Outcome, warned

REDACTED = "[redacted]"


def not_run(ctx: RunContext, stage_key: str, what: str) -> str:
    """A SKIP reason for an artefact that a stage did not produce, with the stage's own reason."""
    reason = ctx.stopped.get(stage_key)
    return f"{what} ({reason})" if reason else what


def header(fetch: HttpExchange, name: str) -> str | None:
    """A response header, looked up case-insensitively."""
    wanted = name.lower()
    for key, value in fetch.headers.items():
        if key.lower() == wanted:
            return value
    return None


def looks_like_html(fetch: HttpExchange) -> bool:
    if fetch.content_type in ("text/html", "application/xhtml+xml"):
        return True
    start = fetch.text.lstrip()[:15].lower()
    return start.startswith(("<!doctype html", "<html"))


def exchange_failure(fetch: HttpExchange, *, want_json_object: bool = True) -> str | None:
    """Why an exchange did not give a JSON object with HTTP 200, or ``None`` when it did.

    The text names the cause only; callers add the URL.
    """
    if fetch.error is not None:
        return fetch.error
    if fetch.status != 200:
        return f"HTTP {fetch.status}{status_detail(fetch)}"
    if not want_json_object:
        return None
    if fetch.json is None:
        if looks_like_html(fetch):
            return "an HTML page instead of JSON"
        detail = f": {fetch.json_error}" if fetch.json_error else ""
        content_type = fetch.content_type or "no content type"
        return f"not JSON ({content_type}){detail}"
    if not isinstance(fetch.json, dict):
        return f"JSON {type(fetch.json).__name__} instead of an object"
    return None


def status_detail(fetch: HttpExchange) -> str:
    """What came with a non-200 status: `` redirect to URL (...)``, `` with an HTML page``..."""
    location = header(fetch, "location")
    if fetch.status is not None and 300 <= fetch.status < 400 and location:
        return f" redirect to {without_query(location)} (the probe does not follow redirects here)"
    if looks_like_html(fetch):
        return " with an HTML page"
    return f" ({fetch.content_type})" if fetch.content_type else ""


def redact(text: str, ctx: RunContext) -> str:
    """``text`` with every secret of the run replaced, for server-provided strings."""
    for secret in sorted(ctx.secrets(), key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text


def without_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def is_cognito(ctx: RunContext) -> bool:
    """Whether the provider is Amazon Cognito (or its emulator): known from the URLs, the
    issuer, or the discovery document's issuer."""
    config = ctx.config
    discovery = ctx.discovery
    published = discovery.get("issuer") if discovery is not None else None
    return (
        cognito.is_cognito_issuer(ctx.issuer.issuer)
        or (isinstance(published, str) and cognito.idp_host_region(published) is not None)
        or cognito.pool_domain_region(config.auth_url) is not None
        or cognito.idp_host_region(config.certs_url) is not None
    )


NORMALISED_HINT = (
    "the value reached the probe as sent, except as said: Access's parser may read it the "
    "same way or refuse it; the provider should send valid UTF-8 strings (no unpaired "
    "surrogate escapes) and shallow JSON"
)


def normalised_notes(notes: tuple[str, ...]) -> list[Outcome]:
    """A warning per change the input normalisation made (``plumbing/normalise.py``)."""
    return [
        warned(f"normalised on arrival: {note}", hint=NORMALISED_HINT, subject="normalised")
        for note in notes
    ]
