"""The shared vocabulary of client conditions: keys, labels, aliases, general notes.

A condition belongs to the client, not to one topic: "pregnant", "pregnancy" and
"expecting" are one key whatever the handout's topics, and each topic adds its
own note for it (``[conditions.pregnancy] note = ...`` in the topic file). The
vocabulary is content, kept in ``handouts/conditions/vocabulary.toml``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from takehome.errors import TakehomeError
from takehome.files import TOPIC_LIMIT, read_toml
from takehome.model.client import condition_key
from takehome.paths import builtin_handouts_dir

VOCABULARY_FILE = Path("conditions") / "vocabulary.toml"
DOCTOR_HEADING = "See a doctor soon if you have"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    label: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list)
    note: str | None = None  # printed once per handout, whatever its topics
    # Warning signs for a client with this condition, added to the handout's
    # "See a doctor" and "Call 911 now" lists (pregnancy's, say).
    doctor: list[str] = Field(default_factory=list)
    emergency: list[str] = Field(default_factory=list)
    # Printed above the ``doctor`` signs in the condition's box.
    doctor_heading: str = Field(DOCTOR_HEADING, min_length=1)


@dataclass(frozen=True)
class Condition:
    """One condition of the vocabulary."""

    key: str
    label: str
    aliases: tuple[str, ...]
    note: str | None
    doctor: tuple[str, ...] = ()
    emergency: tuple[str, ...] = ()
    doctor_heading: str = DOCTOR_HEADING


@dataclass(frozen=True)
class Vocabulary:
    """Every known condition, and the words that name each one."""

    conditions: dict[str, Condition]
    names: dict[str, str]  # a key, label or alias (as condition_key words) -> key

    def key_for(self, text: str) -> str | None:
        """The condition ``text`` names (a key, label or alias), or None."""
        return self.names.get(condition_key(text))

    def labels(self) -> list[str]:
        """Every key, for messages and `takehome list`."""
        return list(self.conditions)


@functools.cache
def vocabulary(path: Path | None = None) -> Vocabulary:
    """The built-in vocabulary (read once per process)."""
    path = path or builtin_handouts_dir() / VOCABULARY_FILE
    data = read_toml(path, limit=TOPIC_LIMIT, what="the conditions vocabulary")
    conditions: dict[str, Condition] = {}
    names: dict[str, str] = {}
    for key, raw in data.items():
        try:
            entry = _Entry.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(part) for part in first["loc"])
            raise TakehomeError(f"{path}: {key}.{where}: {first['msg']}; fix the file") from None
        conditions[key] = Condition(
            key,
            entry.label,
            tuple(entry.aliases),
            entry.note,
            tuple(entry.doctor),
            tuple(entry.emergency),
            entry.doctor_heading,
        )
        for name in (key, entry.label, *entry.aliases):
            known = names.setdefault(condition_key(name), key)
            if known != key:
                raise TakehomeError(
                    f"{path}: '{name}' names both {known} and {key}; give it to one of them"
                )
    return Vocabulary(conditions, names)
