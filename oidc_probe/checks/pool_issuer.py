"""Pool check AWS015: the issuer host the pool's issuer configuration gives its tokens.

Registered with the other pool checks (see :mod:`oidc_probe.checks.pool`); it judges the
``DescribeUserPool`` answer in ``ctx.pool_audit``.
"""

from __future__ import annotations

from collections.abc import Iterator

from oidc_probe.checks.pool import POOL
from oidc_probe.checks.registry import check
from oidc_probe.core import cognito
from oidc_probe.core.config import derive_issuer
from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Outcome, Stage, Status, passed, skipped, warned
from oidc_probe.core.pool import PoolAudit


@check(
    "AWS015",
    "issuer-configuration",
    Stage.POOL,
    refs=("COGNITO-issuer-configuration", "COGNITO-verify-jwt", "CF-cognito"),
    severity=Status.WARN,
    needs=(POOL,),
)
def issuer_configuration(ctx: RunContext, audit: PoolAudit) -> Iterator[Outcome]:
    """certs_url is on the issuer host the pool's issuer configuration gives its tokens.

    What it checks: ``DescribeUserPool`` returns ``IssuerConfiguration.Type``: ``ORIGINAL``
    (issuer ``https://cognito-idp.<region>.amazonaws.com/<poolId>``) or ``UPDATED``
    (``https://issuer-cognito-idp.<region>.amazonaws.com/<poolId>``, the region being the
    pool's primary one). certs_url without ``/.well-known/jwks.json`` must be that issuer.
    When the API does not return the field (older API versions, emulators such as moto),
    or certs_url is not on a Cognito issuer host (an emulator, a proxy), the check is
    skipped: there is nothing to compare.

    Why it matters: the ID tokens' ``iss`` names the issuer of the configuration, so a
    certs_url written for the other one makes IDT005 fail (and a verifier that derives
    the issuer from the JWKS URL rejects every token). Whether Access compares ``iss``
    with certs_url is not documented (unknown), and AWS says UPDATED issuers host the same
    JWKS content, so the signature may still verify: hence a warning. It is the likely
    cause when a pool moved to the UPDATED configuration after its Cloudflare config was
    written.

    How to fix: set certs_url to ``<issuer>/.well-known/jwks.json`` for the issuer named
    here (``oidc-probe cloudflare-config --from-aws`` writes it).

    References: AWS API reference, IssuerConfigurationType; AWS: verifying a JWT;
    Cloudflare: Amazon Cognito as an identity provider.
    """
    kind = cognito.issuer_configuration(audit.pool)
    if kind is None:
        yield skipped(
            "DescribeUserPool named no issuer configuration (ORIGINAL or UPDATED), so the "
            "issuer host is unknown"
        )
        return
    expected = cognito.issuer_url(audit.region, audit.pool_id, kind)
    if not ctx.config.usable("certs_url"):
        yield skipped("certs_url is a template value (see CFG001)")
        return
    if cognito.idp_host_region(ctx.config.certs_url) is None:
        yield skipped(
            f"certs_url is not on a Cognito issuer host (an emulator or a proxy), so it "
            f"cannot be compared with the pool's {kind} issuer {expected}"
        )
        return
    actual = derive_issuer(ctx.config.certs_url)
    if actual.rstrip("/") == expected:
        yield passed(f"certs_url is on the {kind} issuer of the pool, {expected}", actual=kind)
        return
    yield warned(
        f"the pool's issuer configuration is {kind}, so its tokens carry iss {expected}, but "
        f"certs_url belongs to {actual}",
        hint=f"set certs_url to {expected}/.well-known/jwks.json",
        expected=f"{expected}/.well-known/jwks.json",
        actual=ctx.config.certs_url,
    )
