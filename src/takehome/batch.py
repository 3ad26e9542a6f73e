"""A day's clients in one go: plan every row first, then render in worker processes.

The plan checks every row (name, topics, conditions, paper) and decides every
file name before anything is rendered, so the same command always gives the
same names. A re-run skips a handout already on disk only when the fingerprint
stored in it matches its row exactly (fingerprint.py); a row that changed since
(another note, another client of the same name) is rendered again. Rendering uses the
same model and renderer as ``takehome make``; each worker process builds its
Renderer once and reuses it for every client it is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from takehome.errors import Problem, TakehomeError
from takehome.imports.clients_csv import ClientTable, person_key, staff_name
from takehome.interrupts import Interrupts, exit_code
from takehome.model.handout import Handout, build_handout
from takehome.model.practice import DEFAULT_PRACTICE, Practice
from takehome.model.topic import TopicLibrary
from takehome.output import default_filename, numbered, remove_unfinished_writes, write_atomic
from takehome.paths import all_template_dirs
from takehome.render.fingerprint import MADE_BY_BATCH, handout_fingerprint, read_info
from takehome.render.options import RenderOptions
from takehome.render.warning_text import UNPRINTABLE

WRITTEN, SKIPPED, FAILED = "written", "skipped", "failed"
# Rows left out on purpose: the appointment did not happen, or is another therapist's.
NOT_HELD, OTHER_STAFF, OTHER_DAY = "not held", "other staff", "other day"


@dataclass(frozen=True)
class Job:
    """One handout to render and the file it goes to."""

    row: int
    handout: Handout
    path: Path
    options: RenderOptions
    fingerprint: str = ""
    name: str = ""  # the file name before any "-2": which handout this is, for the sent log
    replace: bool = False  # the file exists but was made from other details
    note: str | None = None  # e.g. a handout made by hand was kept, so this one is "-2"
    where: str = ""  # how messages name the row: "row 4", or "event 2 (10:30)"

    @property
    def initials(self) -> str:
        return self.handout.client.initials

    @property
    def place(self) -> str:
        return self.where or f"row {self.row}"


@dataclass
class Outcome:
    """What happened to one row."""

    row: int
    status: str
    path: Path | None = None
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    initials: str = ""
    fingerprint: str | None = None
    name: str | None = None
    replaced: bool = False  # written over a file made from other details
    note: str | None = None  # from the plan: what the user should know about this row
    pid: int | None = None  # for bench/: which worker, and its memory
    max_rss_kb: int | None = None
    where: str = ""  # how messages name the row: "row 4", or "event 2 (10:30)"

    @property
    def place(self) -> str:
        return self.where or f"row {self.row}"

    @property
    def problem(self) -> Problem | None:
        """This row's error, if it failed."""
        return Problem(self.message, row=self.row) if self.status == FAILED else None

    def warning_problems(self) -> list[Problem]:
        """This row's render warnings, without client details."""
        found = []
        for warning in self.warnings:
            if warning.startswith(UNPRINTABLE):
                # The characters would spell out part of the client's name.
                warning = f"{UNPRINTABLE} in this client's details; install a font that has them"
            found.append(Problem(f"{self.place}: {warning}", row=self.row))
        return found


@dataclass
class Plan:
    """Every row of a batch, sorted into work to do and rows already settled."""

    jobs: list[Job]
    settled: list[Outcome]  # skipped because the file exists, or failed validation


class BatchInterrupted(Exception):
    """Ctrl-C or SIGTERM: the files finished so far are complete; the rest can be re-run."""

    def __init__(self, outcomes: list[Outcome], exit_code: int = 130):
        super().__init__("interrupted")
        self.outcomes = outcomes
        self.exit_code = exit_code


def _same_person(cell: str | None, wanted: str) -> bool:
    """Whether a Staff cell names ``wanted`` (a name as person_key words)."""
    return bool(cell) and " ".join(person_key(cell)) == wanted


def _signed_by(practice: Practice, staff: str | None) -> Practice:
    """The practice as the row's note is signed: by the appointment's therapist
    (a Staff cell) when that is not the profile's, so that in a clinic of several
    therapists a note is never signed by someone who did not write it."""
    if not staff:
        return practice
    key, printed = staff_name(staff)
    if not key or key == person_key(practice.therapist or ""):
        return practice
    return replace(practice, therapist=printed, credentials=None)


