"""``fake-cognito --latency MS [--jitter MS]``: model a pool in another region.

:class:`Latency` is an ASGI middleware that sleeps (asynchronously, so other requests
are served meanwhile) before passing each HTTP request on, so every response arrives
``latency`` seconds plus a uniformly random ``[0, jitter]`` later than it would on
loopback. It sits inside the request log, so a request is logged when it arrives.
"""

from __future__ import annotations

import asyncio
import random

from starlette.types import ASGIApp, Receive, Scope, Send


class Latency:
    """Delay every HTTP request by ``latency + uniform(0, jitter)`` seconds."""

    def __init__(self, app: ASGIApp, latency: float, jitter: float = 0.0) -> None:
        if latency < 0 or jitter < 0:
            raise ValueError("latency and jitter must not be negative")
        self.app = app
        self.latency = latency
        self.jitter = jitter

    def delay(self) -> float:
        if not self.jitter:
            return self.latency
        return self.latency + random.uniform(0, self.jitter)  # noqa: S311  (noise, not a secret)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            wait = self.delay()
            if wait > 0:
                await asyncio.sleep(wait)
        await self.app(scope, receive, send)
