"""Import, in a background thread (``run.pipeline`` starts it), modules a run needs only after its first requests.

A probe spends most of its wall time waiting for round trips, with the GIL free;
importing the checks, the report renderers and joserfc meanwhile takes them off the
critical path. Nothing is lost if a module fails to import here: the thread ignores
the error, and the import where the module is used raises it as usual. Only modules
without import cycles may be named (two threads importing a cycle could see a module
half-initialised); the package layers forbid cycles (``lint-imports``).
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable


def import_quietly(names: Iterable[str]) -> None:
    """Import ``names`` in order (meant for a background thread); errors are left for later."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: S112  (the import where the module is used raises it)
            continue
