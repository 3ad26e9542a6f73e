"""A day's clients in one go: plan every row first, then render in worker processes.

The plan checks every row (name, topics, conditions, paper) and decides every
file name before anything is rendered, so the same command always gives the
same names and a re-run can skip what is already written. Rendering uses the
same model and renderer as ``takehome make``; each worker process builds its
Renderer once and reuses it for every client it is given.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import resource
import signal
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .clients import ClientTable
from .content import TopicLibrary
from .errors import TakehomeError
from .handout import Handout, build_handout
from .output import default_filename, write_atomic
from .practice import DEFAULT_PRACTICE, Practice

WRITTEN, SKIPPED, FAILED = "written", "skipped", "failed"


@dataclass(frozen=True)
class Job:
    """One handout to render and the file it goes to."""

    row: int
    handout: Handout
    path: Path

    @property
    def initials(self) -> str:
        return self.handout.client.initials


@dataclass
class Outcome:
    """What happened to one row."""

    row: int
    status: str
    path: Path | None = None
    message: str | None = None
    warnings: list[str] = field(default_factory=list)
    initials: str = ""
    pid: int | None = None
    max_rss_kb: int | None = None


@dataclass
class Plan:
    """Every row of a batch, sorted into work to do and rows already settled."""

    jobs: list[Job]
    settled: list[Outcome]  # skipped because the file exists, or failed validation


class BatchInterrupted(Exception):
    """Ctrl-C: the files finished so far are complete; the rest can be re-run."""

    def __init__(self, outcomes: list[Outcome]):
        super().__init__("interrupted")
        self.outcomes = outcomes


def _unique(path: Path, taken: set[Path]) -> Path:
    # Two rows that would share a name (the same client twice in a day) get
    # "-2", "-3": decided by row order alone, so a re-run picks the same names.
    candidate, number = path, 2
    while candidate in taken:
        candidate = path.with_name(f"{path.stem}-{number}{path.suffix}")
        number += 1
    taken.add(candidate)
    return candidate


def plan_batch(
    table: ClientTable,
    library: TopicLibrary,
    out_dir: Path,
    *,
    date: dt.date,
    default_topics: tuple[str, ...] = (),
    paper: str = "letter",
    practice: Practice = DEFAULT_PRACTICE,
    force: bool = False,
) -> Plan:
    """Validate every row and choose its file; touch nothing on disk."""
    jobs: list[Job] = []
    settled: list[Outcome] = []
    taken: set[Path] = set()
    for row in table.rows:
        if row.error:
            settled.append(Outcome(row.row, FAILED, message=row.error))
            continue
        topics = row.topics or default_topics
        if not topics:
            settled.append(
                Outcome(
                    row.row,
                    FAILED,
                    message=f"row {row.row}: no topic; fill in the Topics column or give --topic",
                )
            )
            continue
        try:
            handout = build_handout(
                topics,
                row.client,
                library=library,
                date=date,
                practice=practice,
                paper=row.paper or paper,
                fields={
                    "conditions": f"row {row.row}: Conditions",
                    "paper": f"row {row.row}: Paper",
                },
            )
        except TakehomeError as exc:
            message = str(exc)
            if not message.startswith(f"row {row.row}:"):
                message = f"row {row.row}: {message}"
            settled.append(Outcome(row.row, FAILED, message=message))
            continue
        name = default_filename(date, handout.client.name, handout.topic_keys, "pdf")
        path = _unique(out_dir / name, taken)
        if path.exists() and not force:
            settled.append(Outcome(row.row, SKIPPED, path=path, initials=handout.client.initials))
            continue
        jobs.append(Job(row.row, handout, path))
    return Plan(jobs=jobs, settled=settled)


def remove_stale_temp_files(jobs: Iterable[Job]) -> None:
    """Delete temp files a killed run left for these handouts (never final files)."""
    for job in jobs:
        for stale in job.path.parent.glob(f".{job.path.name}.*.part"):
            with contextlib.suppress(OSError):
                stale.unlink()


# --- Rendering ----------------------------------------------------------------------

_renderers: dict[tuple[Path, ...], object] = {}  # one per process, built on first use


def _init_worker() -> None:
    # Ctrl-C reaches every process in the terminal's group; the parent decides
    # what to stop, so a worker finishes (and atomically writes) its current file.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's SIGTERM handler (see _stoppable) is inherited by fork; a worker
    # must simply end on SIGTERM.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()


def _end_with_parent() -> None:
    # If the batch itself is killed, its workers must not live on (Linux only:
    # the kernel sends SIGTERM to a worker whose parent dies).
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)


@contextlib.contextmanager
def _stoppable():
    """SIGTERM stops a batch the way Ctrl-C does; restored afterwards."""

    def stop(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop), signal.getsignal(signal.SIGINT)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


def _ignore_further_interrupts() -> None:
    # A second Ctrl-C while the workers finish their files must not break the
    # clean stop (or leave it hanging): from now on the stop is under way.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def render_job(job: Job, force: bool, template_dirs: tuple[Path, ...] = ()) -> Outcome:
    """Render one handout and write it; runs in a worker or in this process."""
    renderer = _renderers.get(template_dirs)
    if renderer is None:
        from .render import Renderer

        renderer = _renderers[template_dirs] = Renderer(list(template_dirs))
    try:
        rendered = renderer.pdf(job.handout)
        write_atomic(job.path, rendered.data, force=force)
        status, message, warnings = WRITTEN, None, rendered.warnings
    except TakehomeError as exc:
        status, message, warnings = FAILED, f"row {job.row}: {exc}", []
    except Exception as exc:
        status, message, warnings = FAILED, f"row {job.row}: {type(exc).__name__}: {exc}", []
    return Outcome(
        job.row,
        status,
        path=job.path,
        message=message,
        warnings=warnings,
        initials=job.initials,
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

    With one worker everything runs in this process. Ctrl-C raises
    BatchInterrupted after the files being written are finished.
    """
    outcomes: list[Outcome] = []

    def land(outcome: Outcome) -> None:
        outcomes.append(outcome)
        on_outcome(outcome)

    with _stoppable():
        if workers <= 1 or len(jobs) <= 1:
            try:
                for job in jobs:
                    land(render_job(job, force, template_dirs))
            except KeyboardInterrupt:
                _ignore_further_interrupts()
                raise BatchInterrupted(outcomes) from None
            return outcomes

        # Imported here: multiprocessing costs start-up time `takehome --help` needn't pay.
        from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

        pool = ProcessPoolExecutor(max_workers=min(workers, len(jobs)), initializer=_init_worker)
        pending = set()
        try:
            pending = {pool.submit(render_job, job, force, template_dirs) for job in jobs}
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    land(future.result())
        except KeyboardInterrupt:
            _ignore_further_interrupts()
            # Queued jobs are dropped; the ones being rendered finish and are kept.
            pool.shutdown(wait=True, cancel_futures=True)
            for future in pending:
                if future.done() and not future.cancelled() and future.exception() is None:
                    land(future.result())
            raise BatchInterrupted(outcomes) from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return outcomes
