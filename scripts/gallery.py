"""Draw every built-in stretch figure on one sheet, PDF and PNG, for review.

.venv/bin/python scripts/gallery.py [OUT_DIR]   (default: handouts-out/)
"""

import sys
from html import escape
from pathlib import Path

import pypdfium2
import weasyprint

from takehome.figures.library import FIGURES

out = Path(sys.argv[1] if len(sys.argv) > 1 else "handouts-out")
out.mkdir(parents=True, exist_ok=True)
cells = "".join(
    f'<figure><div class="art">{figure.svg()}</div>'
    f"<figcaption><b>{escape(key)}</b>: {escape(figure.caption)}</figcaption></figure>"
    for key, figure in FIGURES.items()
)
html = f"""<!DOCTYPE html><html lang="en"><head><title>takehome figures</title><style>
@page {{ size: letter; margin: 0.4in; }}
body {{ font-family: sans-serif; font-size: 9pt; }}
.grid {{ display: grid; grid-template-columns: 1fr 1fr 1fr; gap: 8pt; }}
figure {{ margin: 0; break-inside: avoid; border: 0.5pt solid #ccc; padding: 4pt; }}
.art svg {{ width: 100%; height: 1.1in; }}
</style></head><body><h1>takehome stretch figures</h1>
<div class="grid">{cells}</div></body></html>"""
pdf = out / "figures-gallery.pdf"
weasyprint.HTML(string=html).write_pdf(pdf)
document = pypdfium2.PdfDocument(str(pdf))
for index in range(len(document)):
    png = out / f"figures-gallery-{index + 1}.png"
    document[index].render(scale=100 / 72).to_pil().save(png)
    print(f"Wrote {png}")
print(f"Wrote {pdf}")
