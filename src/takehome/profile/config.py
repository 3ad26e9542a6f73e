"""The practice profile: who the handouts come from, how they look, where files go.

One TOML file (``takehome.toml``), found in this order: ``--config PATH``,
``$TAKEHOME_CONFIG``, ``./takehome.toml``, then the user's config folder
(platformdirs: ``~/.config/takehome/takehome.toml`` on Linux). Without one, a
neutral default practice is used, so ``make`` works with no configuration.
Relative paths to the logo, the library folders and the CA file are relative to
the profile's own folder; the output folder is relative to where takehome runs.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from takehome.errors import TakehomeError
from takehome.files import PROFILE_LIMIT, read_toml
from takehome.images import load_image
from takehome.model.practice import (
    DEFAULT_BRAND_COLOR,
    DEFAULT_EMERGENCY_NUMBER,
    DEFAULT_NAME,
    DEFAULT_PRACTICE,
    Practice,
)
from takehome.paths import DEFAULT_OUTPUT_DIR
from takehome.profile.fields import CONFIG_NAME, ENV_VAR, user_config_path
from takehome.render.options import DEFAULT_PAPER, check_paper


def _one_line(value: str) -> str:
    # A line break in a name would end up in email headers and page headers.
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise ValueError("must be one line with no control characters")
    return value


Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=300),
    AfterValidator(_one_line),
]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class PracticeSection(_Section):
    """[practice]: printed on every handout."""

    name: Text = DEFAULT_NAME
    therapist: Text | None = None
    credentials: Text | None = None  # e.g. "LMT"
    phone: Text | None = None
    email: Text | None = None
    website: Text | None = None
    address: Text | None = None
    booking_link: Text | None = None
    logo: Path | None = None
    brand_color: str = DEFAULT_BRAND_COLOR
    # Printed in "Call ... now if you have:" (911 in the US and Canada; 999 in
    # the UK; 112 in the EU; 000 in Australia).
    emergency_number: Annotated[str, StringConstraints(pattern=r"^[0-9 +-]{2,15}$")] = (
        DEFAULT_EMERGENCY_NUMBER
    )

    @field_validator("booking_link")
    @classmethod
    def _web_address(cls, value: str | None) -> str | None:
        if value is not None:
            TypeAdapter(AnyHttpUrl).validate_python(value)  # kept as typed, not normalised
        return value

    @field_validator("brand_color")
    @classmethod
    def _hex_colour(cls, value: str) -> str:
        if not re.fullmatch(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", value):
            raise ValueError("must be a hex colour like #2f5d62")
        from takehome.render.contrast import brand_colour_problem

        problem = brand_colour_problem(value.lower())
        if problem:
            raise ValueError(problem)
        return value.lower()


class OutputSection(_Section):
    """[output]: defaults for make and batch."""

    paper: str = DEFAULT_PAPER
    folder: Path = DEFAULT_OUTPUT_DIR
    # Every handout in large print unless a command or a CSV row says otherwise.
    large_print: bool = False

    @field_validator("paper")
    @classmethod
    def _known_paper(cls, value: str) -> str:
        # The sizes live in one place: render/options.py.
        try:
            return check_paper(value, "paper")
        except TakehomeError as exc:
            raise ValueError(str(exc).removeprefix("paper: ")) from None


class LibrarySection(_Section):
    """[library]: the therapist's own templates and topics, overriding built-ins."""

    templates: Path | None = None
    handouts: Path | None = None


class EmailSection(_Section):
    """[email]: SMTP settings for `takehome send` (the password is never stored)."""

    host: Text | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = "starttls"
    username: Text | None = None
    from_address: Text | None = None
    rate_limit: int | None = Field(default=None, ge=1)  # messages per minute
    timeout: float = Field(default=30, gt=0, le=600)  # seconds; more would never end
    require_consent: bool = False
    ca_file: Path | None = None


class ClientsSection(_Section):
    """[clients]: how this practice's client lists are read (batch, send --csv)."""

    # A column of your export printed as your note (--note-column for one run);
    # a file without it gets a warning, not an error.
    note_column: Text | None = None
    name_order: Literal["auto", "first-last", "last-first"] = "auto"
    # 04/05/2026 is April 5 ("month-first") or 4 May ("day-first", as in the UK).
    date_order: Literal["auto", "month-first", "day-first"] = "auto"


