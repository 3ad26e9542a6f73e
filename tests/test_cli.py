"""The takehome command, run with CliRunner in an empty folder (and once for real)."""

from __future__ import annotations

import os
import re
import stat
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

import takehome.output
from conftest import pdf_reader, pdf_text
from takehome.cli import cli
from takehome.model.topic import TopicLibrary

OUT = Path("handouts-out")
ANA = OUT / "2026-11-25_ana-silva_glutes.pdf"


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Run the CLI in an empty folder of its own; tracebacks are test failures."""
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    return _run


def make_ana(run, *extra):
    return run("make", "glutes", "--client", "Ana Silva", "--date", "2026-11-25", *extra)


def test_list_shows_topics_titles_and_conditions(run):
    result = run("list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Topics:"
    pad = " " * 26
    assert "  glutes" + pad[len("glutes") :] + "Glute Massage" in lines
    assert "  general" + pad[len("general") :] + "Massage Aftercare" in lines
    # Every built-in topic, by its key and title.
    from takehome.model.topic import TopicLibrary

    library = TopicLibrary()
    builtin = library.keys()
    for key in builtin:
        title = library.load(key).topic.title
        assert f"  {key}{pad[len(key) :]}{title}" in lines, key
    # Conditions belong to the client: one shared list, with the words for each.
    assert "Conditions (--condition, or a Conditions column; any topic):" in lines
    (pregnancy,) = [line for line in lines if line.startswith("  pregnancy ")]
    assert "Pregnancy (also: pregnant, expecting" in pregnancy
    # A topic's own condition, beyond the shared ones, is listed with the topic.
    assert f"  {pad}its own conditions: desk-posture" in lines


def test_make_writes_the_default_path_and_says_so(run):
    result = make_ana(run, "--condition", "sciatica", "--note", "Walk daily.")
    assert result.exit_code == 0, result.output
    assert result.output == f"Wrote {ANA}\n"
    text = pdf_text(ANA)
    assert "Prepared for Ana Silva on November 25, 2026" in text
    assert "Walk daily." in text
    assert "sciatic nerve, such as the piriformis" in text


def test_output_file_is_private_whatever_the_umask(run):
    old = os.umask(0)
    try:
        assert make_ana(run).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(ANA.stat().st_mode) == 0o600


def test_existing_file_is_not_overwritten_without_force(run):
    OUT.mkdir()
    ANA.write_bytes(b"the therapist's own file")
    result = make_ana(run)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {ANA}: already exists; use -o to write elsewhere, or --force to replace it\n"
    )
    assert ANA.read_bytes() == b"the therapist's own file"

    assert make_ana(run, "--force").exit_code == 0
    assert len(pdf_reader(ANA).pages) == 2


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd", "/etc/cron.d/x", "CON", "nul.txt", "a\\b/c", "..", ".hidden", "   x  "],
)
def test_hostile_names_stay_inside_the_output_folder(run, name):
    result = run("make", "glutes", "--client", name, "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    written = Path(result.output.removeprefix("Wrote ").strip())
    assert written.parent == OUT
    assert written.resolve().parent == OUT.resolve()
    assert not written.name.startswith(".")
    assert [p.name for p in OUT.iterdir()] == [written.name]


def test_control_characters_in_a_name_are_refused(run):
    result = run("make", "glutes", "--client", "Ana\x1b[31m Silva")
    assert result.exit_code == 1
    assert result.output == (
        "Error: --client: contains a control character (U+001B); "
        "remove it and type the text again\n"
    )
    assert not OUT.exists()


def test_accented_names_stay_readable_and_nfc(run):
    decomposed = unicodedata.normalize("NFD", "Zoë Núñez")
    result = run("make", "glutes", "--client", decomposed, "--date", "2026-11-25")
    assert result.exit_code == 0
    (written,) = OUT.iterdir()
    assert written.name == unicodedata.normalize("NFC", "2026-11-25_zoë-núñez_glutes.pdf")


def test_unknown_topic_lists_known_topics(run):
    result = run("make", "reflexology", "--client", "Ana")
    assert result.exit_code == 1
    known = ", ".join(TopicLibrary().keys())
    assert "general" in known and "deep-tissue" in known
    assert result.output == f"Error: unknown topic 'reflexology'; known topics: {known}\n"


def test_topics_and_conditions_may_be_given_by_title_or_label(run):
    result = make_ana(run, "Glute Massage", "--condition", "Lower back pain", "-o", "a.pdf")
    assert result.output == "Wrote a.pdf\n"
    assert "For you: Lower back pain" in pdf_text(Path("a.pdf"))


def test_unknown_condition_lists_the_topics_conditions(run):
    result = run("make", "glutes", "neck-shoulders", "--client", "Ana", "--condition", "knee")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: --condition: unknown condition 'knee'; known: pregnancy, blood-thinners, "
    )
    # The topic's own condition is known too, and the fix is named.
    assert result.output.endswith(", desk-posture (`takehome list` shows them)\n")
    assert not OUT.exists()


@pytest.mark.parametrize("date", ["25/11/2026", "20261125", "2026-W48-3", "2026-02-30", ""])
def test_bad_date_is_explained(run, date):
    result = run("make", "glutes", "--client", "Ana", "--date", date)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: --date: '{date}' is not a date; write it as YYYY-MM-DD, e.g. 2026-11-25\n"
    )


def test_a_date_far_from_today_is_questioned(run):
    result = run("make", "glutes", "--client", "Ana", "--date", "0026-11-25")
    assert result.output == "Error: --date: 0026-11-25 is far from today; check the year\n"


@pytest.mark.parametrize("output", ["notes.txt", ""])
def test_output_must_be_pdf_html_or_a_folder(run, output):
    result = make_ana(run, "-o", output)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: -o{' ' + output if output else ''}: ")
    assert not Path("notes.txt").exists() and not OUT.exists()


def test_new_nested_output_folders_are_private(run):
    assert make_ana(run, "-o", "a/b/c").exit_code == 0
    for folder in ("a", "a/b", "a/b/c"):
        assert stat.S_IMODE(Path(folder).stat().st_mode) == 0o700


def test_very_long_names_still_make_a_valid_file(run):
    name = "李娜" * 60
    result = run("make", "glutes", "neck-shoulders", "--client", name, "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    (written,) = OUT.iterdir()
    assert len(written.name.encode("utf-8")) <= 200
    assert written.name.startswith("2026-11-25_李娜李娜")


def test_several_topics_make_one_file(run):
    result = run(
        "make", "glutes", "neck-shoulders", "--client", "Ana Silva", "--date", "2026-11-25"
    )
    assert result.output == f"Wrote {OUT / '2026-11-25_ana-silva_glutes-neck-shoulders.pdf'}\n"


def test_output_option_takes_a_file_or_a_folder(run):
    assert make_ana(run, "-o", "ana.pdf").output == "Wrote ana.pdf\n"
    assert pdf_reader(Path("ana.pdf")).pages
    assert make_ana(run, "-o", "today").output == f"Wrote {Path('today') / ANA.name}\n"
    html = make_ana(run, "-o", "ana.html")
    assert html.output == "Wrote ana.html\n"
    assert "Prepared for <strong>Ana Silva</strong>" in Path("ana.html").read_text()


def test_a4_paper(run):
    assert make_ana(run, "--paper", "a4").exit_code == 0
    width, height = (round(float(v)) for v in pdf_reader(ANA).pages[0].mediabox.upper_right)
    assert (width, height) == (595, 842)


def test_interrupted_render_leaves_no_file(run, monkeypatch):
    from takehome.render.pdf import Renderer

    def interrupted(self, handout):
        raise KeyboardInterrupt

    monkeypatch.setattr(Renderer, "pdf", interrupted)
    result = make_ana(run)
    assert result.exit_code == 130  # 128 + SIGINT, as a shell reports Ctrl-C
    assert result.output == "Interrupted: nothing half-written was left; run it again.\n"
    assert not ANA.exists()
    assert not OUT.exists() or list(OUT.iterdir()) == []


def test_failure_while_writing_leaves_neither_file_nor_temp_file(run, monkeypatch):
    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(takehome.output.os, "fsync", disk_full)
    result = make_ana(run)
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {ANA}: could not be written (No space left on device); nothing was saved; "
        "free some disk space or choose another folder\n"
    )
    assert list(OUT.iterdir()) == []


def test_bad_topic_file_gives_one_line_not_a_traceback(run):
    Path("mine").mkdir()
    Path("mine/hips.toml").write_text('title = "Hips"\n', encoding="utf-8")
    result = run("--handouts", "mine", "make", "hips", "--client", "Ana")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {Path('mine/hips.toml')}: intro is missing; add it "
        "(see the content schema in the README) (and 6 more problems)\n"
    )


def test_every_command_has_help_text(run):
    assert run("--help").exit_code == 0
    for name, command in cli.commands.items():
        result = run(name, "--help")
        assert result.exit_code == 0
        assert command.help and len(command.help) > 20
        assert "Usage: cli " + name in result.output or f"Usage: takehome {name}" in result.output


def _installed_script() -> Path:
    script = Path(sys.executable).parent / "takehome"
    assert script.exists(), "install takehome first: pip install -e '.[test]'"
    return script


def test_installed_console_script_makes_a_handout(tmp_path):
    result = subprocess.run(
        [
            str(_installed_script()),
            "make",
            "glutes",
            "--client",
            "Ana Silva",
            "--date",
            "2026-11-25",
            "--condition",
            "stiff-hips",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Wrote {ANA}\n"
    assert result.stderr == ""
    assert "gluteus medius sits" in pdf_text(tmp_path / ANA)


def test_installed_console_script_errors_are_one_line(tmp_path):
    result = subprocess.run(
        [str(_installed_script()), "make", "glutes", "--client", "Ana", "--condition", "x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr


# --- Hardening: leftovers, extreme stylesheets, files that are not files ---------------


def test_make_removes_a_temp_file_a_killed_make_left(run):
    OUT.mkdir()
    stale = OUT / f".{ANA.name}.k1ll3d.part"  # a whole handout, hidden, with health data
    stale.write_bytes(b"%PDF-1.7 a complete handout")
    old = OUT / ".2026-11-24_ben-okafor_glutes.pdf.x7y8z9ab.part"  # another client's, long ago
    old.write_bytes(b"%PDF-1.7 another handout")
    keep = [OUT / "notes.part", OUT / ".my-notes.part"]  # not takehome's temp files
    for path in keep:
        path.write_text("mine")
    for path in (old, *keep):
        os.utime(path, (0, 0))
    assert make_ana(run).exit_code == 0
    assert not stale.exists() and not old.exists()
    assert all(path.exists() for path in keep) and ANA.exists()


def _extreme_profile(tmp_path: Path, css: str) -> None:
    from takehome.paths import builtin_templates_dir

    folder = tmp_path / "tpl"
    folder.mkdir()
    builtin = (builtin_templates_dir() / "print.css").read_text(encoding="utf-8")
    (folder / "print.css").write_text(builtin + css, encoding="utf-8")
    Path("takehome.toml").write_text(f'[library]\ntemplates = "{folder}"\n', encoding="utf-8")


EXTREME = ["h1 { font-size: 1000000000px; }", "p { letter-spacing: 1e12px; }"]


@pytest.mark.parametrize("css", EXTREME, ids=["huge-font", "huge-spacing"])
def test_extreme_css_is_one_line_in_make_check_and_batch(run, tmp_path, css):
    _extreme_profile(tmp_path, css)
    folder = (tmp_path / "tpl").resolve()
    start = f"{folder}: the handout could not be laid out ("
    end = "; check print.css and the templates there for extreme sizes, or undo your last change"

    made = make_ana(run)
    assert made.exit_code == 1
    (line,) = made.output.splitlines()
    assert line.startswith(f"Error: {start}") and line.endswith(end)
    assert not OUT.exists() or list(OUT.iterdir()) == []

    checked = run("check")
    assert checked.exit_code == 1
    # One built-in topic is laid out with the therapist's templates (the others
    # only as HTML), and its layout error is reported.
    failed = [line for line in checked.output.splitlines() if "failed:" in line]
    assert len(failed) == 1, checked.output
    assert re.match(rf"Error: rendering [a-z-]+\.toml failed: {re.escape(start)}", failed[0])
    assert failed[0].endswith(end)

    Path("clients.csv").write_text("Name,Topics\nAna Silva,glutes\n", encoding="utf-8")
    batch = run("batch", "clients.csv", "--jobs", "1", "--date", "2026-11-25")
    assert batch.exit_code == 1
    first, summary = batch.output.splitlines()
    assert first.startswith(f"Error: row 2: {start}") and first.endswith(end)
    assert summary == "0 written, 0 skipped (already there), 1 failed in handouts-out"


def test_a_fifo_in_the_handouts_folder_does_not_hang_list_or_check(tmp_path):
    mine = tmp_path / "mine"
    mine.mkdir()
    os.mkfifo(mine / "x.toml")
    for command in ("list", "check"):
        done = subprocess.run(
            [str(Path(sys.executable).parent / "takehome"), "--handouts", str(mine), command],
            capture_output=True,
            text=True,
            timeout=60,  # before the fix this waited for a writer forever
            check=False,
            cwd=tmp_path,
        )
        assert done.returncode == 1
        assert (
            f"Error: {mine / 'x.toml'}: is not a regular file (a pipe or device?); "
            "save a topic file as a file and give its path"
        ) in done.stderr.splitlines()


def test_a_template_or_stylesheet_that_is_not_utf8_is_one_line(run, tmp_path):
    from takehome.paths import builtin_templates_dir

    folder = tmp_path / "tpl"
    folder.mkdir()
    for name in ("print.css", "base.html.j2"):
        text = (builtin_templates_dir() / name).read_bytes()
        (folder / name).write_bytes(text + b"/* caf\xe9 */" if name == "print.css" else text)
    Path("takehome.toml").write_text(f'[library]\ntemplates = "{folder}"\n', encoding="utf-8")
    html = make_ana(run, "-o", "ana.html")
    assert html.exit_code == 1
    sheet = folder.resolve() / "print.css"
    assert html.output == f"Error: {sheet}: not UTF-8 text; save it as UTF-8\n"

    (folder / "print.css").write_bytes((builtin_templates_dir() / "print.css").read_bytes())
    (folder / "base.html.j2").write_bytes(b"{# caf\xe9 #}" + (folder / "base.html.j2").read_bytes())
    checked = run("check")
    assert checked.exit_code == 1
    assert (
        f"Error: {folder.resolve() / 'base.html.j2'}: the template is not UTF-8 text; "
        "save it as UTF-8"
    ) in checked.output.splitlines()
    assert "Traceback" not in checked.output


def test_help_starts_without_the_heavy_imports():
    # Speed itself is measured in bench/startup.py; this keeps the cause away.
    import subprocess
    import sys

    code = (
        "import sys; sys.argv = ['takehome', '--help']\n"
        "from takehome.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'weasyprint', 'pydantic', 'jinja2', 'pypdf', 'platformdirs'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.splitlines()[-1] == "[]", done.stderr
