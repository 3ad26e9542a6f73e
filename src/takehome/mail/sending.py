"""`takehome send`: from handouts on disk to messages, as a dry run or for real.

A PDF is attached only if the fingerprint stored in it matches the client it is
sent to (fingerprint.py): a file that holds another client's handout, or an
older version of this one, is never emailed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

from takehome.errors import TakehomeError
from takehome.files import read_regular
from takehome.interrupts import Interrupted, Interrupts
from takehome.mail.compose import Composer
from takehome.mail.sentlog import FAILED, UNCERTAIN, SentLog
from takehome.mail.settings import SmtpSettings
from takehome.mail.smtp import Mailer, RecipientRefused, StopSending, Uncertain
from takehome.model.practice import Practice
from takehome.output import write_atomic
from takehome.render.fingerprint import MAX_PDF_BYTES, fingerprint_of


@dataclass(frozen=True)
class Delivery:
    """One handout for one recipient (``label`` says where it came from: "row 3")."""

    label: str
    to: str
    client_name: str
    pdf: Path
    fingerprint: str  # of this client's handout: the PDF must carry the same
    handout: str  # which handout (file name before any "-2"), as the sent log knows it

    @property
    def prefix(self) -> str:
        """``"row 3: "`` before a message about this delivery ("" for a single client)."""
        return f"{self.label}: " if self.label else ""


@dataclass
class Tally:
    """What happened, for the summary line and the exit status."""

    sent: int = 0
    already: int = 0
    failed: int = 0
    not_sent: int = 0  # over --limit
    messages: list[str] = field(default_factory=list)


class SendInterrupted(Exception):
    """Ctrl-C or SIGTERM while sending: every message handed over is in the log."""

    def __init__(self, tally: Tally, exit_code: int):
        super().__init__("interrupted")
        self.tally = tally
        self.exit_code = exit_code


def compose_all(
    deliveries: list[Delivery], composer: Composer, practice: Practice, settings: SmtpSettings
) -> list[tuple[Delivery, EmailMessage]]:
    """Every message, composed before anything is sent (template errors surface now).

    Each PDF is read once, and attached only if it carries its client's fingerprint.
    """
    messages = []
    for d in deliveries:
        data = read_regular(d.pdf, limit=MAX_PDF_BYTES, what="a handout")
        if fingerprint_of(data) != d.fingerprint:
            raise TakehomeError(
                f"{d.prefix}{d.pdf} does not hold this client's handout (it was replaced "
                "or changed after it was made); nothing was sent; run the same command again"
            )
        composed = composer.compose(
            practice, settings.from_address, d.client_name, d.to, d.pdf, data
        )
        messages.append((d, composed))
    return messages


def eml_path(delivery: Delivery) -> Path:
    """The dry run's copy of a message: next to its PDF."""
    return delivery.pdf.with_suffix(".eml")


def dry_run(
    messages: list[tuple[Delivery, EmailMessage]],
    log: SentLog | None = None,
    resend: bool = False,
    resend_label: str = "resend=True",
) -> tuple[list[str], int]:
    """Write each message as a .eml file; return one line per message to show, and
    how many of them the sent log shows as sent already (a real send skips those)."""
    lines, already = [], 0
    for delivery, message in messages:
        path = write_atomic(eml_path(delivery), message.as_bytes(), force=True)
        size_kb = delivery.pdf.stat().st_size / 1024
        line = (
            f'{delivery.prefix}to {delivery.to}, subject "{message["Subject"]}", '
            f"attachment {delivery.pdf.name} ({size_kb:.0f} KB); saved {path.name}"
        )
        if log is not None and not resend and log.has(delivery.to, delivery.handout):
            already += 1
            if log.state(delivery.to, delivery.handout) == UNCERTAIN:
                line += (
                    "; marked uncertain in the sent log (it may have arrived): a real send "
                    f"skips it (unless {resend_label})"
                )
            else:
                line += (
                    f"; already sent, by the sent log: a real send skips it (unless {resend_label})"
                )
        lines.append(line)
    return lines, already


