"""``oidc-probe check --users FILE``: several users in one run (see :mod:`oidc_probe.run.multirun`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.cli.inputs import CiInputs
    from oidc_probe.cli.output import OutputOptions
    from oidc_probe.core.config import ProbeConfig
    from oidc_probe.core.settings import RunSettings


def run_many(
    config: ProbeConfig,
    settings: RunSettings,
    ci: CiInputs,
    options: OutputOptions,
    console: Console,
) -> int:
    from oidc_probe.cli.output import emit_multi_report
    from oidc_probe.run.multirun import run_users
    from oidc_probe.run.users import passwords

    found = passwords(ci.users, console.environ)
    console.redactor.add(*found.values())
    names = ", ".join(u.username for u in ci.users)
    console.err(f"oidc-probe: probing {len(ci.users)} users ({names}), {ci.concurrency} at a time")
    run = run_users(config, settings, ci.users, found, concurrency=ci.concurrency)
    code = emit_multi_report(run, options, console)
    from oidc_probe.cli.aws_options import warn_denied

    warn_denied(run.shared.pool_audit, console)
    return code
