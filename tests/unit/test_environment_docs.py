"""Every environment variable the tool reads is documented in docs/environment.md."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
# Names the code reads: NAME_ENV = "X" constants, environ.get("X"), environ["X"], getenv("X").
_READ = re.compile(r'(?:_ENV\s*=\s*|environ\.get\(|environ\[|getenv\()"([A-Z][A-Z0-9_]+)"')
# Read for the tool by libraries (boto3, httpx, webbrowser, shutil), named in messages.
_LIBRARIES = ("AWS_PROFILE", "AWS_REGION", "AWS_ENDPOINT_URL", "HTTP_PROXY", "NO_PROXY", "BROWSER")


def test_every_variable_read_is_documented() -> None:
    sources = [p for p in (ROOT / "oidc_probe").rglob("*.py") if "fake_cognito" not in p.parts]
    read = {name for path in sources for name in _READ.findall(path.read_text("utf-8"))}
    assert {"OIDC_PROBE_CLIENT_SECRET", "OIDC_PROBE_USERNAME", "CLOUDFLARE_API_TOKEN"} <= read
    page = (ROOT / "docs" / "environment.md").read_text("utf-8")
    missing = sorted(n for n in read | set(_LIBRARIES) if f"`{n}`" not in page)
    assert not missing, f"not in docs/environment.md: {missing}"
