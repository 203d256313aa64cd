"""How a command runs one probe: the pipeline, then the checks.

:class:`ProbeRunner` is the seam ``check`` and ``demo`` take (tests pass their own);
:func:`default_probe` is the real pipeline with a headless login, then the checks;
:func:`pipeline_only` the same without the checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Sequence

    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding
    from oidc_probe.core.settings import RunSettings
    from oidc_probe.login.base import LoginDriver


class ProbeRunner(Protocol):
    """Runs the pipeline and the checks. ``login`` False stops after discovery and JWKS."""

    def __call__(
        self, config: ProbeConfig, settings: RunSettings, *, login: bool
    ) -> tuple[RunContext, list[Finding]]: ...


def default_probe(
    config: ProbeConfig,
    settings: RunSettings,
    *,
    login: bool,
    driver: LoginDriver | None = None,
    warm: Sequence[str] = (),
) -> tuple[RunContext, list[Finding]]:
    """The real pipeline with ``driver`` (default: the headless form login), then the checks.

    ``warm`` names modules the caller needs after the run, imported during the login.
    """
    from oidc_probe.run import pipeline

    # The checks are imported after the run: during it, in the background (pipeline.LATE_MODULES).
    if login:
        from oidc_probe.login.initiate_auth import headless_driver

        if driver is None:
            driver = headless_driver(config, settings)
        ctx = pipeline.run_probe(config, settings, driver=driver, warm=warm)
        from oidc_probe.checks.catalogue import run_checks

        return ctx, run_checks(ctx)
    ctx = pipeline.run_discovery_only(config, settings)
    from oidc_probe.checks.catalogue import all_checks, run_checks
    from oidc_probe.run.plans import DISCOVER

    return ctx, run_checks(ctx, DISCOVER.select(all_checks(), aws=settings.aws is not None))


def pipeline_only(
    config: ProbeConfig, settings: RunSettings, *, login: bool
) -> tuple[RunContext, list[Finding]]:
    """The pipeline with the headless login and no checks: what a login gives
    (:func:`oidc_probe.run.probe_case.sign_in`); ``login`` False stops after discovery."""
    from oidc_probe.run import pipeline

    if not login:
        return pipeline.run_discovery_only(config, settings), []
    from oidc_probe.login.initiate_auth import headless_driver

    return pipeline.run_probe(config, settings, driver=headless_driver(config, settings)), []
