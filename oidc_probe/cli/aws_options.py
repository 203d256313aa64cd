"""The AWS options (``audit``, ``check --aws``, ``cloudflare-config --from-aws``) and the
warning about denied calls; what they ask of AWS is :mod:`oidc_probe.run.aws_inputs`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.core.pool import PoolAudit


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


def warn_denied(audit: PoolAudit | None, console: Console) -> None:
    """One line per IAM action AWS denied."""
    if audit is not None:
        for failure in audit.denied():
            console.warn(failure.describe())
