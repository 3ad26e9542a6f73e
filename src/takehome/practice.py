"""The practice whose name and contact details appear on every handout.

Until a practice profile exists, a neutral block is used so that ``make`` works
with no configuration at all.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Practice:
    """Practice details printed in the header and footer."""

    name: str = "Your massage therapist"
    therapist: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None

    def contact_line(self) -> str:
        """The footer's contact line, or a neutral prompt when nothing is set."""
        parts = [p for p in (self.phone, self.email, self.website) if p]
        return " · ".join(parts) if parts else "Questions? Ask your therapist at your next visit."


DEFAULT_PRACTICE = Practice()
