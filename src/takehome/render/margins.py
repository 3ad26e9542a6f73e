"""Page margins that grow to hold the running header and footer.

The header (practice, logo, "Prepared for ...") and the footer (contact, address)
are drawn in the page margins. A long client or practice name wraps onto more
lines; in a fixed margin those lines would run off the top of the page or be
struck through by the header's rule, and in large print every line is taller.
After the first layout this module measures them: if a margin cannot hold its
content plus a strip of plain paper at the page edge (where printers cannot
print), the handout is laid out again with margins that can. A handout with
names of usual length fits the margins of print.css and is laid out once.
"""

from __future__ import annotations

__all__ = ["EDGE", "grown_margins"]

PX_PER_IN = 96
# The strip at the paper's edge kept clear: most office printers leave about
# 4.2 mm (0.17 in) unprinted.
EDGE = 0.17 * PX_PER_IN
_SLACK = 0.5  # px: rounding, not worth a second layout


def _content_height(margin_box) -> float:
    """The height of what is drawn in a margin box (which may overflow it)."""
    children = list(margin_box.children)
    if not children:
        return 0.0
    top = min(child.position_y for child in children)
    bottom = max(child.position_y + child.margin_height() for child in children)
    return bottom - top


def grown_margins(document) -> str | None:
    """An ``@page`` rule with the margins the pages' headers and footers need,
    or None when the stylesheets' margins already hold them.

    Every page is measured (the first has its header in the text, so no top
    margin box; a therapist's stylesheet may give left and right pages their
    own margins, which this rule does not override)."""
    need: dict[str, float] = {}  # "margin-top" / "margin-bottom": px
    for page in document.pages:
        page_box = page._page_box
        for box in page_box.children:
            keyword = getattr(box, "at_keyword", "") or ""
            if not keyword.startswith(("@top", "@bottom")) or not box.children:
                continue
            height = _content_height(box) + box.padding_top + box.padding_bottom + EDGE
            side, margin = (
                ("margin-top", page_box.margin_top)
                if keyword.startswith("@top")
                else ("margin-bottom", page_box.margin_bottom)
            )
            if height > margin + _SLACK:
                need[side] = max(need.get(side, 0.0), height)
    if not need:
        return None
    rules = " ".join(f"{side}: {px:.2f}px;" for side, px in sorted(need.items()))
    return f"@page {{ {rules} }}"
