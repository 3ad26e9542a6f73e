"""`takehome make` (one client) and `takehome batch` (a day's list)."""

from __future__ import annotations

import contextlib
import re
import shlex
import sys

import click

from takehome.cli import cli
from takehome.cli.common import (
    csv_options,
    date_option,
    echo_all,
    list_date_option,
    paper_and_print_options,
    parse_date,
)

FORMATS = ("pdf", "html")


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
@date_option
@paper_and_print_options(
    "Paper size.", "Large print: 18pt text and up, one column, for clients with low vision."
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
    type=click.Path(),
    help="File (ending .pdf/.html) or folder to write to [the profile's folder].",
)
@click.option("--force", is_flag=True, help="Overwrite the file if it already exists.")
@click.pass_obj
def make(
    studio,
    topics,
    client_name,
    note,
    conditions,
    next_visit,
    date_text,
    paper,
    large_print,
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
    client = studio.client(client_name, conditions, note=note, next_visit=next_visit)
    made = studio.make(
        topics,
        client,
        date=parse_date(date_text),
        options=studio.options(paper, large_print),
        output=output,
        fmt=fmt,
        force=force,
    )
    echo_all("Warning", made.warnings)
    click.echo(f"Wrote {made.path}")


@cli.command()
@click.argument("csv_file", type=click.Path(dir_okay=False), metavar="CLIENTS.csv")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    help="Folder to write the handouts to [the profile's folder, else handouts-out].",
)
@csv_options("")
@list_date_option
@paper_and_print_options(
    "Paper size for rows with no Paper cell.",
    "Large print for rows with no Large Print cell (yes or no in the list).",
)
@click.option("--force", is_flag=True, help="Render again even if a handout already exists.")
@click.option("--dry-run", is_flag=True, help="Check every row and show what would be written.")
@click.pass_obj
def batch(
    studio,
    csv_file,
    out_dir,
    jobs,
    default_topics,
    date_text,
    paper,
    large_print,
    encoding,
    staff,
    note_column,
    name_order,
    force,
    dry_run,
):
    """Make one handout per client row of CLIENTS.csv (a booking-software export:
    CSV, .xlsx, .xls or .ods), or per appointment of a calendar file (.ics) on
    --date (today without it).

    Rows with a problem are reported by row number and the others go ahead.
    Handouts that already exist are skipped, so if a batch is stopped, running
    the same command again finishes it. Exit status 1 if any row failed.

    Cancelled, no-show and rescheduled appointments (a Status column, or a
    yes/no column such as Canceled) are skipped and counted. A row's
    appointment date, when the list has one, is its handout's date.

    \b
    Columns (any order, case and spacing ignored; others are ignored):
      Name | Client | Invitee Name | Customer, or First Name + Last Name
      Service | Type | Appointment Type | Event Type Name | Topics
      Status   Staff | Provider   Date | Start Time   Conditions
      Therapist Note   Next Visit   Paper   Large Print (yes/no)   Email
      (README: the full list)
    """
    from takehome.batch import BatchInterrupted

    date = parse_date(date_text)
    table = studio.read_clients(
        csv_file, encoding, note_column=note_column, name_order=name_order, day=date
    )
    plan = studio.plan_batch(
        table,
        out_dir=out_dir,
        date=date,
        default_topics=default_topics,
        options=studio.options(paper, large_print),
        force=force,
        staff=staff,
        one_day=date_text is not None,
    )
    echo_all("Warning", plan.warnings)
    echo_all("Error", plan.errors)
    echo_all("Note", plan.notes, err=False)
    if not dry_run:
        if table.unprinted_notes:
            click.echo(notes_line(table))  # a list's Notes are no longer printed: say so
        for line in _not_held_lines(plan):
            click.echo(line)
    if dry_run:
        profile = studio.profile.path or "none (the neutral default; `takehome init` makes one)"
        click.echo(f"Profile: {profile}")
        click.echo(notes_line(table))
        if plan.staff:
            click.echo(f"Staff: only the appointments of {plan.staff}.")
        _dry_run_rows(plan)
        _summary(plan.settled, prefix="Dry run: ", written_word="to write", written=len(plan.jobs))
        return

    # A bar only on a terminal, showing initials only: never a full name on screen.
    show_bar = sys.stdout.isatty() and len(plan.jobs) > 1
    bar_context = (
        click.progressbar(
            length=len(plan.jobs),
            label="Rendering",
            show_pos=True,
            item_show_func=lambda initials: initials,
        )
        if show_bar
        else contextlib.nullcontext()
    )
    try:
        with bar_context as bar:

            def land(outcome):
                echo_all("Warning", outcome.warning_problems())
                if outcome.problem:
                    click.echo(f"Error: {outcome.problem}", err=True)
                if bar is not None:
                    bar.update(1, outcome.initials)

            result = studio.run_batch(plan, workers=jobs, on_outcome=land)
    except BatchInterrupted as stop:
        _summary(stop.outcomes, prefix="Interrupted: ", fail=False)
        click.echo("Run the same command again to finish the rest.", err=True)
        raise click.exceptions.Exit(stop.exit_code) from None
    _summary(result.outcomes, prefix="", out_dir=result.out_dir)


