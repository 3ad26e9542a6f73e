"""Where the built-in templates and handouts live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

from takehome.errors import TakehomeError

_PACKAGE_DIR = Path(__file__).resolve().parent
# Where handouts go without -o or a profile's output.folder: relative to where
# takehome runs, like any file name typed on the command line.
DEFAULT_OUTPUT_DIR = Path("handouts-out")


def _data_dir(name: str) -> Path:
    # In a wheel, templates/ and handouts/ are copied into the package (see
    # pyproject.toml's force-include); in a source checkout or an editable install
    # they sit at the repository's top level, two folders above this file.
    for candidate in (_PACKAGE_DIR / name, _PACKAGE_DIR.parent.parent / name):
        if candidate.is_dir():
            return candidate
    raise TakehomeError(f"takehome's built-in {name}/ folder is missing; reinstall takehome")


def builtin_templates_dir() -> Path:
    """The folder holding the built-in Jinja templates and stylesheets."""
    return _data_dir("templates")


def builtin_handouts_dir() -> Path:
    """The folder holding the built-in topic files."""
    return _data_dir("handouts")


def all_template_dirs(custom: tuple[Path, ...] | list[Path] = ()) -> tuple[Path, ...]:
    """The template folders in the order they are searched: the therapist's, then built-in."""
    return (*custom, builtin_templates_dir())
