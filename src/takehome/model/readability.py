"""How easy a topic is to read: its prose and Flesch-Kincaid grade."""

from __future__ import annotations

import re

from takehome.model.topic import Topic


def _sentence(text: str) -> str:
    # List items often lack a full stop; without one, a readability formula would
    # read the whole list as one very long sentence.
    text = text.strip()
    return text if text[-1:] in ".!?:" else text + "."


def sections(topic: Topic) -> dict[str, str]:
    """The reader-facing prose of a topic, section by section, as plain text
    (one sentence or item per line), for readability scoring."""
    found = {
        "purpose": [topic.purpose or ""],
        "today": list(topic.today),
        "intro": [topic.intro],
        "benefits": list(topic.benefits),
        "preparation": list(topic.preparation),
        "during": list(topic.during),
        "aftercare": [step.text for step in topic.aftercare],
        "disclaimer": [topic.disclaimer],
        "call your therapist": list(topic.when_to_call.therapist),
        "see a doctor": list(topic.when_to_call.doctor),
        "call the emergency number": list(topic.when_to_call.emergency),
    }
    for index, stretch in enumerate(topic.stretches, start=1):
        found[f"stretches[{index}]"] = [
            *stretch.steps,
            stretch.how_long or "",
            stretch.how_often,
            stretch.stop_if,
        ]
    for index, item in enumerate(topic.self_care, start=1):
        found[f"self_care[{index}]"] = [*item.steps, item.note or ""]
    if topic.diary:
        found["diary"] = [topic.diary.name, topic.diary.intro or "", *topic.diary.rows]
    for key, condition in topic.conditions.items():
        found[f"conditions.{key}"] = [condition.note]
    return {
        name: "\n".join(_sentence(part) for part in parts if part.strip())
        for name, parts in found.items()
        if any(part.strip() for part in parts)
    }


def prose(topic: Topic) -> str:
    """All the reader-facing prose of a topic as plain text, for readability scoring."""
    return "\n".join(sections(topic).values())


def reading_grade(text: str) -> float:
    """Flesch-Kincaid grade level of English prose (the US school grade)."""
    return _grades(text)["Kincaid"]


def smog_grade(text: str) -> float:
    """SMOG grade of English prose: meant for 30 sentences or more."""
    return _grades(text)["SMOGIndex"]


def _grades(text: str) -> dict[str, float]:
    import readability  # imported here: only the readability check needs it

    # The library expects one sentence per line with tokens split by spaces.
    sentences = re.split(r"(?<=[.!?])\s+", text.strip())
    tokenized = "\n".join(
        # Keep words with a straight or typographic (U+2019) apostrophe whole.
        " ".join(re.findall(r"[\w'\u2019-]+|[^\w\s]", sentence))
        for sentence in sentences
    )
    return readability.getmeasures(tokenized, lang="en")["readability grades"]
