"""Writing a profile: `takehome init` and `takehome init --customize`."""

from __future__ import annotations

from pathlib import Path

from pydantic import (
    ValidationError,
)

from takehome.errors import TakehomeError
from takehome.profile.config import ConfigFile, _config_error, _load_logo
from takehome.profile.fields import PROFILE_FIELDS


def check_values(
    values: dict[str, str | None], labels: dict[str, str]
) -> tuple[dict[str, str | None], list[str]]:
    """Each value checked as `init` checks a typed answer; errors name ``labels[key]``.

    Returns the values to store and a note for each one changed on the way (a
    booking link given https://, a colour name given its code).
    """
    from takehome.errors import ManyProblems
    from takehome.profile.answers import check_answer

    checked: dict[str, str | None] = {}
    notes: list[str] = []
    problems: list[str] = []
    for key, value in values.items():
        answer = check_answer(key, value or "")
        if answer.problem:
            problems.append(f"{labels.get(key, key)}: {answer.problem}")
        elif answer.confirm or answer.note:
            notes.append(f"{labels.get(key, key)}: stored as {answer.value}")
        checked[key] = answer.value
    if problems:
        raise ManyProblems(problems)  # every bad value at once, nothing written
    return checked, notes


def write_config(path: Path, values: dict[str, str | None], customize: Path | None = None) -> Path:
    """Write a commented takehome.toml; refuse to replace one.

    Everything is validated before anything is written or copied. A logo path is
    taken relative to the current folder and stored absolute. With ``customize``,
    the built-in templates and handouts are copied there and the profile uses them.
    """
    import tomlkit

    if path.exists() or path.is_symlink():
        raise TakehomeError(
            f"{path}: already exists; change a setting with `takehome config set KEY VALUE`, "
            "or remove the file first to start again"
        )
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
    _make_folder(path.parent)
    copied: dict[str, Path] = {}
    if customize is not None:
        folders, new = copy_library(customize)
        copied = folders if new else {}
        for key, folder in folders.items():
            sections["library"][key] = str(folder)

    doc = tomlkit.document()
    doc.add(tomlkit.comment("takehome practice profile. Docs: the README's 'Your practice'."))
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
        if section == "output":
            # Not asked by init (most clients need the usual print), but shown.
            table.add(
                tomlkit.comment("Every handout in large print (18pt and up), for low vision:")
            )
            table.add(tomlkit.comment("(add: large_print = true)"))
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

    from takehome.output import write_atomic

    try:
        return write_atomic(path, tomlkit.dumps(doc).encode("utf-8"))
    except BaseException:
        _remove_copies(copied)  # no library copied for a profile that was not written
        raise


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TakehomeError(
            f"{folder}: cannot create this folder ({exc.strerror or exc}); choose another place"
        ) from None


def _remove_copies(copied: dict[str, Path]) -> None:
    import shutil

    for folder in copied.values():
        shutil.rmtree(folder, ignore_errors=True)


# Marks a library folder copied by --customize (only such a folder is reused),
# and a staging folder being copied (only such a folder, once old, is swept).
LIBRARY_MARK = ".takehome-library"
STAGING_MARK = ".takehome-staging"
STALE_STAGING_SECONDS = 600


def _is_our_copy(folder: Path) -> bool:
    return folder.is_dir() and not folder.is_symlink() and (folder / LIBRARY_MARK).is_file()


def _sweep_staging(folder: Path) -> None:
    """Remove the staging folders of copies a killed run left behind (ours, and old)."""
    import shutil
    import time

    for left in folder.glob(".takehome-copy-*"):
        mark = left / STAGING_MARK
        try:
            if left.is_symlink() or not mark.is_file():
                continue  # not ours
            if time.time() - mark.stat().st_mtime < STALE_STAGING_SECONDS:
                continue  # perhaps another init copying right now
        except OSError:
            continue
        shutil.rmtree(left, ignore_errors=True)


