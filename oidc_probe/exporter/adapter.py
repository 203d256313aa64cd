"""The one seam between the exporter and the probe machinery: :func:`run_module_probe`.

Everything the exporter needs from a probe run goes through this function, so that
pointing the exporter at another way of running a probe (a public Python API) changes
this module only.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oidc_probe.exporter.config import Module, read_secret

if TYPE_CHECKING:
    from oidc_probe.access.setup import AccessSetup
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding


@dataclass(frozen=True)
class ProbeRun:
    """What one probe of a module produced: the run context, the findings, and the secrets
    of the run (to keep out of every output)."""

    ctx: RunContext
    findings: list[Finding]
    secrets: tuple[str, ...]


def load_access(module: Module) -> AccessSetup | None:
    """The module's Access policies and groups, read from their files (a ConfigError line
    when one cannot be used)."""
    if not module.policies:
        return None
    from oidc_probe.access.policies import AccessGroup, Policy, parse_groups, parse_policies
    from oidc_probe.access.setup import AccessSetup
    from oidc_probe.plumbing.datafile import parse_document, read_option_file

    policies: list[Policy] = []
    for path in module.policies:
        source = f"module {module.name}: policies {path}"
        doc = parse_document(read_option_file(path, "policies"), source, toml=False)
        policies += parse_policies(doc, source, start=len(policies))
    groups: dict[str, AccessGroup] = {}
    for path in module.access_groups:
        source = f"module {module.name}: access_groups {path}"
        groups.update(
            parse_groups(
                parse_document(read_option_file(path, "access_groups"), source, toml=False), source
            )
        )
    return AccessSetup(tuple(policies), groups, module.idp_id, ", ".join(map(str, module.policies)))


def run_module_probe(
    module: Module,
    *,
    timeout: float,
    access: AccessSetup | None = None,
    environ: Mapping[str, str] | None = None,
) -> ProbeRun:
    """Run one probe of ``module`` (login, tokens, every check), each request bounded by
    ``timeout`` seconds. Raises :class:`~oidc_probe.core.errors.ProbeError` for what the
    module's inputs get wrong (a secret not set, an unusable IdP config)."""
    from oidc_probe.core.config import derive_issuer, load_config
    from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.run.runner import default_probe

    env = os.environ if environ is None else environ
    password = read_secret(module.password, env, "password")
    secret = read_secret(module.client_secret, env, "client secret")
    overrides = {"client_secret": secret} if secret is not None else {}
    config = load_config(module.idp_config, overrides, env)
    settings = RunSettings(
        issuer=module.issuer or derive_issuer(config.certs_url),
        issuer_guessed=not module.issuer,
        redirect_uri=module.redirect_uri or DEFAULT_REDIRECT_URI,
        client_auth=module.client_auth,
        login=module.login,
        username=module.username,
        password=password,
        leeway=module.leeway,
        timeout=timeout,
        ca_bundle=str(module.ca_bundle) if module.ca_bundle else None,
        expectations=module.expectations,
        active=module.active,
        cognito_endpoint=module.cognito_endpoint,
        access=access,
        expect_access=module.expect_access,
    )
    ctx, findings = default_probe(config, settings, login=True)
    secrets = (*ctx.secrets(), *(s for s in (password, secret) if s))
    return ProbeRun(ctx, findings, tuple(secrets))
