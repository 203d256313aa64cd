"""A loopback stand-in for the Cloudflare v4 API endpoints oidc-probe reads.

Response shapes follow Cloudflare's published schema (api-schemas ``common.yaml``):
``{"success", "errors", "messages", "result"}``, plus ``result_info`` (page, per_page,
count, total_count, total_pages) on collections. Errors: 401 for a token it does not
know (``10000 Authentication error``), 403 for a token without the Access permission
(``10000 Forbidden`` with ``documentation_url``, as Cloudflare's 403 changelog shows),
404 ``access.api.error.not_found`` for an unknown id. The identity provider's
``client_secret`` comes back masked, as Cloudflare's Terraform provider documents.
Collections are served at most :data:`PAGE_CAP` items a page, so paging is exercised.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

TOKEN = "cf-test-token-5f2b9c1e7a3d4f6b8e0a2c4d6f8b0e2a"
LIMITED_TOKEN = "cf-test-token-without-access-read-000000"
ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
IDP_ID = "2e4c7b1a-0f8d-4c39-9a51-6d3e8b2f7c10"
APP_ID = "f174e90a-fafe-4643-bbbc-4a0ed4fc8415"
MASKED = "*" * 34
PAGE_CAP = 2


@dataclass
class CloudflareData:
    identity_providers: dict[str, dict[str, Any]] = field(default_factory=dict)
    app_policies: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
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
        if request.path_params.get("account") != ACCOUNT:
            return failure(403, 10000, "Forbidden")
        return None

    def not_found() -> Response:
        return failure(404, 12135, "access.api.error.not_found")

    async def identity_provider(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        found = data.identity_providers.get(request.path_params["idp"])
        return JSONResponse(envelope(found)) if found is not None else not_found()

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

    async def group(request: Request) -> Response:
        denied = guard(request)
        if denied is not None:
            return denied
        found = data.groups.get(request.path_params["group"])
        return JSONResponse(envelope(found)) if found is not None else not_found()

    async def html(request: Request) -> Response:
        return PlainTextResponse(
            "<html><body>502 Bad Gateway</body></html>", status_code=200, media_type="text/html"
        )

    base = "/client/v4/accounts/{account}/access"
    return Starlette(
        routes=[
            Route(f"{base}/identity_providers/{{idp}}", identity_provider),
            Route(f"{base}/apps/{{app}}/policies", policies),
            Route(f"{base}/groups/{{group}}", group),
            Route("/html/{rest:path}", html),
        ]
    )
