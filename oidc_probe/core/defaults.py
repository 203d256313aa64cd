"""Defaults shared by the argument parser and the run settings; imports nothing."""

from __future__ import annotations

DEFAULT_REDIRECT_URI = "http://localhost:8765/callback"
