"""Read an identity provider, an application's policies and Access groups from Cloudflare's API.

Plain GET requests on the v4 API (``https://api.cloudflare.com/client/v4``) with the
token from ``CLOUDFLARE_API_TOKEN``; responses are the documented envelope
``{"success", "errors", "messages", "result", "result_info"}``. Every failure (HTTP
error, error envelope, unreachable API, not JSON) is one :class:`CloudflareApiError`
line naming the request, never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import httpx2

from oidc_probe.core.cloudflare import api_errors
from oidc_probe.core.errors import UsageError
from oidc_probe.plumbing.http import fetch

API_DEFAULT = "https://api.cloudflare.com/client/v4"
TOKEN_ENV = "CLOUDFLARE_API_TOKEN"
PER_PAGE = 50
MAX_PAGES = 100
_STATUS_ADVICE = {
    400: "the request was refused (check the IDs)",
    401: f"the API token is not valid: check {TOKEN_ENV}",
    403: "the API token lacks a permission: it needs Access: Apps and Policies Read, "
    "Access: Organizations, Identity Providers, and Groups Read",
    404: "not found: check the account, identity provider and application IDs",
}


class CloudflareApiError(UsageError):
    """A Cloudflare API request failed; the message is one line (exit 2)."""


@dataclass(frozen=True)
class CloudflareApi:
    client: httpx2.Client
    base: str
    account: str
    token: str

    def result(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """The ``result`` of ``GET /accounts/{account}/{path}``; the whole envelope is checked."""
        return self._envelope(path, params).get("result")

    def items(self, path: str) -> list[Any]:
        """Every item of a paged collection (``page``/``per_page`` until an empty page)."""
        found: list[Any] = []
        for page in range(1, MAX_PAGES + 1):
            doc = self._envelope(path, {"page": str(page), "per_page": str(PER_PAGE)})
            result = doc.get("result")
            if not isinstance(result, list):
                raise self._error(path, "'result' is not a list")
            found += result
            info = doc.get("result_info")
            total = info.get("total_pages") if isinstance(info, dict) else None
            if not result or (isinstance(total, int) and page >= total):
                break
        return found

    def _envelope(self, path: str, params: Mapping[str, str] | None) -> dict[str, Any]:
        url = f"{self.base.rstrip('/')}/accounts/{self.account}/{path}"
        headers = {"authorization": f"Bearer {self.token}", "accept": "application/json"}
        exchange = fetch(self.client, "GET", url, headers=headers, params=params)
        if exchange.error is not None:
            raise self._error(path, f"unreachable ({exchange.error})")
        doc = exchange.json_object()
        if exchange.status != 200:
            detail = f": {api_errors(doc)}" if doc is not None else ""
            advice = _STATUS_ADVICE.get(exchange.status or 0, "")
            advice = f" ({advice})" if advice else ""
            raise self._error(path, f"HTTP {exchange.status}{detail}{advice}")
        if doc is None:
            raise self._error(path, f"not a JSON object ({exchange.content_type or 'no type'})")
        if doc.get("success") is not True:
            raise self._error(path, f"success is not true: {api_errors(doc)}")
        return doc

    def _error(self, path: str, message: str) -> CloudflareApiError:
        return CloudflareApiError(f"Cloudflare API GET /accounts/{self.account}/{path}: {message}")


def identity_provider(api: CloudflareApi, idp_id: str) -> dict[str, Any]:
    """The identity provider's body (``id``, ``name``, ``type``, ``config``); only type oidc."""
    result = api.result(f"access/identity_providers/{idp_id}")
    if not isinstance(result, dict) or not isinstance(result.get("config"), dict):
        raise api._error(f"access/identity_providers/{idp_id}", "no 'config' object in 'result'")
    kind = result.get("type")
    if kind != "oidc":
        raise CloudflareApiError(
            f"Cloudflare identity provider {idp_id} is type {kind!r}, not 'oidc' "
            "(oidc-probe checks generic OIDC identity providers)"
        )
    return result


def app_policies(api: CloudflareApi, app_id: str) -> list[dict[str, Any]]:
    """The application's policies, each with its rules (reusable ones fetched when not expanded)."""
    policies = []
    for item in api.items(f"access/apps/{app_id}/policies"):
        if isinstance(item, dict) and "include" not in item and isinstance(item.get("id"), str):
            full = api.result(f"access/policies/{item['id']}")
            if isinstance(full, dict):
                item = {**full, "precedence": item.get("precedence", full.get("precedence"))}
        policies.append(item)
    return policies


# The distinct Access groups followed from one application's policies; past it the API's
# answers are not followed further (a hostile or broken answer cannot make the run endless).
MAX_GROUPS = 200


def referenced_groups(api: CloudflareApi, policies: list[Any]) -> list[dict[str, Any]]:
    """Every Access group the policies reference, and the groups those groups reference.

    Each group is fetched at most once, however often it is referenced, and at most
    :data:`MAX_GROUPS` distinct groups are followed (more is one line, exit 2).
    """
    groups: dict[str, dict[str, Any]] = {}
    fetched: set[str] = set()
    pending = list(dict.fromkeys(_group_ids(policies)))
    while pending:
        group_id = pending.pop(0)
        if group_id in fetched:
            continue
        if len(fetched) >= MAX_GROUPS:
            raise api._error(
                f"access/groups/{group_id}",
                f"the policies reference more than {MAX_GROUPS} Access groups; not followed",
            )
        fetched.add(group_id)
        result = api.result(f"access/groups/{group_id}")
        if isinstance(result, dict):
            groups[group_id] = {"id": group_id, **result}
            pending += [g for g in dict.fromkeys(_group_ids([result])) if g not in fetched]
    return list(groups.values())


def _group_ids(items: list[Any]) -> Iterator[str]:
    for item in items:
        if not isinstance(item, dict):
            continue
        for key in ("include", "require", "exclude"):
            rules = item.get(key)
            for rule in rules if isinstance(rules, list) else []:
                group = rule.get("group") if isinstance(rule, dict) else None
                if isinstance(group, dict) and isinstance(group.get("id"), str):
                    yield group["id"]
