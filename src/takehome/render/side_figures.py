"""Room for the stretch figures in the side column.

A stretch's figure sits in the side column beside the stretch, at its foot
(print.css: ``.stretch-figure``), out of the flow, so it costs the handout no
length. The side column also holds the section's side heading and, on a page a
section runs on to, its "(continued)" label (render/continued.py). After
layout this module finds a figure that would overlap one of those (or the
figure of the stretch above), and draws it smaller, down to half an inch tall;
if that is not enough, its stretch gets that much more room at the foot
(``padding-bottom``), which moves the figure down. The handout is then laid
out again, like the other fixes of continued.py.
"""

from __future__ import annotations

from takehome.render import continued

FIGURE_CLASS = "stretch-figure"
_GAP = 4.0  # px between a figure and what is above it
_SMALLEST = 0.5 * 96  # px: a drawing is never drawn shorter than half an inch


def _classes(box) -> list[str]:
    element = getattr(box, "element", None)
    return (element.get("class") or "").split() if element is not None else []


def _inner(box):
    return box.__dict__.get("_box", box)


def fixes(document) -> list[continued.Fix]:
    """Padding for each stretch whose figure would overlap what is above it."""
    labels_at = {}  # page index -> [(top, bottom)] of the labels continued.py will place
    for split in continued._splits(document):
        if split.label is None:
            continue
        for index, page in enumerate(document.pages):
            if page._page_box is split.page:
                top = split.target.border_box_y()
                labels_at.setdefault(index, []).append((top, top + split.label.margin_height()))
    found: list[continued.Fix] = []
    for index, page in enumerate(document.pages):
        taken = list(labels_at.get(index, []))
        figures = []
        boxes_across = []  # tops of the boxes drawn across the side column too
        for box in continued._boxes(page._page_box):
            # An absolutely positioned box is met as its placeholder, which
            # stands for it in its parent's children.
            inner = _inner(box)
            if inner.element_tag == "h2" and inner.style["position"] == "absolute":
                taken.append((inner.position_y, inner.position_y + inner.margin_height()))
            elif FIGURE_CLASS in _classes(inner) and inner.style["position"] == "absolute":
                figures.append(inner)
            elif "box" in _classes(inner):
                boxes_across.append(inner.position_y)
        for figure in sorted(figures, key=lambda box: box.position_y):
            top = figure.position_y
            bottom = top + figure.margin_height()
            above = [end for start, end in taken if start < top + 1 and end > top - _GAP]
            if above:
                need = max(above) + _GAP - top
                drawing = _drawing(figure)
                if drawing is not None and drawing.height - need >= _SMALLEST:
                    # Draw it smaller first: a little smaller costs no length.
                    height = drawing.height - need
                    found.append(continued.Fix(drawing.element, f"max-height: {height:.2f}px"))
                    top += need
                else:
                    stretch = _stretch_of(document, figure)
                    if stretch is not None and need > 0.5:
                        found.append(continued.Fix(stretch, f"padding-bottom: {need:.2f}px"))
            taken.append((top, bottom))
            # A figure hung from the top (the first stretch's) may be taller than
            # a short stretch: its caption would run into a box drawn across
            # the side column below it (the warning signs, say).
            stretch_box = _stretch_box(page._page_box, figure)
            if stretch_box is not None and not _found_for(found, stretch_box.element):
                foot = stretch_box.position_y + stretch_box.margin_height()
                below = [y for y in boxes_across if y >= foot - 1]
                need = bottom + _GAP - min(below) if below else 0
                if need > 0.5:
                    found.append(
                        continued.Fix(stretch_box.element, f"padding-bottom: {need:.2f}px")
                    )
    return found


def _found_for(found: list[continued.Fix], element) -> bool:
    """Whether a fix for ``element`` is already in ``found``."""
    return any(fix.element is element for fix in found)


def _stretch_box(page_box, figure):
    """The box, on this page, of the stretch the figure belongs to."""
    target = figure.element
    for box in continued._boxes(page_box):
        element = box.element
        if (
            element is not None
            and "stretch" in (element.get("class") or "").split()
            and any(child is target for child in element.iter())
        ):
            return box
    return None


def _drawing(figure):
    """The figure's drawing (the ``<svg>``, or a topic's own ``<img>``) box, or None."""
    for box in continued._boxes(figure):
        tag = box.element_tag if box.element is not None else ""
        if box is not figure and (tag.endswith("svg") or tag == "img"):
            return box
    return None


def _stretch_of(document, figure):
    """The element of the stretch a figure box belongs to."""
    for page in document.pages:
        box = _stretch_box(page._page_box, figure)
        if box is not None:
            return box.element
    return None
