"""Reading the TOML-or-JSON files named by options such as ``--users`` and ``--baseline``.

``.toml`` files are read as TOML, anything else as JSON. Every problem is a
:class:`ConfigError` with one line naming the option or the file.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from oidc_probe.core.errors import ConfigError
from oidc_probe.core.textfile import InputFileError, read_input_text


def is_toml(source: str) -> bool:
    return source.lower().endswith(".toml")


def read_option_file(path: str | Path, option: str) -> str:
    """The UTF-8 text of the file given to ``option``."""
    where = f"{option} {path}"
    try:
        return read_input_text(path)
    except InputFileError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    except IsADirectoryError:
        raise ConfigError(f"{where}: is a directory") from None
    except FileNotFoundError:
        raise ConfigError(f"{where}: file not found") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{where}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read ({exc.strerror})") from None


def parse_document(text: str, source: str, *, toml: bool) -> Any:
    """The decoded TOML or JSON document; errors name ``source`` (and the position in JSON)."""
    try:
        return tomllib.loads(text) if toml else json.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{source}: invalid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{source}: {exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    except RecursionError:
        raise ConfigError(f"{source}: nested too deeply") from None
    except ValueError:  # a number past Python's 4300-digit limit
        raise ConfigError(f"{source}: a number too large to read") from None
