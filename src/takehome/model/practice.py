"""The practice as the templates see it: name, contact, colour, logo."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

DEFAULT_BRAND_COLOR = "#2f5d62"
DEFAULT_NAME = "Your massage therapist"  # the neutral practice block, until a profile exists
DEFAULT_EMERGENCY_NUMBER = "911"  # the US and Canada; set [practice] emergency_number elsewhere


@dataclass(frozen=True)
class Practice:
    """Practice details as the templates use them (paths resolved, logo loaded)."""

    name: str = DEFAULT_NAME
    therapist: str | None = None
    credentials: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None
    booking_link: str | None = None
    brand_color: str = DEFAULT_BRAND_COLOR
    emergency_number: str = DEFAULT_EMERGENCY_NUMBER
    logo_data_url: str | None = field(default=None, repr=False)

    @property
    def signature(self) -> str | None:
        """'Sam Lee, LMT', or None without a therapist name."""
        if not self.therapist:
            return None
        return f"{self.therapist}, {self.credentials}" if self.credentials else self.therapist

    def contact_line(self) -> str:
        """The footer's contact line, or a neutral prompt when nothing is set."""
        parts = [p for p in (self.phone, self.email, self.website) if p]
        return " · ".join(parts) if parts else "Questions? Ask your therapist at your next visit."

    @property
    def phone_link(self) -> str | None:
        """The phone as a ``tel:`` link, or None (see ``tel_link``)."""
        return tel_link(self.phone) if self.phone else None

    def contact_links(self) -> list[tuple[str, str | None]]:
        """Phone, email and website as (printed text, link): the body's contact line.

        The footer prints the same, but a page's footer is an artifact that screen
        readers skip and links there could not be tagged, so the body has them too.
        """
        links: list[tuple[str, str | None]] = []
        if self.phone:
            links.append((self.phone, self.phone_link))
        if self.email:
            # Printed as written; a link only if it is an address ("info (at)
            # calm.example" is printed, not linked).
            is_address = re.fullmatch(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+", self.email)
            links.append((self.email, f"mailto:{self.email}" if is_address else None))
        if self.website:
            links.append((self.website, web_link(self.website)))
        return links

    @property
    def booking_display(self) -> str | None:
        """The booking link as printed: without "https://", which the QR code keeps."""
        if not self.booking_link:
            return None
        return re.sub(r"^https?://", "", self.booking_link).rstrip("/")

    def booking_qr_svg(self) -> str | None:
        """The booking link as a QR code, an SVG data URL (sharp at any size)."""
        return _qr_svg(self.booking_link) if self.booking_link else None


_KEYPAD = {
    letter: digit
    for digit, letters in zip(
        "23456789", ("ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"), strict=True
    )
    for letter in letters
}
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x|#)\s*(\d+)\s*$", re.IGNORECASE)


def tel_link(phone: str) -> str | None:
    """A ``tel:`` link (RFC 3966) for the number a phone setting is written as.

    The first number of several ("555-0100 / 555-0101"); an extension as
    ";ext=3"; the "(0)" of "+44 (0)20 ..." left out; a phone word's letters as
    the keypad's digits ("1-800-FLOWERS"). None when there is no number to dial.
    """
    first = re.split(r"\s*(?:/|,|;|&|\bor\b)\s*", phone.strip(), maxsplit=1)[0]
    extension = ""
    if match := _EXTENSION.search(first):
        extension, first = f";ext={match[1]}", first[: match.start()]
    plus = "+" if first.lstrip().startswith("+") else ""
    if plus:
        first = first.replace("(0)", "")
    if re.fullmatch(r"\+?[\d\s().-]*\d[\d\s().-]*[A-Za-z][A-Za-z\d\s.-]*", first.strip()):
        first = "".join(_KEYPAD.get(char, char) for char in first.upper())
    digits = re.sub(r"\D", "", first)
    return f"tel:{plus}{digits}{extension}" if len(digits) >= 3 else None


def web_link(website: str) -> str | None:
    """A website as a link: http(s) as written, "https://" added to a bare
    domain; None for anything else (``javascript:``, ``ftp:``, words)."""
    if re.match(r"^https?://\S+$", website, re.IGNORECASE):
        return website
    if re.fullmatch(r"[\w-]+(\.[\w-]+)+(/\S*)?", website) and ":" not in website:
        return f"https://{website}"
    return None


@functools.cache
def _qr_svg(link: str) -> str:
    # Cached: every handout of a batch carries the same code (3 ms to make each).
    import segno  # only when there is a link to encode

    return segno.make(link, error="m").svg_data_uri(scale=4, border=2, dark="#000000")


DEFAULT_PRACTICE = Practice()
