"""Confirm the expected issuer from the provider's discovery documents.

Runs only when neither ``--issuer`` nor the Cognito pool pattern established the
issuer (:mod:`oidc_probe.core.issuer`). Three moments, each trying the candidates it
has:

- :func:`confirm_at_start` (the discovery stage, in the background during the login):
  the origin and path prefixes of auth_url, then certs_url's parent;
- :func:`confirm_callback_iss` (before the code exchange): the callback's ``iss``;
- :func:`confirm_id_token_iss` (after the signature verified): the ID token's ``iss``.

A document fetched once is not fetched again (``ctx.issuer_fetches``). The document
that confirms the issuer becomes ``ctx.discovery_fetch``; while none does, the
discovery stage keeps the most telling one (a document naming its own URL as issuer,
else the one at certs_url's parent), so the discovery checks still judge it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import httpx2

from oidc_probe.core.context import HttpExchange, RunContext
from oidc_probe.core.issuer import (
    IssuerBasis,
    IssuerSource,
    grouped_by_document,
    judge_document,
    url_candidates,
    why_not,
)
from oidc_probe.plumbing.http import fetch, is_usable_url


def _document(ctx: RunContext, client: httpx2.Client, url: str) -> HttpExchange:
    known = ctx.issuer_fetches.get(url)
    if known is None:
        known = fetch(client, "GET", url, headers={"Accept": "application/json"})
        ctx.issuer_fetches[url] = known
    return known


def _outcome(exchange: HttpExchange) -> str:
    if exchange.error is not None:
        return exchange.error
    return f"HTTP {exchange.status}"


def confirm(ctx: RunContext, client: httpx2.Client, candidates: Iterable[str]) -> bool:
    """Try ``candidates`` in order; on the first confirmed one, set ``ctx.basis`` and
    ``ctx.discovery_fetch`` and return True. Otherwise add what was seen to ``tried``."""
    certs_url = ctx.config.certs_url
    usable = [c for c in candidates if is_usable_url(c)]
    tried = list(ctx.issuer.tried)
    for url, names in grouped_by_document(usable).items():
        exchange = _document(ctx, client, url)
        document = exchange.json_object() if exchange.ok else None
        confirmed = judge_document(names, document, certs_url)
        if confirmed is not None:
            ctx.basis = IssuerBasis(confirmed, IssuerSource.DISCOVERY, discovery_url=url)
            ctx.discovery_fetch = exchange
            return True
        seen = why_not(names, document, certs_url) if exchange.ok else _outcome(exchange)
        line = f"{url}: {seen}"
        if line not in tried:
            tried.append(line)
    ctx.basis = IssuerBasis(ctx.issuer.issuer, IssuerSource.UNCONFIRMED, tried=tuple(tried))
    return False


def confirm_at_start(ctx: RunContext, client: httpx2.Client) -> None:
    """The candidates known before the login: auth_url's prefixes, then certs_url's parent."""
    guess = ctx.settings.issuer
    candidates: list[str] = []
    if ctx.config.usable("auth_url"):
        candidates += url_candidates(ctx.config.auth_url)
    candidates.append(guess)
    if confirm(ctx, client, candidates):
        return
    ctx.discovery_fetch = _most_telling(ctx, candidates)


def _most_telling(ctx: RunContext, candidates: Sequence[str]) -> HttpExchange | None:
    """The document the discovery checks judge while the issuer is unconfirmed."""
    groups = grouped_by_document(c for c in candidates if is_usable_url(c))
    for url, names in groups.items():
        exchange = ctx.issuer_fetches.get(url)
        document = exchange.json_object() if exchange is not None and exchange.ok else None
        if document is not None and document.get("issuer") in names:
            return exchange
    for url, names in groups.items():
        if ctx.settings.issuer in names:
            return ctx.issuer_fetches.get(url)
    return None


def confirm_callback_iss(ctx: RunContext, client: httpx2.Client) -> None:
    """RFC 9207 ``iss`` on the callback as a candidate, while the issuer is unconfirmed."""
    login = ctx.login
    params = login.callback_params if login is not None else None
    iss = params.get("iss") if params is not None else None
    if not ctx.issuer.established and isinstance(iss, str):
        confirm(ctx, client, [iss])


def confirm_id_token_iss(ctx: RunContext, client: httpx2.Client) -> None:
    """The ID token's ``iss`` as a candidate, once its signature verified with certs_url's keys."""
    if ctx.issuer.established or ctx.signature is None or ctx.signature.valid is not True:
        return
    claims = ctx.id_token_claims
    iss = claims.get("iss") if claims is not None else None
    if isinstance(iss, str):
        confirm(ctx, client, [iss])