def _service_topics(row, library: TopicLibrary) -> tuple[tuple[str, ...], str | None]:
    """The row's topics, and a note when the menu's default ("*") gave them.

    The service cell is matched whole first, in the profile's [services] menu
    and then by the topic rule ("Glute Massage, 60 Minutes" is one service);
    else it is split at commas and semicolons. A service matched by neither
    takes the menu's "*" topics if there are any, with a note; otherwise the
    row fails with the known topics.
    """
    if not row.service:
        return row.topics, None
    whole = library.from_menu(row.service)
    if whole is not None:
        return (row.service,), None  # build_handout takes it from the menu
    if len(row.topics) > 1:
        with contextlib.suppress(TakehomeError):
            return (library.resolve(row.service),), None
    default = library.menu_default
    if default is None:
        return row.topics, None
    # With a menu default ("*"), only the parts that match nothing take it.
    known, unknown = [], []
    for part in row.topics:
        try:
            library.topics_for(part)
            known.append(part)
        except TakehomeError:
            unknown.append(part)
    if not unknown:
        return row.topics, None
    library.check_menu_topics("*", default)
    names = ", ".join(f"'{part}'" for part in unknown)
    note = (
        f"{row.where}: {names} is not in [services]; it gets the default "
        f"topic{'s' if len(default) > 1 else ''} {', '.join(default)}"
    )
    return (*known, *default), note


# How many "-2", "-3"... names one handout may try before the row fails.
MAX_NUMBER = 100


def _choose(
    base: Path, taken: set[Path], fingerprint: str, force: bool
) -> tuple[Path, str, tuple[Path, bool] | None]:
    """The file for one row, and what is there: "new", "same" (this very handout),
    "changed" (an earlier version a batch made) or "force"; plus the first file
    passed over because a batch did not make it (and whether takehome did).

    Two rows that would share a name (the same client twice in a day) get "-2",
    "-3" by row order. A file made from other details by `make` or `send` (or
    by anything else) is never replaced: the row takes the next free name, so
    a re-run finds it there.
    """
    passed_over = None  # (the first file kept, whether an earlier takehome made it)
    for number in range(1, MAX_NUMBER + 1):
        path = numbered(base, number)
        if path in taken:
            continue
        state, found = None, None
        if not (path.exists() or path.is_symlink()):
            state = "new"
        elif force:
            state = "force"
        else:
            found, made_by = read_info(path)
            if found == fingerprint:
                state = "same"
            elif made_by == MADE_BY_BATCH:
                state = "changed"
        if state is not None:
            taken.add(path)
            return path, state, passed_over
        passed_over = passed_over or (path, found is not None)
    raise TakehomeError(
        f"{base.parent}: {MAX_NUMBER} handouts of this name are there already; "
        "move old handouts out of that folder"
    )


