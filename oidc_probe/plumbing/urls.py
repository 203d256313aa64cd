"""URL comparisons shared by the login drivers and the checks (no I/O)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit


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
