"""The fonts a handout is printed with, and a check for characters none can print.

Fonts come from Python packages (fontpkg-*), not from the system, so every
machine prints the same handout. Atkinson Hyperlegible is the text face; Noto
Sans and Noto Sans Arabic print names in Greek, Cyrillic and Arabic script.
Anything else (Chinese, say) falls back to system fonts through fontconfig;
characters that no font has are reported after rendering (see render.py).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import fontpkg

# Order matters: it is the CSS font-family fallback order.
FAMILIES = ("Atkinson Hyperlegible", "Noto Sans", "Noto Sans Arabic")


@dataclass(frozen=True)
class FontFace:
    """One @font-face rule: a family, a weight, a style and the file behind it."""

    family: str
    weight: str  # CSS font-weight, e.g. "400"
    style: str
    path: Path


@functools.cache
def font_faces() -> tuple[FontFace, ...]:
    """Every bundled font file, as @font-face descriptors."""
    faces = []
    for name in FAMILIES:
        family = fontpkg.family(name)
        for file in family.files:
            path = Path(file.path).resolve()
            # WeasyPrint takes no weight ranges: a variable font is declared once for
            # regular and once for bold text.
            weights = ("400", "700") if file.variable else (str(file.weight),)
            faces += [FontFace(name, weight, file.style, path) for weight in weights]
    return tuple(faces)


def font_dirs() -> tuple[Path, ...]:
    """Folders the renderer may read font files from."""
    return tuple(sorted({face.path.parent for face in font_faces()}))
