"""The AWS options (``audit``, ``check --aws``, ``cloudflare-config --from-aws``) and the
glue that runs the pool audit for a command. Standard library only until an option is used.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from oidc_probe.core.errors import UsageError

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.pool import AuditRequest, PoolAudit


def add_endpoint_option(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--aws-endpoint",
        metavar="URL",
        help="the Cognito API endpoint (default AWS_ENDPOINT_URL, else AWS's own; for moto "
        "or LocalStack)",
    )


def add_check_aws_options(parser: argparse.ArgumentParser) -> None:
    """``check --aws``: the pool audit beside the login."""
    group = parser.add_argument_group(
        "pool audit through the AWS API (needs pip install 'oidc-probe[aws]')"
    )
    group.add_argument(
        "--aws",
        action="store_true",
        help="also read the pool, app client, domain and user through the AWS API (read-only) "
        "and name the cause of failing claim checks",
    )
    group.add_argument(
        "--client-secret-from-aws",
        action="store_true",
        help="take the client secret from DescribeUserPoolClient when neither the config nor "
        "OIDC_PROBE_CLIENT_SECRET gives one",
    )
    add_endpoint_option(group)


def require_boto3() -> None:
    """Exit 2 naming the install command when boto3 is not installed."""
    from importlib.util import find_spec

    from oidc_probe.core.pool import INSTALL_HINT

    if find_spec("boto3") is None:
        raise UsageError(INSTALL_HINT)


def audit_request(
    args: argparse.Namespace, usernames: tuple[str, ...], team_name: str | None
) -> AuditRequest:
    from oidc_probe.core.pool import AuditRequest

    require_boto3()
    endpoint = getattr(args, "aws_endpoint", None) or os.environ.get("AWS_ENDPOINT_URL")
    return AuditRequest(endpoint_url=endpoint, team_name=team_name, usernames=usernames)


def secret_from_aws(
    config: ProbeConfig, request: AuditRequest, timeout: float, console: Console
) -> tuple[ProbeConfig, object]:
    """The config with the client secret from DescribeUserPoolClient, and that response.

    Only when the config (file or OIDC_PROBE_CLIENT_SECRET) has no secret; the secret is
    registered with the redactor before anything can print it.
    """
    from dataclasses import replace

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
    console.redactor.add(str(secret))
    return replace(config, client_secret=str(secret)), described


def warn_denied(audit: PoolAudit | None, console: Console) -> None:
    """One line per IAM action AWS denied."""
    if audit is not None:
        for failure in audit.denied():
            console.warn(failure.describe())
