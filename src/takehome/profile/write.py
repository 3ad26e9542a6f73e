"""Writing a profile: `takehome init` and `takehome init --customize`."""

from __future__ import annotations

from pathlib import Path

from pydantic import (
    ValidationError,
)

from takehome.errors import TakehomeError
from takehome.profile.config import ConfigFile, _config_error, _load_logo
from takehome.profile.fields import PROFILE_FIELDS


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
