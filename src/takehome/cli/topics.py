"""`takehome list`, `new`, `gallery` and `check`: the topic library."""

from __future__ import annotations

import click

from takehome.cli import cli
from takehome.cli.common import paper_option


@cli.command("list")
@click.pass_obj
def list_topics(studio):
    """List the handout topics and the client conditions every topic knows."""
    listing = studio.topics()
    keys = [topic.key for topic in listing.topics] + [key for key, _, _ in listing.conditions]
    width = max([16, *(len(key) + 1 for key in keys)])
    click.echo("Topics:")
    for topic in listing.topics:
        click.echo(f"  {topic.key:<{width}} {topic.title}")
        if topic.conditions:
            click.echo(f"  {'':<{width}} its own conditions: {', '.join(topic.conditions)}")
        if not topic.builtin:
            click.echo(f"  {'':<{width}} from: {topic.path}")
    click.echo("Conditions (--condition, or a Conditions column; any topic):")
    for key, label, aliases in listing.conditions:
        also = f" (also: {', '.join(aliases)})" if aliases else ""
        click.echo(f"  {key:<{width}} {label}{also}")
    for problem in listing.problems:
        click.echo(f"Error: {problem}", err=True)
    if listing.problems:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("topic")
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False),
    help="Folder to write to [the profile's handouts folder, else the current folder].",
)
@click.pass_obj
def new(studio, topic, folder):
    """Start a new TOPIC file with every field present and explained."""
    made = studio.new_topic(topic, folder)
    if made.replaces:
        click.echo(f"Note: this replaces the topic '{topic}' from {made.replaces}")
    click.echo(f"Wrote {made.path}")
    if made.in_profile:
        click.echo("Fill it in, then run: takehome check")
    else:
        click.echo(
            f"Fill it in, then run: takehome --handouts {made.path.parent} check "
            "(or set library.handouts in your profile to that folder)"
        )


@cli.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="PDF file or folder to write to [the profile's folder].",
)
@paper_option("Paper size [the profile's, else letter].")
@click.option("--force", is_flag=True, help="Overwrite the file if it already exists.")
@click.pass_obj
def gallery(studio, output, paper, force):
    """Draw every built-in stretch figure on one sheet, with the name to use for it.

    A stretch in your own topic file shows one with figure = "its-name".
    """
    click.echo(f"Wrote {studio.gallery(output, force, paper=paper)}")


@cli.command()
@click.pass_obj
def check(studio):
    """Check the profile, every topic and every template, and report all problems."""
    from takehome.check import MAX_GRADE

    report = studio.check()
    click.echo(f"Profile: {report.profile}")
    width = max([16, *(len(key) + 1 for key in report.grades)])
    for key, grade in report.grades.items():
        flag = (
            f"  ({report.hardest[key]}: above {MAX_GRADE:.0f}; use shorter sentences and words)"
            if grade > MAX_GRADE
            else ""
        )
        click.echo(f"{key:<{width}} reading grade {grade:.1f} at most{flag}")
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
    click.echo(
        f"Checked {report.topics} topic file(s) and {report.templates} template(s): "
        f"{len(report.problems)} problem(s)"
    )
    if report.problems:
        raise click.exceptions.Exit(1)
