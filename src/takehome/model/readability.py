"""How easy a topic is to read: its prose and Flesch-Kincaid grade."""

from __future__ import annotations

import re

from takehome.model.topic import Topic


def _sentence(text: str) -> str:
    # List items often lack a full stop; without one, a readability formula would
    # read the whole list as one very long sentence.
    text = text.strip()
    return text if text[-1:] in ".!?:" else text + "."


def prose(topic: Topic) -> str:
    """All the reader-facing prose of a topic as plain text, for readability scoring."""
    parts = [topic.intro, *topic.benefits, *topic.preparation, *topic.during]
    parts += [step.text for step in topic.aftercare]
    for stretch in topic.stretches:
        parts += [*stretch.steps, stretch.hold, stretch.repeat, stretch.stop_if]
    parts += [condition.note for condition in topic.conditions.values()]
    parts += [*topic.when_to_call.therapist, *topic.when_to_call.doctor, topic.disclaimer]
    return "\n".join(_sentence(part) for part in parts)


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level of English prose (the US school grade)."""
    import readability  # imported here: only the readability check needs it

    # The library expects one sentence per line with tokens split by spaces.
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    tokenized = "\n".join(
        # Keep words with a straight or typographic (U+2019) apostrophe whole.
        " ".join(re.findall(r"[\w'\u2019-]+|[^\w\s]", sentence))
        for sentence in sentences
    )
    return readability.getmeasures(tokenized, lang="en")["readability grades"]["Kincaid"]