def copy_library(folder: Path) -> tuple[dict[str, Path], bool]:
    """Copy the built-in templates and handouts into ``folder`` for editing.

    They are copied into a temporary folder inside ``folder`` and renamed into
    place, so a failure leaves neither half a copy nor a folder in the way. A
    folder that already holds both (an earlier --customize) is used as it is.
    Returns the two folders and whether they were copied now.
    """
    import os
    import shutil
    import tempfile

    from takehome.paths import builtin_handouts_dir, builtin_templates_dir

    targets = {"templates": folder / "templates", "handouts": folder / "handouts"}
    if all(_is_our_copy(target) for target in targets.values()):
        return {key: path.resolve() for key, path in targets.items()}, False
    for target in targets.values():
        if target.exists() or target.is_symlink():
            raise TakehomeError(f"{target}: already exists; choose an empty folder for --customize")
    sources = {"templates": builtin_templates_dir(), "handouts": builtin_handouts_dir()}
    done: dict[str, Path] = {}
    try:
        _make_folder(folder)
        _sweep_staging(folder)
        staging = Path(tempfile.mkdtemp(prefix=".takehome-copy-", dir=folder))
        try:
            (staging / STAGING_MARK).write_text("takehome: a copy being made\n")
            for key, source in sources.items():
                shutil.copytree(source, staging / key)
                (staging / key / LIBRARY_MARK).write_text(
                    "takehome: copied by `takehome init --customize`; edit the files here\n"
                )
            for key, target in targets.items():
                os.rename(staging / key, target)
                done[key] = target
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        _remove_copies(done)
        raise TakehomeError(
            f"{folder}: cannot copy the templates and topics there ({exc.strerror or exc}); "
            "choose another folder for --customize"
        ) from None
    return {key: path.resolve() for key, path in targets.items()}, True


# --- Changing a profile (`takehome config set`, `init --customize` on an existing one) --

# How a typed value becomes the setting's TOML type (strings otherwise).
_INTEGERS = {"email.port", "email.rate_limit"}
_NUMBERS = {"email.timeout"}
_BOOLEANS = {"email.require_consent", "output.large_print"}
_FOLDERS = {"library.templates", "library.handouts"}
_FILES = {"email.ca_file"}
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
    if dotted in _FILES:
        # Typed relative to where you are (like the logo), stored absolute.
        file = Path(value).expanduser().resolve()
        if not file.is_file():
            raise TakehomeError(f"{dotted}: {file} is not a file; check the path")
        return str(file)
    if dotted in _FOLDERS:
        # Typed relative to where you are (like the logo), stored absolute.
        folder = Path(value).expanduser().resolve()
        if not folder.is_dir():
            raise TakehomeError(f"{dotted}: {folder} is not a folder; create it or fix the path")
        return str(folder)
    return value


def known_settings() -> list[str]:
    """Every setting `config set` can change, as section.key."""
    return [
        f"{section}.{key}"
        for section, info in ConfigFile.model_fields.items()
        if hasattr(info.annotation, "model_fields")  # [services] is edited in the file
        for key in info.annotation.model_fields
    ]


def _checked_value(dotted: str, value: str | None):
    """The value to store for ``dotted`` (None: remove it), checked on its own."""
    import difflib

    from takehome.profile.answers import check_answer

    if dotted.startswith("services."):
        return _menu_entry(dotted, value)
    known = known_settings()
    if dotted not in known:
        if "password" in dotted:
            raise TakehomeError(
                f"{dotted}: the password is never stored in the profile; set the "
                "TAKEHOME_SMTP_PASSWORD variable, or let `takehome send --send` ask for it"
            )
        # "phone" alone: the setting of that name in whichever section has it.
        guess = [name for name in known if name.split(".", 1)[1] == dotted]
        guess = guess or difflib.get_close_matches(dotted, known, n=1)
        hint = f"did you mean {guess[0]}?" if guess else "see `takehome config` for the names"
        raise TakehomeError(f"{dotted}: not a setting; {hint}")
    if value is None or not value.strip():
        return None
    section, key = dotted.split(".", 1)
    if key in PROFILE_FIELDS and PROFILE_FIELDS[key][0] == section:
        answer = check_answer(key, value, base=Path.cwd())
        if answer.problem:
            raise TakehomeError(f"{dotted}: {answer.problem}")
        return answer.value
    return _typed(dotted, value)


