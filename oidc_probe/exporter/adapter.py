"""The one seam between the exporter and the probe machinery: :func:`run_module_probe`.

A probe of a module is ``oidc-probe check`` with the module's options: this module turns
the module into a :class:`~oidc_probe.run.requests.ProbeRequest` (:func:`module_request`)
and runs the same use case as the command line and the Python API
(:func:`oidc_probe.run.probe_case.probe`), which loads the IdP config, reads the Access
policy files, builds the run settings and picks the login driver. Every default is the
command's (:mod:`oidc_probe.core.defaults`).

The exporter calls :mod:`oidc_probe.run` rather than :mod:`oidc_probe.api`: the API is the
package's face for a user's code (keyword arguments, a :class:`~oidc_probe.api.Result`
with its report, the emulator), a sibling of the command line; the exporter, like the
command line, sits above ``run/`` in the layers (``pyproject.toml``) and needs only the
run's context and findings.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from oidc_probe.exporter.config import Module, read_secret

if TYPE_CHECKING:
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding
    from oidc_probe.run.requests import ProbeRequest


@dataclass(frozen=True)
class ProbeRun:
    """What one probe of a module produced: the run context, the findings, and the secrets
    of the run (to keep out of every output)."""

    ctx: RunContext
    findings: list[Finding]
    secrets: tuple[str, ...]


def check_access_files(module: Module) -> None:
    """Read the module's Access policy and groups files as ``check --policy`` reads them,
    so that a bad one is a ConfigError line at start-up (naming the module), not a failed
    probe. Each probe reads them again (an edit is picked up without a restart)."""
    if not module.policies:
        return
    from oidc_probe.run.access_inputs import read_access_files

    where = f"module {module.name}:"
    read_access_files(
        module.policies,
        module.access_groups,
        policy_option=f"{where} policies",
        groups_option=f"{where} access_groups",
    )


def module_request(
    module: Module, *, timeout: float, password: str | None, client_secret: str | None
) -> ProbeRequest:
    """The ``check`` request a probe of ``module`` makes, with the secrets read for it and
    each request bounded by ``timeout`` seconds."""
    from oidc_probe.core.defaults import DEFAULT_REDIRECT_URI
    from oidc_probe.run.requests import (
        AccessRequest,
        CiRequest,
        ConfigSource,
        LoginRequest,
        ProbeRequest,
        Transport,
    )

    overrides = {"client_secret": client_secret} if client_secret is not None else {}
    return ProbeRequest(
        config=ConfigSource(str(module.idp_config), overrides, module.issuer),
        transport=Transport(
            timeout=timeout, ca_bundle=str(module.ca_bundle) if module.ca_bundle else None
        ),
        login=LoginRequest(
            mode=module.login,
            username=module.username,
            password=password,
            redirect_uri=module.redirect_uri or DEFAULT_REDIRECT_URI,
            client_auth=module.client_auth.value,
            active=module.active,
            cognito_endpoint=module.cognito_endpoint,
        ),
        access=AccessRequest(
            policy_files=tuple(map(str, module.policies)),
            group_files=tuple(map(str, module.access_groups)),
            idp_id=module.idp_id,
            expect_access=module.expect_access,
        ),
        ci=CiRequest(expect=tuple(e.text for e in module.expectations)),
        leeway=module.leeway,
    )


def run_module_probe(
    module: Module,
    *,
    timeout: float,
    environ: Mapping[str, str] | None = None,
) -> ProbeRun:
    """Run one probe of ``module`` (login, tokens, every check), each request bounded by
    ``timeout`` seconds; the secrets are read again for each probe. Raises
    :class:`~oidc_probe.core.errors.ProbeError` for what the module's inputs get wrong (a
    secret not set, an unusable IdP config)."""
    from oidc_probe.run.host import QuietHost
    from oidc_probe.run.probe_case import probe
    from oidc_probe.run.results import SingleRun

    env = os.environ if environ is None else environ
    password = read_secret(module.password, env, "password")
    secret = read_secret(module.client_secret, env, "client secret")
    request = module_request(module, timeout=timeout, password=password, client_secret=secret)
    result = probe(request, QuietHost(env))
    assert isinstance(result, SingleRun)  # a module has one user: never a MultiRun
    ctx = result.ctx
    secrets = (*ctx.secrets(), *(s for s in (password, secret) if s))
    return ProbeRun(ctx, list(result.findings), tuple(secrets))
