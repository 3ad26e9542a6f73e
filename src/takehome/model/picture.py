"""A stretch's own picture: an image file the therapist keeps beside the topic file."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

# What a stretch's `figure` may name besides a built-in drawing.
PICTURE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class Picture:
    """A checked image (as a data: URL) with its words; drawn like a built-in figure."""

    data_url: str
    alt: str  # the position in words, for a screen reader (the PDF's Figure /Alt)
    caption: str = ""  # under the picture, short; may be empty

    def markup(self) -> Markup:
        """An <img> for the template; the alt text is the therapist's, so escaped."""
        return Markup('<img src="{}" alt="{}">').format(self.data_url, self.alt)

    def __repr__(self) -> str:  # not the whole data: URL in a log or a test failure
        return f"Picture(alt={self.alt!r}, {len(self.data_url)} characters)"
