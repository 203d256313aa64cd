"""The AWS side of a request: the pool-audit request, and the client secret from AWS.

Standard library only until AWS is asked for (boto3 is an extra).
"""

from __future__ import annotations

import os
from dataclasses import replace
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.pool import AuditRequest
    from oidc_probe.run.host import Host
    from oidc_probe.run.requests import AwsRequest


def require_boto3() -> None:
    """Exit 2 naming the install command when boto3 is not installed."""
    from importlib.util import find_spec

    from oidc_probe.core.pool import INSTALL_HINT

    if find_spec("boto3") is None:
        raise UsageError(INSTALL_HINT)


def audit_request(
    endpoint: str | None, usernames: tuple[str, ...], team_name: str | None
) -> AuditRequest:
    """What to read from the pool; the endpoint defaults to ``AWS_ENDPOINT_URL``."""
    from oidc_probe.core.pool import AuditRequest

    require_boto3()
    endpoint = endpoint or os.environ.get("AWS_ENDPOINT_URL")
    return AuditRequest(endpoint_url=endpoint, team_name=team_name, usernames=usernames)


def aws_inputs(
    request: AwsRequest,
    config: ProbeConfig,
    team_name: str | None,
    timeout: float,
    host: Host,
) -> tuple[ProbeConfig, AuditRequest | None]:
    """``--aws`` and ``--client-secret-from-aws``: the audit request, and the config with the
    client secret from AWS when asked for and not given otherwise."""
    if not (request.audit or request.secret_from_aws):
        if request.endpoint:
            raise UsageError("--aws-endpoint is for --aws or --client-secret-from-aws")
        return config, None
    from oidc_probe.run.login_factory import checked_team_name
    from oidc_probe.stages.aws_pool import pool_ref

    pool_ref(config.certs_url)  # a usage error now, not after the login
    team = checked_team_name(team_name) if team_name else None
    audit = audit_request(request.endpoint, (), team)
    if request.secret_from_aws:
        config, described = secret_from_aws(config, audit, timeout, host)
        audit = replace(audit, described_client=described)  # type: ignore[arg-type]
    return config, audit if request.audit else None


def secret_from_aws(
    config: ProbeConfig, request: AuditRequest, timeout: float, host: Host
) -> tuple[ProbeConfig, object]:
    """The config with the client secret from DescribeUserPoolClient, and that response.

    Only when the config (file or OIDC_PROBE_CLIENT_SECRET) has no secret; the secret is
    registered with the redactor before anything can print it.
    """
    from oidc_probe.core.pool import ApiFailure
    from oidc_probe.plumbing.aws import cognito_client
    from oidc_probe.stages.aws_pool import describe_client, pool_ref

    if config.usable("client_secret"):
        return config, None
    ref = pool_ref(config.certs_url)
    api = cognito_client(ref.region, request.endpoint_url, timeout)
    described = describe_client(api, ref.pool_id, config.client_id or "")
    if isinstance(described, ApiFailure):
        raise UsageError(f"--client-secret-from-aws: {described.describe()}")
    secret = described.get("ClientSecret")
    if not secret:
        raise UsageError(
            f"--client-secret-from-aws: app client {config.client_id} has no client secret "
            "(Access needs a confidential client; see AWS003)"
        )
    host.redactor.add(str(secret))
    return replace(config, client_secret=str(secret)), described