def send_all(
    messages: list[tuple[Delivery, EmailMessage]],
    mailer: Mailer,
    log: SentLog,
    *,
    resend: bool = False,
    limit: int | None = None,
    on_event: Callable[[str], None] = lambda line: None,
    resend_label: str = "resend=True",
) -> Tally:
    """Send what the log does not show as sent; stop at a failure all would share.

    Ctrl-C or SIGTERM stops at once, except from the DATA command until the
    sent log has the outcome: then the message is finished and logged first.
    Raises SendInterrupted (with the tally) after such a stop.
    """
    tally = Tally()
    interrupts = Interrupts()
    quick = False
    try:
        with interrupts.installed():
            for index, (delivery, message) in enumerate(messages):
                if not resend and log.has(delivery.to, delivery.handout):
                    tally.already += 1
                    _explain_skip(delivery, log, on_event, resend_label)
                    continue
                if limit is not None and tally.sent >= limit:
                    tally.not_sent += 1
                    continue
                stop = _send_one(
                    delivery, message, mailer, log, interrupts, tally, on_event, resend_label
                )
                if stop is not None:
                    if isinstance(stop, Uncertain):
                        tally.failed += len(messages) - index - 1
                    else:
                        _count_rest(messages[index + 1 :], log, resend, tally)
                    break
    except Interrupted as stop:
        quick = True  # a server that hangs must not hold up the stop
        Interrupts.ignore_further()
        raise SendInterrupted(tally, stop.exit_code) from None
    finally:
        mailer.close(quick=quick)
    return tally


def _explain_skip(
    delivery: Delivery, log: SentLog, on_event: Callable[[str], None], resend_label: str
) -> None:
    if log.state(delivery.to, delivery.handout) == UNCERTAIN:
        on_event(
            f"Note: {delivery.prefix}the sent log marks this message uncertain "
            "(it may have arrived); not sent again; check with the client, "
            f"then use {resend_label} if it did not"
        )
        return
    # Same client, topics, date and address as a message already sent. If the
    # handout was made again since (its details changed), say so: sending it
    # again is the user's call.
    file, when = log.logged_file(delivery.to, delivery.handout)
    if file != delivery.pdf.name or _made_after(delivery.pdf, when):
        on_event(
            f"Note: {delivery.prefix}this address was already sent this client's handout "
            f"for the day ({file}); {delivery.pdf.name} was made after that; not sent "
            f"again; use {resend_label} to send it"
        )


def _made_after(pdf: Path, when: str | None) -> bool:
    from datetime import datetime

    try:
        return pdf.stat().st_mtime > datetime.fromisoformat(when).timestamp() + 1
    except (OSError, TypeError, ValueError):
        return False


def _count_rest(rest, log: SentLog, resend: bool, tally: Tally) -> None:
    for delivery, _ in rest:
        if not resend and log.has(delivery.to, delivery.handout):
            tally.already += 1
        else:
            tally.failed += 1


def _send_one(
    delivery: Delivery,
    message: EmailMessage,
    mailer: Mailer,
    log: SentLog,
    interrupts: Interrupts,
    tally: Tally,
    on_event: Callable[[str], None],
    resend_label: str,
) -> StopSending | None:
    """Send one message and log its outcome; return the error that stops the rest."""
    handed_over = False  # an "uncertain" line is in the log and signals are held
    message_id = message["Message-ID"]

    def before_data() -> None:
        nonlocal handed_over
        if not handed_over:
            interrupts.hold()
            handed_over = True
            # If anything kills us from here on (even kill -9), the log already
            # says this message may have arrived: a re-run never sends it twice.
            log.record(delivery.to, delivery.pdf, delivery.handout, message_id, UNCERTAIN)

    pending = None
    try:
        try:
            mailer.send(message, delivery.to, before_data=before_data)
        except RecipientRefused as exc:
            if handed_over:
                log.record(delivery.to, delivery.pdf, delivery.handout, message_id, FAILED)
            tally.failed += 1
            on_event(f"Error: {delivery.prefix}{exc}")
            return None
        except Uncertain as exc:
            tally.failed += 1
            on_event(
                f"Error: {delivery.prefix}{exc}; it is marked uncertain in the sent log "
                f"and will not be sent again unless you use {resend_label}; nothing more was sent"
            )
            return exc
        except StopSending as exc:
            if handed_over:  # the message never got past the DATA command
                with contextlib.suppress(StopSending):  # the log's own error is shown
                    log.record(delivery.to, delivery.pdf, delivery.handout, message_id, FAILED)
            tally.failed += 1
            on_event(f"Error: {exc}")
            return exc
        tally.sent += 1
        try:
            log.record(delivery.to, delivery.pdf, delivery.handout, message_id)
        except StopSending as exc:
            # Sent, and logged as "uncertain" already, so it is never sent twice.
            on_event(f"Error: {exc}")
            return exc
        return None
    finally:
        if handed_over:
            pending = interrupts.release()
        if pending is not None:
            raise Interrupted(pending)


def check_unique(deliveries: list[Delivery]) -> None:
    """Two rows must not send the same client's handout to the same address."""
    seen: dict[tuple[str, str], str] = {}
    for d in deliveries:
        key = (d.to.casefold(), d.handout)
        if key in seen:
            raise TakehomeError(
                f"{d.label}: repeats {seen[key]} (same client, topics and address); "
                "remove one of the two rows"
            )
        seen[key] = d.label
