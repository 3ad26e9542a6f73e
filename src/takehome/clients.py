"""Who a handout is for: the client's name, conditions, note and next visit.

Client data is health information: nothing here logs it, and it only ever reaches
the rendered handout (as escaped text) and the output file name (the name only).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from .errors import TakehomeError

MAX_NAME = 120
MAX_NOTE = 1200


def _clean(text: str, what: str, limit: int, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    allowed = "\n" if multiline else ""
    for char in text:
        if unicodedata.category(char) == "Cc" and char not in allowed:
            raise TakehomeError(
                f"{what}: contains a control character (U+{ord(char):04X}); "
                f"remove it and type the text again"
            )
    if len(text) > limit:
        raise TakehomeError(
            f"{what}: is {len(text)} characters long, more than {limit}; shorten it"
        )
    return text


@dataclass(frozen=True)
class Client:
    """A validated client profile (validation happens in ``Client.create``)."""

    name: str
    conditions: tuple[str, ...] = ()
    note: str | None = None
    next_visit: str | None = None
    email: str | None = field(default=None, repr=False)

    @classmethod
    def create(
        cls,
        name: str,
        conditions: tuple[str, ...] | list[str] = (),
        note: str | None = None,
        next_visit: str | None = None,
    ) -> Client:
        """Check and normalise client input; raise TakehomeError naming the field."""
        clean_name = _clean(name or "", "--client", MAX_NAME, multiline=False)
        if not clean_name:
            raise TakehomeError("--client: the client's name is empty; give the name to print")
        clean_note = _clean(note, "--note", MAX_NOTE, multiline=True) if note else None
        clean_next = (
            _clean(next_visit, "--next-visit", 200, multiline=False) if next_visit else None
        )
        keys: list[str] = []
        for raw in conditions:
            key = raw.strip().lower().replace(" ", "-").replace("_", "-")
            if key and key not in keys:
                keys.append(key)
        return cls(
            name=clean_name,
            conditions=tuple(keys),
            note=clean_note or None,
            next_visit=clean_next or None,
        )
