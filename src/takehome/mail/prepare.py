"""From what `send` is given to deliveries: each handout made (or reused) and checked.

A PDF is attached only if the fingerprint stored in it matches the client it is
sent to, so a file that holds another client's handout is never emailed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from takehome.errors import Problem, TakehomeError
from takehome.mail.sending import Delivery, check_unique
from takehome.mail.settings import check_address
from takehome.render.options import RenderOptions


@dataclass
class Prepared:
    """Deliveries, and what to tell the user about the rows that are not among them."""

    deliveries: list[Delivery]
    errors: list[Problem] = field(default_factory=list)  # failed validation or rendering
    warnings: list[Problem] = field(default_factory=list)  # e.g. characters no font has
    notes: list[Problem] = field(default_factory=list)  # left out (no address), reused files


def prepare_one(studio, handout, to: str, *, options: RenderOptions, force: bool) -> Prepared:
    """One client: check the address, then render the handout or reuse the one made
    from exactly these details.

    A file of the same name made from other details (another client called the
    same, another note) is left alone: this handout gets the next free "-2" name.
    """
    from takehome.output import default_filename, remove_stale_temp_files, write_atomic
    from takehome.render.fingerprint import matching_or_free

    label = studio.labels.to
    to = check_address(to, label)
    name = default_filename(
        handout.date,
        handout.client.name,
        handout.topic_keys,
        "pdf",
        large_print=options.large_print,
    )
    base = studio.output_dir / name
    prepared = Prepared(deliveries=[])
    renderer = studio.renderer(options)
    try:
        fingerprint = renderer.fingerprint(handout)
        path = base if force else matching_or_free(base, fingerprint)
        if path != base:
            prepared.notes.append(
                Problem(
                    f"Note: {base.name} holds a handout made from other details; "
                    f"this one is {path.name}",
                    file=path,
                )
            )
        if force or not path.exists():
            rendered = renderer.pdf(handout, made_by="send")
            # The same warnings as `make` (a name no font can print is emailed as boxes).
            prepared.warnings += [Problem(w, file=path) for w in rendered.warnings]
            remove_stale_temp_files(path.parent, [path.name])
            write_atomic(path, rendered.data, force=force, labels=studio.labels)
    finally:
        renderer.close()
    prepared.deliveries.append(Delivery("", to, handout.client.name, path, fingerprint, name))
    return prepared


def prepare_table(
    studio,
    table,
    *,
    date: dt.date,
    default_topics: tuple[str, ...],
    options: RenderOptions,
    workers: int,
    require_consent: bool,
    staff: str | None = None,
    one_day: bool = False,
) -> Prepared:
    """Every row checked (addresses too) before rendering; missing or changed
    handouts rendered. Raises BatchInterrupted on Ctrl-C while rendering."""
    from takehome.batch import NOT_HELD, OTHER_DAY, SKIPPED, WRITTEN

    if not any(row.email for row in table.rows):
        raise TakehomeError(
            "the client list has no email addresses; add an Email column (Email, E-mail or "
            "Email Address) to send"
        )
    rows = {row.row: row for row in table.rows}
    plan = studio.plan_batch(
        table,
        out_dir=studio.output_dir,
        date=date,
        default_topics=default_topics,
        options=options,
        staff=staff,
        one_day=one_day,
    )
    # Only rows that will get a handout are emailed: not cancelled or no-show
    # rows, not other therapists' rows, not rows that failed.
    going = {job.row for job in plan.jobs} | {o.row for o in plan.settled if o.status == SKIPPED}
    addresses: dict[int, str] = {}
    notes: list[Problem] = [
        Problem(f"{o.message}; not sent", row=o.row) for o in plan.settled if o.status == NOT_HELD
    ]
    notes += [
        Problem(f"{o.place}: on another day ({o.message.split(': ', 1)[1]}); not sent", row=o.row)
        for o in plan.settled
        if o.status == OTHER_DAY
    ]
    for row in table.rows:
        if row.row not in going:
            continue
        if not row.email:
            why = "no email address"
        elif row.consent is False:
            why = "the client said no to email"
        elif require_consent and row.consent is not True:
            why = "no consent to email recorded"
        else:
            where = f"{row.where}: email (nothing was sent)"
            addresses[row.row] = check_address(row.email, where)
            continue
        notes.append(Problem(f"{row.where}: {why}; not sent", row=row.row))

    notes += [note for note in plan.notes if note.row in addresses]
    # Only rows that will be emailed are rendered.
    plan.jobs = [job for job in plan.jobs if job.row in addresses]
    result = studio.run_batch(plan, workers=workers)
    ready = {o.row: o for o in result.outcomes if o.status in (WRITTEN, SKIPPED)}
    deliveries = [
        Delivery(
            rows[number].where,
            to,
            rows[number].client.name,
            ready[number].path,
            ready[number].fingerprint,
            ready[number].name,
        )
        for number, to in addresses.items()
        if number in ready
    ]
    check_unique(deliveries)
    # The list's own warnings were said when it was read; the plan's (a week's
    # list without --date) are said here.
    about_list = [w for w in plan.warnings if w.text not in table.warnings]
    return Prepared(deliveries, result.errors, about_list + result.warnings, notes)
