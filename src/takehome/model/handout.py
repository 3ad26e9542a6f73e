"""The validated model of one handout: topics + client + practice + date.

Everything is checked here, before anything is rendered or written, so that a
bad condition key stops the command with no file touched.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace

from takehome.errors import TakehomeError
from takehome.model.client import Client, condition_key
from takehome.model.practice import DEFAULT_PRACTICE, Practice
from takehome.model.topic import ConditionNote, LoadedTopic, Stretch, Topic, TopicLibrary


@dataclass(frozen=True)
class TopicSection:
    """One topic as it appears in a handout, with the client's condition notes."""

    key: str
    topic: Topic
    condition_notes: tuple[ConditionNote, ...]
    stretches: tuple[Stretch, ...]  # those that suit this client


@dataclass(frozen=True)
class Handout:
    """Everything a template needs, already validated."""

    sections: tuple[TopicSection, ...]
    client: Client
    practice: Practice
    date: dt.date

    @property
    def topic_keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)

    @property
    def title(self) -> str:
        return " · ".join(section.topic.title for section in self.sections)

    def when_to_call(self) -> dict[str, list[str]]:
        """Warning signs from every topic, merged without repeats."""
        merged: dict[str, list[str]] = {"therapist": [], "doctor": []}
        for section in self.sections:
            for who, items in (
                ("therapist", section.topic.when_to_call.therapist),
                ("doctor", section.topic.when_to_call.doctor),
            ):
                merged[who] += [item for item in items if item not in merged[who]]
        return merged

    def disclaimers(self) -> list[str]:
        """Each distinct disclaimer once."""
        seen: list[str] = []
        for section in self.sections:
            if section.topic.disclaimer not in seen:
                seen.append(section.topic.disclaimer)
        return seen


def parse_date(text: str | None, where: str = "date") -> dt.date:
    """Parse a date typed as YYYY-MM-DD (errors name ``where``); today when not given."""
    if text is None:
        return dt.date.today()
    problem = f"{where}: '{text}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-25"
    # fromisoformat alone would also take 20261125 or 2026-W48-3.
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise TakehomeError(problem)
    try:
        date = dt.date.fromisoformat(text)
    except ValueError:
        raise TakehomeError(problem) from None
    if not 2000 <= date.year <= 2100:
        raise TakehomeError(f"{where}: {text} is far from today; check the year")
    return date


HANDOUT_FIELDS = {"conditions": "conditions"}


def build_handout(
    topic_keys: list[str] | tuple[str, ...],
    client: Client,
    *,
    library: TopicLibrary | None = None,
    practice: Practice = DEFAULT_PRACTICE,
    date: dt.date | None = None,
    fields: dict[str, str] = HANDOUT_FIELDS,
) -> Handout:
    """Load the topics, check the client's conditions against them, return the model.

    Topics may be given by key, title or service name (see TopicLibrary.resolve);
    conditions by key or label ("Lower back pain" is lower-back-pain).
    """
    library = library or TopicLibrary()
    if not topic_keys:
        raise TakehomeError(f"no topic given; known topics: {', '.join(library.keys())}")
    keys = list(dict.fromkeys(key for name in topic_keys for key in library.topics_for(name)))
    loaded: list[LoadedTopic] = [library.load(key) for key in keys]

    by_name: dict[str, str] = {}
    for item in loaded:
        for key, entry in item.topic.conditions.items():
            by_name.setdefault(key, key)
            by_name.setdefault(condition_key(entry.label), key)
    conditions = []
    for condition in client.conditions:
        if condition not in by_name:
            listing = "; ".join(
                f"{item.key}: {', '.join(item.topic.conditions) or '(none)'}" for item in loaded
            )
            raise TakehomeError(
                f"{fields['conditions']}: unknown condition '{condition}'; known: {listing}"
            )
        conditions.append(by_name[condition])
    client = replace(client, conditions=tuple(dict.fromkeys(conditions)))

    sections = tuple(
        TopicSection(
            key=item.key,
            topic=item.topic,
            condition_notes=tuple(
                item.topic.conditions[c] for c in client.conditions if c in item.topic.conditions
            ),
            stretches=tuple(s for s in item.topic.stretches if s.suits(client.conditions)),
        )
        for item in loaded
    )
    return Handout(
        sections=sections,
        client=client,
        practice=practice,
        date=date or dt.date.today(),
    )
