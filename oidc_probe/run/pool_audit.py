"""Run the pool audit (``check --aws``) in a background thread beside discovery and the login.

The AWS calls take a few hundred milliseconds; overlapping them with the HTTP stages
keeps ``check --aws`` about as fast as ``check``. An error that stops the audit (no
credentials, boto3 missing, a bug) is raised again when the thread is joined.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from oidc_probe.core.context import RunContext
from oidc_probe.core.model import Stage


@dataclass
class PoolAuditThread:
    """The pool audit running beside the HTTP stages, and its error and duration once joined."""

    ctx: RunContext
    thread: threading.Thread | None = None
    error: Exception | None = field(default=None, repr=False)
    # The audit's duration, put into ctx.timings_ms by join() in the caller's thread: the
    # main thread reorders that dict while the audit runs (pipeline._order_timings).
    elapsed_ms: float | None = None

    def _run(self) -> None:
        from oidc_probe.stages.aws_pool import read_pool

        request = self.ctx.settings.aws
        assert request is not None
        try:
            self.elapsed_ms = read_pool(self.ctx, request).elapsed_ms
        except Exception as exc:  # raised again in the caller's thread by join()
            self.error = exc

    def __enter__(self) -> PoolAuditThread:
        return self

    def __exit__(self, kind: object, error: object, traceback: object) -> None:
        """When the run failed before :meth:`join`, give the thread a moment to end.

        It is a daemon doing read-only calls, so it never holds up the exit; its own
        error, if any, is dropped in favour of the one already being raised.
        """
        if error is not None and self.thread is not None:
            self.thread.join(timeout=0.5)

    def join(self) -> None:
        """Wait for the audit; re-raise what stopped it; record its timing. Then, when no
        username was given, read the user the ID token names (one AdminGetUser, one
        AdminListGroupsForUser)."""
        if self.thread is None:
            return
        self.thread.join()
        if self.error is not None:
            raise self.error
        if self.elapsed_ms is not None:
            self.ctx.timings_ms[Stage.POOL.key] = self.elapsed_ms
        from oidc_probe.stages.aws_pool import read_token_user

        request = self.ctx.settings.aws
        assert request is not None
        read_token_user(self.ctx, request)


def start_pool_audit(ctx: RunContext) -> PoolAuditThread:
    """Start the audit when ``--aws`` asked for it (else a no-op to join)."""
    running = PoolAuditThread(ctx)
    if ctx.settings.aws is not None:
        running.thread = threading.Thread(target=running._run, name="pool-audit", daemon=True)
        running.thread.start()
    return running
