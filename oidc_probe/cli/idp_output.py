"""``cloudflare-config``'s output: the identity-provider JSON to ``--output FILE`` (mode 0600),
or stdout without the secret unless ``--show-secret``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oidc_probe.cli.console import Console


def emit_body(
    body: dict[str, Any],
    secret: str | None,
    output: Path | None,
    show_secret: bool,
    console: Console,
) -> int:
    """``--output FILE`` (mode 0600), or stdout without the secret unless ``--show-secret``."""
    config = body["config"]
    text = json.dumps(body, indent=2) + "\n"
    if output is not None:
        write_private(output, text)
        console.err(f"oidc-probe: identity-provider JSON written to {output} (mode 0600)")
        return 0
    if secret is not None and not show_secret:
        shown = {**body, "config": {k: v for k, v in config.items() if k != "client_secret"}}
        console.out(json.dumps(shown, indent=2) + "\n")
        console.warn(
            "client_secret left out of stdout: use --output FILE (written with mode 0600) "
            "or --show-secret"
        )
        return 0
    console.out(text, redacted=True)
    return 0


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (it holds the client secret)."""
    from oidc_probe.plumbing.outfile import write_output

    write_output(path, text, private=True)