def plan_batch(
    table: ClientTable,
    library: TopicLibrary,
    out_dir: Path,
    *,
    date: dt.date,
    default_topics: tuple[str, ...] = (),
    options: RenderOptions | None = None,
    practice: Practice = DEFAULT_PRACTICE,
    force: bool = False,
    template_dirs: tuple[Path, ...] = (),
    topic_label: str = "a default topic",
    force_label: str = "force=True",
    staff: str | None = None,
    one_day: bool = False,
) -> Plan:
    """Validate every row and choose its file; write nothing.

    A file already on disk is skipped only if its fingerprint matches the row's;
    otherwise the row is planned again, marked ``replace``. ``template_dirs``
    are the therapist's own templates (the built-ins are added). A row's Paper
    cell overrides ``options.paper``.
    """
    options = options or RenderOptions()
    templates = all_template_dirs(template_dirs)
    jobs: list[Job] = []
    settled: list[Outcome] = []
    taken: set[Path] = set()
    for row in table.rows:
        if one_day and row.date is not None and row.date != date:
            settled.append(Outcome(row.row, OTHER_DAY, message=f"{row.where}: {row.date}"))
            continue
        if one_day and row.date_unread and not row.not_held:
            # Its day is unknown, so it may be another day's: never made as this day's.
            message = (
                f"{row.where}: {row.date_unread} is not a date takehome can read, so it may be "
                "another day's; write it as 2026-11-27 in the list"
            )
            settled.append(Outcome(row.row, FAILED, message=message))
            continue
        if staff is not None and not _same_person(row.staff, staff):
            other = staff_name(row.staff)[1] if row.staff else "no therapist named"
            settled.append(Outcome(row.row, OTHER_STAFF, message=f"{row.where}: {other}"))
            continue
        if row.not_held:
            # Cancelled, no-show, rescheduled...: never rendered, never emailed.
            settled.append(Outcome(row.row, NOT_HELD, message=f"{row.where}: {row.not_held}"))
            continue
        if row.error:
            settled.append(Outcome(row.row, FAILED, message=row.error))
            continue
        try:
            topics, menu_note = _service_topics(row, library)
        except TakehomeError as exc:
            settled.append(Outcome(row.row, FAILED, message=f"{row.where}: {exc}"))
            continue
        topics = topics or default_topics
        row_date = row.date or date
        if not topics:
            settled.append(
                Outcome(
                    row.row,
                    FAILED,
                    message=f"{row.where}: no topic; fill in the Topics column or give "
                    f"{topic_label}",
                )
            )
            continue
        try:
            handout = build_handout(
                topics,
                row.client,
                library=library,
                date=row_date,
                practice=_signed_by(practice, row.staff),
                fields={"conditions": f"{row.where}: Conditions"},
            )
            row_options = options.with_paper(row.paper, f"{row.where}: Paper")
            row_options = row_options.with_large_print(row.large_print)
        except TakehomeError as exc:
            message = str(exc)
            if message.startswith("unknown topic"):
                message += "; or map the service in the profile's [services] table"
            if not message.startswith(f"{row.where}:"):
                message = f"{row.where}: {message}"
            settled.append(Outcome(row.row, FAILED, message=message))
            continue
        name = default_filename(
            row_date,
            handout.client.name,
            handout.topic_keys,
            "pdf",
            large_print=row_options.large_print,
        )
        fingerprint = handout_fingerprint(handout, row_options, templates)
        try:
            path, state, passed_over = _choose(out_dir / name, taken, fingerprint, force)
        except TakehomeError as exc:
            settled.append(Outcome(row.row, FAILED, message=f"{row.where}: {exc}"))
            continue
        note = menu_note
        if passed_over is not None:
            kept, by_takehome = passed_over
            how = (
                "by hand or by an earlier version of takehome"
                if by_takehome
                else "by something other than takehome"
            )
            kept_note = (
                f"{kept.name} was made {how} from other details and is kept "
                f"({force_label} replaces it); this row's handout is {path.name}"
            )
            note = f"{note}; {kept_note}" if note else f"{row.where}: {kept_note}"
        if state == "same":
            settled.append(
                Outcome(
                    row.row,
                    SKIPPED,
                    path=path,
                    initials=handout.client.initials,
                    fingerprint=fingerprint,
                    name=name,
                    note=note,
                )
            )
            continue
        jobs.append(
            Job(
                row.row,
                handout,
                path,
                row_options,
                fingerprint,
                name,
                replace=state == "changed",
                note=note,
            )
        )
    # Every message names its row as the list does: "row 4", or "event 2 (10:30)".
    wheres = {row.row: row.where for row in table.rows}
    for outcome in settled:
        outcome.where = wheres.get(outcome.row, "")
    jobs = [replace(job, where=wheres.get(job.row, "")) for job in jobs]
    return Plan(jobs=jobs, settled=settled)


# --- Rendering ----------------------------------------------------------------------

# One renderer per process and per (templates, options), built on first use.
_renderers: dict[tuple[tuple[Path, ...], RenderOptions], object] = {}


def close_renderers() -> None:
    """Close this process's renderers (their temporary font folders go too)."""
    while _renderers:
        _, renderer = _renderers.popitem()
        renderer.close()


def _init_worker(parent: int) -> None:
    # Ctrl-C reaches every process in the terminal's group; the parent decides
    # what to stop, so a worker finishes (and atomically writes) its current file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM (from the parent's death, or a kill of the whole group) ends the
    # worker at once, but not before its temporary font folder is removed.
    signal.signal(signal.SIGTERM, _end_worker)
    _end_with_parent(parent)
    # A worker leaves through os._exit, which skips garbage collection; the
    # pool's exit hooks (multiprocessing's Finalize) still run.
    from multiprocessing.util import Finalize

    Finalize(None, close_renderers, exitpriority=10)


def _end_worker(signum, frame) -> None:
    # The kernel may send the parent-death signal more than once (once per
    # parent thread that goes): a second one must not cut this cleanup short.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    close_renderers()
    remove_unfinished_writes()  # a handout being written when the signal came
    os._exit(128 + signum)