def _menu_entry(dotted: str, value: str | None):
    """A [services] entry: "services.Hot Stone 75" = "glutes" (or "a, b": a list)."""
    service = dotted.split(".", 1)[1]
    if not service.strip() or service.strip() != service:
        raise TakehomeError(
            f'{dotted}: give the service name as your list writes it, e.g. "services.Hot Stone 75"'
        )
    if value is None or not value.strip():
        return None
    topics = [part.strip() for part in value.split(",") if part.strip()]
    return topics[0] if len(topics) == 1 else topics


def _read_document(path: Path):
    """The profile as a tomlkit document (comments kept), read as read_toml reads."""
    import tomlkit

    from takehome.files import PROFILE_LIMIT, read_utf8

    text = read_utf8(path, limit=PROFILE_LIMIT, what="a practice profile")
    try:
        return tomlkit.parse(text)
    except Exception as exc:  # tomlkit's parse errors carry line and column
        raise TakehomeError(f"{path}: not valid TOML: {exc}; fix the syntax there") from None


def set_values(path: Path, changes: dict[str, str | None]) -> dict[str, object]:
    """Set (or, with an empty value, remove) settings; comments and layout kept.

    Each value is checked as `init` checks an answer, then the whole profile
    with them: a change that would add a problem is refused and nothing is
    written. (A profile broken elsewhere can still be mended this way.) The
    file is replaced atomically; a profile that is a symbolic link has its
    target changed, with its permissions kept. Returns the values stored.
    """
    import os

    import tomlkit
    from tomlkit.items import Table

    from takehome.model.topic import menu_key
    from takehome.output import write_atomic
    from takehome.profile.config import data_problems

    stored = {dotted: _checked_value(dotted, value) for dotted, value in changes.items()}
    doc = _read_document(path)
    before = data_problems(path, doc.unwrap())
    for dotted, value in stored.items():
        section, key = dotted.split(".", 1)
        table = doc.get(section)
        if table is None:
            table = tomlkit.table()
            doc.add(section, table)
        elif not isinstance(table, Table):
            raise TakehomeError(f"{path}: {section} is not a [{section}] table; fix the file first")
        if section == "services":
            # One entry per service, however its case and spacing were written.
            for written in [k for k in table if menu_key(k) == menu_key(key)]:
                table.pop(written)
        if value is None:
            table.pop(key, None)
        else:
            table[key] = value
    new = [problem for problem in data_problems(path, doc.unwrap()) if problem not in before]
    if new:
        raise TakehomeError(f"{new[0]} (nothing was changed)")
    target = path.resolve()
    mode = target.stat().st_mode & 0o777
    write_atomic(target, tomlkit.dumps(doc).encode("utf-8"), force=True)
    os.chmod(target, mode)
    return stored


def set_value(path: Path, dotted: str, value: str | None) -> object:
    """One setting; see set_values. Returns the value stored (None: removed)."""
    return set_values(path, {dotted: value})[dotted]


def customize_existing(path: Path, folder: Path) -> dict[str, Path]:
    """Copy the built-in library into ``folder`` and point an existing profile at it.

    The profile is checked first; if it cannot take the change, nothing is copied.
    """
    from takehome.profile.config import data_problems

    problems = data_problems(path, _read_document(path).unwrap())
    if problems:
        raise TakehomeError(f"{problems[0]} (fix the profile first; nothing was copied)")
    folders, new = copy_library(folder)
    try:
        set_values(path, {f"library.{key}": str(target) for key, target in folders.items()})
    except BaseException:
        if new:
            _remove_copies(folders)
        raise
    return folders
