"""A loopback stand-in for the Cloudflare v4 API endpoints oidc-probe reads.

Response shapes follow Cloudflare's published schema (api-schemas ``common.yaml``):
``{"success", "errors", "messages", "result"}``, plus ``result_info`` (page, per_page,
count, total_count, total_pages) on collections. Errors: 401 for a token it does not
know (``10000 Authentication error``), 403 for a token without the Access permission
(``10000 Forbidden`` with ``documentation_url``, as Cloudflare's 403 changelog shows),
404 ``access.api.error.not_found`` for an unknown id. The identity provider's
``client_secret`` comes back masked, as Cloudflare's Terraform provider documents.
Collections are served at most :data:`PAGE_CAP` items a page, so paging is exercised.

Every other body is a shape from Cloudflare's published schemas (cloudflare-python's
generated types, https://github.com/cloudflare/cloudflare-python, and the Terraform
provider's models generated from the same OpenAPI spec):

- the application, ``GET /{accounts|zones}/{id}/access/apps/{app}``:
  ``types/zero_trust/access/application_get_response.py`` ``SelfHostedApplication``
  (``id``, ``name``, ``domain``, ``type``, ``aud``, ``allowed_idps``, ``session_duration``,
  ``policies`` of ``SelfHostedApplicationPolicy``) and ``mfa_config`` as Cloudflare's "Enforce
  MFA" page shows it (``mfa_disabled``, ``session_duration``, ``allowed_authenticators``);
- Zero Trust list items, ``GET /accounts/{id}/gateway/lists/{list}/items``: the API schema's
  ``result`` of arrays of ``{value, description, created_at}``
  (``types/zero_trust/gateway/lists/item_list_response.py``, read as ``SyncSinglePage``);
- the policy tester: ``POST /accounts/{id}/access/policy-tests`` answers
  ``PolicyTestCreateResponse`` ``{id, status: "success"}``; ``GET .../policy-tests/{id}``
  ``PolicyTestGetResponse`` (``status`` "complete", counts); ``GET .../policy-tests/{id}/users``
  ``UserListResponse`` items ``{id, email, name, status: "approved"|"blocked"}``
  (``types/zero_trust/access/applications/policy_test_*.py``, ``policy_tests/user_list_response.py``).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]

TOKEN = "cf-test-token-5f2b9c1e7a3d4f6b8e0a2c4d6f8b0e2a"
LIMITED_TOKEN = "cf-test-token-without-access-read-000000"
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
IDP_ID = "2e4c7b1a-0f8d-4c39-9a51-6d3e8b2f7c10"
APP_ID = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
ZONE = "9f1c2b3a4d5e6f708192a3b4c5d6e7f8"
APP_AUD = "32eafc7626e974616deaf0dc3ce63d7bcbed58a2731e84d06bc3cdf1b53c4228"
TEST_ID = "4e3a2b1c-9d8e-4f7a-b6c5-d4e3f2a1b0c9"
MASKED = "*" * 34
PAGE_CAP = 2


@dataclass
class CloudflareData:
    identity_providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    app_policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    apps: dict[str, dict[str, Any]] = field(default_factory=dict)
    lists: dict[str, list[str]] = field(default_factory=dict)
    # The policy tester's answer per email: "approved" or "blocked".
    tester: dict[str, str] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


def envelope(result: Any, **extra: Any) -> dict[str, Any]:
    return {"success": True, "errors": [], "messages": [], "result": result, **extra}


def failure(status: int, code: int, message: str, **error: Any) -> Response:
    body = {
        "success": False,
        "errors": [{"code": code, "message": message, **error}],
        "messages": [],
        "result": None,
    }
    return JSONResponse(body, status_code=status)


def idp_result(probe_config: dict[str, Any]) -> dict[str, Any]:
    """An oidc identity provider as the API returns it, from the emulator's config body."""
    config = {**probe_config["config"], "client_secret": MASKED}
    return {
        "id": IDP_ID,
        "name": probe_config["name"],
        "type": "oidc",
        "config": config,
        "scim_config": {"enabled": False},
    }


