"""The practice profile: who the handouts come from, how they look, where files go.

One TOML file (``takehome.toml``), found in this order: ``--config PATH``,
``$TAKEHOME_CONFIG``, ``./takehome.toml``, then the user's config folder
(platformdirs: ``~/.config/takehome/takehome.toml`` on Linux). Without one, a
neutral default practice is used, so ``make`` works with no configuration.
Relative paths to the logo, the library folders and the CA file are relative to
the profile's own folder; the output folder is relative to where takehome runs.
"""

from __future__ import annotations

import base64
import difflib
import functools
import os
import re
from dataclasses import dataclass, field
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

from .errors import TakehomeError
from .files import PROFILE_LIMIT, read_regular, read_toml

CONFIG_NAME = "takehome.toml"
ENV_VAR = "TAKEHOME_CONFIG"
DEFAULT_BRAND_COLOR = "#2f5d62"
DEFAULT_NAME = "Your massage therapist"  # the neutral practice block, until a profile exists


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
        return value.lower()


class OutputSection(_Section):
    """[output]: defaults for make and batch."""

    paper: Literal["letter", "a4"] = "letter"
    folder: Path = Path("handouts-out")


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
    timeout: float = Field(default=30, gt=0)
    require_consent: bool = False
    ca_file: Path | None = None


class ConfigFile(BaseModel):
    """The whole takehome.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    practice: PracticeSection = PracticeSection()
    output: OutputSection = OutputSection()
    library: LibrarySection = LibrarySection()
    email: EmailSection = EmailSection()


LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


@dataclass(frozen=True)
class Practice:
    """Practice details as the templates use them (paths resolved, logo loaded)."""

    name: str = DEFAULT_NAME
    therapist: str | None = None
    credentials: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    address: str | None = None
    booking_link: str | None = None
    brand_color: str = DEFAULT_BRAND_COLOR
    logo_data_url: str | None = field(default=None, repr=False)

    @property
    def signature(self) -> str | None:
        """'Sam Lee, LMT', or None without a therapist name."""
        if not self.therapist:
            return None
        return f"{self.therapist}, {self.credentials}" if self.credentials else self.therapist

    def contact_line(self) -> str:
        """The footer's contact line, or a neutral prompt when nothing is set."""
        parts = [p for p in (self.phone, self.email, self.website) if p]
        return " · ".join(parts) if parts else "Questions? Ask your therapist at your next visit."

    @property
    def booking_display(self) -> str | None:
        """The booking link as printed: without "https://", which the QR code keeps."""
        if not self.booking_link:
            return None
        return re.sub(r"^https?://", "", self.booking_link).rstrip("/")

    def booking_qr_svg(self) -> str | None:
        """The booking link as a QR code, an SVG data URL (sharp at any size)."""
        return _qr_svg(self.booking_link) if self.booking_link else None


@functools.cache
def _qr_svg(link: str) -> str:
    # Cached: every handout of a batch carries the same code (3 ms to make each).
    import segno  # only when there is a link to encode

    return segno.make(link, error="m").svg_data_uri(scale=4, border=2, dark="#000000")


DEFAULT_PRACTICE = Practice()


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
        if path is None:
            return None
        path = path.expanduser()
        return path if path.is_absolute() or self.path is None else self.path.parent / path


def find_config(explicit: Path | None = None, cwd: Path | None = None) -> Path | None:
    """The config file in use, by the documented order; None when there is none."""
    if explicit is not None:
        if not explicit.is_file():
            raise TakehomeError(f"--config {explicit}: no such file; check the path")
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


def user_config_path() -> Path:
    """Where `takehome init` writes by default: the user's config folder."""
    import platformdirs

    return platformdirs.user_config_path("takehome") / CONFIG_NAME


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


MAX_LOGO_BYTES = 2 * 1024 * 1024


def _load_logo(config_path: Path, logo: Path) -> str:
    path = logo.expanduser()
    if not path.is_absolute():
        path = config_path.parent / path
    where = f"{config_path}: practice.logo"
    real = path.resolve()
    if not real.is_file():
        raise TakehomeError(
            f"{where}: {path} is not a file; check the path "
            "(relative paths start at the config file's folder)"
        )
    if real.stat().st_size > MAX_LOGO_BYTES:
        raise TakehomeError(
            f"{where}: {path.name} is larger than 2 MB, and would go into every handout; "
            "save a smaller version (a few hundred pixels wide is plenty)"
        )
    try:
        data = read_regular(real, limit=MAX_LOGO_BYTES, what="a logo")
    except TakehomeError as exc:
        raise TakehomeError(f"{where}: {exc}") from None
    mime = next((kind for magic, kind in LOGO_TYPES.items() if data.startswith(magic)), None)
    if mime is not None:
        _verify_bitmap(data, where, path)
    elif path.suffix.lower() == ".svg" and b"<svg" in data[:4096]:
        mime = "image/svg+xml"
    else:
        raise TakehomeError(
            f"{where}: {path.name} is not a PNG, JPEG or SVG image; "
            "save the logo in one of those formats"
        )
    # Embedded as a data: URL, so rendering needs no access to the logo's folder
    # (and an SVG logo's own links are refused by the renderer's URL fetcher).
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _verify_bitmap(data: bytes, where: str, path: Path) -> None:
    import io

    from PIL import Image, UnidentifiedImageError  # Pillow comes with WeasyPrint

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise TakehomeError(
            f"{where}: {path.name} is damaged or not a complete image; save it again"
        ) from None


