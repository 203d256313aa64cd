"""Headless Chromium keeps its sandbox unless it cannot run with it (issue 20, item 7)."""

from __future__ import annotations

from typing import Any

import pytest

from oidc_probe.login import headless
from oidc_probe.login.headless import (
    NO_SANDBOX_AS_ROOT,
    NO_SANDBOX_UNAVAILABLE,
    HeadlessBrowserLogin,
)


class LaunchError(Exception):
    pass


class FakeChromium:
    def __init__(self, *, sandbox_works: bool) -> None:
        self.sandbox_works = sandbox_works
        self.launches: list[bool] = []

    def launch(self, **options: Any) -> str:
        sandbox = bool(options["chromium_sandbox"])
        assert "--no-sandbox" not in options["args"]
        self.launches.append(sandbox)
        if sandbox and not self.sandbox_works:
            raise LaunchError("No usable sandbox! Update your kernel or see ...")
        return "browser"


def _driver(said: list[str]) -> HeadlessBrowserLogin:
    return HeadlessBrowserLogin("u", "p", "/usr/bin/chromium", say=said.append)


@pytest.mark.parametrize(
    ("root", "works", "launches", "notes"),
    [
        (False, True, [True], []),
        (False, False, [True, False], [NO_SANDBOX_UNAVAILABLE]),
        (True, True, [False], [NO_SANDBOX_AS_ROOT]),
    ],
)
def test_the_sandbox_is_dropped_only_when_it_must_be(
    monkeypatch: pytest.MonkeyPatch, root: bool, works: bool, launches: list[bool], notes: list[str]
) -> None:
    monkeypatch.setattr(headless, "_running_as_root", lambda: root)
    chromium = FakeChromium(sandbox_works=works)
    said: list[str] = []
    assert _driver(said)._launch(chromium, LaunchError) == "browser"  # type: ignore[arg-type]
    assert chromium.launches == launches
    assert said == notes


def test_another_launch_error_is_not_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headless, "_running_as_root", lambda: False)

    class Broken(FakeChromium):
        def launch(self, **options: Any) -> str:
            raise LaunchError("executable doesn't exist")

    with pytest.raises(LaunchError):
        _driver([])._launch(Broken(sandbox_works=True), LaunchError)  # type: ignore[arg-type]
