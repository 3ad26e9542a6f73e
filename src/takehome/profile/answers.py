"""Checking one profile answer as it is typed (`takehome init`, `takehome config set`).

Each answer is checked on its own, so a bad one is asked again without throwing
the others away. The checks are the profile's own (the pydantic model), plus
friendlier handling of what people type: a booking link without ``https://``,
"Letter" for letter, a colour by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from takehome.errors import TakehomeError

# Colours a therapist may name, as hex. Each is dark enough for headings on white
# paper (at least 4.5:1 contrast, WCAG AA).
PALETTE = {
    "teal": "#2f5d62",
    "sage green": "#4a6b4f",
    "forest green": "#2e5e3a",
    "olive": "#5a5a2a",
    "ocean blue": "#1d5a80",
    "navy": "#1f3b63",
    "slate blue": "#3f4f7a",
    "lavender": "#5f4b8b",
    "plum": "#5e3a5e",
    "burgundy": "#7a2638",
    "terracotta": "#9a4a2e",
    "gold": "#7a5c00",
    "charcoal": "#3a3a3a",
}


@dataclass(frozen=True)
class Answer:
    """What to do with one typed answer.

    ``problem`` set: say it and ask again. ``confirm`` set: ask that yes/no
    question, and use ``value`` on yes. ``note`` set: say it. Otherwise use
    ``value`` (None: skipped).
    """

    value: str | None
    problem: str | None = None
    confirm: str | None = None
    note: str | None = None  # say this, and use ``value``


def palette_hint() -> str:
    """The named colours, for a hint."""
    return ", ".join(f"{name} {code}" for name, code in PALETTE.items())


def check_answer(key: str, text: str, base: Path | None = None) -> Answer:
    """Check the answer for profile field ``key`` (a PROFILE_FIELDS key).

    ``base`` is the folder a relative logo path starts from (the current one).
    """
    text = text.strip()
    if not text:
        return Answer(None)
    if key == "paper":
        from takehome.render.options import check_paper

        try:
            return Answer(check_paper(text, "paper"))
        except TakehomeError as exc:
            return Answer(None, problem=str(exc).removeprefix("paper: "))
    if key == "brand_color":
        return _colour(text)
    if key == "booking_link" and not re.match(r"^[a-z][a-z0-9+.-]*://", text, re.I):
        fixed = "https://" + text
        problem = _field_problem(key, fixed)
        if problem:
            return Answer(None, problem=problem)
        return Answer(fixed, confirm=f"Use {fixed} (with https:// added)?")
    if key == "email":
        from takehome.mail.settings import check_address

        try:
            return Answer(check_address(text, "email"))
        except TakehomeError as exc:
            return Answer(None, problem=str(exc).removeprefix("email: "))
    if key == "logo":
        return _logo(text, base or Path.cwd())
    problem = _field_problem(key, text)
    return Answer(None, problem=problem) if problem else Answer(text)


def _colour(text: str) -> Answer:
    if re.fullmatch(r"#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", text):
        from takehome.render.contrast import brand_colour_problem

        colour = ("#" + text.lstrip("#")).lower()
        # Refused with the shade to type instead (init asks again).
        problem = brand_colour_problem(colour)
        return Answer(None, problem=problem) if problem else Answer(colour)
    name = " ".join(text.lower().split())
    if name in PALETTE:
        return Answer(PALETTE[name], note=f"{name} is {PALETTE[name]}")
    return Answer(
        None,
        problem=(
            f"'{text}' is not a colour code; type a hex code like #2f5d62, "
            f"or a name from this palette: {palette_hint()}"
        ),
    )


def _logo(text: str, base: Path) -> Answer:
    from takehome.profile.config import load_logo

    path = Path(text).expanduser()
    if not path.is_absolute():
        path = base / path
    try:
        load_logo(path, "logo", hint="check the path (from the folder you are in)")
    except TakehomeError as exc:
        return Answer(None, problem=str(exc))
    return Answer(str(path.resolve()))


def _field_problem(key: str, value: str) -> str | None:
    """The profile model's own complaint about this one value, or None."""
    from pydantic import ValidationError

    from takehome.profile.config import ConfigFile
    from takehome.profile.fields import PROFILE_FIELDS

    section = PROFILE_FIELDS[key][0]
    try:
        ConfigFile.model_validate({section: {key: value}})
    except ValidationError as exc:
        message = exc.errors(include_url=False)[0]["msg"].removeprefix("Value error, ")
        if message[1:2].islower():  # "Input should…" → "input should…", but keep "URL…"
            message = message[0].lower() + message[1:]
        return message
    return None


def ask(key: str, question: str, prompt, confirm, say) -> str | None:
    """Ask for one field until the answer is good or skipped (Enter).

    ``prompt(text) -> str``, ``confirm(text) -> bool`` and ``say(text)`` do the
    talking, so the terminal (click) and a test can both drive it.
    """
    while True:
        answer = check_answer(key, prompt(f"{question} (Enter to skip)"))
        if answer.problem:
            say(f"  {answer.problem}")
            continue
        if answer.confirm and not confirm(answer.confirm):
            continue
        if answer.note:
            say(f"  {answer.note}")
        return answer.value
