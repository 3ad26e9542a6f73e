"""Handout topics: the TOML files in ``handouts/``, loaded and validated.

A topic file is TOML (``tomllib`` ships with Python, reports syntax errors with a
line and column, and is the same format as the practice profile). Its shape is
checked by pydantic models, so a wrong field is reported with its path, e.g.
``glutes.toml: stretches[2].steps: must have at least 1 item``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from takehome.errors import TakehomeError
from takehome.files import TOPIC_LIMIT, read_toml
from takehome.model.picture import PICTURE_SUFFIXES, Picture
from takehome.paths import builtin_handouts_dir

if TYPE_CHECKING:
    from takehome.figures.library import Figure

TOPIC_SUFFIX = ".toml"
# Topic and condition keys end up in file names and on the command line: keep them
# to lower-case ASCII words joined by hyphens.
KEY_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]


class _Strict(BaseModel):
    # forbid: a misspelt field ("aftercar") is an error, not silently ignored.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class AftercareStep(_Strict):
    """One point on the aftercare timeline, e.g. when="First 24 hours"."""

    when: Text
    text: Text


class _Pictured(_Strict):
    """Steps that may come with a picture of the start and end positions."""

    name: Text
    # A picture of the start and end positions: a built-in drawing's key
    # (takehome/figures), or an SVG, PNG or JPEG file in the topic's folder.
    figure: Text | None = None
    figure_caption: Text | None = None  # under the picture (a built-in has its own)
    figure_alt: Text | None = None  # the position in words; needed for a file
    _picture: Picture | None = PrivateAttr(default=None)

    @field_validator("figure")
    @classmethod
    def _known_figure(cls, value: str | None) -> str | None:
        if value is None or is_picture_file(value):
            return value
        if re.search(r"\.[A-Za-z]{3,4}$", value):  # a file, of a kind we do not take
            raise ValueError(
                f"{value}: a picture must be an SVG, PNG or JPEG file; save it as PNG "
                "and give that name"
            )
        from takehome.figures.library import FIGURES

        if value not in FIGURES:
            guess = difflib.get_close_matches(value, list(FIGURES), n=1, cutoff=0.5)
            hint = f"did you mean {guess[0]}? " if guess else ""
            known = ", ".join(sorted(FIGURES))
            raise ValueError(
                f"'{value}' is not a built-in figure; {hint}use one of {known} (takehome "
                "gallery shows them), or the name of a picture file (.svg, .png or .jpg) "
                "in the topic's folder"
            )
        return value

    @model_validator(mode="after")
    def _load_picture(self, info: ValidationInfo) -> _Pictured:
        if self.figure is None and (self.figure_alt or self.figure_caption):
            field = "figure_alt" if self.figure_alt else "figure_caption"
            raise ValueError(
                f"{field} describes a picture, but none is named; add figure = "
                f'"a-built-in-name" (see takehome gallery) or "my-picture.png", or remove {field}'
            )
        if self.figure is None or not is_picture_file(self.figure):
            return self
        if not self.figure_alt:
            raise ValueError(
                f"figure_alt is missing: the picture {self.figure} needs the position in "
                'words, for a screen reader; add figure_alt = "Sitting on a chair, ..."'
            )
        folder = (info.context or {}).get("folder")
        if folder is None:
            raise ValueError(
                f"stretch '{self.name}': a picture file can only be named in a topic file"
            )
        from takehome.images import load_image  # xml and expat: only for a picture file

        try:
            data_url = load_image(
                folder / self.figure,
                "figure",
                what="the picture",
                hint="put the picture in the topic's folder and give its file name",
                folder=folder,
            )
        except TakehomeError as exc:  # reported with the file and the field, as the rest
            raise ValueError(str(exc)) from None
        self._picture = Picture(data_url, self.figure_alt, self.figure_caption or "")
        return self

    @property
    def drawing(self) -> Figure | Picture | None:
        """What to draw: a built-in Figure, the topic's own Picture, or None."""
        if self._picture is not None or self.figure is None:
            return self._picture
        from takehome.figures.library import FIGURES

        drawn = FIGURES[self.figure]
        words = {"caption": self.figure_caption, "alt": self.figure_alt}
        return (
            replace(drawn, **{k: v for k, v in words.items() if v})
            if any(words.values())
            else drawn
        )


