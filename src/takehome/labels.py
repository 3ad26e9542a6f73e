"""What the caller calls each input, so an error starts with a place the user knows.

The service layer knows no command-line flags: the CLI passes ``CLI_LABELS``
(``--client``, ``--paper``), a Python caller gets the parameter names, and a web
page may pass its own form labels.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Labels:
    """The name of each input, as the user knows it."""

    client: str = "client"
    note: str = "note"
    next_visit: str = "next_visit"
    conditions: str = "conditions"
    paper: str = "paper"
    date: str = "date"
    output: str = "output"
    out_dir: str = "out_dir"
    force: str = "force=True"
    to: str = "to"
    default_topics: str = "default_topics"
    resend: str = "resend=True"
    config: str = "profile"
    encoding: str = "encoding"
    staff: str = "staff"
    note_column: str = "note_column"

    @property
    def client_fields(self) -> dict[str, str]:
        """The labels Client.create names its fields by."""
        return {
            "name": self.client,
            "note": self.note,
            "next_visit": self.next_visit,
            "conditions": self.conditions,
        }


API_LABELS = Labels()
CLI_LABELS = Labels(
    client="--client",
    note="--note",
    next_visit="--next-visit",
    conditions="--condition",
    paper="--paper",
    date="--date",
    output="-o",
    out_dir="--out",
    force="--force",
    to="--to",
    default_topics="--topic",
    resend="--resend",
    config="--config",
    encoding="--encoding",
    staff="--staff",
    note_column="--note-column",
)
