"""``cloudflare-config --from-aws``: Cloudflare's identity-provider JSON from the real pool and
app client, read through the AWS API (DescribeUserPool, DescribeUserPoolClient, ListGroups).

The domain is the pool's custom domain, else its prefix domain; the scopes are those the
client allows (``openid``, ``email``, ``profile`` first); the suggested ``claims`` are the
custom attributes the client can read, plus ``cognito:groups`` when the pool has groups.
The client secret is the client's own (or ``OIDC_PROBE_CLIENT_SECRET``), registered with
the redactor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from oidc_probe.run.host import Host
    from oidc_probe.run.requests import CloudflareConfigRequest
    from oidc_probe.run.results import IdpBody

_FIRST_SCOPES = ("openid", "email", "profile")


def from_aws(request: CloudflareConfigRequest, pool_id: str, host: Host) -> IdpBody:
    from oidc_probe.core.cognito import POOL_ID, domain_base, issuer_configuration, issuer_url
    from oidc_probe.core.config import SECRET_ENV
    from oidc_probe.core.pool import ApiFailure
    from oidc_probe.plumbing.aws import call, cognito_client
    from oidc_probe.plumbing.outfile import writable_output
    from oidc_probe.run.aws_inputs import audit_request
    from oidc_probe.run.login_factory import checked_team_name
    from oidc_probe.run.results import IdpBody
    from oidc_probe.stages.aws_pool import describe_client

    match = POOL_ID.match(pool_id)
    if match is None:
        raise UsageError(f"--pool-id {pool_id!r} is not shaped like <region>_<id>")
    region = match.group("region")
    if request.region and request.region != region:
        raise UsageError(f"--pool-id {pool_id} belongs to region {region}, not {request.region}")
    audit = audit_request(request.aws_endpoint, (), None)
    output = writable_output(request.output)
    api = cognito_client(region, audit.endpoint_url, request.transport.timeout)
    described = call("DescribeUserPool", api.describe_user_pool, UserPoolId=pool_id)
    if isinstance(described, ApiFailure):
        raise UsageError(f"cloudflare-config --from-aws: {described.describe()}")
    pool: dict[str, Any] = dict(described.get("UserPool", {}))
    client = describe_client(api, pool_id, request.client_id)
    if isinstance(client, ApiFailure):
        raise UsageError(f"cloudflare-config --from-aws: {client.describe()}")
    secret = None
    if not request.omit_secret:
        secret = client.get("ClientSecret") or host.environ.get(SECRET_ENV)
        if not secret:
            raise UsageError(
                f"app client {request.client_id} has no client secret (Access needs a "
                "confidential client; see AWS003), and OIDC_PROBE_CLIENT_SECRET is not set"
            )
        host.redactor.add(str(secret))
    domain = request.domain or pool.get("CustomDomain") or pool.get("Domain")
    if not domain:
        raise UsageError(f"pool {pool_id} has no domain: create one, or pass --domain")
    base = domain_base(str(domain), region)
    allowed = list(client.get("AllowedOAuthScopes") or [])
    scopes = list(request.scopes or _ordered(allowed))
    if "openid" not in allowed:
        host.warn(f"app client {request.client_id} does not allow the openid scope (see AWS005)")
    _warn_callback(client, request.team_name and checked_team_name(request.team_name), host)
    config: dict[str, Any] = {"client_id": request.client_id}
    if secret is not None:
        config["client_secret"] = str(secret)
    config.update(
        {
            "auth_url": f"{base}/oauth2/authorize",
            "token_url": f"{base}/oauth2/token",
            "certs_url": f"{issuer_url(region, pool_id, issuer_configuration(pool))}"
            "/.well-known/jwks.json",
            "scopes": scopes,
            "claims": list(request.claims or _suggested_claims(api, pool_id, pool, client, host)),
            "pkce_enabled": bool(request.pkce_enabled),
            "email_claim_name": request.email_claim_name,
        }
    )
    body = {
        "name": request.name or f"Amazon Cognito ({pool.get('Name') or pool_id})",
        "type": "oidc",
        "config": config,
    }
    return IdpBody(body, None if secret is None else str(secret), output)


def _ordered(allowed: list[str]) -> list[str]:
    first = [s for s in _FIRST_SCOPES if s in allowed]
    return first + [s for s in allowed if s not in first]


def _suggested_claims(
    api: Any, pool_id: str, pool: dict[str, Any], client: Any, host: Host
) -> list[str]:
    """The readable custom attributes, and ``cognito:groups`` when the pool has groups.

    Cloudflare's own Cognito example lists ``cognito:groups`` in ``claims``
    (fixtures/configs/cloudflare-cognito-example.json); Cognito puts it in the ID token
    only for a user in a group, so it is suggested only for a pool that has groups.
    """
    from oidc_probe.core.pool import ApiFailure
    from oidc_probe.plumbing.aws import call

    claims = _readable_customs(pool, client)
    listed = call("ListGroups", api.list_groups, UserPoolId=pool_id, Limit=1)
    if isinstance(listed, ApiFailure):
        host.warn(
            f"cannot tell whether the pool has groups ({listed.describe()}); add cognito:groups "
            "to claims if Access policies use Cognito groups"
        )
    elif listed.get("Groups"):
        claims.append("cognito:groups")
        host.err(
            "oidc-probe: claims include cognito:groups: the pool has groups (Access's "
            "policies can match them as OIDC claims)"
        )
    return claims


def _readable_customs(pool: dict[str, Any], client: Any) -> list[str]:
    schema = [a.get("Name", "") for a in pool.get("SchemaAttributes") or []]
    customs = [n for n in schema if n.startswith("custom:")]
    read = list(client.get("ReadAttributes") or [])
    return [n for n in customs if not read or n in read]


def _warn_callback(client: Any, team: str | None, host: Host) -> None:
    callbacks = list(client.get("CallbackURLs") or [])
    if team:
        wanted = f"https://{team}.cloudflareaccess.com/cdn-cgi/access/callback"
        if wanted not in callbacks:
            host.warn(f"Access's callback {wanted} is not registered on the app client")
    elif not any(".cloudflareaccess.com/" in url for url in callbacks):
        host.warn("no *.cloudflareaccess.com callback URL is registered on the app client")