class Stretch(_Pictured):
    """A self-care stretch with numbered steps and clear limits.

    How long and how often are given as whole numbers (``hold_seconds``,
    ``reps``, ``each_side``, ``times_a_day``), which the handout words the same
    way every time and turns into a tick-box log; older topic files may give
    them as text (``hold``, ``repeat``) instead.
    """

    name: Text
    steps: list[Text] = Field(min_length=1)
    hold_seconds: int | None = Field(default=None, ge=0, le=600)
    reps: int | None = Field(default=None, ge=1, le=50)
    each_side: bool = False
    times_a_day: int | None = Field(default=None, ge=1, le=10)
    hold: Text | None = None  # as text, e.g. "Hold for 30 seconds."
    repeat: Text | None = None  # as text, e.g. "2 times a side, once or twice a day."
    stop_if: Text  # when to stop
    # Condition keys: hide this stretch from clients with any of them (lying on
    # the back in pregnancy, say), or show it only to clients with one.
    not_for: list[Key] = Field(default_factory=list)
    only_for: list[Key] = Field(default_factory=list)

    @model_validator(mode="after")
    def _dose(self) -> Stretch:
        numbers = (self.hold_seconds, self.reps, self.times_a_day)
        if all(n is None for n in numbers) and not (self.hold and self.repeat):
            raise ValueError(
                f"stretch '{self.name}' says neither how long nor how often; give "
                "hold_seconds, reps and times_a_day (whole numbers)"
            )
        if any(n is None for n in numbers) and any(n is not None for n in numbers):
            raise ValueError(
                f"stretch '{self.name}': give all of hold_seconds, reps and times_a_day"
            )
        return self

    @property
    def how_long(self) -> str | None:
        """The hold, worded: "Hold 30 seconds, no bouncing." (None: no hold)."""
        if self.hold_seconds is None:
            return self.hold
        if self.hold_seconds == 0:
            return None
        return f"Hold {self.hold_seconds} seconds, no bouncing."

    @property
    def how_often(self) -> str:
        """The repeats, worded: "Do 2 on each side, 2 times a day."."""
        if self.reps is None or self.times_a_day is None:
            return self.repeat or ""
        side = " on each side" if self.each_side else ""
        daily = "once a day" if self.times_a_day == 1 else f"{self.times_a_day} times a day"
        return f"Do {self.reps}{side}, {daily}."

    def suits(self, conditions: tuple[str, ...]) -> bool:
        """Whether to print this stretch for a client with these conditions."""
        if any(key in self.not_for for key in conditions):
            return False
        return not self.only_for or any(key in self.only_for for key in conditions)


class SelfCare(_Pictured):
    """Steps to follow that are not a stretch (how to speak up, a skin check)."""

    name: Text
    steps: list[Text] = Field(min_length=1)
    note: Text | None = None


class Diary(_Strict):
    """A week's diary to fill in (a headache diary): a row per thing to write
    down, a box per day."""

    name: Text
    intro: Text | None = None
    rows: list[Text] = Field(min_length=1, max_length=3)


class ConditionNote(_Strict):
    """Extra advice shown only to a client who has this condition. ``label`` is
    needed only for a condition the shared vocabulary does not know."""

    label: Text | None = None
    note: Text


class WhenToCall(_Strict):
    """Warning signs: who to contact and when."""

    therapist: list[Text] = Field(min_length=1)
    doctor: list[Text] = Field(min_length=1)
    # Call the emergency number now (the template prints the profile's number).
    emergency: list[Text] = Field(default_factory=list)


class Source(_Strict):
    """A public source a topic's claims rest on (kept in the file, not printed)."""

    title: Text
    url: Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]


