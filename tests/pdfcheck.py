"""Reading a handout PDF back as a screen reader, a printer and a checker would.

Every helper takes the PDF's bytes and uses a real tool: the PDF/UA checkers
page-validation (profile ua1) and pdfua, pikepdf for the structure tree and
outline, pypdf for the size each piece of text is drawn at, and pdfium for the
text of marked content, colours and the positions of rules and characters.
"""

from __future__ import annotations

import ctypes
import io
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2
import pypdfium2.raw as pdfium_c
from pypdf import PdfReader


def pdf_ua_failures(data: bytes, second_opinion: bool = True) -> list[str]:
    """Every failed PDF/UA-1 rule, from both checkers (empty: it passes).

    ``second_opinion=False`` runs page-validation alone (26 ms against pdfua's
    190 ms), for the loops over every topic; the handouts chosen to cover every
    feature get both."""
    import page
    import pdfua

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "handout.pdf"
        path.write_bytes(data)
        report = page.validate_pdf(str(path), profile="ua1")
        failures = [f"page-validation {f.rule_id}: {f.message}" for f in report.failures]
        if second_opinion:
            second = pdfua.validate(str(path))
            failures += [
                f"pdfua {f.rule_id} {f.severity.name}: {f.message}"
                for f in second.findings
                if f.severity.name in ("ERROR", "WARNING")
            ]
    return failures


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: its page, origin (points from the page's
    bottom left, on the baseline), printed size in points, and text."""

    page: int
    x: float
    y: float
    size: float
    text: str


def text_runs(data: bytes) -> list[Run]:
    """Every piece of text drawn, with the size it prints at: the font size times
    the scale of the text and graphics matrices."""
    runs: list[Run] = []
    for number, page_ in enumerate(PdfReader(io.BytesIO(data)).pages):

        def visit(text, cm, tm, font, size, number=number):
            if not text.strip():
                return
            a = tm[0] * cm[0] + tm[1] * cm[2]
            b = tm[0] * cm[1] + tm[1] * cm[3]
            c = tm[2] * cm[0] + tm[3] * cm[2]
            d = tm[2] * cm[1] + tm[3] * cm[3]
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = math.sqrt(abs(a * d - b * c))
            runs.append(Run(number, round(x, 1), round(y, 1), round(size * scale, 2), text))

        page_.extract_text(visitor_text=visit)
    return runs


def glyph_sizes(data: bytes) -> list[tuple[float, str]]:
    """(printed size in points, text) of every piece of text drawn."""
    return [(run.size, run.text) for run in text_runs(data)]


def _object_text(obj, textpage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
    buffer = (ctypes.c_ushort * (size // 2 + 1))()
    pdfium_c.FPDFTextObj_GetText(obj.raw, textpage.raw, buffer, size)
    return bytes(buffer).decode("utf-16-le", "ignore").split("\x00")[0]


def _marked_text(data: bytes) -> dict[tuple[int, int], str]:
    """The text of each (page, marked-content id)."""
    document = pypdfium2.PdfDocument(data)
    texts: dict[tuple[int, int], str] = {}
    for number in range(len(document)):
        page_ = document[number]
        textpage = page_.get_textpage()
        for obj in page_.get_objects(max_depth=5):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            mcid = pdfium_c.FPDFPageObj_GetMarkedContentID(obj.raw)
            key = (number, mcid)
            texts[key] = texts.get(key, "") + _object_text(obj, textpage)
    return texts


def structure(data: bytes) -> list[tuple[str, str]]:
    """The structure tree in reading order: (tag, its text) for each element,
    the text being that of its own marked content and its descendants'."""
    texts = _marked_text(data)
    pdf = pikepdf.open(io.BytesIO(data))
    pages = {page_.obj.objgen: number for number, page_ in enumerate(pdf.pages)}
    out: list[tuple[str, str]] = []

    def text_of(node, page_number) -> str:
        if isinstance(node, int):
            return texts.get((page_number, node), "")
        if not isinstance(node, pikepdf.Dictionary):
            return ""
        if node.get("/Type") == "/MCR":
            return texts.get((pages[node.Pg.objgen], int(node.MCID)), "")
        if node.get("/Type") == "/OBJR":
            return ""
        if "/Pg" in node:
            page_number = pages[node.Pg.objgen]
        kids = node.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]
        return " ".join(text_of(kid, page_number) for kid in kids)

    def walk(node, page_number):
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            return
        if "/Pg" in node:
            page_number = pages[node.Pg.objgen]
        out.append(
            (str(node.get("/S", "")).lstrip("/"), " ".join(text_of(node, page_number).split()))
        )
        kids = node.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            walk(kid, page_number)

    walk(pdf.Root.StructTreeRoot, -1)
    return out


