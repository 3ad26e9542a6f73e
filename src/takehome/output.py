"""Where handouts are written: safe file names and atomic, private writes.

A client's name becomes part of the file name, so it is slugged (accents kept,
so "Zoë Núñez" stays readable), NFC-normalised and checked against every
platform's rules (no path separators, no ``..``, no reserved names such as
``CON``). Files are written to a temporary name in the same folder and then
renamed, so a crash never leaves a half-written PDF under the final name, and
they are created with mode 0600 because handouts are health information.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from pathvalidate import ValidationError as PathValidationError
from pathvalidate import sanitize_filename, validate_filename
from slugify import slugify

from takehome.errors import TakehomeError
from takehome.labels import API_LABELS, Labels
from takehome.paths import DEFAULT_OUTPUT_DIR

FORMATS = ("pdf", "html")
MAX_SLUG = 60
# File systems allow 255 bytes for a name; keep well below, since the temporary
# name adds about 20 and a CJK character takes 3 bytes.
MAX_PART_BYTES = 80


def _fit(text: str, limit: int = MAX_PART_BYTES) -> str:
    cut = text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
    return cut.rstrip("-_") if cut != text else text


def default_filename(
    date: dt.date,
    client_name: str,
    topic_keys: tuple[str, ...],
    fmt: str,
    *,
    large_print: bool = False,
) -> str:
    """``2026-11-25_ana-silva_glutes.pdf``: date, client and topics, safe everywhere.

    A large-print handout ends ``_large-print.pdf``, so it never takes the place
    of the usual one made for the same visit.
    """
    client = slugify(client_name, allow_unicode=True, max_length=MAX_SLUG, word_boundary=True)
    client, topics = _fit(client or "client"), _fit("-".join(topic_keys))
    size = "_large-print" if large_print else ""
    name = f"{date.isoformat()}_{client}_{topics}{size}.{fmt}"
    name = sanitize_filename(unicodedata.normalize("NFC", name), platform="universal")
    # Belt and braces: whatever the slugger let through, the result must be one
    # plain file name that cannot climb out of the output folder.
    try:
        validate_filename(name, platform="universal")
    except PathValidationError as exc:  # pragma: no cover - sanitize_filename prevents it
        raise TakehomeError(
            f"cannot make a safe file name for this client ({exc}); name the file yourself"
        ) from exc
    if Path(name).name != name or name.startswith("."):
        raise TakehomeError("cannot make a safe file name for this client; name the file yourself")
    return name


def numbered(path: Path, number: int) -> Path:
    """``name.pdf`` for 1, then ``name-2.pdf``, ``name-3.pdf``: same-named handouts."""
    return path if number == 1 else path.with_name(f"{path.stem}-{number}{path.suffix}")


def choose_format(output_text: str | None, fmt: str | None) -> str:
    """``fmt`` if given, else the output file's suffix (.pdf or .html), else pdf."""
    if fmt:
        return fmt
    suffix = Path(output_text).suffix.lower().lstrip(".") if output_text else ""
    return suffix if suffix in FORMATS else "pdf"


def resolve_output(
    output_text: str | None,
    default_name: str,
    fmt: str,
    default_dir: Path = DEFAULT_OUTPUT_DIR,
    labels: Labels = API_LABELS,
) -> Path:
    """The file to write: ``output`` as a file (with a .pdf/.html suffix) or a folder."""
    flag = labels.output
    if output_text is None:
        return default_dir / default_name
    if not output_text.strip():
        raise TakehomeError(
            f"{flag}: is empty; give a file name ending in .pdf or .html, or a folder"
        )
    output = Path(output_text)
    suffix = output.suffix.lower().lstrip(".")
    if suffix and suffix not in FORMATS and not output.is_dir():
        raise TakehomeError(
            f"{flag} {output}: a handout is a .pdf or .html file; use a name ending in "
            f".pdf or .html, or a folder name without a dot"
        )
    if suffix in FORMATS and not output.is_dir():
        if suffix != fmt:
            raise TakehomeError(
                f"{flag} {output}: the name ends in .{suffix} but the format is {fmt}; "
                f"use a .{fmt} name or the {suffix} format"
            )
        return output.with_name(unicodedata.normalize("NFC", output.name))
    return output / default_name


def check_writable(path: Path, force: bool, labels: Labels = API_LABELS) -> None:
    """Fail early, before rendering, if the file exists and ``force`` is not given."""
    if path.exists() and not force:
        raise TakehomeError(_exists_message(path, labels))
    if path.exists() and path.is_dir():
        raise TakehomeError(f"{path}: is a folder; give a file name ending in .pdf or .html")


