"""Read the user pool, app client, domain, groups and users through the AWS API.

Read-only calls only (the IAM actions in :data:`oidc_probe.core.pool.IAM_ACTIONS`), one
call per API per run; the user calls once per username. The pool id and region come
from ``certs_url``; the domain from ``auth_url``. The result is ``ctx.pool_audit``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from oidc_probe.core import cognito
from oidc_probe.core.context import RunContext
from oidc_probe.core.errors import UsageError
from oidc_probe.core.pool import ApiFailure, AuditRequest, PoolAudit, UserFacts
from oidc_probe.plumbing.aws import call, cognito_client
from oidc_probe.plumbing.urls import is_loopback

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp import CognitoIdentityProviderClient


def pool_ref(certs_url: str) -> cognito.CognitoPoolRef:
    """The pool of ``certs_url``; a usage error when it names none."""
    ref = cognito.pool_from_url(certs_url)
    if ref is None:
        raise UsageError(
            f"the pool audit needs the user pool id in certs_url "
            f"(https://cognito-idp.<region>.amazonaws.com/<pool id>/...); got {certs_url}"
        )
    return ref


def domain_of(auth_url: str) -> str | None:
    """The Cognito domain of ``auth_url``: the prefix of ``*.auth.<region>.amazoncognito.com``,
    the host of a custom domain, or ``None`` for a loopback host (an emulator)."""
    host = (urlsplit(auth_url).hostname or "").lower()
    if not host or is_loopback(host):
        return None
    if cognito.pool_domain_region(auth_url) is not None:
        return host.split(".", 1)[0]
    return host


def make_client(ctx: RunContext, request: AuditRequest) -> CognitoIdentityProviderClient:
    ref = pool_ref(ctx.config.certs_url)
    return cognito_client(ref.region, request.endpoint_url, ctx.settings.timeout)


def describe_client(
    api: CognitoIdentityProviderClient, pool_id: str, client_id: str
) -> Mapping[str, Any] | ApiFailure:
    """DescribeUserPoolClient's ``UserPoolClient`` (or why not)."""
    result = call(
        "DescribeUserPoolClient",
        api.describe_user_pool_client,
        UserPoolId=pool_id,
        ClientId=client_id,
    )
    return result if isinstance(result, ApiFailure) else dict(result.get("UserPoolClient", {}))


def read_pool(
    ctx: RunContext,
    request: AuditRequest,
    *,
    api: CognitoIdentityProviderClient | None = None,
) -> PoolAudit:
    """Every read of the audit into ``ctx.pool_audit`` (also returned).

    ``request.described_client`` is a DescribeUserPoolClient result already fetched this
    run (``--client-secret-from-aws``), so that call is not repeated.
    """
    start = time.perf_counter()
    ref = pool_ref(ctx.config.certs_url)
    api = api or make_client(ctx, request)
    failures: list[ApiFailure] = []
    client_id = ctx.config.client_id or ""
    audit = PoolAudit(ref.pool_id, ref.region, client_id, team_name=request.team_name)
    pool = call("DescribeUserPool", api.describe_user_pool, UserPoolId=ref.pool_id)
    if isinstance(pool, ApiFailure):
        failures.append(pool)
        audit = _with(audit, failures=tuple(failures), elapsed=start)
        ctx.pool_audit = audit
        return audit
    described = request.described_client or describe_client(api, ref.pool_id, client_id)
    client: Mapping[str, Any] | None = None
    if isinstance(described, ApiFailure):
        failures.append(described)
    else:
        client = described
    domain_name = domain_of(ctx.config.auth_url)
    domain: Mapping[str, Any] | None = None
    if domain_name is not None:
        found = call("DescribeUserPoolDomain", api.describe_user_pool_domain, Domain=domain_name)
        if isinstance(found, ApiFailure):
            failures.append(found)
        else:
            domain = dict(found.get("DomainDescription") or {})
    groups = call("ListGroups", api.list_groups, UserPoolId=ref.pool_id, Limit=60)
    group_names: tuple[str, ...] | None = None
    if isinstance(groups, ApiFailure):
        failures.append(groups)
    else:
        group_names = tuple(g["GroupName"] for g in groups.get("Groups", []))
    users = {name: read_user(api, ref.pool_id, name) for name in dict.fromkeys(request.usernames)}
    audit = PoolAudit(
        ref.pool_id,
        ref.region,
        client_id,
        pool=dict(pool.get("UserPool", {})),
        client=client,
        domain_name=domain_name,
        domain=domain,
        groups=group_names,
        users=users,
        failures=tuple(failures),
        team_name=request.team_name,
    )
    audit = _with(audit, elapsed=start)
    ctx.pool_audit = audit
    return audit


def read_token_user(ctx: RunContext, request: AuditRequest) -> None:
    """After the login: the user calls for the token's ``cognito:username`` when no username
    was given (``--login browser`` or ``paste``), so the claim checks can name causes."""
    audit = ctx.pool_audit
    name = (ctx.id_token_claims or {}).get("cognito:username")
    if audit is None or audit.pool is None or audit.users or not isinstance(name, str):
        return
    api = make_client(ctx, request)
    ctx.pool_audit = _replace(audit, users={name: read_user(api, audit.pool_id, name)})


def read_user(api: CognitoIdentityProviderClient, pool_id: str, username: str) -> UserFacts:
    user = call("AdminGetUser", api.admin_get_user, UserPoolId=pool_id, Username=username)
    if isinstance(user, ApiFailure):
        return UserFacts(username, failures=(user,))
    groups = call(
        "AdminListGroupsForUser",
        api.admin_list_groups_for_user,
        UserPoolId=pool_id,
        Username=username,
        Limit=60,
    )
    if isinstance(groups, ApiFailure):
        return UserFacts(username, user=dict(user), failures=(groups,))
    names = tuple(g["GroupName"] for g in groups.get("Groups", []))
    return UserFacts(username, user=dict(user), groups=names)


def _replace(audit: PoolAudit, **changes: Any) -> PoolAudit:
    from dataclasses import replace

    return replace(audit, **changes)


def _with(audit: PoolAudit, *, elapsed: float, **changes: Any) -> PoolAudit:
    return _replace(audit, elapsed_ms=round((time.perf_counter() - elapsed) * 1000, 1), **changes)