def _end_with_parent(parent: int) -> None:
    # If the batch itself is killed, its workers must not live on (Linux only:
    # the kernel sends SIGTERM to a worker whose parent dies).
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    # The parent may have died before the line above took effect: then no
    # signal will ever come, and the worker would wait for work forever.
    if os.getppid() != parent:
        _end_worker(signal.SIGTERM, None)


def render_job(job: Job, force: bool, template_dirs: tuple[Path, ...] = ()) -> Outcome:
    """Render one handout and write it; runs in a worker or in this process."""
    key = (template_dirs, job.options)
    renderer = _renderers.get(key)
    if renderer is None:
        from takehome.render.pdf import Renderer

        renderer = _renderers[key] = Renderer(list(template_dirs), job.options)
    try:
        rendered = renderer.pdf(job.handout, made_by=MADE_BY_BATCH)
        if rendered.fingerprint != job.fingerprint:
            # The templates changed between planning and rendering.
            raise TakehomeError(
                "the templates changed while the batch ran; run the same command again"
            )
        write_atomic(job.path, rendered.data, force=force or job.replace)
        status, message, warnings = WRITTEN, None, rendered.warnings
    except TakehomeError as exc:
        status, message, warnings = FAILED, f"{job.place}: {exc}", []
    except Exception as exc:  # one row must never stop the batch
        detail = f"{type(exc).__name__}: {exc}"[:200]
        status, message, warnings = (
            FAILED,
            f"{job.place}: the handout could not be made ({detail}); "
            "the other rows go on; check this row's details",
            [],
        )
    return Outcome(
        job.row,
        status,
        path=job.path,
        message=message,
        warnings=warnings,
        initials=job.initials,
        fingerprint=job.fingerprint,
        name=job.name,
        replaced=job.replace and status == WRITTEN,
        note=job.note,
        where=job.where,
        pid=os.getpid(),
        max_rss_kb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )


def run_batch(
    jobs: list[Job],
    workers: int,
    *,
    force: bool = False,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    template_dirs: tuple[Path, ...] = (),
) -> list[Outcome]:
    """Render every job, ``workers`` at a time; report each outcome as it lands.

    With one worker everything runs in this process. Ctrl-C or SIGTERM raises
    BatchInterrupted after the files being written are finished.
    """
    outcomes: list[Outcome] = []

    def land(outcome: Outcome) -> None:
        outcomes.append(outcome)
        on_outcome(outcome)

    interrupts = Interrupts()
    with interrupts.installed():
        if workers <= 1 or len(jobs) <= 1:
            try:
                for job in jobs:
                    land(render_job(job, force, template_dirs))
            except KeyboardInterrupt as stop:
                Interrupts.ignore_further()
                raise BatchInterrupted(outcomes, exit_code(stop)) from None
            finally:
                close_renderers()
            return outcomes

        # Imported here: multiprocessing costs start-up time `takehome --help` needn't pay.
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
        from concurrent.futures.process import BrokenProcessPool

        # Never raise from a signal handler inside concurrent.futures: an
        # exception that lands while it holds a future's lock leaves the lock
        # taken and the pool's shutdown waiting forever. The signal is held and
        # looked at between short waits instead.
        interrupts.hold()
        pool = ProcessPoolExecutor(
            max_workers=min(workers, len(jobs)),
            initializer=_init_worker,
            initargs=(os.getpid(),),
        )
        pending: set = set()
        done: set = set()
        landed: set = set()
        try:
            pending = {pool.submit(render_job, job, force, template_dirs) for job in jobs}
            while pending and interrupts.pending is None:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for future in done:
                    land(future.result())
                    landed.add(future)
            if interrupts.pending is not None:
                Interrupts.ignore_further()
                # Queued jobs are dropped; the ones being rendered finish and are kept.
                pool.shutdown(wait=True, cancel_futures=True)
                for future in pending:
                    if future.done() and not future.cancelled() and future.exception() is None:
                        land(future.result())
                raise BatchInterrupted(outcomes, 128 + interrupts.pending)
        except BrokenProcessPool:
            # A worker was killed from outside (SIGTERM to the whole group, out of
            # memory, kill -9): what is written is complete, and a re-run does the rest.
            Interrupts.ignore_further()
            for future in [*pending, *done]:
                if future in landed or not future.done() or future.cancelled():
                    continue
                if future.exception() is None:
                    land(future.result())
                    landed.add(future)
            code = 128 + interrupts.pending if interrupts.pending is not None else 1
            raise BatchInterrupted(outcomes, code) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            interrupts.release()
        return outcomes