def outline(data: bytes) -> list[tuple[int, str]]:
    """The PDF's bookmarks: (level from 1, title) in order."""
    found: list[tuple[int, str]] = []
    with pikepdf.open(io.BytesIO(data)) as pdf, pdf.open_outline() as tree:

        def walk(items, level):
            for item in items:
                found.append((level, item.title))
                walk(item.children, level + 1)

        walk(tree.root, 1)
    return found


def link_uris(data: bytes) -> list[str]:
    """The URI of every link annotation, page by page."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return [
            str(annotation.A.URI)
            for page_ in pdf.pages
            for annotation in page_.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link" and "/A" in annotation
        ]


def text_colours(data: bytes) -> set[str]:
    """The fill colour (#rrggbb) of every piece of text drawn."""
    document = pypdfium2.PdfDocument(data)
    colours: set[str] = set()
    for number in range(len(document)):
        for obj in document[number].get_objects(max_depth=5):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_TEXT:
                continue
            r, g, b, a = (ctypes.c_uint() for _ in range(4))
            pdfium_c.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
            colours.add(f"#{r.value:02x}{g.value:02x}{b.value:02x}")
    return colours


def _path_points(obj) -> list[tuple[float, float]]:
    """The points of a path object, on the page (points from the bottom left)."""
    matrix = pdfium_c.FS_MATRIX()
    pdfium_c.FPDFPageObj_GetMatrix(obj.raw, matrix)
    points = []
    for index in range(pdfium_c.FPDFPath_CountSegments(obj.raw)):
        segment = pdfium_c.FPDFPath_GetPathSegment(obj.raw, index)
        x, y = ctypes.c_float(), ctypes.c_float()
        pdfium_c.FPDFPathSegment_GetPoint(segment, x, y)
        points.append(
            (
                matrix.a * x.value + matrix.c * y.value + matrix.e,
                matrix.b * x.value + matrix.d * y.value + matrix.f,
            )
        )
    return points


def header_rule_and_text(data: bytes, page_number: int = 0):
    """The header's rule (left, bottom, right, top in points, from the page's
    foot: the highest wide band drawn) and the boxes of every character in the
    top half of the page.

    WeasyPrint draws a border as the area between two rectangles (the box's
    outer and inner edges), so the bottom rule is the band between the two
    lowest edges of the header's border path.
    """
    document = pypdfium2.PdfDocument(data)
    page_ = document[page_number]
    height, width = page_.get_height(), page_.get_width()
    rules = []
    for obj in page_.get_objects(max_depth=5):
        if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        points = _path_points(obj)
        xs = [x for x, _ in points]
        ys = sorted({round(y, 2) for _, y in points})
        if len(ys) >= 2 and max(xs) - min(xs) > width / 2 and ys[0] > height * 0.7:
            rules.append((min(xs), ys[0], max(xs), ys[1]))
    textpage = page_.get_textpage()
    chars = [
        textpage.get_charbox(index)
        for index in range(textpage.count_chars())
        if not chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, index)).isspace()
    ]
    rule = max(rules, key=lambda band: band[1]) if rules else None
    return rule, [box for box in chars if box[1] > height / 2]


def box_sizes(data: bytes) -> list[float]:
    """The side, in points, of every small square drawn (the checklist's boxes,
    the week's tick boxes): what a client ticks with a pen."""
    document = pypdfium2.PdfDocument(data)
    sides = []
    for number in range(len(document)):
        for obj in document[number].get_objects(max_depth=5):
            if obj.type != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            left, bottom, right, top = obj.get_bounds()
            width, height = right - left, top - bottom
            # A box's border is drawn as the area between two rectangles (many
            # segments); the timeline's dots are single filled circles.
            outlined = pdfium_c.FPDFPath_CountSegments(obj.raw) >= 10
            if outlined and 4 < width < 30 and abs(width - height) < 0.5:
                sides.append(round(width, 1))
    return sides


def overflow(data: bytes, margin: float) -> list[tuple[int, str]]:
    """Characters drawn less than ``margin`` points from the paper's left or
    right edge: text that ran out of its column."""
    document = pypdfium2.PdfDocument(data)
    found = []
    for number in range(len(document)):
        page_ = document[number]
        width = page_.get_width()
        textpage = page_.get_textpage()
        for index in range(textpage.count_chars()):
            left, _, right, _ = textpage.get_charbox(index)
            if right > left and (left < margin or right > width - margin):
                found.append((number, textpage.get_text_range(index, 1)))
    return found


def last_page_used(data: bytes, top: float, bottom: float) -> float:
    """How much of the last page's text area (between margins of ``top`` and
    ``bottom`` points) holds text, from 0 to 1."""
    document = pypdfium2.PdfDocument(data)
    last = document[len(document) - 1]
    height = last.get_height()
    textpage = last.get_textpage()
    bottoms = [
        textpage.get_charbox(index)[1]
        for index in range(textpage.count_chars())
        if bottom < textpage.get_charbox(index)[1] < height - top
    ]
    return (height - top - min(bottoms)) / (height - top - bottom)
