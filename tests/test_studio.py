"""The service layer used straight from Python, as a web page or a script would (no Click)."""

from __future__ import annotations

import datetime as dt
from email import message_from_bytes
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import pdf_reader, pdf_text
from takehome import Client, Problem, RenderOptions, Studio
from takehome.batch import FAILED, SKIPPED, WRITTEN
from takehome.errors import TakehomeError
from takehome.model.topic import TopicLibrary
from takehome.render.fingerprint import read_fingerprint

DATE = dt.date(2026, 11, 25)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_make_writes_the_handout_and_returns_where(here):
    studio = Studio()
    made = studio.make(
        ["glutes"],
        studio.client("Ana Silva", ["sciatica"], note="Walk daily."),
        date=DATE,
        options=RenderOptions("a4"),
    )
    assert made.path == Path("handouts-out/2026-11-25_ana-silva_glutes.pdf")
    assert made.warnings == ()
    text = pdf_text(made.path)
    assert "Prepared for Ana Silva on November 25, 2026" in text and "Walk daily." in text
    assert round(float(pdf_reader(made.path).pages[0].mediabox.width)) == 595


def test_errors_name_the_callers_fields_not_command_line_flags(here):
    studio = Studio()
    with pytest.raises(TakehomeError) as caught:
        studio.handout(["glutes"], studio.client("Ana", ["knee"]))
    assert str(caught.value).startswith("conditions: unknown condition 'knee'")
    with pytest.raises(TakehomeError, match=r"^client: the client's name is empty"):
        studio.client("  ")
    with pytest.raises(TakehomeError, match=r"^paper: 'legal' is not a paper size"):
        RenderOptions("legal")
    studio.make(["glutes"], Client.create("Ana"), date=DATE)
    with pytest.raises(TakehomeError, match="already exists; use output to write elsewhere"):
        studio.make(["glutes"], Client.create("Ana"), date=DATE)


def test_render_options_are_one_hashable_value_and_change_the_fingerprint(here):
    letter, a4 = RenderOptions(), RenderOptions("A4")
    assert a4.paper == "a4" and a4.page_size == "A4"
    assert {letter: 1, RenderOptions("letter"): 2} == {letter: 2}  # a worker's cache key
    studio = Studio()
    handout = studio.handout(["glutes"], Client.create("Ana"), date=DATE)
    assert studio.renderer(letter).fingerprint(handout) != studio.renderer(a4).fingerprint(handout)


@pytest.mark.weasyprint_warnings_expected
def test_a_render_warning_is_a_problem_with_its_file(here):
    made = Studio().make(["glutes"], Client.create("Ana \U00013000 Silva"), date=DATE)
    (warning,) = made.warnings
    assert isinstance(warning, Problem) and warning.file == made.path
    assert str(warning).startswith("no installed font can print these characters")


def test_batch_plan_and_run_report_rows_as_problems(here):
    Path("clients.csv").write_text(
        "Name,Topics,Conditions\nAna Silva,glutes,sciatica\nBen,glutes,knee\n,glutes,\n"
    )
    studio = Studio()
    table = studio.read_clients("clients.csv")
    plan = studio.plan_batch(table, date=DATE, out_dir=Path("out"))
    assert [job.row for job in plan.jobs] == [2]
    assert [(p.row, p.where) for p in plan.errors] == [(3, "row 3"), (4, "row 4")]
    assert not Path("out").exists()  # planning writes nothing

    result = studio.run_batch(plan)
    assert (result.count(WRITTEN), result.count(FAILED)) == (1, 2)
    (ana,) = [o for o in result.outcomes if o.status == WRITTEN]
    assert read_fingerprint(ana.path) == ana.fingerprint
    again = studio.run_batch(studio.plan_batch(table, date=DATE, out_dir=Path("out")))
    assert again.count(SKIPPED) == 1 and again.count(WRITTEN) == 0