@cli.command()
@click.argument("csv_file", type=click.Path(dir_okay=False), metavar="CLIENTS.csv")
@click.option("--encoding", help="The file's encoding, if not UTF-8 (e.g. cp1252).")
@click.pass_obj
def services(studio, csv_file, encoding):
    """List the services of CLIENTS.csv and the topic each one's handout is made of.

    Map your service menu once: a service that matches no topic by name goes
    into the profile's [services] table (takehome prints the lines to add).
    Cancelled and no-show rows are left out.
    """
    table = studio.read_clients(csv_file, encoding, whole_calendar=True)
    uses = studio.services(table)
    if not uses:
        click.echo("No services: the list has no Service (or Type, Treatment...) column.")
        return
    width = min(40, max(len(use.service) for use in uses))
    unmapped = []
    for use in uses:
        word = "event" if table.calendar else "row"
        count = f"{len(use.rows)} {word}{'s' if len(use.rows) > 1 else ''}"
        if use.problem:
            where = f"problem: {use.problem}"
        elif use.how == "default":
            where = 'not mapped (gets the [services] default "*")'
            unmapped.append(use.service)
        elif not use.topics:
            where = "not mapped"
            unmapped.append(use.service)
        else:
            where = ", ".join(use.topics)
            where += {"menu": " ([services])", "default": ' ([services] default "*")'}.get(
                use.how, ""
            )
        click.echo(f"{use.service:<{width}}  {count:>8}  -> {where}")
    mapped = len(uses) - len(unmapped)
    click.echo(f"{mapped} of {len(uses)} service(s) mapped to topics.")
    if unmapped:
        known = ", ".join(topic.key for topic in studio.topics().topics)
        first = "" if studio.profile.path else "create a profile with `takehome init`, then "
        click.echo(
            f"To map the others, {first}run one line per service with its topic ({known}; "
            'two topics: "glutes, neck-shoulders"):'
        )
        for service in unmapped:
            click.echo(f"  takehome config set {_shell_word('services.' + service)} TOPIC")


def _shell_word(text: str) -> str:
    # Double quotes read the same in a Mac, Linux or Windows terminal.
    return f'"{text}"' if not re.search(r'["$`\\!]', text) else shlex.quote(text)


def notes_line(table) -> str:
    """Which column, if any, gives the note printed on the handouts."""
    if table.calendar:
        return "Notes: an event's description is the booking system's and is never printed."
    if table.note_column:
        return f"Notes: the '{table.note_column}' column is printed as your note."
    if table.unprinted_notes:
        return (
            f"Notes: the '{table.unprinted_notes}' column is the booking system's and is not "
            f'printed (if it is written for your clients, --note-column "{table.unprinted_notes}" '
            "prints it)."
        )
    return "Notes: no note column; the handouts carry no personal note."


def _not_held_lines(plan) -> list[str]:
    from takehome.batch import NOT_HELD

    return [
        f"{o.place}: skipped: {o.message.split(': ', 1)[1]}"
        for o in plan.settled
        if o.status == NOT_HELD
    ]


def _dry_run_rows(plan) -> None:
    # The day in row order (a calendar's rows are its events in time order),
    # each row with what it becomes.
    from takehome.batch import FAILED, NOT_HELD, OTHER_DAY, OTHER_STAFF, SKIPPED

    items = sorted([*plan.jobs, *plan.settled], key=lambda item: item.row)
    for item in items:
        status = getattr(item, "status", None)
        where = item.place
        if status is None:  # a job
            topics = ", ".join(item.handout.topic_keys)
            changed = " (the file there was made from other details)" if item.replace else ""
            click.echo(f"{where}: would write {item.path} ({topics}){changed}")
        elif status == SKIPPED:
            click.echo(f"{where}: already there: {item.path}")
        elif status == NOT_HELD:
            click.echo(f"{where}: skipped: {item.message.split(': ', 1)[1]}")
        elif status == OTHER_DAY:
            click.echo(f"{where}: another day's: {item.message.split(': ', 1)[1]}")
        elif status == OTHER_STAFF:
            click.echo(f"{where}: another therapist's: {item.message.split(': ', 1)[1]}")
        elif status == FAILED:
            click.echo(f"{where}: not made (its error is listed with the errors)")


def _summary(outcomes, prefix="", written_word="written", written=None, out_dir=None, fail=True):
    from takehome.batch import FAILED, NOT_HELD, OTHER_DAY, OTHER_STAFF, SKIPPED, WRITTEN

    statuses = (WRITTEN, SKIPPED, FAILED, NOT_HELD, OTHER_STAFF, OTHER_DAY)
    counts = {status: 0 for status in statuses}
    for outcome in outcomes:
        counts[outcome.status] += 1
    if written is not None:
        counts[WRITTEN] = written
    replaced = sum(1 for outcome in outcomes if outcome.replaced)
    changed = f" ({replaced} made again: their row changed)" if replaced else ""
    where = f" in {out_dir}" if out_dir else ""
    left_out = ""
    if counts[NOT_HELD]:
        left_out += f", {counts[NOT_HELD]} cancelled or no-show"
    if counts[OTHER_STAFF]:
        left_out += f", {counts[OTHER_STAFF]} for other staff"
    if counts[OTHER_DAY]:
        left_out += f", {counts[OTHER_DAY]} on other days"
    click.echo(
        f"{prefix}{counts[WRITTEN]} {written_word}{changed}, {counts[SKIPPED]} skipped "
        f"(already there){left_out}, {counts[FAILED]} failed{where}"
    )
    if fail and counts[FAILED]:
        raise click.exceptions.Exit(1)