def _exists_message(path: Path, labels: Labels = API_LABELS) -> str:
    # Another name first: the file may be another client's handout of the same name.
    return (
        f"{path}: already exists; use {labels.output} to write elsewhere, "
        f"or {labels.force} to replace it"
    )


def _make_private_dirs(folder: Path) -> None:
    # Every folder created here is private (0700), not only the last one.
    missing = []
    for parent in (folder, *folder.parents):
        if parent.exists():
            break
        missing.append(parent)
    for new in reversed(missing):
        new.mkdir(mode=0o700, exist_ok=True)


def ensure_folder(folder: Path, option: str) -> None:
    """Create ``folder`` (privately) and check it can be written, before any work."""
    try:
        _make_private_dirs(folder)
    except OSError as exc:
        raise TakehomeError(
            f"{option} {folder}: cannot create it ({exc.strerror}); choose another folder"
        ) from None
    if not folder.is_dir() or not os.access(folder, os.W_OK | os.X_OK):
        raise TakehomeError(f"{option} {folder}: cannot write there; choose another folder")


def write_atomic(path: Path, data: bytes, force: bool = False, labels: Labels = API_LABELS) -> Path:
    """Write ``data`` to ``path`` all at once, with mode 0600.

    The bytes go to a temporary file in the same folder, are flushed to disk, and
    only then take the final name. Without ``force`` an existing file is never
    replaced, even one that appeared while rendering.
    """
    check_writable(path, force, labels)
    folder = path.parent
    try:
        _make_private_dirs(folder)
    except OSError as exc:
        raise TakehomeError(
            f"{folder}: cannot create the folder ({exc.strerror}); choose another folder"
        ) from exc
    try:
        handle, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise TakehomeError(
            f"{folder}: cannot write there ({exc.strerror}); choose another folder"
        ) from exc
    tmp = Path(tmp_name)
    _unfinished.add(tmp)
    try:
        with os.fdopen(handle, "wb") as stream:
            os.fchmod(stream.fileno(), 0o600)  # mkstemp already does; say it anyway
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        if force:
            os.replace(tmp, path)
        else:
            _link_no_clobber(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise TakehomeError(
            f"{path}: could not be written ({exc.strerror or exc}); nothing was saved; "
            "free some disk space or choose another folder"
        ) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    finally:
        _unfinished.discard(tmp)
    _fsync_dir(folder)
    return path


# A temporary file lives for the milliseconds between writing a handout and
# renaming it; one older than this was left by a run that was killed.
STALE_AFTER_SECONDS = 60
# write_atomic's temporary names: "." + the final name + 8 random characters + ".part".
_TEMP_NAME = re.compile(r"^\..+\.(pdf|html|eml)\.[A-Za-z0-9_]{8}\.part$")


def remove_stale_temp_files(folder: Path, names: Iterable[str] = ()) -> None:
    """Delete temp files a killed run left: those of ``names``, and any old one.

    Never a final file: only takehome's own ``.NAME.XXXXXXXX.part`` files.
    """
    stale = {p for name in names for p in folder.glob(f".{name}.*.part")}
    now = time.time()
    for path in folder.glob(".*.part"):
        if not _TEMP_NAME.match(path.name):
            continue  # not one of ours
        with contextlib.suppress(OSError):
            if now - path.lstat().st_mtime > STALE_AFTER_SECONDS:
                stale.add(path)
    for path in stale:
        with contextlib.suppress(OSError):
            path.unlink()


# Temporary files being written right now, so that a worker ended by a signal
# (which leaves through os._exit, skipping every cleanup) can remove its own.
_unfinished: set[Path] = set()


def remove_unfinished_writes() -> None:
    """Delete the temporary files of writes this process has not finished."""
    for tmp in list(_unfinished):
        with contextlib.suppress(OSError):
            tmp.unlink()


def _link_no_clobber(tmp: Path, path: Path) -> None:
    # link() fails if the target exists, so two writers can never overwrite each
    # other; file systems without hard links (FAT on a USB stick) fall back to a
    # rename after one more existence check.
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise TakehomeError(_exists_message(path)) from None
    except OSError:
        check_writable(path, force=False)
        os.replace(tmp, path)
        return
    tmp.unlink()


def _fsync_dir(folder: Path) -> None:
    # Make the rename itself durable; not possible on every platform.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