class Topic(_Strict):
    """One massage topic: everything a handout about it can say."""

    title: Text
    # Booking menus' names for this topic ("Deep Tissue", "Relaxation Massage").
    aliases: list[Text] = Field(default_factory=list)
    # One sentence at the top: "This sheet helps you ... after your ... massage."
    purpose: Text | None = None
    # "Do this today": the three most important actions, first on the page.
    today: list[Text] = Field(default_factory=list, max_length=3)
    intro: Text
    benefits: list[Text] = Field(min_length=1)
    preparation: list[Text] = Field(min_length=1)
    during: list[Text] = Field(min_length=1)
    aftercare: list[AftercareStep] = Field(min_length=1)
    stretches: list[Stretch] = Field(default_factory=list)
    self_care: list[SelfCare] = Field(default_factory=list)
    diary: Diary | None = None
    # Shared conditions every client of this topic has (prenatal: pregnancy), so
    # that their box and warning signs always print.
    implies: list[Key] = Field(default_factory=list)
    conditions: dict[Key, ConditionNote] = Field(default_factory=dict)
    when_to_call: WhenToCall
    disclaimer: Text
    sources: list[Source] = Field(default_factory=list)

    @model_validator(mode="after")
    def _conditions_known(self) -> Topic:
        from takehome.model.conditions import vocabulary

        shared = vocabulary().conditions
        for key, entry in self.conditions.items():
            if key not in shared and entry.label is None:
                raise ValueError(
                    f"conditions.{key} is not a condition of the shared vocabulary; give it "
                    f"a label, or use one of: {', '.join(shared)}"
                )
        for index, stretch in enumerate(self.stretches, start=1):
            for key in (*stretch.not_for, *stretch.only_for):
                if key not in self.conditions and key not in shared:
                    raise ValueError(
                        f"stretches[{index}] names condition '{key}', which is neither in the "
                        f"shared vocabulary nor a [conditions.{key}] table"
                    )
        for key in self.implies:
            if key not in shared:
                raise ValueError(
                    f"implies names '{key}', which is not a condition of the "
                    f"shared vocabulary; use one of: {', '.join(shared)}"
                )
        return self

    @model_validator(mode="after")
    def _no_placeholders(self) -> Topic:
        # A file fresh from `takehome new` must never reach a client, nor be
        # matched to a booking service, before the therapist has written it.
        places = list(_placeholders(self.model_dump(mode="json")))
        if places:
            fix = "write your own text there"
            if "conditions.example-condition" in places:
                fix += (
                    ", and rename [conditions.example-condition] to your condition's key "
                    "(lower-case words joined by hyphens, like [conditions.knee-pain])"
                )
            held = "still holds" if len(places) == 1 else "still hold"
            raise ValueError(
                f"{', '.join(places)} {held} the placeholder text of `takehome new`; {fix}"
            )
        return self


# The texts of the `takehome new` skeleton (model/new_topic.py) that stand for
# "write yours here", matched whole: a real sentence that merely contains
# "replace with" is never taken for one. (The skeleton's sensible defaults,
# such as "Wear loose, comfortable clothes.", may stay.)
# The long ones are caught anywhere in a field (a paragraph added after one
# still leaves it in); the short ones only as the whole field.
PLACEHOLDER_SENTENCES = frozenset(
    {
        "Replace this with a short paragraph about these muscles.",
        "Replace this with what happens during the massage.",
        "Replace with the stretch's name",
        "Replace with advice for clients who have this condition.",
    }
)
PLACEHOLDERS = PLACEHOLDER_SENTENCES | {
    "First step.",
    "Second step.",
    "example-condition",
    "Example condition",
}


def _placeholders(value, where: str = ""):
    """The place of every placeholder left in a topic's data (a condition key
    that is one stands for its whole table)."""
    if isinstance(value, str):
        text = " ".join(value.split())
        if text in PLACEHOLDERS or any(s in text for s in PLACEHOLDER_SENTENCES):
            yield where
    elif isinstance(value, dict):
        for key, item in value.items():
            place = f"{where}.{key}".lstrip(".")
            if str(key) in PLACEHOLDERS:
                yield place
            else:
                yield from _placeholders(item, place)
    elif isinstance(value, list):
        for index, item in enumerate(value, start=1):
            yield from _placeholders(item, f"{where}[{index}]")


@dataclass(frozen=True)
class LoadedTopic:
    """A validated topic with the key it is known by and the file it came from."""

    key: str
    path: Path
    topic: Topic


def is_picture_file(figure: str) -> bool:
    """Whether a stretch's ``figure`` names an image file rather than a built-in drawing."""
    return figure.lower().endswith(PICTURE_SUFFIXES)