class ConfigFile(BaseModel):
    """The whole takehome.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    practice: PracticeSection = PracticeSection()
    output: OutputSection = OutputSection()
    library: LibrarySection = LibrarySection()
    email: EmailSection = EmailSection()
    clients: ClientsSection = ClientsSection()
    # Your service menu: a service name as your booking system writes it -> the
    # topic (or topics) its handout is made of. "*" is the topic for any
    # service not listed (a batch says so for each row that uses it).
    services: dict[str, str | list[str]] = {}

    @field_validator("services")
    @classmethod
    def _menu(cls, value: dict) -> dict:
        for service, topics in value.items():
            if not service.strip():
                raise ValueError("a service name is empty; write the name as your list has it")
            keys = [topics] if isinstance(topics, str) else topics
            if not keys:
                raise ValueError(f"'{service}' maps to no topic; give one, like \"glutes\"")
            for key in keys:
                if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", key):
                    raise ValueError(
                        f"'{service}': '{key}' is not a topic key (lower-case words joined by "
                        "hyphens; see `takehome list`)"
                    )
        return value


@dataclass(frozen=True)
class Profile:
    """The effective configuration: where it came from and what it says."""

    path: Path | None
    config: ConfigFile
    practice: Practice

    @property
    def templates_dir(self) -> Path | None:
        return self._resolve(self.config.library.templates)

    @property
    def handouts_dir(self) -> Path | None:
        return self._resolve(self.config.library.handouts)

    @property
    def output_dir(self) -> Path:
        # Relative to where takehome runs, like -o: a profile in the user config
        # folder must not send handouts into that folder.
        return self.config.output.folder.expanduser()

    def _resolve(self, path: Path | None) -> Path | None:
        return None if path is None else resolve_path(self.path, path)


def resolve_path(config_path: Path | None, value: Path | str) -> Path:
    """A path setting of a profile as a real path: ``~`` expanded, and a relative
    path taken from the profile's own folder (from the current folder without one).

    The one rule for every path in a profile: logo, library folders, ca_file.
    (The output folder alone is relative to where takehome runs; see output_dir.)
    """
    path = Path(value).expanduser()
    if path.is_absolute() or config_path is None:
        return path
    return config_path.parent / path


def find_config(
    explicit: Path | None = None, cwd: Path | None = None, label: str = "profile"
) -> Path | None:
    """The config file in use, by the documented order; None when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise TakehomeError(f"{label} {explicit}: no such file; check the path")
        return explicit
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        path = Path(from_env)
        if not path.is_file():
            raise TakehomeError(f"${ENV_VAR}={from_env}: no such file; fix or unset it")
        return path
    local = (cwd or Path.cwd()) / CONFIG_NAME
    if local.is_file():
        return local
    user = user_config_path()
    return user if user.is_file() else None


def _config_error(path: Path, err: dict) -> str:
    """One problem of a profile (a pydantic error) as a one-line message."""
    where = ".".join(str(part) for part in err["loc"])
    if err["type"] == "extra_forbidden":
        section = err["loc"][0] if len(err["loc"]) > 1 else None
        model = ConfigFile.model_fields[section].annotation if section else ConfigFile
        known = (
            list(model.model_fields) if section in ConfigFile.model_fields or not section else []
        )
        guess = difflib.get_close_matches(str(err["loc"][-1]), known, n=1)
        hint = f"did you mean {guess[0]}?" if guess else f"known keys: {', '.join(known)}"
        return f"{path}: unknown key {where}; {hint}"
    message = err["msg"].removeprefix("Value error, ")
    if message[1:2].islower():  # "Input should…" → "input should…", but keep "URL…"
        message = message[0].lower() + message[1:]
    return f"{path}: {where}: {message}; fix the value"


def _load_logo(config_path: Path, logo: Path) -> str:
    return load_logo(resolve_path(config_path, logo), f"{config_path}: practice.logo")


