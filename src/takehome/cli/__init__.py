"""The ``takehome`` command: parses options and calls the modules that do the work."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click

from takehome import __version__
from takehome.batch import (
    FAILED,
    SKIPPED,
    WRITTEN,
    BatchInterrupted,
    plan_batch,
    remove_stale_temp_files,
    run_batch,
)
from takehome.errors import TakehomeError
from takehome.imports.clients_csv import read_clients_csv
from takehome.interrupts import exit_code
from takehome.model.client import Client
from takehome.model.handout import PAPER_SIZES, build_handout, parse_date
from takehome.model.new_topic import new_topic_text
from takehome.output import (
    FORMATS,
    check_writable,
    choose_format,
    default_filename,
    ensure_folder,
    resolve_output,
    write_atomic,
)
from takehome.paths import builtin_templates_dir
from takehome.profile.fields import ENV_VAR, PROFILE_FIELDS, user_config_path
from takehome.profile.write import write_config
from takehome.render.warning_text import UNPRINTABLE
from takehome.workspace import Workspace

date_option = click.option(
    "--date", "date_text", metavar="YYYY-MM-DD", help="Date printed on the handouts [today]."
)


def paper_option(help_text: str):
    """The --paper option, shared by make and batch."""
    return click.option(
        "--paper",
        type=click.Choice(sorted(PAPER_SIZES)),
        help=f"{help_text} [from the profile, else letter]",
    )


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
            ]
        ):
            command = option(command)
        return command

    return add


class _Group(click.Group):
    """Turns a TakehomeError anywhere below into one line and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except TakehomeError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt as exc:
            # Files are written whole or not at all, so a stop anywhere is safe.
            click.echo("Interrupted: nothing half-written was left; run it again.", err=True)
            raise click.exceptions.Exit(exit_code(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="takehome")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Practice profile to use [${ENV_VAR}, ./takehome.toml, then {user_config_path()}].",
)
@click.option(
    "--handouts",
    "handouts_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Also read topic files from this folder; they override built-in topics of the same name.",
)
@click.pass_context
def cli(ctx, config_path, handouts_dir):
    """Make take-home handouts for massage clients, to print or to email as PDFs.

    \b
    Start here:
      takehome list
      takehome make glutes --client "Ana Silva"
    """
    ctx.obj = Workspace(config_path, handouts_dir)


@cli.command("list")
@click.pass_obj
def list_topics(workspace: Workspace):
    """List the handout topics, their titles, condition keys and where they come from."""
    library = workspace.library
    builtin = library.folders[0]
    failed = False
    for key, path in library.files().items():
        try:
            loaded = library.load(key)
        except TakehomeError as exc:
            click.echo(f"Error: {exc}", err=True)
            failed = True
            continue
        click.echo(f"{key:<16} {loaded.topic.title}")
        conditions = ", ".join(loaded.topic.conditions) or "(none)"
        click.echo(f"{'':<16} conditions: {conditions}")
        if path.parent != builtin:
            click.echo(f"{'':<16} from: {path}")
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
@date_option
@paper_option("Paper size.")
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
    workspace: Workspace,
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
    profile = workspace.profile
    client = Client.create(client_name, conditions, note=note, next_visit=next_visit)
    handout = build_handout(
        topics,
        client,
        library=workspace.library,
        practice=profile.practice,
        date=parse_date(date_text),
        paper=paper or profile.config.output.paper,
    )
    fmt = choose_format(output, fmt)
    name = default_filename(handout.date, client.name, handout.topic_keys, fmt)
    path = resolve_output(output, name, fmt, profile.output_dir)
    check_writable(path, force)

    renderer = workspace.renderer()
    try:
        if fmt == "html":
            data, warnings = renderer.html(handout, standalone=True).encode("utf-8"), []
        else:
            rendered = renderer.pdf(handout)
            data, warnings = rendered.data, rendered.warnings
    finally:
        renderer.close()
    for warning in warnings:
        click.echo(f"Warning: {warning}", err=True)
    # A make killed while writing leaves a hidden temp file holding a whole handout.
    remove_stale_temp_files(path.parent, [path.name])
    write_atomic(path, data, force=force)
    click.echo(f"Wrote {path}")


