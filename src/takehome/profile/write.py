"""Writing a profile: `takehome init` and `takehome init --customize`."""

from __future__ import annotations

from pathlib import Path

from pydantic import (
    ValidationError,
)

from takehome.errors import TakehomeError
from takehome.profile.config import ConfigFile, _config_error, _load_logo
from takehome.profile.fields import PROFILE_FIELDS


def check_values(values: dict[str, str | None], labels: dict[str, str]) -> dict[str, str | None]:
    """Each answer checked as `init` checks a typed one; errors name ``labels[key]``."""
    from takehome.profile.answers import check_answer

    checked: dict[str, str | None] = {}
    for key, value in values.items():
        answer = check_answer(key, value or "")
        if answer.problem:
            raise TakehomeError(f"{labels.get(key, key)}: {answer.problem}")
        if answer.confirm:
            raise TakehomeError(
                f"{labels.get(key, key)}: '{value}' needs a change: {answer.confirm} "
                f"If so, give {answer.value}"
            )
        checked[key] = answer.value
    return checked


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
    from takehome.output import write_atomic

    return write_atomic(path, tomlkit.dumps(doc).encode("utf-8"))


def copy_library(folder: Path) -> dict[str, Path]:
    """Copy the built-in templates and handouts into ``folder`` for editing."""
    import shutil

    from takehome.paths import builtin_handouts_dir, builtin_templates_dir

    targets = {"templates": folder / "templates", "handouts": folder / "handouts"}
    for target in targets.values():
        if target.exists():
            raise TakehomeError(f"{target}: already exists; choose an empty folder for --customize")
    shutil.copytree(builtin_templates_dir(), targets["templates"])
    shutil.copytree(builtin_handouts_dir(), targets["handouts"])
    return {key: path.resolve() for key, path in targets.items()}


# --- Changing a profile (`takehome config set`, `init --customize` on an existing one) --

# How a typed value becomes the setting's TOML type (strings otherwise).
_INTEGERS = {"email.port", "email.rate_limit"}
_NUMBERS = {"email.timeout"}
_BOOLEANS = {"email.require_consent"}
_YES, _NO = {"true", "yes", "y", "on", "1"}, {"false", "no", "n", "off", "0"}


def _typed(dotted: str, value: str):
    if dotted in _INTEGERS | _NUMBERS:
        try:
            return int(value) if dotted in _INTEGERS else float(value)
        except ValueError:
            raise TakehomeError(f"{dotted}: '{value}' is not a number; give a number") from None
    if dotted in _BOOLEANS:
        word = value.strip().lower()
        if word not in _YES | _NO:
            raise TakehomeError(f"{dotted}: '{value}' is not yes or no; give true or false")
        return word in _YES
    return value


def known_settings() -> list[str]:
    """Every setting `config set` can change, as section.key."""
    return [
        f"{section}.{key}"
        for section, info in ConfigFile.model_fields.items()
        for key in info.annotation.model_fields
    ]


def set_value(path: Path, dotted: str, value: str | None) -> Path:
    """Set (or, with an empty value, remove) one setting; comments and layout kept.

    The answer is checked as `init` checks it, then the whole profile with it,
    before the file is replaced (atomically).
    """
    import difflib

    import tomlkit

    from takehome.files import PROFILE_LIMIT, read_regular
    from takehome.output import write_atomic
    from takehome.profile.answers import check_answer

    known = known_settings()
    if dotted not in known:
        guess = difflib.get_close_matches(dotted, known, n=1)
        hint = f"did you mean {guess[0]}?" if guess else "see `takehome config` for the names"
        raise TakehomeError(f"{dotted}: not a setting; {hint}")
    section, key = dotted.split(".", 1)
    typed = None
    if value is not None and value.strip():
        typed = _typed(dotted, value)
        if key in PROFILE_FIELDS and PROFILE_FIELDS[key][0] == section:
            answer = check_answer(key, value, base=Path.cwd())
            if answer.problem:
                raise TakehomeError(f"{dotted}: {answer.problem}")
            if answer.confirm:
                raise TakehomeError(
                    f"{dotted}: '{value}' needs a change: {answer.confirm} "
                    f"If so, give {answer.value}"
                )
            typed = answer.value
    text = read_regular(path, limit=PROFILE_LIMIT, what="a practice profile").decode("utf-8")
    try:
        doc = tomlkit.parse(text)
    except Exception as exc:  # tomlkit's parse errors carry line and column
        raise TakehomeError(f"{path}: not valid TOML ({exc}); fix it first") from None
    table = doc.get(section)
    if table is None:
        table = tomlkit.table()
        doc.add(section, table)
    if typed is None:
        table.pop(key, None)
    else:
        table[key] = typed
    try:
        ConfigFile.model_validate(doc.unwrap())
    except ValidationError as exc:
        raise TakehomeError(_config_error(path, exc.errors(include_url=False)[0])) from None
    if section == "practice" and key == "logo" and typed is not None:
        _load_logo(path, Path(typed))
    return write_atomic(path, tomlkit.dumps(doc).encode("utf-8"), force=True)


def customize_existing(path: Path, folder: Path) -> dict[str, Path]:
    """Copy the built-in library into ``folder`` and point an existing profile at it."""
    import tomlkit

    from takehome.files import PROFILE_LIMIT, read_regular

    # The profile must take the change before anything is copied.
    text = read_regular(path, limit=PROFILE_LIMIT, what="a practice profile").decode("utf-8")
    try:
        tomlkit.parse(text)
    except Exception as exc:
        raise TakehomeError(f"{path}: not valid TOML ({exc}); fix it first") from None
    copied = copy_library(folder)
    for key, target in copied.items():
        set_value(path, f"library.{key}", str(target))
    return copied
