"""The ``takehome`` command: parses options and calls the modules that do the work."""

from __future__ import annotations

from pathlib import Path

import click

from . import __version__
from .clients import Client
from .content import TopicLibrary
from .errors import TakehomeError
from .handout import PAPER_SIZES, build_handout, parse_date
from .output import (
    FORMATS,
    check_writable,
    choose_format,
    default_filename,
    resolve_output,
    write_atomic,
)
from .paths import builtin_handouts_dir


class _Group(click.Group):
    """Turns a TakehomeError anywhere below into one line and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TakehomeError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="takehome")
@click.option(
    "--handouts",
    "handouts_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also read topic files from this folder; they override built-in topics of the same name.",
)
@click.pass_context
def cli(ctx, handouts_dir):
    """Print and email take-home handouts for massage clients.

    \b
    Start here:
      takehome list
      takehome make glutes --client "Ana Silva"
    """
    folders = [builtin_handouts_dir()] + ([handouts_dir] if handouts_dir else [])
    ctx.obj = TopicLibrary(folders)


@cli.command("list")
@click.pass_obj
def list_topics(library: TopicLibrary):
    """List the handout topics, their titles and condition keys."""
    failed = False
    for key in library.files():
        try:
            loaded = library.load(key)
        except TakehomeError as exc:
            click.echo(f"Error: {exc}", err=True)
            failed = True
            continue
        click.echo(f"{key:<16} {loaded.topic.title}")
        conditions = ", ".join(loaded.topic.conditions) or "(none)"
        click.echo(f"{'':<16} conditions: {conditions}")
    if failed:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("topics", nargs=-1, required=True, metavar="TOPIC [TOPIC ...]")
@click.option("--client", "client_name", required=True, help="The client's name, as printed.")
@click.option("--note", help="A personal note from you, printed in a box.")
@click.option(
    "--condition",
    "conditions",
    multiple=True,
    metavar="KEY",
    help="Add the notes for this condition (repeat for more; see `takehome list`).",
)
@click.option("--next-visit", help='When the next visit is, e.g. "Tuesday, Dec 9 at 3 pm".')
@click.option(
    "--date", "date_text", metavar="YYYY-MM-DD", help="Date printed on the handout [today]."
)
@click.option(
    "--paper",
    type=click.Choice(sorted(PAPER_SIZES)),
    default="letter",
    show_default=True,
    help="Paper size.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    help="pdf to print or email; html to check the text in a browser [from -o, else pdf].",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="File (ending .pdf/.html) or folder to write to [./handouts-out/].",
)
@click.option("--force", is_flag=True, help="Overwrite the file if it already exists.")
@click.pass_obj
def make(
    library: TopicLibrary,
    topics,
    client_name,
    note,
    conditions,
    next_visit,
    date_text,
    paper,
    fmt,
    output,
    force,
):
    """Make a handout of one or more TOPICs for one client.

    Several topics merge into one handout. The file is named from the date, the
    client and the topics, e.g. handouts-out/2026-11-25_ana-silva_glutes.pdf.

    \b
    Example:
      takehome make glutes --client "Ana Silva" --condition sciatica \\
          --note "Try the figure-4 stretch after work." --next-visit "Dec 9, 3 pm"
    """
    client = Client.create(client_name, conditions, note=note, next_visit=next_visit)
    handout = build_handout(
        topics, client, library=library, date=parse_date(date_text), paper=paper
    )
    fmt = choose_format(output, fmt)
    name = default_filename(handout.date, client.name, handout.topic_keys, fmt)
    path = resolve_output(output, name, fmt)
    check_writable(path, force)

    from .render import Renderer  # WeasyPrint loads only when a handout is made

    renderer = Renderer()
    if fmt == "html":
        data, warnings = renderer.html(handout).encode("utf-8"), []
    else:
        rendered = renderer.pdf(handout)
        data, warnings = rendered.data, rendered.warnings
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    write_atomic(path, data, force=force)
    click.echo(f"Wrote {path}")


def main():
    """Console-script entry point."""
    cli(prog_name="takehome")
