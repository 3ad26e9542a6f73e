"""Which client's data a handout PDF was made from: a fingerprint kept in the PDF.

File names come from the date, the client's name and the topics, so two
different clients called Anna Smith, or one Anna Smith whose note changed, share
a name. Before a PDF on disk is reused (sent by email, or skipped by a batch
re-run), its fingerprint is compared with the fingerprint of the handout about
to be made: only an exact match is reused. The fingerprint is a SHA-256 of every
input that shapes the handout (client, conditions, note, next visit, topics and
their text and own pictures, practice profile, date, rendering options (paper),
templates, and the takehome and WeasyPrint versions), stored in the PDF's document information as
``/TakehomeFingerprint``. It guards against mistakes, not against someone who
can write to the output folder: anyone who knows the details can compute it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import json
import stat
from pathlib import Path

from takehome.files import TEMPLATE_LIMIT, read_regular
from takehome.model.handout import Handout
from takehome.model.picture import Picture
from takehome.render.options import RenderOptions

PDF_KEY = "TakehomeFingerprint"  # WeasyPrint keeps only letters and digits in a key
# Which command made the file: a batch may replace only a handout a batch made
# (an earlier version of a row), never one made by hand with `make` or `send`.
MADE_BY_KEY = "TakehomeMadeBy"
MADE_BY_BATCH = "batch"
# Reading an old PDF to compare: far above any handout, so a stray huge file
# named like one is not read whole.
MAX_PDF_BYTES = 50 * 1024 * 1024
# Bumped when what a handout is made from changes shape, so old PDFs are redone.
VERSION = 3  # 2: RenderOptions replaced the handout's paper; 3: stretches' own pictures


def templates_digest(template_dirs: tuple[Path, ...]) -> str:
    """A digest of every file in the template folders (names and contents)."""
    files = []
    for rank, folder in enumerate(folder.resolve() for folder in template_dirs):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                with contextlib.suppress(OSError):
                    info = path.stat()
                    if stat.S_ISREG(info.st_mode):
                        files.append((rank, folder, path, info.st_mtime_ns, info.st_size))
    # The contents are read again only when a file's time or size changed: a
    # batch asks for every row, and a long-lived process sees edits.
    return _digest(tuple(files))


@functools.lru_cache(maxsize=16)
def _digest(files: tuple) -> str:
    digest = hashlib.sha256()
    for rank, folder, path, _, _ in files:
        digest.update(f"{rank}:{path.relative_to(folder).as_posix()}\0".encode())
        try:
            digest.update(hashlib.sha256(read_regular(path, limit=TEMPLATE_LIMIT)).digest())
        except Exception:  # an unreadable file still counts, as itself
            digest.update(b"unreadable")
    return digest.hexdigest()


@functools.cache
def _software() -> list[str]:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("takehome", "weasyprint"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} ?")
    return found


def handout_fingerprint(
    handout: Handout,
    options: RenderOptions,
    template_dirs: tuple[Path, ...],
    fmt: str = "pdf",
) -> str:
    """The fingerprint of everything a handout is made from (hex SHA-256)."""
    client = handout.client
    inputs = {
        "version": VERSION,
        # A new takehome or WeasyPrint may lay the same details out differently.
        "software": _software(),
        "format": fmt,
        "client": {
            "name": client.name,
            "conditions": list(client.conditions),
            "note": client.note,
            "next_visit": client.next_visit,
        },
        "topics": [
            [section.key, section.topic.model_dump(mode="json")] for section in handout.sections
        ],
        # A stretch's own picture is read from its file, not the topic's text:
        # a new picture under the same name is a new handout.
        "pictures": [
            hashlib.sha256(item.drawing.data_url.encode("ascii")).hexdigest()
            for section in handout.sections
            for item in (*section.topic.stretches, *section.topic.self_care)
            if isinstance(item.drawing, Picture)
        ],
        "practice": dataclasses.asdict(handout.practice),
        "date": handout.date.isoformat(),
        "options": options.as_dict(),
        "templates": templates_digest(template_dirs),
    }
    canonical = json.dumps(inputs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_fingerprint(path: Path) -> str | None:
    """The fingerprint stored in a PDF, or None (not a takehome PDF, damaged, missing)."""
    return read_info(path)[0]


def read_info(path: Path) -> tuple[str | None, str | None]:
    """The fingerprint stored in a PDF and which command made it (None, None if unknown)."""
    try:
        data = read_regular(path, limit=MAX_PDF_BYTES, what="a handout")
    except Exception:  # any unreadable file is simply "not a match"
        return None, None
    return _info(data)


def fingerprint_of(data: bytes) -> str | None:
    """The fingerprint stored in PDF bytes, or None."""
    return _info(data)[0]


def _info(data: bytes) -> tuple[str | None, str | None]:
    import io
    import logging

    from pypdf import PdfReader

    # pypdf logs about damaged files; a damaged file is just "no fingerprint".
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        info = PdfReader(io.BytesIO(data)).metadata or {}
        values = [info.get(f"/{key}") for key in (PDF_KEY, MADE_BY_KEY)]
    except Exception:  # pypdf raises many kinds on damaged files
        return None, None
    fingerprint, made_by = (str(value) if value else None for value in values)
    return fingerprint, made_by


def matching_or_free(base: Path, fingerprint: str, tries: int = 100) -> Path:
    """``base``, or ``base-2``, ``base-3``…: the first that holds exactly this
    handout, else the first free name. A file made from other details is never
    reused and never replaced."""
    from takehome.errors import TakehomeError
    from takehome.output import numbered

    for number in range(1, tries + 1):
        candidate = numbered(base, number)
        if not (candidate.exists() or candidate.is_symlink()):
            return candidate
        if read_fingerprint(candidate) == fingerprint:
            return candidate
    raise TakehomeError(
        f"{base.parent}: {tries} handouts of this name are there already; "
        "move old handouts out of that folder"
    )
