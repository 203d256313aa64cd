"""Writing the files the tool produces: never through a symbolic link, owner-only when
they may hold a secret or a token; :func:`writable_output` checks the path before the run.

``O_NOFOLLOW`` refuses a symbolic link as the last component (one line, exit 2: an
attacker's link in a shared directory cannot redirect the write); ``O_NONBLOCK`` keeps
a FIFO from hanging the run, and anything but a regular file is refused. A private file
is created with mode 0600, and an existing one is narrowed to 0600 before it is written.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from oidc_probe.core.errors import UsageError

PRIVATE_MODE = 0o600


def write_output(path: Path, text: str, *, private: bool, option: str = "--output") -> None:
    """Write ``text`` to ``path`` (UTF-8); ``private``: mode 0600. Problems are one line."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, PRIVATE_MODE if private else 0o666)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(
                f"{option} {path}: is a symbolic link; not written through it "
                "(name the file itself)"
            ) from None
        if exc.errno == errno.ENXIO:
            raise UsageError(f"{option} {path}: not a regular file") from None
        raise UsageError(f"{option} {path}: cannot write ({exc.strerror or exc})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError(f"{option} {path}: not a regular file")
        if private:
            os.fchmod(fd, PRIVATE_MODE)
        os.ftruncate(fd, 0)
        os.set_blocking(fd, True)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fd = -1
            handle.write(text)
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write ({exc.strerror or exc})") from None
    finally:
        if fd >= 0:
            os.close(fd)


def writable_output(value: str | None) -> Path | None:
    """``--output FILE``, checked before the run, so a long probe is not wasted on an unwritable
    path."""
    if value is None:
        return None
    path = Path(value)
    if path.is_symlink():
        raise UsageError(
            f"--output {value}: is a symbolic link; not written through it (name the file itself)"
        )
    if path.is_dir():
        raise UsageError(f"--output {value}: is a directory; give a file name")
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"--output {value}: directory {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"--output {value}: not writable")
    return path