@cli.command()
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path), metavar="CLIENTS.csv")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the handouts to [the profile's folder, else handouts-out].",
)
@csv_options("")
@date_option
@paper_option("Paper size for rows with no Paper cell.")
@click.option("--force", is_flag=True, help="Render again even if a handout already exists.")
@click.option("--dry-run", is_flag=True, help="Check every row and show what would be written.")
@click.pass_obj
def batch(
    workspace: Workspace,
    csv_file,
    out_dir,
    jobs,
    default_topics,
    date_text,
    paper,
    encoding,
    force,
    dry_run,
):
    """Make one handout per client row of CLIENTS.csv (a booking-software export).

    Rows with a problem are reported by row number and the others go ahead.
    Handouts that already exist are skipped, so if a batch is stopped, running
    the same command again finishes it. Exit status 1 if any row failed.

    \b
    Columns (any order, case and spacing ignored; others are ignored):
      Name | Client | Full Name | Customer, or First Name + Last Name
      Topics | Topic | Handouts | Service   Conditions   Notes
      Next Visit | Next Appointment          Paper        Email
    """
    profile = workspace.profile
    out_dir = out_dir or profile.output_dir
    table = read_clients_csv(csv_file, encoding)
    for warning in table.warnings:
        click.echo(f"Warning: {warning}", err=True)
    plan = plan_batch(
        table,
        workspace.library,
        out_dir,
        date=parse_date(date_text),
        default_topics=default_topics,
        paper=paper or profile.config.output.paper,
        practice=profile.practice,
        force=force,
        template_dirs=workspace.template_dirs,
    )
    for outcome in plan.settled:
        if outcome.status == FAILED:
            click.echo(f"Error: {outcome.message}", err=True)
    if dry_run:
        for job in plan.jobs:
            changed = " (the file there was made from other details)" if job.replace else ""
            click.echo(f"row {job.row}: would write {job.path}{changed}")
        _summary(plan.settled, prefix="Dry run: ", written_word="to write", written=len(plan.jobs))
        return

    if plan.jobs:
        ensure_folder(out_dir, "--out")
        remove_stale_temp_files(out_dir, [job.path.name for job in plan.jobs])
    outcomes = list(plan.settled)

    def report(outcome):
        for warning in outcome.warnings:
            if warning.startswith(UNPRINTABLE):
                # The characters would spell out part of the client's name.
                warning = f"{UNPRINTABLE} in this client's details; install a font that has them"
            click.echo(f"Warning: row {outcome.row}: {warning}", err=True)
        if outcome.status == FAILED:
            click.echo(f"Error: {outcome.message}", err=True)

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
                report(outcome)
                if bar is not None:
                    bar.update(1, outcome.initials)

            outcomes += run_batch(
                plan.jobs,
                jobs,
                force=force,
                on_outcome=land,
                template_dirs=workspace.template_dirs,
            )
    except BatchInterrupted as stop:
        _summary(outcomes + stop.outcomes, prefix="Interrupted: ", fail=False)
        click.echo("Run the same command again to finish the rest.", err=True)
        raise click.exceptions.Exit(stop.exit_code) from None
    _summary(outcomes, prefix="", out_dir=out_dir)


def _summary(outcomes, prefix="", written_word="written", written=None, out_dir=None, fail=True):
    counts = {status: 0 for status in (WRITTEN, SKIPPED, FAILED)}
    for outcome in outcomes:
        counts[outcome.status] += 1
    if written is not None:
        counts[WRITTEN] = written
    replaced = sum(1 for outcome in outcomes if outcome.replaced)
    changed = f" ({replaced} made again: their row changed)" if replaced else ""
    where = f" in {out_dir}" if out_dir else ""
    click.echo(
        f"{prefix}{counts[WRITTEN]} {written_word}{changed}, {counts[SKIPPED]} skipped "
        f"(already there), {counts[FAILED]} failed{where}"
    )
    if not fail:
        return
    if counts[FAILED]:
        raise click.exceptions.Exit(1)


