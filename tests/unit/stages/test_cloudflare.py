"""The Cloudflare API reader over httpx2.MockTransport: paging, expansion, error lines."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from oidc_probe.core.settings import RunSettings
from oidc_probe.plumbing.http import make_client
from oidc_probe.stages.cloudflare import (
    CloudflareApi,
    CloudflareApiError,
    app_policies,
    application,
    identity_provider,
    list_values,
    referenced_groups,
)

BASE = "https://api.example.test/client/v4"


def ok(result: Any, **extra: Any) -> httpx2.Response:
    return httpx2.Response(
        200, json={"success": True, "errors": [], "messages": [], "result": result, **extra}
    )


def api_for(handler: Any) -> CloudflareApi:
    client = make_client(RunSettings(issuer=""), transport=httpx2.MockTransport(handler))
    return CloudflareApi(client, BASE, "acct", "cf-secret-token-42")


def test_pages_until_total_pages_and_expands_linked_policies() -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        assert request.headers["authorization"] == "Bearer cf-secret-token-42"
        if request.url.path.endswith("/access/policies/reusable-1"):
            return ok(
                {
                    "id": "reusable-1",
                    "name": "R",
                    "decision": "allow",
                    "include": [{"everyone": {}}],
                }
            )
        page = request.url.params["page"]
        items = (
            [{"id": "reusable-1", "precedence": 2}]
            if page == "1"
            else [{"name": "B", "decision": "deny", "include": [{"everyone": {}}]}]
        )
        return ok(items, result_info={"page": int(page), "total_pages": 2})

    policies = app_policies(api_for(handler), "app")
    assert [p.get("name") for p in policies] == ["R", "B"]
    assert policies[0]["precedence"] == 2
    assert sum("/apps/app/policies" in u for u in seen) == 2


def test_groups_referenced_by_groups_are_fetched_once() -> None:
    groups = {
        "g1": {"name": "G1", "include": [{"group": {"id": "g2"}}]},
        "g2": {"name": "G2", "include": [{"group": {"id": "g1"}}]},
    }
    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        group_id = request.url.path.rsplit("/", 1)[1]
        calls.append(group_id)
        return ok(groups[group_id])

    policy = {"include": [{"group": {"id": "g1"}}]}
    found = referenced_groups(api_for(handler), [policy])
    assert [g["id"] for g in found] == ["g1", "g2"]
    assert calls == ["g1", "g2"]


def test_a_group_that_is_no_object_is_fetched_once_and_references_are_capped() -> None:
    from oidc_probe.stages.cloudflare import MAX_GROUPS

    calls: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        group_id = request.url.path.rsplit("/", 1)[1]
        calls.append(group_id)
        if group_id == "broken":
            return ok(["not", "an", "object"])
        n = int(group_id[1:])
        return ok(
            {
                "name": group_id,
                "include": [{"group": {"id": f"g{n + 1}"}}, {"group": {"id": "broken"}}],
            }
        )

    policy = {"include": [{"group": {"id": "broken"}}] * 50 + [{"group": {"id": "g0"}}]}
    with pytest.raises(CloudflareApiError, match=f"more than {MAX_GROUPS} Access groups"):
        referenced_groups(api_for(handler), [policy])
    assert calls.count("broken") == 1
    assert len(calls) == MAX_GROUPS
    assert len(set(calls)) == len(calls)


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (
            httpx2.Response(
                401,
                json={
                    "success": False,
                    "errors": [{"code": 10000, "message": "Authentication error"}],
                },
            ),
            "HTTP 401: 10000 Authentication error",
        ),
        (
            httpx2.Response(200, text="<html></html>", headers={"content-type": "text/html"}),
            "not a JSON object (text/html)",
        ),
        (httpx2.Response(200, json={"success": False, "errors": []}), "success is not true"),
        (ok({"id": "i", "type": "saml", "config": {}}), "type 'saml', not 'oidc'"),
    ],
)
def test_every_failure_is_one_line(response: httpx2.Response, message: str) -> None:
    with pytest.raises(
        CloudflareApiError, match=message.replace("(", r"\(").replace(")", r"\)")
    ) as err:
        identity_provider(api_for(lambda request: response), "i")
    assert "\n" not in str(err.value)
    assert "cf-secret-token-42" not in str(err.value)


def test_a_repeated_page_is_never_read_twice_and_no_result_info_is_one_page() -> None:
    # An API that ignores `page` answers the same items again: they are counted once.
    seen: list[str] = []

    def repeating(request: httpx2.Request) -> httpx2.Response:
        seen.append(str(request.url))
        items = [{"name": "A", "decision": "allow", "include": [{"everyone": {}}]}]
        return ok(items, result_info={"page": 1, "total_pages": 5})

    assert len(app_policies(api_for(repeating), "app")) == 1
    assert len(seen) == 2
    seen.clear()

    def single(request: httpx2.Request) -> httpx2.Response:  # SyncSinglePage: no result_info
        seen.append(str(request.url))
        return ok([{"name": "A", "decision": "allow", "include": [{"everyone": {}}]}])

    assert len(app_policies(api_for(single), "app")) == 1
    assert len(seen) == 1


def test_zone_scoped_access_paths_and_list_items() -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.url.path)
        if "/gateway/lists/" in request.url.path:
            return ok([[{"value": "a@example.com", "description": "", "created_at": "x"}]])
        return ok({"id": "app", "aud": "tag", "allowed_idps": ["idp"]})

    client = make_client(RunSettings(issuer=""), transport=httpx2.MockTransport(handler))
    api = CloudflareApi(client, BASE, "acct", "cf-secret-token-42", zone="zone-1")
    assert application(api, "app")["aud"] == "tag"
    assert list_values(api, "list-1") == ["a@example.com"]
    assert seen == [
        "/client/v4/zones/zone-1/access/apps/app",
        "/client/v4/accounts/acct/gateway/lists/list-1/items",
    ]
