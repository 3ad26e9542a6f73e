"""Reading the user's files safely: regular files only, never more than a cap.

A "file" the user points at can be a FIFO (reading it waits forever), a device
such as /dev/zero (reading it fills the memory) or a folder. Every input file
takehome reads (client lists, topic files, the profile, templates, the sent log)
goes through ``read_regular``: it opens without blocking, checks that what it
opened is a regular file, and reads at most ``limit`` bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from takehome.errors import TakehomeError

MB = 1024 * 1024
# Caps, far above any real file: a day's list is kilobytes, a topic file a few.
CSV_LIMIT = 20 * MB
TOPIC_LIMIT = 1 * MB
PROFILE_LIMIT = 1 * MB
TEMPLATE_LIMIT = 2 * MB
SENT_LOG_LIMIT = 50 * MB


def _size_text(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit // 1024} KB"


def is_regular(path: Path) -> bool:
    """True for a regular file (or a link to one): never blocks, never raises."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_regular(path: Path, *, limit: int, what: str = "the file") -> bytes:
    """The bytes of ``path``, or a one-line TakehomeError naming it and the fix.

    ``what`` names the file's role in the message ("the client list").
    """
    try:
        # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except IsADirectoryError:
        raise TakehomeError(f"{path}: is a folder, not {what}; give the file's path") from None
    except FileNotFoundError:
        raise TakehomeError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise TakehomeError(
            f"{path}: cannot read {what} ({exc.strerror}); check the path and its permissions"
        ) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise TakehomeError(f"{path}: is a folder, not {what}; give the file's path")
        if not stat.S_ISREG(info.st_mode):
            raise TakehomeError(
                f"{path}: is not a regular file (a pipe or device?); save {what} as a file "
                "and give its path"
            )
        if info.st_size > limit:
            raise TakehomeError(
                f"{path}: is larger than {_size_text(limit)}, more than {what} can be; "
                "check that this is the right file"
            )
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise TakehomeError(
                    f"{path}: is larger than {_size_text(limit)}, more than {what} can be; "
                    "check that this is the right file"
                )
        return b"".join(chunks)
    except OSError as exc:
        raise TakehomeError(
            f"{path}: cannot read {what} ({exc.strerror}); check the file"
        ) from None
    finally:
        os.close(fd)


def read_utf8(path: Path, *, limit: int, what: str) -> str:
    """A regular file's text; not UTF-8 is one line naming the file and the fix."""
    data = read_regular(path, limit=limit, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise TakehomeError(f"{path}: the file is not UTF-8 text; save it as UTF-8") from None


def read_toml(path: Path, *, limit: int, what: str) -> dict:
    """A TOML file as a dict; any problem is one line naming the file and the fix."""
    import tomllib

    text = read_utf8(path, limit=limit, what=what)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TakehomeError(f"{path}: not valid TOML: {exc}; fix the syntax there") from None
