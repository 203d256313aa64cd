"""Read an identity provider, an Access application, its policies, Access groups and Zero
Trust lists from Cloudflare's API.

Plain GET requests on the v4 API (``https://api.cloudflare.com/client/v4``) with the
token from ``CLOUDFLARE_API_TOKEN``; responses are the documented envelope
``{"success", "errors", "messages", "result", "result_info"}``. Applications and their
policies live under ``/accounts/{id}`` or, for zone-scoped apps, ``/zones/{id}``
(cloudflare-python ``zero_trust.access.applications``: "account_id ... Mutually exclusive
with the Zone ID"). Every failure (HTTP error, error envelope, unreachable API, not JSON)
is one :class:`CloudflareApiError` line naming the request, never a traceback.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator, Mapping
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
    """One account's (or zone's) Access API over the run's client, with the API token."""

    client: httpx2.Client
    base: str
    account: str
    token: str
    zone: str | None = None  # zone-scoped Access resources (--cloudflare-zone)

    def result(self, path: str, params: Mapping[str, str] | None = None) -> Any:
        """The ``result`` of ``GET /accounts/{account}/{path}``; the whole envelope is checked."""
        return self._envelope(path, params).get("result")

    def items(self, path: str) -> list[Any]:
        """Every item of a paged collection (``page``/``per_page`` until an empty page).

        A response without ``result_info`` is a single page (the SDK's ``SyncSinglePage``),
        and a page whose items repeat an earlier page (an API that ignores ``page``) ends
        the reading, so nothing is read or counted twice.
        """
        found: list[Any] = []
        seen: set[str] = set()
        for page in range(1, MAX_PAGES + 1):
            doc = self._envelope(path, {"page": str(page), "per_page": str(PER_PAGE)})
            result = doc.get("result")
            if not isinstance(result, list):
                raise self._error(path, "'result' is not a list")
            fingerprint = json.dumps(result, sort_keys=True, default=str)
            if result and fingerprint in seen:
                break
            seen.add(fingerprint)
            found += result
            info = doc.get("result_info")
            total = info.get("total_pages") if isinstance(info, dict) else None
            if (
                not result
                or not isinstance(info, dict)
                or (isinstance(total, int) and page >= total)
            ):
                break
        return found

    def post(self, path: str, body: Any) -> Any:
        """The ``result`` of ``POST /accounts/{account}/{path}`` with a JSON body."""
        return self._envelope(path, None, body=json.dumps(body)).get("result")

    def _envelope(
        self, path: str, params: Mapping[str, str] | None, body: str | None = None
    ) -> dict[str, Any]:
        url = f"{self.base.rstrip('/')}/{self._scoped(path)}"
        headers = {"authorization": f"Bearer {self.token}", "accept": "application/json"}
        method = "GET" if body is None else "POST"
        if body is not None:
            headers["content-type"] = "application/json"
        exchange = fetch(self.client, method, url, headers=headers, params=params, content=body)
        if exchange.error is not None:
            raise self._error(path, f"unreachable ({exchange.error})", method)
        doc = exchange.json_object()
        if exchange.status != 200:
            detail = f": {api_errors(doc)}" if doc is not None else ""
            advice = _STATUS_ADVICE.get(exchange.status or 0, "")
            advice = f" ({advice})" if advice else ""
            raise self._error(path, f"HTTP {exchange.status}{detail}{advice}", method)
        if doc is None:
            raise self._error(
                path, f"not a JSON object ({exchange.content_type or 'no type'})", method
            )
        if doc.get("success") is not True:
            raise self._error(path, f"success is not true: {api_errors(doc)}", method)
        return doc

    def _scoped(self, path: str) -> str:
        """Access resources live under the zone when one is given; Zero Trust lists are
        account resources."""
        if (
            self.zone is not None
            and path.startswith("access/")
            and not path.startswith("access/policy-tests")
        ):
            return f"zones/{self.zone}/{path}"
        return f"accounts/{self.account}/{path}"

    def _error(self, path: str, message: str, method: str = "GET") -> CloudflareApiError:
        return CloudflareApiError(f"Cloudflare API {method} /{self._scoped(path)}: {message}")


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


