"""Render page 1 of the sample handout to docs/sample-page-1.png for the README.

.venv/bin/python scripts/docs_png.py handouts-out/sample-glutes.pdf
"""

import sys
from pathlib import Path

import pypdfium2

pdf = pypdfium2.PdfDocument(sys.argv[1])
for index in range(len(pdf)):
    image = pdf[index].render(scale=90 / 72).to_pil()
    out = Path(__file__).resolve().parent.parent / "docs" / f"sample-page-{index + 1}.png"
    image.save(out, optimize=True)
    print(f"Wrote {out}")
