"""The issuer the probe expects, and how it was established (never merely guessed).

Cloudflare's OIDC config has no issuer field (its API type ``AccessOIDCConfig`` has
nine fields), so the probe has to find the issuer the checks compare against. In this
order (:func:`initial_basis`, then :mod:`oidc_probe.stages.issuer`):

1. ``--issuer``: given by the user;
2. the Cognito pool pattern: certs_url is ``<host>/<pool id>/.well-known/jwks.json``
   (``cognito-idp.<region>.amazonaws.com``, its ``issuer-cognito-idp`` host, or an
   emulator), so the issuer is certs_url's parent;
3. otherwise confirmed by the provider itself: a candidate (the origin and path
   prefixes of auth_url, the callback's ``iss``, the verified ID token's ``iss``) whose
   discovery document (OpenID Connect Discovery 4) names exactly that candidate as
   ``issuer`` and certs_url as ``jwks_uri`` (:func:`judge_document`).

Until one is confirmed the basis is *unconfirmed*: its issuer is only the old guess
(certs_url's parent), and the checks that need the issuer skip or warn instead of
failing on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from oidc_probe.core.cognito import POOL_ID

_JWKS_SUFFIXES = ("/.well-known/jwks.json", "/.well-known/jwks")


class IssuerSource(StrEnum):
    GIVEN = "given"
    COGNITO_POOL = "cognito-pool"
    DISCOVERY = "discovery"
    UNCONFIRMED = "unconfirmed"


@dataclass(frozen=True)
class IssuerBasis:
    """The expected issuer and why the probe expects it.

    ``discovery_url`` is the document that confirmed it (``DISCOVERY``); ``tried`` says,
    for an unconfirmed issuer, what each candidate's document said.
    """

    issuer: str
    source: IssuerSource
    discovery_url: str | None = None
    tried: tuple[str, ...] = ()

    @property
    def established(self) -> bool:
        return self.source is not IssuerSource.UNCONFIRMED

    def describe(self) -> str:
        """``given``, ``Cognito pool URL``, ``confirmed by discovery at URL`` or ``not confirmed``."""
        if self.source is IssuerSource.GIVEN:
            return "given (--issuer)"
        if self.source is IssuerSource.COGNITO_POOL:
            return "Cognito pool URL"
        if self.source is IssuerSource.DISCOVERY:
            return f"confirmed by discovery at {self.discovery_url}"
        return "not confirmed"

    def unconfirmed_reason(self) -> str:
        """One line for a SKIP or WARN: why the issuer is not established."""
        tried = "; ".join(self.tried) if self.tried else "no candidate was tried"
        return (
            "the issuer is not confirmed: no discovery document names a candidate issuer "
            f"with jwks_uri equal to certs_url ({tried})"
        )


def is_cognito_pool_certs_url(certs_url: str) -> bool:
    """certs_url is ``<scheme>://<host>/<pool id>/.well-known/jwks.json`` (Cognito's shape)."""
    parts = urlsplit(certs_url)
    segments = parts.path.split("/")
    return (
        parts.scheme in ("http", "https")
        and len(segments) == 4
        and segments[0] == ""
        and POOL_ID.match(segments[1]) is not None
        and segments[2:] == [".well-known", "jwks.json"]
    )


def guess_from_certs_url(certs_url: str) -> str:
    """certs_url's parent: right for Cognito, a guess for anything else."""
    for suffix in _JWKS_SUFFIXES:
        if certs_url.endswith(suffix):
            return certs_url[: -len(suffix)]
    return certs_url.rsplit("/", 1)[0]


def initial_basis(issuer: str, *, guessed: bool, certs_url: str) -> IssuerBasis:
    """What is known before any request: ``--issuer``, the Cognito pattern, or a guess."""
    if not guessed:
        return IssuerBasis(issuer, IssuerSource.GIVEN)
    if is_cognito_pool_certs_url(certs_url):
        return IssuerBasis(issuer, IssuerSource.COGNITO_POOL)
    return IssuerBasis(issuer, IssuerSource.UNCONFIRMED)


def discovery_url(issuer: str) -> str:
    """OIDC Discovery 4: the issuer with any trailing slash removed, plus the well-known path."""
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def url_candidates(url: str) -> list[str]:
    """The origin of ``url`` and each prefix of its path, each with and without ``/``.

    ``https://h/a/b/authorize`` gives ``https://h``, ``https://h/``, ``https://h/a``,
    ``https://h/a/``, ``https://h/a/b``, ``https://h/a/b/`` (shortest first). Query and
    fragment are dropped; a URL that is not http(s) gives nothing.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return []
    origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    segments = [s for s in parts.path.split("/") if s]
    found = [origin, origin + "/"]
    for end in range(1, len(segments)):
        prefix = origin + "/" + "/".join(segments[:end])
        found += [prefix, prefix + "/"]
    return found


def grouped_by_document(candidates: Iterable[str]) -> dict[str, list[str]]:
    """Candidates by the discovery URL they share (``X`` and ``X/`` share one), in order."""
    groups: dict[str, list[str]] = {}
    for candidate in candidates:
        names = groups.setdefault(discovery_url(candidate), [])
        if candidate not in names:
            names.append(candidate)
    return groups


def judge_document(
    candidates: Iterable[str], document: Mapping[str, Any] | None, certs_url: str
) -> str | None:
    """The candidate this document confirms, else ``None``.

    Confirmed: the document's ``issuer`` equals the candidate exactly (OpenID Connect
    Discovery 4.3) and its ``jwks_uri`` equals certs_url exactly, so the keys Access
    verifies with are the ones this issuer publishes.
    """
    if document is None:
        return None
    issuer = document.get("issuer")
    if not isinstance(issuer, str) or issuer not in list(candidates):
        return None
    return issuer if document.get("jwks_uri") == certs_url else None


def why_not(candidates: Iterable[str], document: Mapping[str, Any] | None, certs_url: str) -> str:
    """Why a fetched document does not confirm any of ``candidates`` (for ``tried``)."""
    if document is None:
        return "no JSON document"
    issuer = document.get("issuer")
    if not isinstance(issuer, str) or issuer not in list(candidates):
        return "it names another issuer"
    if document.get("jwks_uri") != certs_url:
        return "its jwks_uri is not certs_url"
    return "confirmed"