def _format_location(loc: tuple) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            # Humans count list items from 1.
            parts.append(f"[{item + 1}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def _fields_at(loc: tuple) -> list[str]:
    """The field names of the model at ``loc`` in a topic file (for "did you mean")."""
    model, keyed = Topic, False
    for part in loc:
        if isinstance(part, int) or (keyed and part not in model.model_fields):
            keyed = False  # a list's index, or a table's own key ([conditions.sciatica])
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        keyed = get_origin(field.annotation) is dict
        model = next(
            (
                t
                for t in get_args(field.annotation)
                if isinstance(t, type) and issubclass(t, BaseModel)
            ),
            field.annotation,
        )
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return []
    return list(model.model_fields)


def _problems(path: Path, error: ValidationError) -> list[str]:
    """One message per problem, each naming the file and the field."""
    errors = error.errors(include_url=False)
    # A misspelt field shows up twice: as an unknown field and as a missing one.
    # The unknown one is what the user typed: report it, with the likely fix, and
    # drop the matching "missing".
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    messages: list[str] = []
    explained: set[tuple] = set()
    for err in errors:
        loc, kind = err["loc"], err["type"]
        if loc in explained:
            continue
        where = _format_location(loc)
        if kind == "extra_forbidden":
            missing = [
                e["loc"] for e in errors if e["type"] == "missing" and e["loc"][:-1] == loc[:-1]
            ]
            names = {str(m[-1]): m for m in missing}
            guess = difflib.get_close_matches(str(loc[-1]), list(names), n=1)
            if guess:
                explained.add(names[guess[0]])
            else:  # an optional field misspelt ("figur" in a stretch)
                guess = difflib.get_close_matches(str(loc[-1]), _fields_at(loc[:-1]), n=1)
            hint = f"did you mean {guess[0]}?" if guess else "check its spelling"
            what = f"is not a known field; {hint} (see the content schema in the README)"
        elif kind == "missing":
            what = "is missing; add it (see the content schema in the README)"
        elif kind == "value_error" and not loc:
            # A check across fields: its message says where.
            message = err["msg"].removeprefix("Value error, ")
            fix = "" if ";" in message else "; fix the file"  # the message may say what to do
            messages.append(f"{path}: {message}{fix}")
            continue
        elif kind == "value_error":  # our own check: it may say what to do
            message = err["msg"].removeprefix("Value error, ")
            what = message + ("" if ";" in message else "; fix the value")
        else:
            what = err["msg"][0].lower() + err["msg"][1:] + "; fix the value"
        messages.append(f"{path}: {where} {what}")
    return messages


class TopicFileError(TakehomeError):
    """A topic file with one or more problems; ``problems`` lists every one."""

    def __init__(self, problems: list[str]):
        more = len(problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(problems[0] + tail)
        self.problems = problems


def load_topic(path: Path) -> LoadedTopic:
    """Read and validate one topic file; raise TakehomeError naming file and field."""
    key = path.name.removesuffix(TOPIC_SUFFIX)
    if not re.match(KEY_PATTERN, key):
        raise TakehomeError(
            f"{path}: the file name must be lower-case words joined by hyphens "
            f"(like deep-tissue.toml); rename the file"
        )
    data = read_toml(path, limit=TOPIC_LIMIT, what="a topic file")
    try:
        # The folder: a stretch's picture file is read from it (and only from it).
        topic = Topic.model_validate(data, context={"folder": path.parent})
    except ValidationError as exc:
        raise TopicFileError(_problems(path, exc)) from exc
    return LoadedTopic(key=key, path=path, topic=topic)


class TopicLibrary:
    """The topics found in one or more folders; later folders override earlier ones."""

    def __init__(self, folders: list[Path] | None = None, services: dict | None = None):
        """``services``: the profile's service menu (service name -> topic keys)."""
        self.folders = folders if folders is not None else [builtin_handouts_dir()]
        self.menu = {
            menu_key(name): (topics,) if isinstance(topics, str) else tuple(topics)
            for name, topics in (services or {}).items()
        }
        self.menu_names = {menu_key(name): name for name in services or {}}
        self._loaded: dict[Path, LoadedTopic] = {}  # a batch asks for the same topics often
        self._files: dict[str, Path] | None = None

    def files(self) -> dict[str, Path]:
        """Map each topic key to the file that defines it (read once; do not modify)."""
        # A library lives for one command; a batch resolves topics for every row.
        if self._files is None:
            found: dict[str, Path] = {}
            for folder in self.folders:
                for path in sorted(folder.glob(f"*{TOPIC_SUFFIX}")):
                    found[path.name.removesuffix(TOPIC_SUFFIX)] = path
            self._files = dict(sorted(found.items()))
        return self._files

    def keys(self) -> list[str]:
        """The known topic keys, sorted."""
        return list(self.files())

    def load(self, key: str) -> LoadedTopic:
        """Load one topic by key; an unknown key lists the known ones."""
        files = self.files()
        if key not in files:
            known = ", ".join(files) or "(none)"
            raise TakehomeError(f"unknown topic '{key}'; known topics: {known}")
        path = files[key]
        if path not in self._loaded:
            self._loaded[path] = load_topic(path)
        return self._loaded[path]

    def from_menu(self, service: str) -> tuple[str, ...] | None:
        """The topics the profile's [services] menu gives this service, or None."""
        return self.menu.get(menu_key(service)) if service.strip() != "*" else None

    @property
    def menu_default(self) -> tuple[str, ...] | None:
        """The [services] menu's topics for any service it does not list ("*")."""
        return self.menu.get("*")

    def topics_for(self, name: str) -> tuple[str, ...]:
        """The topic keys a name stands for: the service menu first, then resolve()."""
        mapped = self.from_menu(name)
        if mapped is None:
            return (self.resolve(name),)
        self.check_menu_topics(name, mapped)
        return mapped

    def check_menu_topics(self, service: str, keys: tuple[str, ...]) -> None:
        """A menu entry's topics must exist; the error names the [services] entry."""
        files = self.files()
        for key in keys:
            if key not in files:
                raise TakehomeError(
                    f"[services]: '{service}' maps to unknown topic '{key}'; known topics: "
                    f"{', '.join(files) or '(none)'}; fix the profile's [services] table"
                )

    def resolve(self, name: str) -> str:
        """The topic key for a topic key, title or booking-software service name.

        The rule (documented in the README): case, punctuation, durations ("60
        min", "1 hour"), prices and the words massage/session/treatment/therapy
        and/or are ignored, plurals count as singular, and the remaining words
        must equal those of a topic's key, title or one of its aliases. "Glute
        Massage 60 min" is glutes; "Neck & Shoulder Massage" is neck-shoulders;
        "Massage Therapy 60 min" (nothing left) is the topic with such an alias.
        Raises TakehomeError listing the known topics when nothing matches.
        """
        files = self.files()
        if name in files:
            return name
        wanted = _service_words(name)
        if wanted:
            for key in files:
                if wanted == _service_words(key):
                    return key
        # Titles and booking-menu aliases; a name of nothing but ignored words
        # ("Massage Therapy 60 min") matches an alias that is the same (the
        # general topic's "Massage Therapy").
        if wanted or re.search(r"massage|therap|session|treatment", name, re.IGNORECASE):
            for key in files:
                try:
                    topic = self.load(key).topic
                except TakehomeError:
                    # A broken or unfinished topic is never matched by its title;
                    # by its key, the load error says what to fix.
                    continue
                names = [topic.title, *topic.aliases] if wanted else topic.aliases
                if any(wanted == _service_words(other) for other in names):
                    return key
        known = ", ".join(files) or "(none)"
        raise TakehomeError(f"unknown topic '{name}'; known topics: {known}")


def menu_key(service: str) -> str:
    """How a service name is looked up in the menu: case and spacing ignored."""
    return " ".join(unicodedata.normalize("NFKC", service).casefold().split())


# Words a booking system adds to a service name that say nothing about the topic.
_IGNORED_WORDS = frozenset(
    {
        *("massage", "massages", "session", "sessions", "treatment", "therapy"),
        *("and", "the", "of", "with", "for"),
        *("min", "mins", "minute", "minutes", "hr", "hrs", "hour", "hours", "h", "m"),
    }
)


def _service_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z]+|\d+", unicodedata.normalize("NFKC", text).casefold())
    kept = set()
    for word in words:
        if word.isdigit() or word in _IGNORED_WORDS:
            continue
        kept.add(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return frozenset(kept)
