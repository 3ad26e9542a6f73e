"""The service layer: one ``Studio`` under every command, and later a web page.

A Studio is made from a practice profile (or none) and does what the commands
do: list topics, make one handout, plan and run a day's batch, prepare and send
emails, check everything, change the profile. It returns result objects whose
errors and warnings are ``Problem`` values (each with its row, file or field);
it never prints, never exits, and knows no command-line flag: the caller passes
``Labels`` to name its inputs in messages. The CLI parses, makes one call, and
prints what comes back.

Example (the README has more)::

    from takehome import Client, RenderOptions, Studio

    studio = Studio()  # the profile found as the CLI finds it; Studio(path) for one
    made = studio.make(["glutes"], Client.create("Ana Silva"), options=RenderOptions("a4"))
    print(made.path, [str(w) for w in made.warnings])
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from takehome.errors import Problem, TakehomeError
from takehome.labels import API_LABELS, Labels
from takehome.render.options import RenderOptions

GALLERY_NAME = "takehome-figures.pdf"  # `takehome gallery` writes it to the output folder

# Everything heavier (pydantic models, WeasyPrint, multiprocessing) is imported
# inside the methods that need it, so that `takehome --help` starts fast.


# --- Results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicInfo:
    """One topic of the library, as `takehome list` shows it."""

    key: str
    title: str
    conditions: tuple[str, ...]  # its own, beyond the shared vocabulary
    path: Path
    builtin: bool


@dataclass
class TopicList:
    """The topics that load, and a problem for each file that does not."""

    topics: list[TopicInfo]
    problems: list[Problem] = field(default_factory=list)
    # The shared conditions: (key, label, aliases), for any topic.
    conditions: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)


@dataclass(frozen=True)
class Made:
    """A handout written to disk, and what the user should be told about it."""

    path: Path
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class NewTopic:
    """A topic skeleton written by ``new_topic``."""

    path: Path
    replaces: Path | None  # the topic file of the same key it will override, if any
    in_profile: bool  # written to the profile's own handouts folder


@dataclass(frozen=True)
class ServiceUse:
    """One service of a client list, and the topics its handouts are made of."""

    service: str  # as the list first writes it
    rows: tuple[int, ...]
    topics: tuple[str, ...]  # empty: not mapped
    how: str  # "menu" ([services]), "topic" (the topic rule), "default" ("*"), "" (none)
    problem: str | None = None  # e.g. [services] names a topic that does not exist


@dataclass
class BatchPlan:
    """Every row of a client list: the handouts to make and the rows settled already."""

    jobs: list  # batch.Job
    settled: list  # batch.Outcome: skipped (already there) or failed validation
    out_dir: Path
    force: bool = False
    warnings: list[Problem] = field(default_factory=list)  # about the file as a whole
    staff: str | None = None  # the one therapist whose rows these are, as the list names them

    @property
    def errors(self) -> list[Problem]:
        """The rows that failed validation, each with its row number."""
        return [outcome.problem for outcome in self.settled if outcome.problem]

    @property
    def notes(self) -> list[Problem]:
        """What to know about rows that go ahead (a handout made by hand was kept)."""
        rows = sorted([*self.jobs, *self.settled], key=lambda item: item.row)
        return [Problem(item.note, row=item.row) for item in rows if item.note]


@dataclass
class BatchResult:
    """What a batch did, row by row."""

    outcomes: list  # batch.Outcome, the settled rows first
    out_dir: Path

    def count(self, status: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.status == status)

    @property
    def errors(self) -> list[Problem]:
        return [outcome.problem for outcome in self.outcomes if outcome.problem]

    @property
    def warnings(self) -> list[Problem]:
        return [w for outcome in self.outcomes for w in outcome.warning_problems()]


@dataclass
class SendPlan:
    """Messages composed and checked, ready for a dry run or a real send."""

    messages: list  # (sending.Delivery, EmailMessage)
    settings: object  # mail.settings.SmtpSettings (placeholders where not set yet)
    missing: list[str]  # [email] settings a real send still needs
    folder: Path  # where the sent log is kept
    real: bool = False  # composed with the real [email] settings, ready to send
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)  # rows left out, reused files

    @property
    def needs_password(self) -> bool:
        return bool(getattr(self.settings, "username", None))


@dataclass
class SendResult:
    """What a send did: for a dry run, the .eml files written; else the tally."""

    dry_run: bool
    lines: list[str] = field(default_factory=list)  # one per message in a dry run
    already: int = 0  # in a dry run: messages the sent log shows as sent (a send skips them)
    warnings: list[Problem] = field(default_factory=list)  # e.g. a cut-off sent-log line
    tally: object | None = None  # mail.sending.Tally
    log_path: Path | None = None


# --- The studio ------------------------------------------------------------------------


class Studio:
    """Everything takehome does, for one practice profile."""

    def __init__(
        self,
        profile: Path | str | None = None,
        *,
        handouts: Path | str | None = None,
        labels: Labels = API_LABELS,
    ):
        """``profile`` is a takehome.toml; without one the documented search order is
        used ($TAKEHOME_CONFIG, ./takehome.toml, the user config folder), and
        without any file a neutral practice. ``handouts`` is one more folder of
        topic files, overriding the others. Nothing is read until it is needed,
        so that `check` and `init` work with a broken profile."""
        self.config_path = Path(profile) if profile is not None else None
        self.extra_handouts = Path(handouts) if handouts is not None else None
        self.labels = labels

    # -- What the profile says ------------------------------------------------------------

    @functools.cached_property
    def profile(self):
        """The loaded profile (profile.config.Profile); TakehomeError if it is broken."""
        from takehome.profile.config import load_profile

        return load_profile(self.config_path, self.labels.config)

    @functools.cached_property
    def library(self):
        """Built-in topics, then the profile's folder, then ``handouts``: later wins."""
        from takehome.model.topic import TopicLibrary
        from takehome.paths import builtin_handouts_dir

        folders = [builtin_handouts_dir()]
        folders += [d for d in (self.profile.handouts_dir, self.extra_handouts) if d]
        return TopicLibrary(folders, services=self.profile.config.services)

    @property
    def template_dirs(self) -> tuple[Path, ...]:
        """The therapist's own templates folder, if any (the built-ins always come last)."""
        return (self.profile.templates_dir,) if self.profile.templates_dir else ()

    @property
    def output_dir(self) -> Path:
        """Where handouts go unless told otherwise."""
        return self.profile.output_dir

    def options(self, paper: str | None = None, large_print: bool | None = None) -> RenderOptions:
        """Rendering options: the values given, else the profile's defaults."""
        from takehome.render.options import check_paper

        output = self.profile.config.output
        return RenderOptions(
            check_paper(paper, self.labels.paper) if paper else output.paper,
            large_print=output.large_print if large_print is None else large_print,
        )

    def renderer(self, options: RenderOptions | None = None):
        """A Renderer for these templates and options (close it when done)."""
        from takehome.render.pdf import Renderer  # WeasyPrint loads only now

        return Renderer(list(self.template_dirs), options or self.options())

    # -- Topics and handouts --------------------------------------------------------------

    def topics(self) -> TopicList:
        """Every topic in the library, with a problem for each file that fails to load."""
        from takehome.model.conditions import vocabulary
        from takehome.paths import builtin_handouts_dir

        library = self.library
        builtin = builtin_handouts_dir()
        shared = vocabulary().conditions
        result = TopicList(
            topics=[], conditions=[(c.key, c.label, c.aliases) for c in shared.values()]
        )
        for key, path in library.files().items():
            try:
                topic = library.load(key).topic
            except TakehomeError as exc:
                result.problems.append(Problem(str(exc), file=path))
                continue
            # A topic's own conditions: those the shared vocabulary lacks.
            own = tuple(c for c in topic.conditions if c not in shared)
            result.topics.append(TopicInfo(key, topic.title, own, path, path.parent == builtin))
        return result

    def client(
        self,
        name: str,
        conditions: Iterable[str] = (),
        *,
        note: str | None = None,
        next_visit: str | None = None,
    ):
        """A validated Client; errors name each field by this studio's labels."""
        from takehome.model.client import Client

        return Client.create(
            name,
            tuple(conditions),
            note=note,
            next_visit=next_visit,
            fields=self.labels.client_fields,
        )

    def handout(self, topics: Iterable[str], client, *, date: dt.date | None = None):
        """The validated Handout of these topics for this client (nothing rendered)."""
        from takehome.model.handout import build_handout

        return build_handout(
            list(topics),
            client,
            library=self.library,
            practice=self.profile.practice,
            date=date,
            fields={"conditions": self.labels.conditions},
        )

    def make(
        self,
        topics: Iterable[str],
        client,
        *,
        date: dt.date | None = None,
        options: RenderOptions | None = None,
        output: str | Path | None = None,
        fmt: str | None = None,
        force: bool = False,
    ) -> Made:
        """Render one handout and write it (a file, a folder, or the output folder).

        Everything is checked (topics, conditions, the file name, whether the file
        exists) before anything is rendered or written.
        """
        from takehome.output import (
            check_writable,
            choose_format,
            default_filename,
            remove_stale_temp_files,
            resolve_output,
            write_atomic,
        )

        handout = self.handout(topics, client, date=date)
        options = options or self.options()
        output_text = str(output) if output is not None else None
        fmt = choose_format(output_text, fmt)
        name = default_filename(
            handout.date,
            handout.client.name,
            handout.topic_keys,
            fmt,
            large_print=options.large_print,
        )
        path = resolve_output(output_text, name, fmt, self.output_dir, self.labels)
        check_writable(path, force, self.labels)
        renderer = self.renderer(options)
        try:
            if fmt == "html":
                data, warnings = renderer.html(handout, standalone=True).encode("utf-8"), []
            else:
                rendered = renderer.pdf(handout)
                data, warnings = rendered.data, rendered.warnings
        finally:
            renderer.close()
        # A make killed while writing leaves a hidden temp file holding a whole handout.
        remove_stale_temp_files(path.parent, [path.name])
        write_atomic(path, data, force=force, labels=self.labels)
        return Made(path, tuple(Problem(w, file=path) for w in warnings))

    def new_topic(self, key: str, folder: Path | None = None) -> NewTopic:
        """Write a topic skeleton (every field present and explained) to edit."""
        from takehome.model.new_topic import new_topic_text
        from takehome.output import write_atomic

        profile_folder = self.profile.handouts_dir
        folder = Path(folder) if folder else profile_folder or Path(".")
        text = new_topic_text(key)
        replaces = self.library.files().get(key)
        if (folder / f"{key}.toml").exists():  # (new has no option to replace it)
            raise TakehomeError(
                f"{folder / f'{key}.toml'}: already exists; edit that file, or write the "
                "new topic to another folder"
            )
        path = write_atomic(folder / f"{key}.toml", text.encode("utf-8"), labels=self.labels)
        in_profile = profile_folder is not None and folder.resolve() == profile_folder.resolve()
        return NewTopic(path, replaces, in_profile)

    def gallery(
        self, output: str | Path | None = None, force: bool = False, *, paper: str | None = None
    ) -> Path:
        """Write the sheet of built-in figures (their names, captions, drawings) as a PDF."""
        from takehome.output import check_writable, resolve_output, write_atomic
        from takehome.render.gallery import gallery_pdf

        output_text = str(output) if output is not None else None
        if output_text and output_text.lower().endswith(".html"):
            raise TakehomeError(
                f"{self.labels.output} {output_text}: the gallery is a PDF; "
                "use a name ending in .pdf, or a folder"
            )
        options = self.options(paper)  # checks the paper size before anything is drawn
        path = resolve_output(output_text, GALLERY_NAME, "pdf", self.output_dir, self.labels)
        check_writable(path, force, self.labels)
        return write_atomic(path, gallery_pdf(options.paper), force=force, labels=self.labels)

    # -- A day's list ---------------------------------------------------------------------

    def read_clients(
        self,
        path: Path | str,
        encoding: str | None = None,
        *,
        note_column: str | None = None,
        name_order: str | None = None,
        day: dt.date | None = None,
        whole_calendar: bool = False,
    ):
        """Read a client list as an imports.clients_csv.ClientTable; its rows are
        checked later. A CSV export, a .xlsx, .xls or .ods spreadsheet, or a
        calendar file (.ics), whose events of ``day`` (today without it) are the rows
        (every event, each once, with ``whole_calendar``: for `services`).

        Only a column meant for the handout ("Therapist Note") is printed as your
        note, unless ``note_column`` (or the profile's [clients] note_column)
        names another; ``name_order`` reads "Silva, Ana" ("auto", "last-first" or
        "first-last"; default: the profile's). A web address is refused: nothing
        is fetched from the network.
        """
        from takehome.imports.calendar_ics import CALENDARS, read_calendar
        from takehome.imports.clients_csv import ReadRules, read_clients_file

        address = re.match(r"^\s*([a-z][a-z0-9+.-]*)://([^/?#]*)", str(path), re.IGNORECASE)
        if address and address[1].lower() == "file":
            raise TakehomeError("file://…: give the file's path, not a file:// address")
        if address:
            # Only the site is shown: a feed's address (or a user:password@ in
            # front of the site) carries a secret.
            site = f"{address[1]}://{address[2].rpartition('@')[2]}"
            raise TakehomeError(
                f"{site}/…: a web address; takehome never fetches client data "
                "from the network, so download it first (open the link in a browser and save "
                "the file) and give the saved file"
            )
        path = Path(path)
        preferred = self.profile.config.clients
        name_order = name_order or preferred.name_order
        if path.suffix.lower() in CALENDARS:
            if note_column is not None:
                raise TakehomeError(
                    f"{self.labels.note_column} '{note_column}': a calendar has no columns, "
                    "and an event's description is never printed; leave it out"
                )
            if encoding is not None:
                raise TakehomeError(
                    f"{self.labels.encoding} {encoding}: a calendar file is always UTF-8; "
                    "leave it out"
                )
            return read_calendar(
                path,
                None if whole_calendar else day or dt.date.today(),
                is_service=self._is_service,
                name_order=name_order,
                therapist=self.profile.practice.therapist or "",
            )
        if note_column is not None:
            rules = ReadRules(note_column, self.labels.note_column)
        else:  # the profile's choice, for files that have that column
            rules = ReadRules(preferred.note_column, "clients.note_column", note_required=False)
        rules = replace(rules, name_order=name_order, date_order=preferred.date_order)
        return read_clients_file(path, encoding, self.labels.encoding, rules)

    def _is_service(self, text: str) -> bool:
        """Whether ``text`` names a service of the menu or a topic (for calendar titles)."""
        library = self.library
        if library.from_menu(text) is not None:
            return True
        try:
            library.resolve(text)
        except TakehomeError:
            return False
        return True

    def plan_batch(
        self,
        table,
        *,
        out_dir: Path | None = None,
        date: dt.date | None = None,
        default_topics: Iterable[str] = (),
        options: RenderOptions | None = None,
        force: bool = False,
        staff: str | None = None,
        one_day: bool = False,
    ) -> BatchPlan:
        """Check every row and choose every file; write nothing.

        Rows of appointments that did not happen (cancelled, no-show...) and,
        with ``staff``, rows of other therapists are left out and counted.
        A row's appointment date, when the list has one, is its handout's date;
        with ``one_day``, rows dated another day than ``date`` are left out too.
        """
        from takehome.batch import plan_batch

        if staff is not None and not table.has_staff:
            if table.calendar:
                raise TakehomeError(
                    f"{self.labels.staff}: this calendar names no therapist (no organizer, "
                    "calendar name or 'Calendar:' line); use that therapist's own calendar "
                    f"and leave {self.labels.staff} out"
                )
            found = ", ".join(repr(c) for c in table.columns)
            raise TakehomeError(
                f"{self.labels.staff}: the client list has no staff column (columns found: "
                f"{found}); known: Staff, Provider, Practitioner, Employee, Calendar, "
                "Service Provider, Therapist"
            )
        staff_shown = None
        if staff is not None:
            staff, staff_shown = self._one_staff(table, staff)
        out_dir = Path(out_dir) if out_dir else self.output_dir
        plan = plan_batch(
            table,
            self.library,
            out_dir,
            date=date or dt.date.today(),
            default_topics=tuple(default_topics),
            options=options or self.options(),
            practice=self.profile.practice,
            force=force,
            template_dirs=self.template_dirs,
            topic_label=self.labels.default_topics,
            force_label=self.labels.force,
            staff=staff,
            one_day=one_day,
        )
        warnings = [Problem(w) for w in table.warnings]
        days = sorted({row.date for row in table.rows if row.date and not row.not_held})
        if len(days) > 1 and not one_day:
            # A week's export: each row gets its own date, and the user should know.
            warnings.append(
                Problem(
                    f"the list holds appointments on {len(days)} days ({days[0]} to "
                    f"{days[-1]}); each row's handout gets its own date; give "
                    f"{self.labels.date} YYYY-MM-DD to make one day's only"
                )
            )
        return BatchPlan(plan.jobs, plan.settled, out_dir, force, warnings, staff_shown)

    def _one_staff(self, table, wanted: str) -> tuple[str, str]:
        """The one staff name of the list that ``wanted`` means: the whole name (in
        any order, credentials ignored), or a first name only one of them has."""
        from takehome.imports.clients_csv import person_key, staff_name

        label = self.labels.staff
        key = person_key(wanted)
        if not key:
            raise TakehomeError(f"{label}: empty; give the therapist's name as the list has it")
        names: dict[tuple[str, ...], str] = {}
        for row in table.rows:
            if row.staff:
                names.setdefault(*staff_name(row.staff))
        if key in names:
            return " ".join(key), names[key]
        # A first name, or a last name, that only one of them has.
        close = [name for k, name in names.items() if k[: len(key)] == key or k[-len(key) :] == key]
        if len(close) == 1:
            return " ".join(person_key(close[0])), close[0]
        listing = "; ".join(sorted(close or names.values())) or "(none)"
        if close:
            raise TakehomeError(f"{label} {wanted}: could be {listing}; give the full name")
        raise TakehomeError(
            f"{label} {wanted}: no appointment of this therapist; staff in the list: {listing}"
        )

    def services(self, table) -> list[ServiceUse]:
        """The distinct services of a client list (cancelled rows left out), each
        with the topics it maps to, so a therapist can map the menu once."""
        from takehome.batch import _service_topics
        from takehome.model.topic import menu_key

        library = self.library
        first: dict[str, object] = {}
        rows: dict[str, list[int]] = {}
        for row in table.rows:
            if not row.service or row.not_held:
                continue
            key = menu_key(row.service)
            first.setdefault(key, row)
            rows.setdefault(key, []).append(row.row)
        uses = []
        for key, row in first.items():
            numbers = tuple(rows[key])
            try:
                topics, note = _service_topics(row, library)
                keys = tuple(k for name in topics for k in library.topics_for(name))
            except TakehomeError as exc:
                if str(exc).startswith("[services]"):
                    uses.append(ServiceUse(row.service, numbers, (), "", str(exc)))
                else:
                    uses.append(ServiceUse(row.service, numbers, (), ""))
                continue
            how = "default" if note else "menu" if library.from_menu(row.service) else "topic"
            if how == "default":
                keys = ()  # listed as not mapped: the default is a fallback, not a mapping
            uses.append(ServiceUse(row.service, numbers, keys, how))
        return uses

    def run_batch(
        self,
        plan: BatchPlan,
        *,
        workers: int = 1,
        on_outcome: Callable | None = None,
    ) -> BatchResult:
        """Render the plan's jobs, ``workers`` at a time; ``on_outcome`` hears each one.

        Raises batch.BatchInterrupted on Ctrl-C or SIGTERM: every file written is
        whole, and running the same plan again finishes the rest.
        """
        from takehome.batch import BatchInterrupted, run_batch
        from takehome.output import ensure_folder, remove_stale_temp_files

        outcomes = list(plan.settled)
        if plan.jobs:
            ensure_folder(plan.out_dir, self.labels.out_dir)
            remove_stale_temp_files(plan.out_dir, [job.path.name for job in plan.jobs])
        try:
            outcomes += run_batch(
                plan.jobs,
                workers,
                force=plan.force,
                on_outcome=on_outcome or (lambda outcome: None),
                template_dirs=self.template_dirs,
            )
        except BatchInterrupted as stop:
            stop.outcomes = outcomes + stop.outcomes
            raise
        return BatchResult(outcomes, plan.out_dir)

    # -- Email ----------------------------------------------------------------------------

    def prepare_send(
        self,
        *,
        table=None,
        topics: Iterable[str] = (),
        client=None,
        to: str | None = None,
        date: dt.date | None = None,
        options: RenderOptions | None = None,
        default_topics: Iterable[str] = (),
        workers: int = 1,
        force: bool = False,
        real: bool = False,
        staff: str | None = None,
        one_day: bool = False,
    ) -> SendPlan:
        """Make (or reuse) each handout and compose its message; send nothing.

        Give either ``table`` (a client list with an Email column) or ``topics``,
        ``client`` and ``to``. Every address is checked and every message composed
        before anything is sent, so template and address errors surface now.
        With ``real`` (a real send will follow), missing [email] settings stop
        it here, before any handout is made; a dry run goes ahead without them.
        """
        from takehome.mail import prepare
        from takehome.mail.compose import Composer
        from takehome.mail.sending import compose_all
        from takehome.mail.settings import dry_run_settings, missing_settings, smtp_settings
        from takehome.paths import all_template_dirs

        profile = self.profile
        section = profile.config.email
        # The settings are checked first: a real problem (a CA file that is not
        # there) is reported before any handout is made.
        if real:
            settings = smtp_settings(section, profile.path, profile.practice.email)
        else:
            settings = dry_run_settings(section, profile.path, profile.practice)
        options = options or self.options()
        if table is not None:
            if topics or client or to:
                raise TakehomeError(
                    "send: give either a client list or topics, a client and an address, not both"
                )
            prepared = prepare.prepare_table(
                self,
                table,
                date=date or dt.date.today(),
                default_topics=tuple(default_topics),
                options=options,
                workers=workers,
                require_consent=section.require_consent,
                staff=staff,
                one_day=one_day,
            )
        else:
            if not (topics and client and to):
                raise TakehomeError(
                    f"send: give topics, {self.labels.client} and {self.labels.to}, "
                    "or a client list"
                )
            handout = self.handout(topics, client, date=date)
            prepared = prepare.prepare_one(self, handout, to, options=options, force=force)
        composer = Composer(list(all_template_dirs(self.template_dirs)))
        messages = compose_all(prepared.deliveries, composer, profile.practice, settings)
        folder = prepared.deliveries[0].pdf.parent if prepared.deliveries else self.output_dir
        return SendPlan(
            messages=messages,
            settings=settings,
            missing=missing_settings(section, profile.path, profile.practice.email),
            folder=folder,
            real=real,
            errors=prepared.errors,
            warnings=prepared.warnings,
            notes=prepared.notes,
        )

    def send(
        self,
        plan: SendPlan,
        *,
        really: bool = False,
        password: str | None = None,
        resend: bool = False,
        limit: int | None = None,
        on_event: Callable[[str], None] | None = None,
    ) -> SendResult:
        """A dry run (each message saved as .eml next to its PDF) unless ``really``.

        A real send needs the profile's [email] settings; the password is
        ``password``, else $TAKEHOME_SMTP_PASSWORD. Raises sending.SendInterrupted
        on Ctrl-C or SIGTERM, with every message handed over already in the log.
        """
        from takehome.mail.sending import dry_run, send_all
        from takehome.mail.sentlog import SentLog
        from takehome.mail.settings import PASSWORD_VAR, smtp_settings
        from takehome.mail.smtp import Mailer

        if not really:
            log = SentLog(plan.folder).read()
            lines, already = dry_run(plan.messages, log, resend, self.labels.resend)
            warnings = [Problem(w, file=log.path) for w in log.warnings]
            return SendResult(dry_run=True, lines=lines, already=already, warnings=warnings)
        if not plan.real:
            # A dry-run plan may carry a placeholder From address: never send it.
            raise TakehomeError(
                "send: this plan was prepared for a dry run; prepare it again with "
                "real=True to send it"
            )
        profile = self.profile
        settings = smtp_settings(profile.config.email, profile.path, profile.practice.email)
        if settings != plan.settings:
            raise TakehomeError(
                "send: the [email] settings changed since the messages were composed; "
                "prepare them again"
            )
        if settings.username and password is None:
            password = os.environ.get(PASSWORD_VAR)
            if password is None:
                raise TakehomeError(
                    f"${PASSWORD_VAR} is not set; set it to the mail account's password"
                )
        on_event = on_event or (lambda line: None)
        log = SentLog(plan.folder)
        with log.locked():
            for warning in log.warnings:
                on_event(f"Warning: {warning}")
            tally = send_all(
                plan.messages,
                Mailer(settings, password),
                log,
                resend=resend,
                limit=limit,
                on_event=on_event,
                resend_label=self.labels.resend,
            )
        return SendResult(dry_run=False, tally=tally, log_path=log.path)

    # -- Checking and changing the profile ------------------------------------------------

    def check(self):
        """Every problem in the profile, topics and templates (check.Report)."""
        from takehome.check import check_everything

        return check_everything(self)

    def settings(self) -> list[tuple[str, list[tuple[str, object]]]]:
        """The profile's effective values, section by section, paths resolved."""
        profile = self.profile
        listing = []
        for section in ("practice", "output", "library", "email", "clients"):
            values = getattr(profile.config, section).model_dump()
            if section == "library":
                values = {key: getattr(profile, f"{key}_dir") for key in values}
            listing.append((section, list(values.items())))
        # The service menu as written: a service name -> its topics.
        listing.append(("services", list(profile.config.services.items())))
        return listing

    def set_setting(self, key: str, value: str | None) -> tuple[Path, object]:
        """Change one setting of the profile in use (``practice.phone``), comments kept.

        The value is checked as `init` checks an answer, and the whole profile
        with it, before the file is replaced. Returns the file and the value
        stored (a booking link gets https://, a colour name its code; None:
        removed). This studio reads the changed profile from then on.
        """
        from takehome.profile.write import set_value

        path = self.profile_path_for_change()
        if key.startswith("services.") and value and value.strip():
            # A menu entry's topics must exist (in this profile's library too).
            known = self.library.files()
            for topic in (part.strip() for part in value.split(",")):
                if topic and topic not in known:
                    raise TakehomeError(
                        f"{key}: unknown topic '{topic}'; known topics: {', '.join(known)}"
                    )
        stored = set_value(path, key, value)
        for cached in ("profile", "library"):
            self.__dict__.pop(cached, None)
        return path, stored

    def profile_path_for_change(self) -> Path:
        """The profile file a change goes to; an error if there is none yet."""
        from takehome.profile.config import find_config

        path = find_config(self.config_path, label=self.labels.config)
        if path is None:
            raise TakehomeError("no practice profile yet; create one with `takehome init` first")
        return path
