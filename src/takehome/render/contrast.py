"""Readable colours: the practice's brand colour must pass WCAG AA for text.

The brand colour prints the handout's headings, on white and on the light grey of
the boxes ("Do this today", a condition, the therapist's note), so it needs a
contrast of at least 4.5:1 against both (WCAG 2.1, 1.4.3). A colour that fails
is refused with the nearest darker shade of the same hue that passes, found in
OKLCH (a perceptual colour space) so the shade still looks like the brand.

ColorAide does the colour science (WCAG contrast, OKLCH, gamut mapping): it is
well kept, pure Python, and imported only when a colour is checked.
"""

from __future__ import annotations

__all__ = ["BACKGROUNDS", "MINIMUM", "brand_colour_problem", "contrast", "darker_shade"]

MINIMUM = 4.5  # WCAG AA for normal-size text
# Every background the brand colour's text sits on: the page, and the boxes'
# grey (print.css: .today, .condition, .personal-note).
BACKGROUNDS = ("#ffffff", "#f0f2f2")


def contrast(colour: str, background: str) -> float:
    """The WCAG 2.1 contrast ratio of two sRGB colours (1 to 21)."""
    from coloraide import Color

    return Color(colour).contrast(background, method="wcag21")


def _worst(colour: str) -> float:
    return min(contrast(colour, background) for background in BACKGROUNDS)


def darker_shade(colour: str) -> str:
    """The lightest shade of ``colour``'s hue (same chroma where it fits) that passes."""
    from coloraide import Color

    start = Color(colour).convert("oklch")

    def shade(lightness: float) -> str:
        colour_at = start.clone().set("lightness", lightness).convert("srgb")
        return colour_at.fit("srgb").to_string(hex=True)

    low, high = 0.0, start["lightness"]
    # Bisect on lightness: contrast against a light background falls as it rises.
    for _ in range(30):
        middle = (low + high) / 2
        if _worst(shade(middle)) >= MINIMUM:
            low = middle
        else:
            high = middle
    return shade(low)


def brand_colour_problem(colour: str) -> str | None:
    """Why ``colour`` cannot print the headings, with a shade to use instead; or None."""
    worst = _worst(colour)
    if worst >= MINIMUM:
        return None
    return (
        f"{colour} is too light to read as heading text ({worst:.1f}:1 on the handout's "
        f"backgrounds; text needs {MINIMUM}:1); use {darker_shade(colour)}, "
        "a darker shade of the same colour"
    )