def config_problems(path: Path) -> list[str]:
    """Every problem in a profile (load_profile stops at the first), for `check`."""
    try:
        data = read_toml(path, limit=PROFILE_LIMIT, what="a practice profile")
    except TakehomeError as exc:
        return [str(exc)]
    problems = []
    try:
        ConfigFile.model_validate(data)
    except ValidationError as exc:
        problems += [_config_error(path, err) for err in exc.errors(include_url=False)]
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
            folder = Path(library[key]).expanduser()
            folder = folder if folder.is_absolute() else path.parent / folder
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


def load_profile(explicit: Path | None = None) -> Profile:
    """Find, read and check the practice profile (the neutral default if none)."""
    path = find_config(explicit)
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


# --- Writing a new profile (`takehome init`) ---------------------------------------

PROFILE_FIELDS = {
    # key: (section, comment shown above it in the file)
    "name": ("practice", "Practice name, in the header of every page"),
    "therapist": ("practice", "Your name, signed under your notes"),
    "credentials": ("practice", 'Your credentials, e.g. "LMT"'),
    "phone": ("practice", "Phone number, in the footer"),
    "email": ("practice", "Email address, in the footer"),
    "website": ("practice", "Website, in the footer"),
    "address": ("practice", "Postal address, in the footer"),
    "booking_link": ("practice", "Online booking link, printed with a QR code"),
    "logo": ("practice", "Logo: a PNG, JPEG or SVG file (relative to this file's folder)"),
    "brand_color": ("practice", "Brand colour for headings and rules, e.g. #2f5d62"),
    "paper": ("output", 'Paper size: "letter" or "a4"'),
    "folder": ("output", "Folder handouts are written to (relative to where you run takehome)"),
}


def write_config(path: Path, values: dict[str, str | None], customize: Path | None = None) -> Path:
    """Write a commented takehome.toml; refuse to replace one.

    Everything is validated before anything is written or copied. A logo path is
    taken relative to the current folder and stored absolute. With ``customize``,
    the built-in templates and handouts are copied there and the profile uses them.
    """
    import tomlkit

    if path.exists():
        raise TakehomeError(f"{path}: already exists; edit it, or remove it first to start again")
    sections: dict[str, dict] = {"practice": {}, "output": {}, "library": {}}
    for key, value in values.items():
        if value not in (None, ""):
            sections[PROFILE_FIELDS[key][0]][key] = value
    if "logo" in sections["practice"]:
        logo = Path(sections["practice"]["logo"]).expanduser().resolve()
        sections["practice"]["logo"] = str(logo)
    try:
        ConfigFile.model_validate(sections)
    except ValidationError as exc:
        raise TakehomeError(_config_error(path, exc.errors(include_url=False)[0])) from None
    if "logo" in sections["practice"]:
        _load_logo(path, Path(sections["practice"]["logo"]))
    if customize is not None:
        for key, folder in copy_library(customize).items():
            sections["library"][key] = str(folder)

    doc = tomlkit.document()
    doc.add(tomlkit.comment("takehome practice profile. Docs: the README's 'Practice profile'."))
    doc.add(tomlkit.comment("Lines starting with # are notes; remove the # to use a setting."))
    for section in ("practice", "output"):
        table = tomlkit.table()
        for key, (where, comment) in PROFILE_FIELDS.items():
            if where != section:
                continue
            table.add(tomlkit.comment(comment))
            if key in sections[section]:
                table.add(key, sections[section][key])
            else:
                table.add(tomlkit.comment(f'{key} = ""'))
        doc.add(tomlkit.nl())
        doc.add(section, table)
    library_table = tomlkit.table()
    library_table.add(
        tomlkit.comment("Your own templates and topics; they override the built-in ones")
    )
    for key in ("templates", "handouts"):
        if key in sections["library"]:
            library_table.add(key, sections["library"][key])
        else:
            library_table.add(tomlkit.comment(f'{key} = "my-{key}"'))
    doc.add(tomlkit.nl())
    doc.add("library", library_table)
    email = tomlkit.table()
    email.add(
        tomlkit.comment("Email settings for `takehome send`. The password is never stored here:")
    )
    email.add(tomlkit.comment("it comes from the TAKEHOME_SMTP_PASSWORD variable or a prompt."))
    for line in (
        'host = "smtp.example.com"',
        "port = 587",
        'security = "starttls"',
        'username = ""',
        'from_address = ""',
        "require_consent = true",
    ):
        email.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    doc.add("email", email)

    path.parent.mkdir(parents=True, exist_ok=True)
    from .output import write_atomic

    return write_atomic(path, tomlkit.dumps(doc).encode("utf-8"))


def copy_library(folder: Path) -> dict[str, Path]:
    """Copy the built-in templates and handouts into ``folder`` for editing."""
    import shutil

    from .paths import builtin_handouts_dir, builtin_templates_dir

    targets = {"templates": folder / "templates", "handouts": folder / "handouts"}
    for target in targets.values():
        if target.exists():
            raise TakehomeError(f"{target}: already exists; choose an empty folder for --customize")
    shutil.copytree(builtin_templates_dir(), targets["templates"])
    shutil.copytree(builtin_handouts_dir(), targets["handouts"])
    return {key: path.resolve() for key, path in targets.items()}
