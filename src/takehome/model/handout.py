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
from takehome.model.conditions import DOCTOR_HEADING
from takehome.model.practice import DEFAULT_PRACTICE, Practice
from takehome.model.topic import AftercareStep, LoadedTopic, Stretch, Topic, TopicLibrary


@dataclass(frozen=True)
class ConditionBox:
    """What a handout says about one of the client's conditions: the shared
    note, then each topic's, every sentence once."""

    key: str
    label: str
    paragraphs: tuple[str, ...]
    # The condition's own warning signs (pregnancy's), those no topic lists already:
    # ``doctor`` prints in the box, ``emergency`` in the red box's "Call 911" list.
    doctor: tuple[str, ...] = ()
    emergency: tuple[str, ...] = ()
    doctor_heading: str = DOCTOR_HEADING  # what to do about the ``doctor`` signs

    @property
    def note(self) -> str:  # the old templates' one-paragraph name
        return " ".join(self.paragraphs)


@dataclass(frozen=True)
class TopicSection:
    """One topic as it appears in a handout: its text with every sentence an
    earlier topic of the same handout already said left out."""

    key: str
    topic: Topic
    condition_notes: tuple[ConditionBox, ...]  # the handout's boxes, on its first topic
    stretches: tuple[Stretch, ...]  # those that suit this client, not already shown
    intro: str = ""
    benefits: tuple[str, ...] = ()
    preparation: tuple[str, ...] = ()
    during: tuple[str, ...] = ()
    aftercare: tuple[AftercareStep, ...] = ()


@dataclass(frozen=True)
class Handout:
    """Everything a template needs, already validated."""

    sections: tuple[TopicSection, ...]
    client: Client
    practice: Practice
    date: dt.date
    condition_boxes: tuple[ConditionBox, ...] = ()

    @property
    def topic_keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)

    @property
    def title(self) -> str:
        return " · ".join(section.topic.title for section in self.sections)

    @property
    def purpose(self) -> str | None:
        """What the sheet is for, in one sentence (its first topic's)."""
        return next((s.topic.purpose for s in self.sections if s.topic.purpose), None)

    @property
    def today(self) -> list[str]:
        """ "Do this today": every topic's key actions, each once, at most 5."""
        actions: list[str] = []
        for section in self.sections:
            actions += [
                a
                for a in section.topic.today
                if _sentence_key(a) not in map(_sentence_key, actions)
            ]
        return actions[:5]

    def when_to_call(self) -> dict[str, list[str]]:
        """Warning signs from every topic, merged without repeats; the client's
        conditions' "call 911" signs (pregnancy's) come first in the emergency list."""
        merged: dict[str, list[str]] = {"therapist": [], "doctor": [], "emergency": []}

        def new(who: str, items) -> list[str]:
            # An item said already, or one of whose sentences was said already
            # ("Sudden shortness of breath or chest pain. This could be ..."), is
            # not printed again.
            kept = []
            for item in items:
                said = {key for other in merged[who] + kept for key in _sentence_keys(other)}
                if not said & set(_sentence_keys(item)):
                    kept.append(item)
            return kept

        for section in self.sections:
            calls = section.topic.when_to_call
            for who, items in (
                ("therapist", calls.therapist),
                ("doctor", calls.doctor),
                ("emergency", calls.emergency),
            ):
                merged[who] += new(who, items)
        signs = [sign for box in self.condition_boxes for sign in box.emergency]
        merged["emergency"] = new("emergency", signs) + merged["emergency"]
        return merged

    def disclaimers(self) -> list[str]:
        """Each distinct disclaimer once."""
        seen: list[str] = []
        for section in self.sections:
            if section.topic.disclaimer not in seen:
                seen.append(section.topic.disclaimer)
        return seen


def _unlisted(signs: tuple[str, ...], listed: set[str]) -> tuple[str, ...]:
    """The signs not in ``listed`` (sentence keys)."""
    return tuple(sign for sign in signs if _sentence_key(sign) not in listed)


def _sentence_keys(text: str) -> list[str]:
    """The item's key, then each of its sentences' keys (for more than one)."""
    sentences = _SENTENCE_END.split(" ".join(text.split()))
    keys = [_sentence_key(text)]
    return keys + [_sentence_key(s) for s in sentences] if len(sentences) > 1 else keys


def _sentence_key(text: str) -> str:
    """A sentence as compared for repeats: case, spacing and end punctuation aside."""
    return " ".join(re.findall(r"[\w']+", text.casefold()))


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


