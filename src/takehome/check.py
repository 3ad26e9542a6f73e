"""`takehome check`: every problem in the profile, topics and templates, at once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import jinja2

from takehome.errors import Problem, TakehomeError
from takehome.model.client import Client
from takehome.model.handout import build_handout
from takehome.model.practice import DEFAULT_PRACTICE
from takehome.model.readability import reading_grade, sections
from takehome.model.topic import TopicFileError, TopicLibrary, load_topic
from takehome.paths import builtin_handouts_dir, builtin_templates_dir
from takehome.profile.config import config_problems, find_config, lenient_library

MAX_GRADE = 6.0  # every section, for the public (health literacy guidance)
SAMPLE_NOTE = "Walk every day this week.\nTry the stretches after work."


@dataclass
class Report:
    """What check found: problems (errors), readability per topic, and what it looked at."""

    problems: list[Problem] = field(default_factory=list)
    grades: dict[str, float] = field(default_factory=dict)  # each topic's hardest section
    hardest: dict[str, str] = field(default_factory=dict)  # ...and which section that is
    profile: str = "none (the neutral default practice is used)"
    topics: int = 0
    templates: int = 0


def check_everything(studio) -> Report:
    """Validate the profile, every topic file and every template; render each topic.

    ``studio`` is a Studio; the profile may be broken (then every problem in it
    is reported, and the rest is checked with whatever folders it names).
    """
    report = Report()
    try:
        _check(studio, report)
    finally:
        report.problems = [
            p if isinstance(p, Problem) else Problem(p) for p in dict.fromkeys(report.problems)
        ]
    return report


def _check(workspace, report: Report) -> None:
    practice = DEFAULT_PRACTICE
    try:
        profile = workspace.profile
        practice = profile.practice
        if profile.path:
            report.profile = str(profile.path)
            # Loading does not need the [email] values; `send` will: check them now.
            from takehome.mail.settings import email_value_problems

            report.problems += email_value_problems(
                profile.config.email, profile.path, profile.practice.email
            )
        library, template_dirs = workspace.library, workspace.template_dirs
    except TakehomeError:
        # Every problem in the profile, then go on with whatever folders it names
        # that are valid, so the rest is still checked.
        path = find_config(workspace.config_path, label=workspace.labels.config)
        report.profile = str(path)
        report.problems += config_problems(path)
        templates, handouts = lenient_library(path)
        folders = [builtin_handouts_dir(), handouts, workspace.extra_handouts]
        library = TopicLibrary([f for f in folders if f])
        template_dirs = (templates,) if templates else ()

    for key, keys in library.menu.items():
        try:
            library.check_menu_topics(library.menu_names.get(key, key), keys)
        except TakehomeError as exc:
            report.problems.append(str(exc))
    valid = []
    effective = library.files()  # the file each key resolves to
    builtin = builtin_handouts_dir()
    for folder in library.folders:
        for path in sorted(folder.glob("*.toml")):
            key = path.name.removesuffix(".toml")
            if folder == builtin and effective.get(key) != path:
                continue  # a built-in topic the therapist's own copy replaces: never used
            report.topics += 1
            try:
                loaded = load_topic(path)
            except TopicFileError as exc:
                report.problems += exc.problems
                continue
            except TakehomeError as exc:
                report.problems.append(str(exc))
                continue
            if effective.get(loaded.key) == path:
                valid.append(loaded)
                graded = {
                    name: reading_grade(text) for name, text in sections(loaded.topic).items()
                }
                name = max(graded, key=graded.get)
                report.grades[loaded.key], report.hardest[loaded.key] = graded[name], name

    from takehome.render.pdf import Renderer

    try:
        renderer = Renderer(list(template_dirs))
    except TakehomeError as exc:
        report.problems.append(str(exc))
        return
    for folder in renderer.template_dirs:
        for path in sorted(folder.rglob("*.j2")):
            report.templates += 1
            try:
                renderer.env.get_template(path.relative_to(folder).as_posix())
            except TakehomeError as exc:
                report.problems.append(str(exc))
            except jinja2.TemplateError as exc:
                line = getattr(exc, "lineno", None)
                where = f"{path}:{line}" if line else str(path)
                report.problems.append(f"{where}: {getattr(exc, 'message', exc)}; fix the template")

    # Render every topic for a sample client with all its conditions, so that a
    # template error that only shows with real data is found now, not by a client.
    # The therapist's own topics are laid out as PDFs (their text may need a font
    # no one has); the built-in ones only when the templates are the therapist's
    # own, and then as HTML, with one PDF for the layout: takehome's own tests
    # lay out every built-in topic with the built-in templates.
    # A copy of a built-in topic that is still word for word the same (as
    # `init --customize` leaves it) counts as built-in.
    builtin = builtin_handouts_dir()
    builtin_templates = all(d == builtin_templates_dir() for d in renderer.template_dirs)
    own = [loaded for loaded in valid if not _as_shipped(loaded.path, builtin)]
    shipped = [] if builtin_templates else [loaded for loaded in valid if loaded not in own]
    try:
        _render_samples(report, own + shipped[:1], library, practice, renderer, pdf=True)
        _render_samples(report, shipped[1:], library, practice, renderer, pdf=False)
    finally:
        renderer.close()


def _as_shipped(path, builtin) -> bool:
    """Whether a topic file is built in, or a byte-for-byte copy of a built-in one."""
    if path.parent == builtin:
        return True
    original = builtin / path.name
    try:
        return original.is_file() and original.read_bytes() == path.read_bytes()
    except OSError:
        return False


def _samples(loaded) -> list[Client]:
    """A sample client with every condition the topic knows; and, if that hides a
    stretch (``not_for``), one with none, so every stretch and picture is drawn."""
    conditions = list(loaded.topic.conditions)
    clients = [
        Client.create("Sample Client", conditions, note=SAMPLE_NOTE, next_visit="Monday at 9 am")
    ]
    keys = clients[0].conditions
    if any(not stretch.suits(keys) for stretch in loaded.topic.stretches):
        clients.append(Client.create("Sample Client", note=SAMPLE_NOTE))
    return clients


def _render_samples(report: Report, valid, library, practice, renderer, *, pdf: bool) -> None:
    for loaded, client in ((topic, c) for topic in valid for c in _samples(topic)):
        try:
            handout = build_handout(
                [loaded.key], client, library=library, practice=practice, date=dt.date.today()
            )
            if not pdf:
                renderer.html(handout)
                continue
            rendered = renderer.pdf(handout)
        except TakehomeError as exc:
            problem = f"rendering {loaded.path.name} failed: {exc}"
            if problem not in report.problems:
                report.problems.append(problem)
            continue
        report.problems += [f"{loaded.path}: {warning}" for warning in rendered.warnings]