def load_logo(
    path: Path,
    where: str,
    hint: str = "check the path (relative paths start at the config file's folder)",
) -> str:
    """The logo at ``path`` as a data: URL, checked; errors start with ``where``."""
    return load_image(path, where, what="the logo", hint=hint)


def config_problems(path: Path) -> list[str]:
    """Every problem in a profile (load_profile stops at the first), for `check`."""
    try:
        data = read_toml(path, limit=PROFILE_LIMIT, what="a practice profile")
    except TakehomeError as exc:
        return [str(exc)]
    return data_problems(path, data)


def data_problems(path: Path, data: dict) -> list[str]:
    """Every problem in a profile's data (as read from ``path``): values, the logo,
    the library folders, and the [email] values that are set."""
    from takehome.mail.settings import email_value_problems

    problems = []
    try:
        ConfigFile.model_validate(data)
    except ValidationError as exc:
        problems += [_config_error(path, err) for err in exc.errors(include_url=False)]
    # The [email] values are checked even when other sections are wrong.
    try:
        email = EmailSection.model_validate(data.get("email") or {})
    except (ValidationError, TypeError):
        pass
    else:
        practice = data.get("practice") if isinstance(data.get("practice"), dict) else {}
        practice_email = practice.get("email") if isinstance(practice.get("email"), str) else None
        problems += email_value_problems(email, path, practice_email)
    # The logo and the folders are checked even when other values are wrong.
    practice = data.get("practice") if isinstance(data.get("practice"), dict) else {}
    if isinstance(practice.get("logo"), str):
        try:
            _load_logo(path, Path(practice["logo"]))
        except TakehomeError as exc:
            problems.append(str(exc))
    library = data.get("library") if isinstance(data.get("library"), dict) else {}
    for key in ("templates", "handouts"):
        if isinstance(library.get(key), str):
            folder = resolve_path(path, library[key])
            if not folder.is_dir():
                problems.append(
                    f"{path}: library.{key}: {folder} is not a folder; create it or fix the path"
                )
    return problems


def lenient_library(path: Path) -> tuple[Path | None, Path | None]:
    """The [library] folders of a profile that may be broken elsewhere."""
    try:
        data = read_toml(path, limit=PROFILE_LIMIT, what="a practice profile")
        library = LibrarySection.model_validate(data.get("library", {}))
    except (TakehomeError, ValidationError, AttributeError):
        return None, None
    profile = Profile(path=path, config=ConfigFile(library=library), practice=DEFAULT_PRACTICE)
    return tuple(
        d if d and d.is_dir() else None for d in (profile.templates_dir, profile.handouts_dir)
    )


def load_config(path: Path) -> ConfigFile:
    """Read and validate one config file; one-line errors naming file and key."""
    data = read_toml(path, limit=PROFILE_LIMIT, what="a practice profile")
    try:
        return ConfigFile.model_validate(data)
    except ValidationError as exc:
        raise TakehomeError(_config_error(path, exc.errors(include_url=False)[0])) from None


def load_profile(explicit: Path | None = None, label: str = "profile") -> Profile:
    """Find, read and check the practice profile (the neutral default if none)."""
    path = find_config(explicit, label=label)
    if path is None:
        return Profile(path=None, config=ConfigFile(), practice=DEFAULT_PRACTICE)
    config = load_config(path)
    section = config.practice
    practice = Practice(
        name=section.name,
        therapist=section.therapist,
        credentials=section.credentials,
        phone=section.phone,
        email=section.email,
        website=section.website,
        address=section.address,
        booking_link=section.booking_link,
        brand_color=section.brand_color,
        emergency_number=section.emergency_number,
        logo_data_url=_load_logo(path, section.logo) if section.logo else None,
    )
    profile = Profile(path=path, config=config, practice=practice)
    for what, folder in (
        ("library.templates", profile.templates_dir),
        ("library.handouts", profile.handouts_dir),
    ):
        if folder is not None and not folder.is_dir():
            raise TakehomeError(
                f"{path}: {what}: {folder} is not a folder; create it or fix the path"
            )
    return profile
