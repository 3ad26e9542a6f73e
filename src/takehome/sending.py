"""`takehome send`: from handouts on disk to messages, as a dry run or for real."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from .errors import TakehomeError
from .mail import (
    Composer,
    Mailer,
    RecipientRefused,
    SentLog,
    SmtpSettings,
    StopSending,
    Uncertain,
)
from .output import write_atomic
from .practice import Practice


@dataclass(frozen=True)
class Delivery:
    """One handout for one recipient (``label`` says where it came from: "row 3")."""

    label: str
    to: str
    client_name: str
    pdf: Path


@dataclass
class Tally:
    """What happened, for the summary line and the exit status."""

    sent: int = 0
    already: int = 0
    failed: int = 0
    not_sent: int = 0  # over --limit
    messages: list[str] = field(default_factory=list)


def compose_all(
    deliveries: list[Delivery], composer: Composer, practice: Practice, settings: SmtpSettings
) -> list[tuple[Delivery, EmailMessage]]:
    """Every message, composed before anything is sent (template errors surface now)."""
    return [
        (d, composer.compose(practice, settings.from_address, d.client_name, d.to, d.pdf))
        for d in deliveries
    ]


def eml_path(delivery: Delivery) -> Path:
    """The dry run's copy of a message: next to its PDF."""
    return delivery.pdf.with_suffix(".eml")


def dry_run(messages: list[tuple[Delivery, EmailMessage]], force: bool = True) -> list[str]:
    """Write each message as a .eml file; return one line per message to show."""
    lines = []
    for delivery, message in messages:
        path = write_atomic(eml_path(delivery), message.as_bytes(), force=force)
        size_kb = delivery.pdf.stat().st_size / 1024
        lines.append(
            f'{delivery.label}: to {delivery.to}, subject "{message["Subject"]}", '
            f"attachment {delivery.pdf.name} ({size_kb:.0f} KB); saved {path.name}"
        )
    return lines


def send_all(
    messages: list[tuple[Delivery, EmailMessage]],
    mailer: Mailer,
    log: SentLog,
    *,
    resend: bool = False,
    limit: int | None = None,
    on_event: Callable[[str], None] = lambda line: None,
) -> Tally:
    """Send what the log does not show as sent; stop at a failure all would share."""
    tally = Tally()
    try:
        for index, (delivery, message) in enumerate(messages):
            if not resend and log.has(delivery.to, delivery.pdf):
                tally.already += 1
                continue
            if limit is not None and tally.sent >= limit:
                tally.not_sent += 1
                continue
            try:
                mailer.send(message, delivery.to)
            except RecipientRefused as exc:
                tally.failed += 1
                on_event(f"Error: {delivery.label}: {exc}")
                continue
            except Uncertain as exc:
                # Logged so that a re-run does not send it twice; the user decides.
                log.record(delivery.to, delivery.pdf, message["Message-ID"], status="uncertain")
                tally.failed += len(messages) - index
                on_event(
                    f"Error: {delivery.label}: {exc}; it is marked uncertain in the sent log "
                    "and will not be sent again unless you use --resend; nothing more was sent"
                )
                break
            except StopSending as exc:
                for rest, _ in messages[index:]:
                    if not resend and log.has(rest.to, rest.pdf):
                        tally.already += 1
                    else:
                        tally.failed += 1
                on_event(f"Error: {exc}")
                break
            log.record(delivery.to, delivery.pdf, message["Message-ID"])
            tally.sent += 1
    finally:
        mailer.close()
    return tally


def check_unique(deliveries: list[Delivery]) -> None:
    """Two rows must not send the same file to the same address."""
    seen: dict[tuple[str, Path], str] = {}
    for d in deliveries:
        key = (d.to, d.pdf)
        if key in seen:
            raise TakehomeError(
                f"{d.label}: repeats {seen[key]} (same address and handout); remove one"
            )
        seen[key] = d.label


# --- From the command's inputs to deliveries ------------------------------------------


def prepare_single(workspace, topics, client, to: str, *, date, paper, force: bool) -> Delivery:
    """One client: check the address, then render the handout (or reuse it)."""
    from .handout import build_handout
    from .mail import check_address
    from .output import default_filename

    to = check_address(to, "--to")
    profile = workspace.profile
    handout = build_handout(
        topics,
        client,
        library=workspace.library,
        practice=profile.practice,
        date=date,
        paper=paper or profile.config.output.paper,
    )
    path = profile.output_dir / default_filename(
        handout.date, client.name, handout.topic_keys, "pdf"
    )
    if force or not path.exists():
        write_atomic(path, workspace.renderer().pdf(handout).data, force=force)
    return Delivery("--to", to, client.name, path)


@dataclass
class Prepared:
    """Deliveries from a CSV, and the rows that will not be emailed, with why."""

    deliveries: list[Delivery]
    errors: list[str]  # rows that failed validation or rendering
    left_out: list[str]  # rows with no address or no consent


def prepare_csv(
    workspace, table, *, date, default_topics, paper, jobs: int, require_consent: bool
) -> Prepared:
    """Every row checked (addresses too) before rendering; missing handouts rendered."""
    from .batch import FAILED, plan_batch, remove_stale_temp_files, run_batch
    from .mail import check_address

    if not any(row.email for row in table.rows):
        raise TakehomeError(
            "the CSV has no email addresses; add an Email column (Email, E-mail or "
            "Email Address) to send"
        )
    rows = {row.row: row for row in table.rows}
    addresses: dict[int, str] = {}
    left_out: list[str] = []
    for row in table.rows:
        if row.error:
            continue
        if not row.email:
            left_out.append(f"row {row.row}: no email address; not sent")
        elif row.consent is False:
            left_out.append(f"row {row.row}: the client said no to email; not sent")
        elif require_consent and row.consent is not True:
            left_out.append(f"row {row.row}: no consent to email recorded; not sent")
        else:
            addresses[row.row] = check_address(
                row.email, f"row {row.row}: email (nothing was sent)"
            )

    profile = workspace.profile
    plan = plan_batch(
        table,
        workspace.library,
        profile.output_dir,
        date=date,
        default_topics=default_topics,
        paper=paper or profile.config.output.paper,
        practice=profile.practice,
    )
    errors = [o.message for o in plan.settled if o.status == FAILED]
    todo = [job for job in plan.jobs if job.row in addresses]
    remove_stale_temp_files(todo)
    outcomes = run_batch(todo, jobs, template_dirs=workspace.template_dirs)
    errors += [o.message for o in outcomes if o.status == FAILED]
    ready = {o.row: o.path for o in [*plan.settled, *outcomes] if o.status != FAILED}
    deliveries = [
        Delivery(f"row {number}", to, rows[number].client.name, ready[number])
        for number, to in addresses.items()
        if number in ready
    ]
    check_unique(deliveries)
    return Prepared(deliveries, errors, left_out)
