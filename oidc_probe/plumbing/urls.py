"""URL comparisons shared by the login drivers and the checks (no I/O).

:func:`is_loopback` is the one definition of "this machine" for every rule that
depends on it: plain http allowed for a secret (:func:`refuse_cleartext`), CFG002,
the Cloudflare API URL, the form login's password destination, and the proxy bypass
(:mod:`oidc_probe.plumbing.http` sends every loopback request direct).
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit, urlunsplit

from oidc_probe.core.errors import UsageError


def same_endpoint(url: str, redirect_uri: str) -> bool:
    """Whether ``url`` targets the redirect URI (scheme, host, port and path; query ignored)."""
    a, b = urlsplit(url), urlsplit(redirect_uri)
    try:
        ports = (a.port or default_port(a.scheme), b.port or default_port(b.scheme))
    except ValueError:
        return False
    return (
        a.scheme.lower() == b.scheme.lower()
        and (a.hostname or "").lower() == (b.hostname or "").lower()
        and ports[0] == ports[1]
        and (a.path or "/") == (b.path or "/")
    )


def default_port(scheme: str) -> int | None:
    return {"http": 80, "https": 443}.get(scheme.lower())


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (a URL's hostname) names this machine: localhost or a loopback IP."""
    if not host:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of ``url``, lower-cased, the default port filled in."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    try:
        port = parts.port or default_port(scheme)
    except ValueError:
        port = None
    return scheme, (parts.hostname or "").lower(), port


def is_private_channel(url: str) -> bool:
    """Whether a secret may be sent to ``url``: https, or plain http to a loopback host."""
    scheme, host, _ = origin(url)
    return scheme == "https" or (scheme == "http" and is_loopback(host))


def without_secrets(url: str) -> str:
    """``url`` without user info, query and fragment: safe to print."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def refuse_cleartext(url: str, what: str) -> None:
    """Stop the run (exit 2) before ``what`` (a secret) goes over plain http to a host that
    is not loopback. The message names the URL without its secret parts."""
    if urlsplit(url).scheme.lower() == "http" and not is_loopback(urlsplit(url).hostname):
        raise UsageError(
            f"refusing to send {what} over plain http to {without_secrets(url)}: "
            "use https (plain http is accepted only for a loopback host)"
        )
