"""Pictures from the user's disk (the practice logo, a stretch's own picture):
read, checked and turned into a data: URL before anything is rendered.

Every check runs when the profile or topic is loaded, so a bad picture is one
line naming the file and the fix, before any handout is written. The data: URL
means rendering needs no access to the picture's folder; the renderer's URL
fetcher refuses anything else an image might ask for, as a second guard.

An SVG is a program of sorts: besides references to other files it can ask
the renderer for unbounded work (a ``<use>`` that copies a group of ``<use>``s,
ten times a level, is a billion shapes in 2 KB). So an SVG is read with expat
first (entities, stylesheets, every link, depth and size), then the shapes it
would draw are counted with their copies.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import urllib.parse
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.parsers import expat

from takehome.errors import TakehomeError
from takehome.files import read_regular
from takehome.model.picture import PICTURE_SUFFIXES

MAX_IMAGE_BYTES = 2 * 1024 * 1024
# A small PNG can unpack to a huge bitmap ("decompression bomb"); 5000 x 5000
# is far more than print needs (2 in at 300 dpi is 600 pixels).
MAX_IMAGE_PIXELS = 25_000_000
BITMAP_TYPES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
}
# Bitmap modes WeasyPrint draws wrongly (a 16-bit grey PNG prints black).
_UNDRAWABLE_MODES = {"I", "F", "I;16", "I;16B", "I;16L", "I;16N"}

# Limits on what an SVG may ask the renderer to draw. A detailed logo or
# drawing has a few thousand shapes and a few lines of text.
# Elements (20 each), points of paths and letters of text, counting each copy a
# <use> or a marker makes: a detailed logo is a few tens of thousands, and the
# limit draws in a few seconds at worst.
MAX_SVG_COST = 100_000
MAX_SVG_DEPTH = 64
MAX_SVG_TEXT = 5_000  # characters of text
_NESTED_SVG = 2  # an SVG embedded in an SVG (as a data: URL), at most this deep
# Inside an SVG: links that point into the file, and embedded images.
_DATA_URL = re.compile(r"^data:([\w.+-]+/[\w.+-]+)?((?:;[^,;]*)*),(.*)$", re.DOTALL | re.I)
_EMBEDDED = {
    "image/png": "image/png",
    "image/jpeg": "image/jpeg",
    "image/jpg": "image/jpeg",  # a common misspelling, which browsers accept
    "image/gif": "image/gif",
    "image/svg+xml": "image/svg+xml",
}
_CSS_ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_CSS_FETCHING = re.compile(r"@import|@font-face|image-set\(|\bsrc\(", re.IGNORECASE)


class _Refused(Exception):
    """What is wrong with a picture, worded to follow its file name."""


def load_image(path: Path, where: str, *, what: str, hint: str, folder: Path | None = None) -> str:
    """The picture at ``path`` as a data: URL, checked; errors start with ``where``.

    ``what`` names it in messages ("the logo"); ``hint`` says how to fix a wrong
    path. With ``folder``, the picture (after following links) must be inside it.
    """
    try:
        real = path.resolve()
        inside = folder is None or real.is_relative_to(folder.resolve())
        is_file = real.is_file()
        size = real.stat().st_size if is_file else 0
    except (OSError, RuntimeError, ValueError) as exc:  # a loop of links, a NUL, too long
        reason = getattr(exc, "strerror", None) or str(exc)
        raise TakehomeError(
            f"{where}: {path.name[:80]!r} cannot be read ({reason}); check the file name"
        ) from None
    if not inside:
        raise TakehomeError(
            f"{where}: {path.name} is outside {folder}; "
            f"copy {what} into that folder and give its name there"
        )
    if not is_file:
        if folder is not None:  # most often a misspelt name: say what is there
            try:
                there = sorted(
                    p.name
                    for p in folder.iterdir()
                    if p.suffix.lower() in PICTURE_SUFFIXES and p.is_file()
                )
            except OSError:
                there = []
            listing = f" (pictures there: {', '.join(there[:6])})" if there else ""
            raise TakehomeError(
                f"{where}: there is no file named {path.name} in {folder}{listing}; "
                "check the name, or copy the picture there"
            )
        raise TakehomeError(f"{where}: {path} is not a file; {hint}")
    if size > MAX_IMAGE_BYTES:
        raise TakehomeError(
            f"{where}: {path.name} is larger than 2 MB, and would go into every handout; "
            "save a smaller version (a few hundred pixels wide is plenty)"
        )
    try:
        data = read_regular(real, limit=MAX_IMAGE_BYTES, what=what)
    except TakehomeError as exc:
        raise TakehomeError(f"{where}: {exc}") from None
    try:
        mime = _bitmap_type(data)
        if mime == "image/gif":
            mime = None  # fine inside an SVG, but not offered as a picture of its own
        if mime is not None:
            _check_bitmap(data)
        elif path.suffix.lower() == ".svg":
            mime = "image/svg+xml"
            _check_svg(data)
        else:
            raise _Refused(f"is not a PNG, JPEG or SVG image; save {what} in one of those formats")
    except _Refused as exc:
        raise TakehomeError(f"{where}: {path.name} {exc}") from None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _bitmap_type(data: bytes) -> str | None:
    return next((kind for magic, kind in BITMAP_TYPES.items() if data.startswith(magic)), None)


def _check_bitmap(data: bytes) -> None:
    from PIL import Image, UnidentifiedImageError  # Pillow comes with WeasyPrint

    try:
        with warnings.catch_warnings():
            # Pillow warns (and past twice its limit, raises) on a huge image:
            # either way it is ours to refuse, in one line.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                (width, height), mode = image.size, image.mode
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Refused(
            "has far too many pixels to print; save a smaller version (1000 pixels wide is plenty)"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _Refused("is damaged or not a complete image; save it again") from None
    if width * height > MAX_IMAGE_PIXELS:
        raise _Refused(
            f"is {width} x {height} pixels ({width * height / 1e6:.0f} million), too large to "
            "print quickly; save a smaller version (at most 25 million pixels; 1000 pixels "
            "wide is plenty)"
        )
    if mode in _UNDRAWABLE_MODES:
        raise _Refused("is a 16-bit or floating-point image, which prints black; save it as 8-bit")


def _check_svg(data: bytes, nested: int = 0) -> None:
    """Refuse an SVG that is not well-formed, refers to anything outside itself,
    or would ask for too much drawing."""
    _scan_svg(data, nested)
    # Entities are refused above, so ElementTree reads exactly what expat did.
    root = ET.fromstring(data)
    if _local(root.tag) != "svg":
        raise _Refused("is not an SVG drawing; save it again as SVG")
    try:
        cost = _cost(root)
    except RecursionError:  # a very long chain of <use>s
        cost = MAX_SVG_COST + 1
    if cost > MAX_SVG_COST:
        raise _Refused(
            f"is too detailed to print quickly (more than {MAX_SVG_COST:,} shapes, points and "
            "letters, counting each copy a <use> or marker makes); simplify it, or save it as PNG"
        )


def _scan_svg(data: bytes, nested: int) -> None:
    """One pass with expat over everything in the file that could reach outside it."""
    parser = expat.ParserCreate(namespace_separator=" ")
    # Never read an external DTD (Illustrator names one; expat reads none unless asked).
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    state = {"depth": 0, "text": 0, "style": [], "css": []}

    def entity(*args):
        # Entities are how an XML file pulls in another file, or grows without bound.
        raise _Refused(
            "declares XML entities (older Illustrator files do); save it again as "
            "SVG 1.1, or as PNG"
        )

    def instruction(target, body):
        if target.lower() == "xml-stylesheet":
            _refuse_reference("a stylesheet")

    def start(name, attributes):
        state["depth"] += 1
        if state["depth"] > MAX_SVG_DEPTH:
            raise _Refused(f"nests more than {MAX_SVG_DEPTH} levels deep; simplify it")
        tag = _local(name)
        if tag == "foreignObject":
            raise _Refused("holds a web page (foreignObject); save it again as plain SVG or PNG")
        for attribute, value in attributes.items():
            local = _local(attribute)
            if local == "base":  # xml:base makes every "#id" link point elsewhere
                raise _Refused("sets xml:base; save it again as plain SVG")
            if local in {"href", "src"} and tag != "a":  # a link is not fetched
                if tag in {"image", "feImage"} and value.strip().startswith("#"):
                    raise _Refused(
                        "has an <image> that points at a shape, not a picture; save it again"
                    )
                _check_reference(value, nested)
            _check_css(value, nested)
        state["style"].append(tag == "style")

    def end(name):
        state["depth"] -= 1
        if state["style"].pop():
            # Checked whole: expat may hand over a stylesheet in pieces
            # (at a character reference, say), which could split a "url(".
            _check_css("".join(state["css"]), nested)
            state["css"].clear()

    def text(chars):
        if state["style"] and state["style"][-1]:
            state["css"].append(chars)
            return
        state["text"] += len(chars.strip())
        if state["text"] > MAX_SVG_TEXT:
            raise _Refused(
                f"holds more than {MAX_SVG_TEXT:,} characters of text; "
                "a picture needs only a few words"
            )

    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = entity
    parser.ProcessingInstructionHandler = instruction
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise _Refused(f"is not a readable SVG ({exc}); save it again as SVG") from None
    except (LookupError, ValueError):  # an encoding Python does not know, or cannot use
        raise _Refused("is in an unknown text encoding; save it again as SVG in UTF-8") from None


def _check_reference(target: str, nested: int) -> None:
    """A link in an SVG may point inside it (#id) or hold an image (data:)."""
    target = target.strip()
    if target.startswith("#"):
        return
    match = _DATA_URL.match(target)
    if match is None:
        _refuse_reference(target)
    mime = _EMBEDDED.get((match.group(1) or "").lower())
    if mime is None:
        _refuse_reference(f"data:{match.group(1) or ''}")
    try:
        if ";base64" in match.group(2).lower():
            body = base64.b64decode(re.sub(r"\s+", "", match.group(3)), validate=True)
        else:
            body = urllib.parse.unquote_to_bytes(match.group(3))
    except (binascii.Error, ValueError):
        raise _Refused("holds an embedded image that cannot be read; save it again") from None
    # What is embedded is checked like a file of its own: a "PNG" that is
    # really an SVG (the renderer would draw it) is refused.
    if mime == "image/svg+xml":
        if nested >= _NESTED_SVG:
            raise _Refused("nests SVG drawings too deep; save it again as plain SVG or PNG")
        _check_svg(body, nested + 1)
    elif _bitmap_type(body) is None:  # (a PNG labelled image/jpg is drawn all the same)
        raise _Refused("holds an embedded image that is not a PNG, JPEG or GIF; save it again")
    else:
        _check_bitmap(body)


def _check_css(text: str, nested: int) -> None:
    """Styles (a style attribute, a presentation attribute, a <style>) may use url(#id)."""
    if "\\" in text:  # url\(...) or u\72l(...): read the CSS as the renderer will
        text = _CSS_ESCAPE.sub(
            lambda m: chr(int(m.group(1), 16)) if m.group(1) else m.group(2), text
        )
    text = _without_comments(text)
    fetching = _CSS_FETCHING.search(text)
    if fetching and fetching.group(0).lower() == "@font-face":
        raise _Refused(
            "brings its own font (@font-face); turn its text into shapes (Inkscape: "
            "Path > Object to Path) or save it as PNG"
        )
    if fetching:
        _refuse_reference(fetching.group(0).rstrip("("))
    for target in _css_urls(text):
        _check_reference(target, nested)


def _without_comments(text: str) -> str:
    """CSS without its /* comments */, in one pass (a regex can take quadratic
    time on a file of many "/*" that never close)."""
    parts, at = [], 0
    while (start := text.find("/*", at)) != -1:
        parts.append(text[at:start])
        end = text.find("*/", start + 2)
        if end == -1:
            return "".join(parts)
        at = end + 2
    parts.append(text[at:])
    return "".join(parts)


def _css_urls(text: str):
    """The target of each url(...) in CSS, in one pass; an unclosed url( is refused."""
    lower, at = text.lower(), 0
    while (start := lower.find("url(", at)) != -1:
        end = text.find(")", start + 4)
        if end == -1:
            _refuse_reference("an unclosed url(")
        yield text[start + 4 : end].strip().strip("'\"").strip()
        at = end + 1


def _cost(root) -> int:
    """What drawing the SVG asks of the renderer: each element, each point of a
    path or polyline and each character of text, counting every copy a <use> or
    a marker makes (a marker is drawn at each point of its path)."""
    ids: dict[str, object] = {}
    for element in root.iter():
        name = element.get("id")
        if name is not None:
            if name in ids:  # which one a link means depends on the renderer
                raise _Refused(f"has two shapes with the id {name[:40]!r}; save it again")
            ids[name] = element
    counted: dict[int, int] = {}
    busy: set[int] = set()

    def target(value: str):
        value = value.strip()
        if value.lower().startswith("url("):
            value = value[4:].rstrip(") ").strip("'\" ")
        return ids.get(value[1:]) if value.startswith("#") else None

    def count(element) -> int:
        key = id(element)
        if key in counted:
            return counted[key]
        if key in busy:
            raise _Refused("has a <use> that copies itself; save it again as plain SVG")
        busy.add(key)
        points = sum(len(_NUMBER.findall(element.get(name, ""))) for name in ("d", "points")) // 2
        # An element costs the renderer about as much as 20 points of a path.
        total = 20 + points + len(element.text or "") + sum(count(child) for child in element)
        links = [value for name, value in element.attrib.items() if _local(name) == "href"]
        if len(set(links)) > 1:  # href and xlink:href: renderers differ on which wins
            raise _Refused("has a shape with two different links; save it again")
        if _local(element.tag) == "use" and links and target(links[0]) is not None:
            total += count(target(links[0]))
        for where, value in _markers(element):
            marker = target(value)
            if marker is not None:
                total += count(marker) * (points + 1 if where == "mid" else 1)
        busy.discard(key)
        counted[key] = total = min(total, MAX_SVG_COST + 1)
        return total

    return count(root)


def _markers(element):
    """The markers an element asks for: ('start'|'mid'|'end'|'', their url(#id))."""
    found = [(_local(n), v) for n, v in element.attrib.items() if _local(n).startswith("marker")]
    for declaration in (element.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        if name.strip().lower().startswith("marker"):
            found.append((name.strip().lower(), value))
    return [(name.removeprefix("marker").strip("-") or "mid", value) for name, value in found]


def _refuse_reference(target: str) -> None:
    shown = target.strip()[:60] or "an empty link"
    raise _Refused(
        f"refers to {shown}, outside the drawing; "
        "embed every image in the SVG (or save it as PNG) so nothing is fetched"
    )


def _local(name: str) -> str:
    """An XML name without its namespace: '{uri}href', 'uri href' or 'x:href' → 'href'."""
    return re.split(r"[ }:]", name)[-1] if isinstance(name, str) else ""
