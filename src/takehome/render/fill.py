"""No nearly empty last page: a handout that would end on a page less than a
quarter full is laid out again, first tighter, then with more on the last page.

A few lines alone on a last page waste a sheet of paper and look like a mistake,
and in large print (18pt, line spacing 1.5) it happens often. First the
stylesheets' own ``.tight`` rules (print.css, large-print.css) pull the text
back: smaller gaps between paragraphs, items and boxes, never smaller text, and
in large print never a line spacing under 1.5. If the last page is still nearly
empty, the page before it gives up its last lines: a page break goes before the
lowest paragraph, item or box that moves enough (with the heading above it),
so the last page is at least a quarter full; never inside a list.
"""

from __future__ import annotations

__all__ = [
    "MINIMUM_FILL",
    "last_page_fill",
    "nearly_empty",
    "push",
    "tighten",
    "to_push",
]

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


def tighten(source, on: bool = True) -> None:
    """Mark the HTML's root element for the stylesheets' ``.tight`` rules (the
    next layout of ``source`` uses them), or with ``on=False`` take the mark off."""
    root = source.etree_element
    classes = [name for name in (root.get("class") or "").split() if name != TIGHT_CLASS]
    classes += [TIGHT_CLASS] if on else []
    if classes:
        root.set("class", " ".join(classes))
    else:
        root.attrib.pop("class", None)


# What a page break may go before: whole paragraphs, lists, boxes and sections,
# never an item in the middle of its list (it would leave the list's heading).
_MOVABLE = {"p", "section", "aside", "div", "ol", "ul", "h2", "h3", "table"}
_HEADINGS = {"h1", "h2", "h3"}


def _blocks(box):
    """The in-flow block boxes with an element under ``box``, in document order."""
    from weasyprint.formatting_structure import boxes

    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox) or not isinstance(child, boxes.BlockBox):
            continue
        if child.style["position"] in ("absolute", "fixed"):
            continue  # a side heading travels with its section
        if child.element is not None and child.element_tag in _MOVABLE:
            yield child
        yield from _blocks(child)


def to_push(document, source):
    """The element of ``source`` (the handout's HTML) a page break should go
    before so the last page is at least a quarter full, or None. Its box is on
    the page before the last."""
    if len(document.pages) < 2:
        return None
    page = document.pages[-2]._page_box
    root = page.children[0]
    top = page.content_box_y()
    bottom = max(_bottoms(root), default=top)
    need = (MINIMUM_FILL - last_page_fill(document)) * page.height + 8  # px, with room to spare
    chosen = None
    for box in _blocks(root):
        if box.position_y > top + 1 and bottom - box.position_y >= need:
            chosen = box  # the lowest such box: the least moved
    if chosen is None:
        return None
    element = chosen.element
    previous_of = {}
    for parent in source.etree_element.iter():
        children = list(parent)
        previous_of.update(zip(children[1:], children, strict=False))
    # Never leave a heading (or a list's lead-in) behind at the foot of the page.
    previous = previous_of.get(element)
    while previous is not None and (
        previous.tag in _HEADINGS or "signs" in (previous.get("class") or "").split()
    ):
        element, previous = previous, previous_of.get(previous)
    return element


def push(element) -> None:
    """A page break before ``element`` in the next layout."""
    from takehome.render import continued

    continued.apply([continued.Fix(element, "break-before: page")])
