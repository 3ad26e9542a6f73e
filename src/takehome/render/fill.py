"""No nearly empty last page: a handout that would end on a page less than a
quarter full is laid out again with tighter spacing.

A few lines alone on a last page waste a sheet of paper and look like a mistake,
and in large print (18pt, line spacing 1.5) it happens often. The tighter
spacing is the stylesheets' own ``.tight`` rules (print.css, large-print.css):
smaller gaps between paragraphs, items and boxes, never smaller text, and in
large print never a line spacing under 1.5. The tighter layout is kept only if
it is better: fewer pages, or a last page that is no longer nearly empty.
"""

from __future__ import annotations

__all__ = ["MINIMUM_FILL", "last_page_fill", "nearly_empty", "tighten"]

MINIMUM_FILL = 0.25  # of the last page's text area
TIGHT_CLASS = "tight"


def _bottoms(box):
    """The bottom edge of every line and image laid out in ``box``."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.LineBox | boxes.ReplacedBox):
        yield box.position_y + box.margin_height()
        return
    for child in getattr(box, "children", ()):
        yield from _bottoms(child)


def last_page_fill(document) -> float:
    """How much of the last page's text area is used, from 0 to 1."""
    page = document.pages[-1]._page_box
    root = page.children[0]  # the html box; the rest are margin boxes
    top, height = page.content_box_y(), page.height
    used = max(_bottoms(root), default=top) - top
    return max(0.0, min(1.0, used / height)) if height else 1.0


def nearly_empty(document) -> bool:
    """True if the handout runs on to a last page less than a quarter full."""
    return len(document.pages) > 1 and last_page_fill(document) < MINIMUM_FILL


def tighten(source) -> None:
    """Mark the HTML's root element for the stylesheets' ``.tight`` rules (the
    next layout of ``source`` uses them)."""
    root = source.etree_element
    classes = (root.get("class") or "").split()
    if TIGHT_CLASS not in classes:
        root.set("class", " ".join([*classes, TIGHT_CLASS]))