def application(api: CloudflareApi, app_id: str) -> dict[str, Any]:
    """The application object (``aud``, ``allowed_idps``, ``session_duration``, ``mfa_config``,
    ``policies``): ``GET /{accounts|zones}/{id}/access/apps/{app}`` (cloudflare-python
    ``ApplicationGetResponse``)."""
    path = f"access/apps/{app_id}"
    result = api.result(path)
    if not isinstance(result, dict):
        raise api._error(path, "'result' is not an application object")
    return result


def list_values(api: CloudflareApi, list_id: str) -> list[str]:
    """The values of a Zero Trust list: ``GET /accounts/{id}/gateway/lists/{list}/items``.

    The API schema gives ``result`` as an array of arrays of items ``{value, description,
    created_at}`` and the SDK reads it as one page (``SyncSinglePage``); both nestings are
    accepted.
    """
    path = f"gateway/lists/{list_id}/items"
    result = api.result(path)
    if not isinstance(result, list):
        raise api._error(path, "'result' is not a list")
    rows = [r for item in result for r in (item if isinstance(item, list) else [item])]
    return [
        str(r["value"]) for r in rows if isinstance(r, dict) and isinstance(r.get("value"), str)
    ]


def email_list_ids(policies: list[Any], groups: list[Any]) -> list[str]:
    """The ids of the lists that ``email_list`` rules of the policies and groups name."""
    found: list[str] = []
    for item in [*policies, *groups]:
        if not isinstance(item, dict):
            continue
        for key in ("include", "require", "exclude"):
            rules = item.get(key)
            for rule in rules if isinstance(rules, list) else []:
                target = rule.get("email_list") if isinstance(rule, dict) else None
                list_id = target.get("id") if isinstance(target, dict) else None
                if isinstance(list_id, str) and list_id not in found:
                    found.append(list_id)
    return found


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


TESTER_POLICY_KEYS = (
    "name",
    "decision",
    "include",
    "require",
    "exclude",
    "approval_required",
    "approval_groups",
    "isolation_required",
    "purpose_justification_required",
    "purpose_justification_prompt",
    "session_duration",
)


@dataclass(frozen=True)
class TesterAnswer:
    """Cloudflare's policy tester: each tested user's ``approved``/``blocked``, by email."""

    by_email: Mapping[str, str]
    status: str  # the test's status: "complete", or why it is not
    test_id: str = ""


def policy_test(
    api: CloudflareApi,
    policies: list[Any],
    *,
    polls: int = 10,
    wait: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> TesterAnswer:
    """Run Cloudflare's policy tester on the application's policies.

    ``POST /accounts/{id}/access/policy-tests`` with the policies (cloudflare-python
    ``PolicyTestCreateParams``: name, decision, include, require, exclude and the flags)
    answers ``{id, status}``; ``GET .../policy-tests/{id}`` reports ``status`` ("blocked",
    "processing", "exceeded time", "complete"); ``GET .../policy-tests/{id}/users`` lists
    ``{email, status: "approved"|"blocked"}``. The tester judges users who "have logged
    into the App Launcher or any other Access application at some point" (Cloudflare:
    Manage Access policies, "Test your policies").
    """
    body = {
        "policies": [
            {k: p[k] for k in TESTER_POLICY_KEYS if k in p} for p in policies if isinstance(p, dict)
        ]
    }
    started = api.post("access/policy-tests", body)
    test_id = started.get("id") if isinstance(started, dict) else None
    if not isinstance(test_id, str) or not test_id:
        raise api._error("access/policy-tests", "no test id in 'result'", "POST")
    status = "processing"
    for attempt in range(polls):
        state = api.result(f"access/policy-tests/{test_id}")
        status = str(state.get("status")) if isinstance(state, dict) else "unknown"
        if status != "processing":
            break
        if attempt + 1 < polls:
            sleep(wait)
    if status != "complete":
        return TesterAnswer({}, status, test_id)
    users = api.items(f"access/policy-tests/{test_id}/users")
    by_email = {
        str(u["email"]).lower(): str(u.get("status"))
        for u in users
        if isinstance(u, dict) and isinstance(u.get("email"), str)
    }
    return TesterAnswer(by_email, status, test_id)
