"""Pictures from the user's disk (the practice logo, a stretch's own picture):
read, checked and turned into a data: URL before anything is rendered.

Every check runs when the profile or topic is loaded, so a bad picture is one
line naming the file and the fix, before any handout is written. The data: URL
means rendering needs no access to the picture's folder; the renderer's URL
fetcher refuses anything else an image might ask for, as a second guard.
"""

from __future__ import annotations

import base64
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from takehome.errors import TakehomeError
from takehome.files import read_regular

MAX_IMAGE_BYTES = 2 * 1024 * 1024
# A small PNG can unpack to a huge bitmap ("decompression bomb"); 5000 x 5000
# is far more than print needs (2 in at 300 dpi is 600 pixels).
MAX_IMAGE_PIXELS = 25_000_000
BITMAP_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
PICTURE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")

# In an SVG, a reference may point inside the file (#id) or be an embedded
# bitmap; anything else (http:, file:, another file) is refused.
_LOCAL_REF = re.compile(r"^\s*(#|data:image/(png|jpeg|gif);)", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]*)|@import", re.IGNORECASE)


def load_image(path: Path, where: str, *, what: str, hint: str, folder: Path | None = None) -> str:
    """The picture at ``path`` as a data: URL, checked; errors start with ``where``.

    ``what`` names it in messages ("the logo"); ``hint`` says how to fix a wrong
    path. With ``folder``, the picture (after following links) must be inside it.
    """
    real = path.resolve()
    if folder is not None and not real.is_relative_to(folder.resolve()):
        raise TakehomeError(
            f"{where}: {path.name} is outside {folder}; "
            f"copy {what} into that folder and give its name there"
        )
    if not real.is_file():
        raise TakehomeError(f"{where}: {path} is not a file; {hint}")
    if real.stat().st_size > MAX_IMAGE_BYTES:
        raise TakehomeError(
            f"{where}: {path.name} is larger than 2 MB, and would go into every handout; "
            "save a smaller version (a few hundred pixels wide is plenty)"
        )
    try:
        data = read_regular(real, limit=MAX_IMAGE_BYTES, what=what)
    except TakehomeError as exc:
        raise TakehomeError(f"{where}: {exc}") from None
    mime = next((kind for magic, kind in BITMAP_TYPES.items() if data.startswith(magic)), None)
    if mime is not None:
        _check_bitmap(data, where, path)
    elif path.suffix.lower() == ".svg" and b"<svg" in data[:4096]:
        mime = "image/svg+xml"
        _check_svg(data, where, path)
    else:
        raise TakehomeError(
            f"{where}: {path.name} is not a PNG, JPEG or SVG image; "
            f"save {what} in one of those formats"
        )
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _check_bitmap(data: bytes, where: str, path: Path) -> None:
    from PIL import Image, UnidentifiedImageError  # Pillow comes with WeasyPrint

    try:
        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise TakehomeError(
            f"{where}: {path.name} is damaged or not a complete image; save it again"
        ) from None
    if width * height > MAX_IMAGE_PIXELS:
        raise TakehomeError(
            f"{where}: {path.name} is {width} x {height} pixels, too large to print quickly; "
            "save a smaller version (under 5000 x 5000; 1000 pixels wide is plenty)"
        )


def _check_svg(data: bytes, where: str, path: Path) -> None:
    """Refuse an SVG that is not well-formed XML or refers to anything outside itself."""
    # Entities are how an XML file pulls in another file (or grows without
    # bound); a drawing never needs them.
    if re.search(rb"<!ENTITY|<!DOCTYPE[^>]*(SYSTEM|PUBLIC)", data, re.IGNORECASE):
        raise TakehomeError(
            f"{where}: {path.name} declares XML entities; "
            "save the drawing again as plain SVG (without a DOCTYPE)"
        )
    if re.search(rb"<\?xml-stylesheet", data, re.IGNORECASE):
        _refuse_reference(where, path, "a stylesheet")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise TakehomeError(
            f"{where}: {path.name} is not a readable SVG ({exc}); save it again as SVG"
        ) from None
    for element in root.iter():
        texts = [(name, value) for name, value in element.attrib.items()]
        if _local(element.tag) == "style":
            texts.append(("style", element.text or ""))
        for name, value in texts:
            if _local(name) in {"href", "src"} and not _LOCAL_REF.match(value):
                _refuse_reference(where, path, value)
            for match in _CSS_URL.finditer(value):
                target = match.group(1)
                if target is None or not _LOCAL_REF.match(target):
                    _refuse_reference(where, path, target or "@import")


def _refuse_reference(where: str, path: Path, target: str) -> None:
    shown = target.strip()[:60] or "an empty link"
    raise TakehomeError(
        f"{where}: {path.name} refers to {shown}, outside the drawing; "
        "embed every image in the SVG (or save it as PNG) so nothing is fetched"
    )


def _local(name: str) -> str:
    """An XML name without its namespace: '{http://www.w3.org/1999/xlink}href' → 'href'."""
    return name.rsplit("}", 1)[-1] if isinstance(name, str) else ""
