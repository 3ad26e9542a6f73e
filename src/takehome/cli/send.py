"""`takehome send`: email handouts as PDF attachments (a dry run unless --send)."""

from __future__ import annotations

import os
import sys

import click

from takehome.cli import cli
from takehome.cli.common import (
    csv_options,
    echo_all,
    list_date_option,
    paper_and_print_options,
    parse_date,
)


@cli.command()
@click.argument("topics", nargs=-1, metavar="[TOPIC ...]")
@click.option("--client", "client_name", help="One client's name (with --to).")
@click.option("--to", "to", metavar="ADDRESS", help="The client's email address.")
@click.option("--condition", "conditions", multiple=True, metavar="KEY", help="As for make.")
@click.option("--note", help="As for make.")
@click.option("--next-visit", help="As for make.")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False),
    metavar="CLIENTS.csv",
    help="A day's clients instead of one: a CSV with an Email column (see batch).",
)
@csv_options("With --csv: ")
@list_date_option
@paper_and_print_options(
    "Paper size.", "Large print (a list's Large Print cell decides for its row)."
)
@click.option(
    "--send",
    "really_send",
    is_flag=True,
    help="Send for real. Without it nothing is sent: each message is saved as .eml.",
)
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N messages this time.")
@click.option("--resend", is_flag=True, help="Send again even what the sent log shows as sent.")
@click.option("--force", is_flag=True, help="Render the handout again even if it exists.")
@click.pass_obj
def send(
    studio,
    topics,
    client_name,
    to,
    conditions,
    note,
    next_visit,
    csv_file,
    default_topics,
    encoding,
    staff,
    note_column,
    name_order,
    jobs,
    date_text,
    paper,
    large_print,
    really_send,
    limit,
    resend,
    force,
):
    """Email handouts as PDF attachments. A dry run unless you add --send.

    \b
    One client:   takehome send glutes --client "Ana Silva" --to ana@example.com
    A day's list: takehome send --csv today.csv
    Then, when the dry run looks right, the same command with --send.

    The dry run works before any mail server is set up; it says which [email]
    settings a real send needs. Subjects and bodies never mention conditions or
    notes; those are only in the PDF. Each message sent is recorded in
    sent-log.jsonl in the output folder, and a re-run sends only what is not
    there yet (unless --resend).
    """
    from takehome.batch import BatchInterrupted
    from takehome.errors import TakehomeError
    from takehome.mail.sending import SendInterrupted
    from takehome.mail.settings import PASSWORD_VAR

    date = parse_date(date_text)
    if csv_file and (topics or client_name or to):
        raise TakehomeError("--csv: give either --csv or TOPIC --client --to, not both")
    if not csv_file and not (topics and client_name and to):
        raise TakehomeError("send: give TOPIC --client NAME --to ADDRESS, or --csv FILE")
    options = studio.options(paper, large_print)
    if csv_file:
        table = studio.read_clients(
            csv_file, encoding, note_column=note_column, name_order=name_order, day=date
        )
        echo_all("Warning", table.warnings)
        if table.unprinted_notes:
            from takehome.cli.handouts import notes_line

            click.echo(notes_line(table))
        source = {"table": table, "default_topics": default_topics, "workers": jobs}
        source.update(staff=staff, one_day=date_text is not None)
    else:
        client = studio.client(client_name, conditions, note=note, next_visit=next_visit)
        source = {"topics": topics, "client": client, "to": to, "force": force}
    try:
        plan = studio.prepare_send(**source, date=date, options=options, real=really_send)
    except BatchInterrupted as stop:
        click.echo(
            "Interrupted while making the handouts: nothing was sent. "
            "Run the same command again to go on.",
            err=True,
        )
        raise click.exceptions.Exit(stop.exit_code) from None
    echo_all("Warning", plan.warnings)
    echo_all("Error", plan.errors)
    echo_all("", plan.notes, err=False)
    problems = len(plan.errors)

    if not really_send:
        result = studio.send(plan, resend=resend)
        echo_all("Warning", result.warnings)
        echo_all("", result.lines, err=False)
        skipped = (
            f" ({result.already} of them already sent: a real send skips those)"
            if result.already
            else ""
        )
        click.echo(
            f"Dry run: {len(plan.messages)} message(s) saved as .eml next to the PDFs{skipped}; "
            "nothing was sent. Add --send to send them."
        )
        if plan.missing:
            needed = " and ".join(plan.missing)
            if studio.profile.path is None:
                click.echo(
                    "Before a real send, create a practice profile (takehome init) "
                    f"and set {needed} in it."
                )
            else:
                click.echo(f"Before a real send, set {needed} in {studio.profile.path}.")
        if problems:
            raise click.exceptions.Exit(1)
        return

    password = None
    if plan.needs_password and os.environ.get(PASSWORD_VAR) is None:
        if not sys.stdin.isatty():
            raise TakehomeError(f"${PASSWORD_VAR} is not set; set it, or run send in a terminal")
        password = click.prompt(f"Password for {plan.settings.username}", hide_input=True)
    try:
        result = studio.send(
            plan,
            really=True,
            password=password,
            resend=resend,
            limit=limit,
            on_event=lambda line: click.echo(line, err=True),
        )
    except SendInterrupted as stop:
        _send_summary(stop.tally, problems, plan.folder, prefix="Interrupted: ")
        click.echo(
            "Every message handed to the server is in the log. "
            "Run the same command again to send the rest.",
            err=True,
        )
        raise click.exceptions.Exit(stop.exit_code) from None
    _send_summary(result.tally, problems, plan.folder)
    if result.tally.failed or problems:
        raise click.exceptions.Exit(1)


def _send_summary(tally, problems: int, folder, prefix: str = "") -> None:
    from takehome.mail.sentlog import SENT_LOG

    held = f", {tally.not_sent} held back by --limit" if tally.not_sent else ""
    click.echo(
        f"{prefix}{tally.sent} sent, {tally.already} skipped (already sent), "
        f"{tally.failed + problems} failed{held}; log: {folder / SENT_LOG}"
    )