class _Once:
    """Keeps each sentence of a handout to its first place."""

    def __init__(self):
        self.seen: set[str] = set()

    def item(self, text: str) -> str | None:
        """A list item without the sentences said already, or None if none is left."""
        return self.paragraph(text) or None

    def paragraph(self, text: str) -> str:
        """A paragraph without the sentences said already ("" if none is left)."""
        kept = []
        for sentence in _SENTENCE_END.split(" ".join(text.split())):
            key = _sentence_key(sentence)
            if key and key not in self.seen:
                self.seen.add(key)
                kept.append(sentence)
        return " ".join(kept)

    def items(self, texts) -> tuple[str, ...]:
        return tuple(t for t in map(self.item, texts) if t)

    def paragraphs(self, texts) -> tuple[str, ...]:
        return tuple(p for p in map(self.paragraph, texts) if p)


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
    from takehome.model.conditions import vocabulary

    library = library or TopicLibrary()
    if not topic_keys:
        raise TakehomeError(f"no topic given; known topics: {', '.join(library.keys())}")
    keys = list(dict.fromkeys(key for name in topic_keys for key in library.topics_for(name)))
    loaded: list[LoadedTopic] = [library.load(key) for key in keys]
    shared = vocabulary()

    # A topic's own condition (one the vocabulary lacks) by its key or label;
    # every other condition by the vocabulary's key, label or aliases.
    local: dict[str, str] = {}
    for item in loaded:
        for key, entry in item.topic.conditions.items():
            if key not in shared.conditions:
                local.setdefault(key, key)
                local.setdefault(condition_key(entry.label or key), key)
    conditions = []
    for condition in client.conditions:
        key = local.get(condition) or shared.key_for(condition)
        if key is None:
            own = [k for k in local.values() if k not in shared.conditions]
            known = ", ".join([*shared.conditions, *dict.fromkeys(own)])
            raise TakehomeError(
                f"{fields['conditions']}: unknown condition '{condition}'; known: {known} "
                "(`takehome list` shows them)"
            )
        conditions.append(key)
    # A topic's implied conditions (prenatal: pregnancy) belong to every client of it.
    conditions += [key for item in loaded for key in item.topic.implies]
    client = replace(client, conditions=tuple(dict.fromkeys(conditions)))

    once = _Once()
    boxes = []
    # A sign the red box already gives (an item, or a sentence of one) is not
    # listed again in a condition's box.
    listed = {
        key
        for each in loaded
        for item in (*each.topic.when_to_call.doctor, *each.topic.when_to_call.emergency)
        for key in _sentence_keys(item)
    }
    for key in client.conditions:
        entry = shared.conditions.get(key)
        texts = [entry.note] if entry and entry.note else []
        label = entry.label if entry else None
        for item in loaded:
            note = item.topic.conditions.get(key)
            if note is not None:
                texts.append(note.note)
                label = label or note.label
        paragraphs = once.paragraphs(texts)
        doctor = _unlisted(entry.doctor, listed) if entry else ()
        emergency = _unlisted(entry.emergency, listed) if entry else ()
        if paragraphs or doctor or emergency:
            heading = entry.doctor_heading if entry else DOCTOR_HEADING
            boxes.append(ConditionBox(key, label or key, paragraphs, doctor, emergency, heading))

    shown_stretches: set[str] = set()
    sections = []
    for index, item in enumerate(loaded):
        topic = item.topic
        stretches = []
        for stretch in topic.stretches:
            if stretch.suits(client.conditions) and stretch.name.casefold() not in shown_stretches:
                shown_stretches.add(stretch.name.casefold())
                stretches.append(stretch)
        aftercare = []
        for step in topic.aftercare:
            text = once.paragraph(step.text)
            if text:
                aftercare.append(replace_step(step, text))
        sections.append(
            TopicSection(
                key=item.key,
                topic=topic,
                condition_notes=tuple(boxes) if index == 0 else (),
                stretches=tuple(stretches),
                intro=once.paragraph(topic.intro),
                benefits=once.items(topic.benefits),
                preparation=once.items(topic.preparation),
                during=once.paragraphs(topic.during),
                aftercare=tuple(aftercare),
            )
        )
    return Handout(
        sections=tuple(sections),
        client=client,
        practice=practice,
        date=date or dt.date.today(),
        condition_boxes=tuple(boxes),
    )


def replace_step(step: AftercareStep, text: str) -> AftercareStep:
    """An aftercare step with its text as printed."""
    return step.model_copy(update={"text": text})
