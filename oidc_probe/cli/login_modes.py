"""The interactive login modes of ``oidc-probe check``: their options, and the results page.

Which mode runs and its driver are the use case's (:mod:`oidc_probe.run.login_factory`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

from oidc_probe.cli.argtypes import positive_seconds
from oidc_probe.core.defaults import DEFAULT_LOGIN_TIMEOUT

if TYPE_CHECKING:
    from oidc_probe.core.context import RunContext
    from oidc_probe.core.model import Finding


def add_login_options(parser: argparse.ArgumentParser) -> None:
    """The options of the interactive login modes, in their own help group."""
    group = parser.add_argument_group(
        "interactive login (--login browser, paste, headless-browser)"
    )
    group.add_argument(
        "--no-open",
        dest="open_browser",
        action="store_false",
        help="browser: print the login URL instead of opening a browser (for SSH sessions)",
    )
    group.add_argument(
        "--login-timeout",
        type=positive_seconds,
        default=DEFAULT_LOGIN_TIMEOUT,
        metavar="SECONDS",
        help=f"how long to wait for the login to complete (default {DEFAULT_LOGIN_TIMEOUT:g})",
    )
    group.add_argument(
        "--team-name",
        metavar="NAME",
        help="paste: use Access's callback https://NAME.cloudflareaccess.com/cdn-cgi/access/"
        "callback as the redirect URI (implies --login paste)",
    )
    group.add_argument(
        "--callback-url",
        metavar="URL",
        help="paste: the URL the browser landed on, instead of pasting it (implies --login "
        "paste; for scripts: an argument shows in the process list, pasting does not)",
    )
    group.add_argument(
        "--browser-path",
        metavar="PATH",
        help="headless-browser: the Chromium to run (default /usr/bin/chromium or chromium on PATH)",
    )


def results_page(ctx: RunContext, findings: Sequence[Finding]) -> str:
    """The redacted results page; tokens are never included, whatever --show-tokens says."""
    from oidc_probe.plumbing.redact import Redactor
    from oidc_probe.report.html import render_results_page
    from oidc_probe.report.model import Report

    report = Report.from_run(ctx, findings, show_tokens=False).redacted(
        Redactor.for_context(ctx, show_tokens=False)
    )
    header = ctx.id_token.header if ctx.id_token is not None else None
    return render_results_page(report, id_token_header=header)
