"""What Cognito's URLs and identifiers look like, shared by checks and stages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from oidc_probe.core.errors import UsageError

POOL_ID = re.compile(r"^(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$")
_IDP_HOST = re.compile(
    r"^(?:issuer-)?cognito-idp\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$"
)
_POOL_DOMAIN = re.compile(r"\.auth\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.amazoncognito\.com$")


@dataclass(frozen=True)
class CognitoPoolRef:
    """A Cognito user pool named by a URL: its region and pool ID."""

    region: str
    pool_id: str


def pool_from_url(url: str) -> CognitoPoolRef | None:
    """The pool an issuer, JWKS or discovery URL belongs to, if it is Cognito-shaped.

    Recognises ``https://cognito-idp.<region>.amazonaws.com/<poolId>/...`` and, for
    emulators and proxies, any URL whose first path segment is a pool id.
    """
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return None
    match = POOL_ID.match(segments[0])
    if match is None:
        return None
    return CognitoPoolRef(region=match.group("region"), pool_id=segments[0])


def idp_host_region(url: str) -> str | None:
    """The region of a ``cognito-idp.<region>.amazonaws.com`` URL, else ``None``."""
    match = _IDP_HOST.match(urlsplit(url).hostname or "")
    return match.group("region") if match else None


def pool_domain_region(url: str) -> str | None:
    """The region of a ``<prefix>.auth.<region>.amazoncognito.com`` URL, else ``None``."""
    match = _POOL_DOMAIN.search(urlsplit(url).hostname or "")
    return match.group("region") if match else None


def is_cognito_issuer(issuer: str) -> bool:
    return pool_from_url(issuer) is not None


UPDATED_ISSUER_PREFIX = "issuer-"
ISSUER_CONFIGURATIONS = ("ORIGINAL", "UPDATED")


def issuer_url(region: str, pool_id: str, configuration: str | None = None) -> str:
    """The issuer of a pool: on ``issuer-cognito-idp`` for the ``UPDATED`` issuer
    configuration, else on ``cognito-idp`` (AWS API reference, IssuerConfigurationType)."""
    prefix = UPDATED_ISSUER_PREFIX if configuration == "UPDATED" else ""
    return f"https://{prefix}cognito-idp.{region}.amazonaws.com/{pool_id}"


def domain_base(domain: str, region: str) -> str:
    """The pool domain's ``https://host`` for a prefix (``myapp`` ->
    ``myapp.auth.<region>.amazoncognito.com``) or a host, or the given base URL (the
    emulator's); a :class:`UsageError` naming ``--domain`` otherwise."""
    value = domain.strip().rstrip("/")
    if "://" in value:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"--domain {domain!r}: not an http(s) URL")
        return f"{parts.scheme}://{parts.netloc}"
    if not value or "/" in value:
        raise UsageError(f"--domain {domain!r}: give a prefix, a host name or a base URL")
    if "." in value or ":" in value:
        return f"https://{value}"
    return f"https://{value}.auth.{region}.amazoncognito.com"


def issuer_configuration(pool: Mapping[str, Any] | None) -> str | None:
    """``IssuerConfiguration.Type`` of a DescribeUserPool ``UserPool``, if it names one."""
    described = (pool or {}).get("IssuerConfiguration")
    kind = described.get("Type") if isinstance(described, Mapping) else None
    return kind if kind in ISSUER_CONFIGURATIONS else None


def other_issuer_configuration(iss: str, expected: str) -> str | None:
    """When two issuers name one pool and differ only by Cognito's issuer host, which one
    ``iss`` uses: ``"UPDATED"`` (``issuer-cognito-idp``) or ``"ORIGINAL"`` (``cognito-idp``).

    A pool's ``IssuerConfiguration`` decides the host (AWS API reference,
    IssuerConfigurationType); a config written for the other one gets the other issuer.
    """
    one, two = urlsplit(iss), urlsplit(expected)
    if idp_host_region(iss) is None or idp_host_region(expected) is None:
        return None
    if (one.scheme, one.path.rstrip("/")) != (two.scheme, two.path.rstrip("/")):
        return None
    hosts = (one.hostname or "", two.hostname or "")
    if hosts[0] == UPDATED_ISSUER_PREFIX + hosts[1]:
        return "UPDATED"
    if hosts[1] == UPDATED_ISSUER_PREFIX + hosts[0]:
        return "ORIGINAL"
    return None
