"""``oidc-probe check``: run the flow Access runs against a real provider and report."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console
    from oidc_probe.cli.output import OutputOptions
    from oidc_probe.run.requests import ProbeRequest
    from oidc_probe.run.results import SingleRun
    from oidc_probe.run.runner import ProbeRunner


def add_options(check: argparse.ArgumentParser) -> None:
    from oidc_probe.cli.access_inputs import add_access_options
    from oidc_probe.cli.login_modes import add_login_options
    from oidc_probe.cli.options import add_config_options, add_expect_options, add_flow_options
    from oidc_probe.cli.output import add_output_options

    add_config_options(check)
    add_flow_options(check)
    add_login_options(check)
    add_output_options(check)
    add_expect_options(check)
    add_access_options(check)
    from oidc_probe.cli.aws_options import add_check_aws_options

    add_check_aws_options(check)


def run(args: argparse.Namespace, console: Console, probe: ProbeRunner | None) -> int:
    """Build the request, run the use case, emit the report (``discover`` comes here too)."""
    from oidc_probe.cli.requests import probe_request

    request = probe_request(args)
    if request.transport.ca_bundle is None:
        from oidc_probe.plumbing.trust import preload

        preload()  # the CA certificates are read while the run below is set up
    from oidc_probe.cli.output import OutputOptions

    options = OutputOptions.from_args(args)
    interactive = _person_logs_in(request, console)
    return probe_and_emit(request, options, console, probe, interactive=interactive)


def probe_and_emit(
    request: ProbeRequest,
    options: OutputOptions,
    console: Console,
    probe: ProbeRunner | None,
    *,
    interactive: bool,
) -> int:
    """Run the ``check`` use case and emit its report (``demo`` comes here too).

    A single run's report is printed while the login session is open (``on_result``), so
    the browser mode shows the results page in the user's tab after it. ``interactive``: a
    person logs in, and gets prompts instead of a progress line.
    """
    from oidc_probe.cli.aws_options import warn_denied
    from oidc_probe.cli.login_modes import results_page
    from oidc_probe.cli.output import emit_multi_report, emit_report
    from oidc_probe.cli.progress import progress_shown, wanted
    from oidc_probe.report.formats import RENDERER_MODULES
    from oidc_probe.run.probe_case import probe as run_probe

    codes: list[int] = []
    shown = wanted(console, quiet=options.quiet, interactive=interactive)
    with progress_shown(console, enabled=shown) as end_progress:

        def emit(single: SingleRun) -> None:
            end_progress()  # the report replaces the progress line
            codes.append(emit_report(single.ctx, single.findings, options, console))

        result = run_probe(
            request,
            console,
            runner=probe,
            warm=[RENDERER_MODULES[d.fmt] for d in options.destinations],
            on_result=emit,
            results_page=results_page,
        )
    from oidc_probe.run.results import SingleRun  # after the run: not on its critical path

    if isinstance(result, SingleRun):
        warn_denied(result.ctx.pool_audit, console)
        return codes[0]
    code = emit_multi_report(result, options, console)
    warn_denied(result.shared.pool_audit, console)
    return code


def _person_logs_in(request: ProbeRequest, console: Console) -> bool:
    """Whether a person logs in (browser, paste): they get prompts, not a progress line."""
    from oidc_probe.core.errors import UsageError
    from oidc_probe.run.login_factory import PERSON_LOGS_IN, choose_login_mode

    if request.discovery_only or request.ci.users_file is not None:
        return False
    try:
        return choose_login_mode(request.login, console) in PERSON_LOGS_IN
    except UsageError:
        return False  # the use case says it, in its turn
