"""What the command line needs to know of profiles before any is read: their names,
where they are looked for, and the questions `takehome init` asks. (No pydantic
here, so that `takehome --help` starts fast.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

CONFIG_NAME = "takehome.toml"
ENV_VAR = "TAKEHOME_CONFIG"


def user_config_path() -> Path:
    """Where `takehome init` writes by default: the user's config folder."""
    import platformdirs

    return platformdirs.user_config_path("takehome") / CONFIG_NAME


# Said with a question (and in --help), where the profile file's comment would mislead.
QUESTION_HINTS = {
    "logo": "Logo: a PNG, JPEG or SVG file (its path from the folder you are in)",
    "brand_color": "Brand colour for headings and rules: a code like #2f5d62, "
    "or a name such as sage green, navy or plum",
}


def question(key: str) -> str:
    """The question `init` asks for ``key`` (also its flag's help)."""
    return QUESTION_HINTS.get(key, PROFILE_FIELDS[key][1])


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