@cli.command("config")
@click.pass_obj
def show_config(workspace: Workspace):
    """Show which practice profile is in use and its effective values."""
    profile = workspace.profile
    where = profile.path or "none: the neutral default (create one with `takehome init`)"
    click.echo(f"Profile: {where}")
    config = profile.config
    for section in ("practice", "output", "library", "email"):
        click.echo(f"[{section}]")
        values = getattr(config, section).model_dump()
        for key, value in values.items():
            if section == "library" and value is not None:
                value = getattr(profile, f"{key}_dir")
            shown = "(not set)" if value is None else value
            click.echo(f"  {key} = {shown}")
    click.echo("  password: never stored here; from $TAKEHOME_SMTP_PASSWORD or a prompt")


def _profile_options(command):
    # One --flag per profile field, so `init` can run without questions.
    for key in reversed(list(PROFILE_FIELDS)):
        flag = "--output-folder" if key == "folder" else "--" + key.replace("_", "-")
        command = click.option(flag, key, help=PROFILE_FIELDS[key][1] + ".")(command)
    return command


@cli.command()
@click.argument("path", required=False, type=click.Path(dir_okay=False, path_type=Path))
@_profile_options
@click.option(
    "--customize",
    type=click.Path(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Also copy the built-in templates and handouts into DIR to edit, and use them.",
)
@click.option("--no-input", is_flag=True, help="Ask nothing; use only the flags given.")
def init(path, customize, no_input, **values):
    """Create a practice profile (takehome.toml) by answering a few questions.

    PATH defaults to your user config folder, where takehome finds it from any
    folder. An existing profile is never overwritten.
    """
    path = path or user_config_path()
    if not path.exists() and not no_input and sys.stdin.isatty():
        for key, (_, question) in PROFILE_FIELDS.items():
            if values[key] is None:
                answer = click.prompt(f"{question} (Enter to skip)", default="", show_default=False)
                values[key] = answer.strip() or None
    write_config(path, values, customize)
    click.echo(f"Wrote {path}")
    if customize:
        click.echo(f"Copied the built-in templates and handouts into {customize}; edit them there.")
    click.echo("Check it with: takehome check")


@cli.command()
@click.argument("topic")
@click.option(
    "--out",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write to [the profile's handouts folder, else the current folder].",
)
@click.pass_obj
def new(workspace: Workspace, topic, folder):
    """Start a new TOPIC file with every field present and explained."""
    profile_folder = workspace.profile.handouts_dir
    folder = folder or profile_folder or Path(".")
    text = new_topic_text(topic)
    existing = workspace.library.files().get(topic)
    if existing:
        click.echo(f"Note: this replaces the topic '{topic}' from {existing}")
    path = write_atomic(folder / f"{topic}.toml", text.encode("utf-8"))
    click.echo(f"Wrote {path}")
    if profile_folder is not None and folder.resolve() == profile_folder.resolve():
        click.echo("Fill it in, then run: takehome check")
    else:
        click.echo(
            f"Fill it in, then run: takehome --handouts {folder} check "
            "(or set library.handouts in your profile to that folder)"
        )


@cli.command()
@click.pass_obj
def check(workspace: Workspace):
    """Check the profile, every topic and every template, and report all problems."""
    from takehome.check import MAX_GRADE, check_everything

    report = check_everything(workspace)
    click.echo(f"Profile: {report.profile}")
    for key, grade in report.grades.items():
        flag = "  (above 8: use shorter sentences and words)" if grade > MAX_GRADE else ""
        click.echo(f"{key:<16} reading grade {grade:.1f}{flag}")
    for problem in report.problems:
        click.echo(f"Error: {problem}", err=True)
    click.echo(
        f"Checked {report.topics} topic file(s) and {report.templates} template(s): "
        f"{len(report.problems)} problem(s)"
    )
    if report.problems:
        raise click.exceptions.Exit(1)


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
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="CLIENTS.csv",
    help="A day's clients instead of one: a CSV with an Email column (see batch).",
)
@csv_options("With --csv: ")
@date_option
@paper_option("Paper size.")
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
    workspace: Workspace,
    topics,
    client_name,
    to,
    conditions,
    note,
    next_visit,
    csv_file,
    default_topics,
    encoding,
    jobs,
    date_text,
    paper,
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

    Subjects and bodies never mention conditions or notes; those are only in the
    PDF. Each message sent is recorded in sent-log.jsonl in the output folder, and
    a re-run sends only what is not there yet (unless --resend).
    """
    from takehome.mail.compose import Composer
    from takehome.mail.sending import (
        SendInterrupted,
        compose_all,
        dry_run,
        prepare_csv,
        prepare_single,
        send_all,
    )
    from takehome.mail.sentlog import SentLog
    from takehome.mail.settings import PASSWORD_VAR, smtp_settings
    from takehome.mail.smtp import Mailer

    profile = workspace.profile
    settings = smtp_settings(profile.config.email, profile.path)
    date = parse_date(date_text)
    if csv_file:
        if topics or client_name or to:
            raise TakehomeError("--csv: give either --csv or TOPIC --client --to, not both")
        table = read_clients_csv(csv_file, encoding)
        for warning in table.warnings:
            click.echo(f"Warning: {warning}", err=True)
        try:
            prepared = prepare_csv(
                workspace,
                table,
                date=date,
                default_topics=default_topics,
                paper=paper,
                jobs=jobs,
                require_consent=profile.config.email.require_consent,
            )
        except BatchInterrupted as stop:
            click.echo(
                "Interrupted while making the handouts: nothing was sent. "
                "Run the same command again to go on.",
                err=True,
            )
            raise click.exceptions.Exit(stop.exit_code) from None
    else:
        if not (topics and client_name and to):
            raise TakehomeError("send: give TOPIC --client NAME --to ADDRESS, or --csv FILE")
        client = Client.create(client_name, conditions, note=note, next_visit=next_visit)
        prepared = prepare_single(
            workspace, topics, client, to, date=date, paper=paper, force=force
        )
    for line in prepared.warnings:
        click.echo(f"Warning: {line}", err=True)
    for line in prepared.errors:
        click.echo(f"Error: {line}", err=True)
    for line in [*prepared.notes, *prepared.left_out]:
        click.echo(line)
    deliveries, problems = prepared.deliveries, len(prepared.errors)

    composer = Composer([*workspace.template_dirs, builtin_templates_dir()])
    messages = compose_all(deliveries, composer, profile.practice, settings)
    if not really_send:
        for line in dry_run(messages):
            click.echo(line)
        click.echo(
            f"Dry run: {len(messages)} message(s) saved as .eml next to the PDFs; "
            "nothing was sent. Add --send to send them."
        )
        if problems:
            raise click.exceptions.Exit(1)
        return

    password = None
    if settings.username:
        password = os.environ.get(PASSWORD_VAR)
        if password is None:
            if not sys.stdin.isatty():
                raise TakehomeError(
                    f"${PASSWORD_VAR} is not set; set it, or run send in a terminal"
                )
            password = click.prompt(f"Password for {settings.username}", hide_input=True)
    folder = deliveries[0].pdf.parent if deliveries else profile.output_dir
    log = SentLog(folder)
    try:
        with log.locked():
            for warning in log.warnings:
                click.echo(f"Warning: {warning}", err=True)
            tally = send_all(
                messages,
                Mailer(settings, password),
                log,
                resend=resend,
                limit=limit,
                on_event=lambda line: click.echo(line, err=True),
            )
    except SendInterrupted as stop:
        _send_summary(stop.tally, problems, log, prefix="Interrupted: ")
        click.echo(
            "Every message handed to the server is in the log. "
            "Run the same command again to send the rest.",
            err=True,
        )
        raise click.exceptions.Exit(stop.exit_code) from None
    _send_summary(tally, problems, log)
    if tally.failed or problems:
        raise click.exceptions.Exit(1)


def _send_summary(tally, problems: int, log, prefix: str = "") -> None:
    held = f", {tally.not_sent} held back by --limit" if tally.not_sent else ""
    click.echo(
        f"{prefix}{tally.sent} sent, {tally.already} skipped (already sent), "
        f"{tally.failed + problems} failed{held}; log: {log.path}"
    )


def main():
    """Console-script entry point."""
    cli(prog_name="takehome")
