"""Options and output helpers shared by several commands."""

from __future__ import annotations

import os

import click

from takehome.render.paper import PAPER_SIZES

date_option = click.option(
    "--date", "date_text", metavar="YYYY-MM-DD", help="Date printed on the handouts [today]."
)


# batch and send --csv: a list's rows may carry their own dates; a calendar's day is chosen.
list_date_option = click.option(
    "--date",
    "date_text",
    metavar="YYYY-MM-DD",
    help="The day to make: only that day's rows of a dated list, or that day's appointments "
    "of a calendar file (.ics); printed on rows without a date [today; every row of a list].",
)


def paper_option(help_text: str):
    """The --paper option, shared by make, batch and send."""
    return click.option(
        "--paper",
        type=click.Choice(sorted(PAPER_SIZES), case_sensitive=False),
        help=f"{help_text} [from the profile, else letter]",
    )


def paper_and_print_options(paper_help: str, print_help: str):
    """--paper and --large-print/--standard-print, shared by make, batch and send."""

    def add(command):
        command = click.option(
            "--large-print/--standard-print",
            "large_print",
            default=None,
            help=f"{print_help} [from the profile, else standard]",
        )(command)
        return paper_option(paper_help)(command)

    return add


def csv_options(prefix: str):
    """--topic, --encoding and --jobs: for a CSV of clients (batch, send --csv)."""

    def add(command):
        for option in reversed(
            [
                click.option(
                    "--jobs",
                    "-j",
                    type=click.IntRange(min=1),
                    default=os.cpu_count() or 1,
                    show_default=True,
                    help=f"{prefix}How many handouts to render at once (worker processes).",
                ),
                click.option(
                    "--topic",
                    "default_topics",
                    multiple=True,
                    metavar="TOPIC",
                    help=f"{prefix}Topic for rows with no Topics/Service cell (repeat for more).",
                ),
                click.option(
                    "--encoding",
                    help=f"{prefix}The CSV file's encoding, if not UTF-8 (e.g. cp1252).",
                ),
                click.option(
                    "--staff",
                    metavar="NAME",
                    help=f"{prefix}Only the rows of this therapist (a Staff/Provider column).",
                ),
                click.option(
                    "--note-column",
                    metavar="COLUMN",
                    help=f"{prefix}Print this column as your note [the profile's, else only "
                    "a 'Therapist Note' column; a booking system's Notes are never printed].",
                ),
                click.option(
                    "--name-order",
                    type=click.Choice(["auto", "first-last", "last-first"]),
                    help=f"{prefix}How a one-column name is written: auto reads "
                    "'Silva, Ana' as Ana Silva [the profile's, else auto].",
                ),
            ]
        ):
            command = option(command)
        return command

    return add


def parse_date(text: str | None):
    """--date as a date (today without it); a one-line error names --date."""
    from takehome.model.handout import parse_date as parse

    return parse(text, "--date")


def echo_all(prefix: str, items, err: bool = True) -> None:
    """Print each problem or line as ``prefix: text``."""
    for item in items:
        click.echo(f"{prefix}: {item}" if prefix else str(item), err=err)


def toml_value(value) -> str:
    """A string or list as a profile line writes it (quoted and escaped by tomlkit)."""
    import tomlkit

    return tomlkit.item(value).as_string()
