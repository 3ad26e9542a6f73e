"""`takehome gallery`: every built-in figure on a sheet, with the name a topic
file uses for it (``figure = "calf-stretch"``), to choose one and to review them.
"""

from __future__ import annotations

from html import escape

from takehome.figures.library import FIGURES
from takehome.render import fonts, tagging
from takehome.render.paper import PAPER_SIZES


def gallery_html(paper: str = "letter") -> str:
    """The gallery as HTML: each figure with its name and caption (our own text only)."""
    from takehome.render.pdf import _faces, _font_face_rule

    cells = "".join(
        f'<figure><div class="art">{figure.svg()}</div><figcaption>'
        f'<code>figure = "{escape(key)}"</code><br>{escape(figure.caption)}'
        "</figcaption></figure>"
        for key, figure in sorted(FIGURES.items())
    )
    faces = "".join(_font_face_rule(face) for face in _faces())
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>takehome: the built-in stretch figures</title><style>
{faces}
@page {{ size: {PAPER_SIZES[paper]}; margin: 0.5in; }}
body {{ font-family: "Atkinson Hyperlegible", sans-serif; font-size: 10pt; color: #1a1a1a; }}
h1 {{ font-size: 16pt; margin: 0 0 4pt; }}
p {{ margin: 0 0 10pt; }}
.grid {{ display: grid; grid-template-columns: 1fr 1fr; gap: 10pt; }}
figure {{ margin: 0; break-inside: avoid; border: 0.75pt solid #999; padding: 6pt; }}
.art svg {{ display: block; width: 100%; height: 1.4in; }}
/* The line to copy, never broken at a hyphen. */
code {{ font-family: inherit; font-weight: 700; white-space: nowrap; }}
</style></head><body>
<h1>The built-in stretch figures</h1>
<p>To use one for a stretch in your own topic file, copy its line into the
stretch, under its steps. Each shows where the stretch starts, an arrow, and where it ends.</p>
<div class="grid">{cells}</div></body></html>"""


def gallery_pdf(paper: str = "letter") -> bytes:
    """The gallery as a tagged PDF (each figure's alt text in the structure tree)."""
    import weasyprint

    from takehome.render.pdf import _make_url_fetcher

    data = weasyprint.HTML(
        string=gallery_html(paper), url_fetcher=_make_url_fetcher(fonts.font_dirs())
    ).write_pdf(pdf_variant="pdf/ua-1")
    return tagging.finish_tagging(data)
