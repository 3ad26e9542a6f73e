"""Who a handout is for: client profiles, typed on the command line or read from a
booking-software CSV export.

Client data is health information: nothing here logs it, and it only ever reaches
the rendered handout (as escaped text) and the output file name (the name only).
Errors name the row and column, never the client.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from takehome.errors import TakehomeError

MAX_NAME = 120
MAX_NOTE = 1200
MAX_NEXT_VISIT = 200

# What each field is called in error messages: the parameter names by default;
# the CLI passes its options (labels.CLI_LABELS), a batch the CSV column names.
DEFAULT_FIELDS = {
    "name": "client",
    "note": "note",
    "next_visit": "next_visit",
    "conditions": "conditions",
}


_LINE_SEPARATORS = "\u2028\u2029\x85"  # Unicode's line, paragraph and next-line marks


def _clean(text: str, what: str, limit: int, multiline: bool) -> str:
    text = unicodedata.normalize("NFC", text).strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        for separator in _LINE_SEPARATORS:
            text = text.replace(separator, "\n")
    allowed = "\n\t" if multiline else ""
    for char in text:
        if char in _LINE_SEPARATORS:
            # No font prints it, and in an email header it starts a new line.
            raise TakehomeError(
                f"{what}: contains a line break (U+{ord(char):04X}); keep it on one line"
            )
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


def condition_key(text: str) -> str:
    """'Lower back pain' -> 'lower-back-pain': how a typed condition is matched."""
    return re.sub(r"[^a-z0-9]+", "-", unicodedata.normalize("NFKC", text).casefold()).strip("-")


@dataclass(frozen=True)
class Client:
    """A validated client profile (validation happens in ``Client.create``)."""

    name: str
    conditions: tuple[str, ...] = ()
    note: str | None = None
    next_visit: str | None = None

    @classmethod
    def create(
        cls,
        name: str,
        conditions: tuple[str, ...] | list[str] = (),
        note: str | None = None,
        next_visit: str | None = None,
        fields: dict[str, str] = DEFAULT_FIELDS,
    ) -> Client:
        """Check and normalise client input; raise TakehomeError naming the field."""
        clean_name = _clean(name or "", fields["name"], MAX_NAME, multiline=False)
        if not clean_name:
            raise TakehomeError(
                f"{fields['name']}: the client's name is empty; give the name to print"
            )
        clean_note = _clean(note, fields["note"], MAX_NOTE, multiline=True) if note else None
        clean_next = (
            _clean(next_visit, fields["next_visit"], MAX_NEXT_VISIT, multiline=False)
            if next_visit
            else None
        )
        keys = [condition_key(raw) for raw in conditions]
        return cls(
            name=clean_name,
            conditions=tuple(dict.fromkeys(key for key in keys if key)),
            note=clean_note or None,
            next_visit=clean_next or None,
        )

    @property
    def initials(self) -> str:
        """'Ana Silva' -> 'A.S.': all that progress output shows of a client."""
        return "".join(f"{word[0]}." for word in self.name.split()[:3]).upper()