def app_object(
    policies: list[dict[str, Any]],
    allowed_idps: list[str] | None = None,
    mfa_config: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A self-hosted application as ``GET .../access/apps/{app}`` returns it."""
    body: dict[str, Any] = {
        "id": APP_ID,
        "name": "Internal wiki",
        "domain": "wiki.example.com",
        "type": "self_hosted",
        "aud": APP_AUD,
        "allowed_idps": allowed_idps if allowed_idps is not None else [IDP_ID],
        "auto_redirect_to_identity": False,
        "session_duration": "24h",
        "created_at": "2026-01-05T10:00:00Z",
        "updated_at": "2026-01-05T10:00:00Z",
        "policies": policies,
    }
    if mfa_config is not None:
        body["mfa_config"] = mfa_config
    return body


def create_app(data: CloudflareData) -> Starlette:
    def guard(request: Request) -> Response | None:
        data.requests.append(request.url.path)
        auth = request.headers.get("authorization", "")
        if auth == f"Bearer {LIMITED_TOKEN}":
            return failure(
                403,
                10000,
                "Forbidden",
                documentation_url="https://developers.cloudflare.com/api/resources/zero_trust/",
            )
        if auth != f"Bearer {TOKEN}":
            return failure(401, 10000, "Authentication error")
        if request.path_params.get("account", ACCOUNT) != ACCOUNT:
            return failure(403, 10000, "Forbidden")
        if request.path_params.get("zone", ZONE) != ZONE:
            return failure(403, 10000, "Forbidden")
        return None

    def not_found() -> Response:
        return failure(404, 12135, "access.api.error.not_found")

    def one_of(table: dict[str, dict[str, Any]], param: str) -> Endpoint:
        """``GET .../{param}``: the object of ``table`` under that path parameter, or 404."""

        async def endpoint(request: Request) -> Response:
            denied = guard(request)
            if denied is not None:
                return denied
            found = table.get(request.path_params[param])
            return JSONResponse(envelope(found)) if found is not None else not_found()

        return endpoint

    identity_provider = one_of(data.identity_providers, "idp")
    group = one_of(data.groups, "group")
    application = one_of(data.apps, "app")

    async def policies(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        items = data.app_policies.get(request.path_params["app"])
        if items is None:
            return not_found()
        page = int(request.query_params.get("page", "1"))
        per_page = min(int(request.query_params.get("per_page", "25")), PAGE_CAP)
        chunk = items[(page - 1) * per_page : page * per_page]
        info = {
            "page": page,
            "per_page": per_page,
            "count": len(chunk),
            "total_count": len(items),
            "total_pages": math.ceil(len(items) / per_page),
        }
        return JSONResponse(envelope(chunk, result_info=info))

    async def list_items(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        values = data.lists.get(request.path_params["list"])
        if values is None:
            return not_found()
        items = [
            {"value": v, "description": "", "created_at": "2026-01-05T10:00:00Z"} for v in values
        ]
        return JSONResponse(envelope([items]))

    async def start_test(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        return JSONResponse(envelope({"id": TEST_ID, "status": "success"}))

    async def test_status(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        if request.path_params["test"] != TEST_ID:
            return not_found()
        approved = sum(1 for s in data.tester.values() if s == "approved")
        total = len(data.tester)
        return JSONResponse(
            envelope(
                {
                    "id": TEST_ID,
                    "status": "complete",
                    "total_users": total,
                    "users_approved": approved,
                    "users_blocked": total - approved,
                    "users_errored": 0,
                    "percent_users_processed": 100,
                    "percent_approved": 100 * approved // total if total else 0,
                    "percent_blocked": 100 * (total - approved) // total if total else 0,
                    "percent_errored": 0,
                }
            )
        )

    async def test_users(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        if request.path_params["test"] != TEST_ID:
            return not_found()
        users = [
            {"id": f"user-{n}", "email": email, "name": email.partition("@")[0], "status": status}
            for n, (email, status) in enumerate(sorted(data.tester.items()))
        ]
        info = {
            "page": 1,
            "per_page": 50,
            "count": len(users),
            "total_count": len(users),
            "total_pages": 1,
        }
        return JSONResponse(envelope(users, result_info=info))

    async def html(request: Request) -> Response:
        return PlainTextResponse(
            "<html><body>502 Bad Gateway</body></html>", status_code=200, media_type="text/html"
        )

    base = "/client/v4/accounts/{account}/access"
    zone = "/client/v4/zones/{zone}/access"
    return Starlette(
        routes=[
            Route(f"{base}/identity_providers/{{idp}}", identity_provider),
            Route(f"{base}/apps/{{app}}/policies", policies),
            Route(f"{base}/apps/{{app}}", application),
            Route(f"{base}/groups/{{group}}", group),
            Route(f"{zone}/apps/{{app}}/policies", policies),
            Route(f"{zone}/apps/{{app}}", application),
            Route(f"{zone}/groups/{{group}}", group),
            Route("/client/v4/accounts/{account}/gateway/lists/{list}/items", list_items),
            Route(f"{base}/policy-tests", start_test, methods=["POST"]),
            Route(f"{base}/policy-tests/{{test}}", test_status),
            Route(f"{base}/policy-tests/{{test}}/users", test_users),
            Route("/html/{rest:path}", html),
        ]
    )