def test_send_dry_run_needs_no_mail_server(here):
    studio = Studio()
    plan = studio.prepare_send(
        topics=["glutes"],
        client=studio.client("Ana Silva", ["sciatica"]),
        to="ana@example.com",
        date=DATE,
    )
    assert plan.missing == ["email.host", "email.from_address"]
    assert plan.errors == [] and plan.warnings == []
    result = studio.send(plan)
    assert result.dry_run and len(result.lines) == 1
    eml = message_from_bytes(Path("handouts-out/2026-11-25_ana-silva_glutes.eml").read_bytes())
    assert eml["To"] == "Ana Silva <ana@example.com>"
    assert "example.invalid" in eml["From"]  # a placeholder no server delivers
    with pytest.raises(TakehomeError, match="this plan was prepared for a dry run"):
        studio.send(plan, really=True)  # its From is a placeholder: never sent
    with pytest.raises(TakehomeError, match="email settings live in its \\[email\\] table"):
        studio.prepare_send(
            topics=["glutes"], client=Client.create("Ana"), to="ana@example.com", real=True
        )


@pytest.mark.weasyprint_warnings_expected
def test_send_reports_the_same_render_warnings_as_make(here):
    from takehome.cli import cli

    runner = CliRunner()
    name = "Ana \U00013000 Silva"
    made = runner.invoke(cli, ["make", "glutes", "--client", name, "-o", "made.pdf"])
    sent = runner.invoke(cli, ["send", "glutes", "--client", name, "--to", "ana@example.com"])
    assert made.exit_code == 0 and sent.exit_code == 0, sent.output

    def warnings(output):
        return [line for line in output.splitlines() if line.startswith("Warning:")]

    assert warnings(made.output) and warnings(made.output) == warnings(sent.output)


def test_check_returns_problems_with_their_place(here):
    Path("mine").mkdir()
    Path("mine/hips.toml").write_text('title = "Hips"\n')
    report = Studio(handouts="mine").check()
    assert report.topics == len(TopicLibrary().keys()) + 1
    assert report.problems and all(isinstance(p, Problem) for p in report.problems)
    assert report.problems[0].where == str(Path("mine/hips.toml"))


def test_topics_lists_the_library(here):
    listing = Studio().topics()
    keys = [t.key for t in listing.topics]
    assert keys == sorted(keys) and {"glutes", "general", "prenatal", "deep-tissue"} <= set(keys)
    assert all(t.builtin for t in listing.topics) and listing.problems == []
    # Conditions are the client's: one shared list; a topic lists only its own extras.
    assert listing.conditions[0][:2] == ("pregnancy", "Pregnancy")
    neck = next(t for t in listing.topics if t.key == "neck-shoulders")
    assert neck.conditions == ("desk-posture",)


def test_a_path_setting_may_start_with_a_tilde(here, monkeypatch):
    import trustme

    home = here / "home"
    (home / "mine" / "templates").mkdir(parents=True)
    (home / "mine" / "handouts").mkdir()
    (home / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>')
    trustme.CA().cert_pem.write_to_path(str(home / "ca.pem"))
    monkeypatch.setenv("HOME", str(home))
    Path("takehome.toml").write_text(
        '[practice]\nlogo = "~/logo.svg"\n'
        '[output]\nfolder = "~/out"\n'
        '[library]\ntemplates = "~/mine/templates"\nhandouts = "~/mine/handouts"\n'
        '[email]\nhost = "localhost"\nfrom_address = "me@example.com"\nca_file = "~/ca.pem"\n'
    )
    studio = Studio()
    assert studio.profile.templates_dir == home / "mine" / "templates"
    assert studio.profile.handouts_dir == home / "mine" / "handouts"
    assert studio.output_dir == home / "out"
    assert studio.profile.practice.logo_data_url.startswith("data:image/svg+xml")
    from takehome.mail.settings import smtp_settings

    assert smtp_settings(studio.profile.config.email, studio.profile.path).ca_file == (
        home / "ca.pem"
    )


def test_a_changed_setting_is_read_by_the_same_studio(here):
    Path("takehome.toml").write_text('[practice]\nname = "Harbour"\n')
    studio = Studio("takehome.toml")
    assert studio.profile.practice.phone is None
    _, stored = studio.set_setting("practice.phone", "555-0101")
    assert stored == "555-0101" and studio.profile.practice.phone == "555-0101"
