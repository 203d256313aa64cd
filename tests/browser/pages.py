"""What the browser tests do in a page: sign in at the emulator, catch the URL the CLI opens."""

from __future__ import annotations

import base64
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Page


def sign_in(page: Page, username: str, password: str) -> None:
    """Fill the emulator's sign-in page, classic (its form is there twice, as Cognito's) or
    the JavaScript one."""
    page.locator("input[name=username] >> visible=true").first.fill(username)
    page.locator("input[name=password] >> visible=true").first.fill(password)
    page.locator("[name=signInSubmitButton] >> visible=true").first.click()


def browser_opener(directory: Path) -> tuple[Path, Path]:
    """A ``BROWSER`` command that writes the URL it is given to a file: (command, file)."""
    opened = directory / "opened-url"
    opener = directory / "open-in-test-browser"
    opener.write_text(f'#!/bin/sh\nprintf "%s\\n" "$1" > "{opened}"\n')
    opener.chmod(opener.stat().st_mode | stat.S_IXUSR)
    return opener, opened


def wait_for_file(path: Path, timeout: float = 10.0) -> str:
    """The URL the CLI opened; the file is removed so the next run's URL can be awaited."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().strip():
            text = path.read_text().strip()
            path.unlink()
            return text
        time.sleep(0.05)
    raise AssertionError(f"the CLI did not open a browser (nothing in {path})")


def capture_redirects(
    page: Page, prefix: str, *, status: int = 400, body: bytes = b"Cloudflare Access: invalid state"
) -> list[str]:
    """Answer requests under ``prefix`` locally (redirect hops included, which Playwright's
    ``page.route`` does not see); return their URLs as they come."""
    captured: list[str] = []
    cdp = page.context.new_cdp_session(page)

    def paused(event: dict[str, Any]) -> None:
        captured.append(event["request"]["url"])
        cdp.send(
            "Fetch.fulfillRequest",
            {
                "requestId": event["requestId"],
                "responseCode": status,
                "responseHeaders": [{"name": "Content-Type", "value": "text/plain"}],
                "body": base64.b64encode(body).decode(),
            },
        )

    cdp.on("Fetch.requestPaused", paused)
    cdp.send("Fetch.enable", {"patterns": [{"urlPattern": prefix + "*"}]})
    return captured
