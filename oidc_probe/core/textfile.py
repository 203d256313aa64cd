"""Reading the files a user names (config, users, policies, groups, baseline): regular
files only, with a size cap, so a FIFO, a device or a huge file is one line, not a hang.

``O_NONBLOCK`` keeps the open itself from waiting on a FIFO with no writer; the
type is then checked on the open descriptor (no race with a swapped path).
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_INPUT_BYTES = 4 * 1024 * 1024


class InputFileError(OSError):
    """The file is not one the tool reads; ``str()`` is the reason, for one line."""

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EINVAL, reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


def read_input_bytes(path: str | Path, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them.

    Raises :class:`FileNotFoundError`, :class:`IsADirectoryError`, :class:`InputFileError`
    (not a regular file; too large) or another :class:`OSError`.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
        if not stat.S_ISREG(info.st_mode):
            raise InputFileError("not a regular file (a FIFO, device or socket is not read)")
        if info.st_size > limit:
            raise InputFileError(f"larger than {limit // (1024 * 1024)} MiB; not read")
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            raise InputFileError(f"larger than {limit // (1024 * 1024)} MiB; not read")
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_input_text(path: str | Path, limit: int = MAX_INPUT_BYTES) -> str:
    """:func:`read_input_bytes` decoded as UTF-8 (:class:`UnicodeDecodeError` otherwise)."""
    return read_input_bytes(path, limit).decode("utf-8")
