"""Pipeline stages: I/O and parsing only. Each fills the RunContext and never judges.

A stage whose inputs are missing does nothing and records why in
``ctx.stopped[<stage key>]`` (the keys are :class:`~oidc_probe.core.model.Stage` keys).

May import: ``login``, ``plumbing``, ``core``.
"""

from __future__ import annotations
