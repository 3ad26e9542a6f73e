"""`takehome init` and `takehome config`: the practice profile."""

from __future__ import annotations

import sys

import click

from takehome.cli import cli
from takehome.cli.common import toml_value
from takehome.profile.fields import CONFIG_NAME, PROFILE_FIELDS, question, user_config_path


def _flag(key: str) -> str:
    return "--output-folder" if key == "folder" else "--" + key.replace("_", "-")


def _profile_options(command):
    # One --flag per profile field, so `init` can run without questions.
    for key in reversed(list(PROFILE_FIELDS)):
        command = click.option(_flag(key), key, help=question(key) + ".")(command)
    return command


@cli.command()
@click.argument("path", required=False, type=click.Path())
@_profile_options
@click.option(
    "--customize",
    type=click.Path(file_okay=False),
    metavar="DIR",
    help="Also copy the built-in templates and handouts into DIR to edit, and use them "
    "(on an existing profile too).",
)
@click.option("--no-input", is_flag=True, help="Ask nothing; use only the flags given.")
def init(path, customize, no_input, **values):
    """Create a practice profile (takehome.toml) by answering a few questions.

    PATH (a file, or a folder to put takehome.toml in) defaults to your user
    config folder, where takehome finds it from any folder. Each answer is
    checked as you type it. An existing profile is never overwritten: change
    one setting with `takehome config set`, or add your own templates and
    topics to it with `takehome init --customize DIR`.
    """
    from pathlib import Path

    from takehome.errors import TakehomeError
    from takehome.profile.answers import ask
    from takehome.profile.write import check_values, customize_existing, write_config

    typed = path or ""
    customize = Path(customize) if customize else None
    path = Path(path) if path else user_config_path()
    if path.is_dir() or typed.endswith(("/", "\\")):
        path = path / CONFIG_NAME  # a folder: the profile goes inside it
    given = {key: value for key, value in values.items() if value is not None}
    if path.exists():
        if customize is None or given:
            raise TakehomeError(
                f"{path}: already exists; change a setting with `takehome config set "
                "KEY VALUE`, or remove the file first to start again"
            )
        reused = _has_library(customize)
        customize_existing(path, customize)
        click.echo(_library_line(customize, reused))
        click.echo(f"Updated {path}: its [library] now uses them.")
        click.echo("Check it with: takehome check")
        return
    values, notes = check_values(given, {key: _flag(key) for key in PROFILE_FIELDS})
    for note in notes:
        click.echo(f"Note: {note}")
    if not no_input and sys.stdin.isatty():
        for key in PROFILE_FIELDS:
            if key not in values:
                values[key] = ask(
                    key,
                    question(key),
                    prompt=lambda text: click.prompt(text, default="", show_default=False),
                    confirm=lambda text: click.confirm(text, default=True),
                    say=click.echo,
                )
    reused = customize is not None and _has_library(customize)
    write_config(path, values, customize)
    click.echo(f"Wrote {path}")
    if customize:
        click.echo(_library_line(customize, reused))
    click.echo("Check it with: takehome check")


def _has_library(folder) -> bool:
    return all((folder / name).is_dir() for name in ("templates", "handouts"))


def _library_line(folder, reused: bool) -> str:
    if reused:
        return f"Using the templates and handouts already in {folder}; edit them there."
    return f"Copied the built-in templates and handouts into {folder}; edit them there."


@cli.group("config", invoke_without_command=True)
@click.pass_context
def config(ctx):
    """Show the practice profile in use and its effective values (or change one)."""
    if ctx.invoked_subcommand is not None:
        return
    studio = ctx.obj
    where = studio.profile.path or (
        "none: the neutral default (create one with `takehome init`; "
        f"it writes {user_config_path()})"
    )
    click.echo(f"Profile: {where}")
    for section, values in studio.settings():
        click.echo(f"[{section}]")
        if section == "services":
            for service, topics in values:
                click.echo(f"  {toml_value(service)} = {toml_value(topics)}")
            if not values:
                click.echo("  (none: `takehome services CLIENTS.csv` prints the lines to add)")
            continue
        for key, value in values:
            click.echo(f"  {key} = {_shown(value)}")
        if section == "email":
            click.echo("  password: never stored here; from $TAKEHOME_SMTP_PASSWORD or a prompt")


def _shown(value) -> str:
    # As the profile spells it: true/false, not Python's True/False.
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


@config.command("set", short_help="Change one setting, or map a service to topics.")
@click.argument("key", metavar="SECTION.KEY")
@click.argument("value")
@click.pass_obj
def config_set(studio, key, value):
    """Change one setting, e.g. `takehome config set practice.phone 555-0101`.

    A service of your booking menu is mapped to its topics the same way:
    `takehome config set "services.Hot Stone 75" "glutes, neck-shoulders"`.

    The value is checked, and the whole profile with it, before the file is
    saved; comments are kept. An empty VALUE ("") removes the setting.
    """
    path, stored = studio.set_setting(key, value)
    shown = "(removed)" if stored is None else stored
    if isinstance(stored, list | bool):
        shown = toml_value(stored)
    click.echo(f"Set {key} = {shown} in {path}")
