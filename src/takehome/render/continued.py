"""A section that goes on over a page break says so in its side heading.

Each section with a side heading carries, beside its heading, a label
("After your massage (continued)") that WeasyPrint lays out like the heading,
absolutely positioned where the section starts. Once the handout is laid out:

- where a section runs on to a new page, its label is moved to the top of the
  part on that page, in the side column (drawn there, but held by a page-margin
  box, so the tagged PDF treats it as page decoration, like the running header);
- every other label is taken out, so it is never drawn.

Two cases need the handout laid out again first (``fixes``, up to twice): a side
heading or label that a page break would cut in two (its section moves to the
next page), and a label taller than the part of its section on the new page
(room is added under that part, so the label never overlaps the next section).

The boxes moved are WeasyPrint's laid-out boxes (``Page._page_box``): that is
internal API, so the tests render real handouts and read the labels back.
"""

from __future__ import annotations

from dataclasses import dataclass

LABEL_CLASS = "continued-label"


@dataclass(frozen=True)
class Fix:
    """A style to add to an element before the handout is laid out again."""

    element: object  # an ElementTree element of the handout's HTML
    css: str


@dataclass
class _Split:
    section: object  # the section's element (one with a side heading)
    label: object | None  # its label's laid-out box (on the page where it starts)
    first: object  # the section's box on the page it runs on to
    target: object  # the first box on that page inside the section
    page: object  # that page's laid-out box


def fixes(document) -> list[Fix]:
    """What to change so that no side heading or label is cut by a page break and
    every split section's label has room."""
    cut = _cut(document)
    found = []
    moved = set()
    for section, heading, label in _side_sections(document):
        if heading in cut or (label is not None and label in cut):
            # Cut in two by a page break: the section starts the next page.
            found.append(Fix(section, "break-before: page"))
            moved.add(section)
    for split in _splits(document):
        if split.section in moved or split.label is None:
            continue
        short = split.label.margin_height() - split.first.height
        if short > 0.5:
            found.append(Fix(split.target.element, f"padding-bottom: {short:.2f}px"))
    return found


def apply(found: list[Fix]) -> None:
    """Add the fixes to the HTML elements, for the next layout."""
    for fix in found:
        style = fix.element.get("style", "")
        fix.element.set("style", f"{style}; {fix.css}" if style else fix.css)


def place_labels(document) -> None:
    """Put a copy of each split section's label at the top of every page the
    section runs on to; take every label out of where it was laid out."""
    splits = _splits(document)
    for page in document.pages:
        for box in list(_boxes(page._page_box)):
            if _is_label(box):
                _detach(page._page_box, box)
    for split in splits:
        if split.label is None:
            continue
        label = split.label.deepcopy()  # a section over 3 pages needs 2 labels
        label.translate(0, split.target.border_box_y() - label.position_y)
        # Drawn where it is, but kept in a page margin's box, which the tagged
        # PDF leaves out of its structure: like the running header, the label
        # is page decoration that a screen reader skips (render/tagging.py).
        margin = _margin_box(split.page)
        holder = margin if margin is not None else split.first
        holder.children = [*holder.children, label]


def _margin_box(page_box):
    """A page-margin box of this page (the running header's, if it has one)."""
    from weasyprint.formatting_structure import boxes

    margins = [box for box in page_box.children if isinstance(box, boxes.MarginBox)]
    return next((box for box in margins if box.at_keyword == "@top-center"), None) or next(
        iter(margins), None
    )


def _splits(document) -> list[_Split]:
    pages_of: dict[object, set[int]] = {}
    labels: dict[object, object] = {}  # section element -> its label box
    for index, page in enumerate(document.pages):
        for box, section in _boxes_in_sections(page._page_box):
            if box.element is not None:
                pages_of.setdefault(box.element, set()).add(index)
            if _is_label(box) and section is not None:
                labels.setdefault(section, box)
    found = []
    for index, page in enumerate(document.pages[1:], start=1):
        seen = set()
        for box in _boxes(page._page_box):
            section = box.element
            if box.element_tag != "section" or section in seen:
                continue
            if min(pages_of[section]) == index:
                continue  # starts on this page
            seen.add(section)
            target = _first_on_page(box, pages_of, index)
            if _side_heading(section) is not None and target is not None:
                found.append(_Split(section, labels.get(section), box, target, page._page_box))
    return found


def _cut(document) -> set[object]:
    """Side headings and labels laid out on more than one page."""
    pages_of: dict[object, set[int]] = {}
    for index, page in enumerate(document.pages):
        for box in _boxes(page._page_box):
            if box.element_tag == "h2" or _is_label(box):
                pages_of.setdefault(box.element, set()).add(index)
    return {element for element, pages in pages_of.items() if len(pages) > 1}


def _side_sections(document) -> list[tuple[object, object, object | None]]:
    """Each section with a side heading: (section, heading, label or None)."""
    found = {}
    for page in document.pages:
        for box in _boxes(page._page_box):
            if box.element_tag == "section" and box.element not in found:
                heading = _side_heading(box.element)
                if heading is not None:
                    label = next(
                        (c for c in box.element if LABEL_CLASS in (c.get("class") or "").split()),
                        None,
                    )
                    found[box.element] = (box.element, heading, label)
    return list(found.values())


# The label's place and look: beside its heading, out of the flow (it is moved
# or dropped after layout). Given to WeasyPrint before the templates' print.css,
# which may restyle it, so that a stylesheet from before the labels existed
# never shows them in the text.
LABEL_CSS = """
section > .continued-label {
  position: absolute; top: 0; left: -1.5in; width: 1.32in; margin: 0;
  padding-top: 1pt; border-top: 2pt solid var(--brand, #2f5d62);
  color: var(--brand, #2f5d62); font-size: 11pt; font-weight: bold; line-height: 1.15;
}
"""


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _boxes(child)


def _boxes_in_sections(box, section=None):
    """Each box, with the element of the section it is in (or None)."""
    yield box, section
    if box.element_tag == "section":
        section = box.element
    for child in getattr(box, "children", ()):
        yield from _boxes_in_sections(child, section)


def _is_label(box) -> bool:
    # An absolutely positioned box sits in its parent's children inside an
    # AbsolutePlaceholder, which stands for it: the placeholder is what moves.
    inner = box.__dict__.get("_box", box)
    return (
        inner.element is not None
        and inner.element_tag == "p"
        and LABEL_CLASS in (inner.element.get("class") or "").split()
        and type(inner).__name__ == "BlockBox"
    )


def _side_heading(section):
    for child in section:
        if _tag(child) == "h2":
            return child
    return None


def _first_on_page(box, pages_of, index):
    """The first in-flow box inside ``box`` whose element starts on page ``index``."""
    while True:
        children = [
            child
            for child in getattr(box, "children", ())
            if child.element is not None
            and child.is_in_normal_flow()
            and child.element_tag is not None
            and child.style["display"][0] == "block"
        ]
        if not children:
            return box if box.element_tag != "section" else None
        first = children[0]
        if min(pages_of[first.element]) == index:
            return first
        box = first


def _detach(page_box, target) -> None:
    for box in _boxes(page_box):
        children = getattr(box, "children", None)
        if children and any(child is target for child in children):
            box.children = [child for child in children if child is not target]
            return


def _tag(element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rsplit("}", 1)[-1]
