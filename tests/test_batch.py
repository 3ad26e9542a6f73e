"""takehome batch: real CSV exports in, one PDF per good row out."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import pdf_reader, pdf_text
from takehome.cli import cli
from takehome.imports.clients_csv import read_clients_csv
from takehome.model.client import Client
from takehome.model.conditions import vocabulary
from takehome.model.handout import build_handout
from takehome.model.topic import TopicLibrary

SCRIPT = Path(sys.executable).parent / "takehome"
KNOWN_TOPICS = ", ".join(TopicLibrary().keys())
DATE = ["--date", "2026-11-25"]
OUT = Path("handouts-out")


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, [*args], catch_exceptions=False)

    return _run


def write_csv(text: str, name="clients.csv", encoding="utf-8") -> Path:
    path = Path(name)
    path.write_bytes(text.encode(encoding))
    return path


def written() -> list[str]:
    return sorted(p.name for p in OUT.iterdir()) if OUT.exists() else []


def planned(run, *args: str) -> list[str]:
    """The file names a batch would write (a dry run: parsing and matching, no PDF)."""
    result = run("batch", "clients.csv", "--dry-run", *DATE, *args)
    assert result.exit_code == 0, result.output
    return sorted(
        Path(line.split(" would write ", 1)[1].split(" (")[0]).name
        for line in result.output.splitlines()
        if " would write " in line
    )


def only_row(path: str = "clients.csv", **kwargs):
    """The one client row of a CSV, parsed (no rendering)."""
    (row,) = read_clients_csv(Path(path), **kwargs).rows
    assert row.error is None, row.error
    return row


# --- Header variants, encodings, delimiters -------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["Name", "Client", "Client Name", "Full Name", "Customer", "  FULL  NAME ", "client_name"],
)
def test_single_name_column_variants(run, header):
    write_csv(f"{header},Topics\nAna Silva,glutes\n")
    assert only_row().client.name == "Ana Silva"
    assert planned(run) == ["2026-11-25_ana-silva_glutes.pdf"]


def test_first_and_last_name_columns(run):
    write_csv("First Name,Last Name,Service\nAna,Silva,Glute Massage 60 min\n")
    assert planned(run) == ["2026-11-25_ana-silva_glutes.pdf"]


@pytest.mark.parametrize("topics_header", ["Topics", "Topic", "Handouts", "Service", "SERVICE"])
@pytest.mark.parametrize("email_header", ["Email", "E-mail", "Email Address"])
@pytest.mark.parametrize("next_header", ["Next Visit", "Next Appointment"])
def test_other_column_variants(run, topics_header, email_header, next_header):
    write_csv(
        f"Name,{email_header},{topics_header},Conditions,Therapist Note,{next_header},Paper,Room\n"
        "Ana Silva,ana@example.com,glutes,sciatica,Walk daily.,Dec 9 at 3 pm,A4,2\n"
    )
    row = only_row()
    assert row.client == Client.create(
        "Ana Silva", ["sciatica"], note="Walk daily.", next_visit="Dec 9 at 3 pm"
    )
    assert (row.topics, row.email, row.paper) == (("glutes",), "ana@example.com", "a4")


def test_a_rows_details_are_printed_on_its_handout(run):
    write_csv(
        "Name,Email,Service,Conditions,Therapist Note,Next Appointment,Paper,Room\n"
        "Ana Silva,ana@example.com,glutes,sciatica,Walk daily.,Dec 9 at 3 pm,A4,2\n"
    )
    assert run("batch", "clients.csv", "-j", "1", *DATE).exit_code == 0
    pdf = OUT / "2026-11-25_ana-silva_glutes.pdf"
    text = pdf_text(pdf)
    assert "Walk daily." in text and "Dec 9 at 3 pm" in text
    assert "For you: Sciatica or piriformis pain" in text
    assert "ana@example.com" not in text  # kept for emailing, never printed
    assert round(float(pdf_reader(pdf).pages[0].mediabox.width)) == 595  # A4 from the row


def test_utf8_with_byte_order_mark(run):
    write_csv("\ufeffName,Topics\nZoë Núñez,glutes\n")
    assert only_row().client.name == "Zoë Núñez"
    assert planned(run) == ["2026-11-25_zoë-núñez_glutes.pdf"]


def test_cp1252_is_read_with_a_visible_warning(run):
    write_csv("Name;Topics\nZoë Núñez;glutes\n", encoding="cp1252")
    result = run("batch", "clients.csv", "--dry-run", *DATE)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "Warning: clients.csv: not UTF-8, so read as Windows-1252 (Western European) "
        "(detected); if names look wrong, save the file as 'CSV UTF-8' or give its encoding "
        "with --encoding"
    )
    assert only_row().client.name == "Zoë Núñez"


def test_encoding_option_reads_another_code_page(run):
    write_csv("Name,Topics\nОлена Коваленко,glutes\n", encoding="cp1251")
    result = run("batch", "clients.csv", "--dry-run", "--encoding", "cp1251", *DATE)
    assert result.exit_code == 0
    assert "Warning" not in result.output
    assert planned(run, "--encoding", "cp1251") == ["2026-11-25_олена-коваленко_glutes.pdf"]


def test_bytes_no_code_page_holds_are_an_error(run):
    # 0x81 is text in Windows-1251 only, and 0x98 in every code page but that one.
    Path("clients.csv").write_bytes(b"Name,Topics\nAna\x81\x98,glutes\n")
    result = run("batch", "clients.csv", *DATE)
    assert result.exit_code == 1
    assert result.output == (
        "Error: clients.csv: not UTF-8, and not text in any Windows code page; "
        "save it as CSV UTF-8 or give its encoding with --encoding\n"
    )


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiter_is_detected(run, delimiter):
    rows = [
        ["Name", "Topics", "Conditions"],
        ["Ana Silva", "glutes", "sciatica"],
        ["Ben Okafor", "neck-shoulders", "tension-headaches"],
    ]
    write_csv("".join(delimiter.join(row) + "\n" for row in rows))
    assert planned(run) == [
        "2026-11-25_ana-silva_glutes.pdf",
        "2026-11-25_ben-okafor_neck-shoulders.pdf",
    ]


def test_one_column_file_with_topic_option(run):
    write_csv("Name\nAna Silva\nBen Okafor\n")
    assert planned(run, "--topic", "glutes") == [
        "2026-11-25_ana-silva_glutes.pdf",
        "2026-11-25_ben-okafor_glutes.pdf",
    ]


def test_quoted_fields_with_commas_and_line_breaks(run):
    write_csv(
        "Name,Topics,Therapist Note\n"
        '"Silva, Ana",glutes,"Walk daily, rest on Sunday.\nStretch after work."\n'
        'Ben Okafor,neck-shoulders,"Short note"\n'
    )
    result = run("batch", "clients.csv", "-j", "1", *DATE)
    assert result.exit_code == 0, result.output
    # "Silva, Ana" in a name column is Ana Silva (Last, First).
    assert written() == [
        "2026-11-25_ana-silva_glutes.pdf",
        "2026-11-25_ben-okafor_neck-shoulders.pdf",
    ]
    lines = [
        line
        for page in pdf_reader(OUT / "2026-11-25_ana-silva_glutes.pdf").pages
        for line in page.extract_text().splitlines()
    ]
    assert "Walk daily, rest on Sunday." in lines and "Stretch after work." in lines


@pytest.mark.parametrize(
    "cell", ["glutes; neck-shoulders", "glutes, neck-shoulders", "glutes;neck-shoulders"]
)
def test_several_topics_and_conditions_in_one_cell(run, cell):
    write_csv(f'Name,Topics,Conditions\nAna Silva,"{cell}","sciatica; tension-headaches"\n')
    row = only_row()
    assert row.topics == ("glutes", "neck-shoulders")
    assert row.client.conditions == ("sciatica", "tension-headaches")
    handout = build_handout(row.topics, row.client)
    # The client's conditions, in one place whatever the topics ("tension-headaches"
    # is the shared tension-headache).
    assert handout.client.conditions == ("sciatica", "tension-headache")
    assert [box.label for box in handout.condition_boxes] == [
        "Sciatica or piriformis pain",
        "Tension headaches",
    ]
    assert planned(run) == ["2026-11-25_ana-silva_glutes-neck-shoulders.pdf"]


# --- Bad rows and bad files ----------------------------------------------------------


def test_bad_rows_are_reported_and_good_rows_written(run):
    write_csv(
        "Name,Service,Conditions\n"
        "Ana Silva,Glute Massage,sciatica\n"
        ",glutes,\n"
        "Ben Okafor,Reflexology 60 min,\n"
        "Cara Diaz,glutes,bad knee\n"
        "Dev Patel,neck-shoulders,\n"
    )
    result = run("batch", "clients.csv", "-j", "1", *DATE)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: row 3: no name; fill in the Name column",
        f"Error: row 4: unknown topic 'Reflexology 60 min'; known topics: {KNOWN_TOPICS}; "
        "or map the service in the profile's [services] table",
        "Error: row 5: Conditions: unknown condition 'bad-knee'; known: "
        f"{', '.join(vocabulary().conditions)} (`takehome list` shows them)",
        "2 written, 0 skipped (already there), 3 failed in handouts-out",
    ]
    assert written() == [
        "2026-11-25_ana-silva_glutes.pdf",
        "2026-11-25_dev-patel_neck-shoulders.pdf",
    ]


def test_output_never_shows_full_client_names(run):
    write_csv("Name,Topics\nAna Silva,glutes\nBen Okafor,hamstrings\n")
    result = run("batch", "clients.csv", "-j", "1", *DATE)
    assert "Silva" not in result.output and "Okafor" not in result.output


def test_empty_file_is_one_clear_error(run):
    write_csv("")
    result = run("batch", "clients.csv", *DATE)
    assert result.exit_code == 1
    assert result.output == (
        "Error: clients.csv: the file is empty; export it again with a header row\n"
    )


def test_file_without_a_name_column_is_one_clear_error(run):
    write_csv("Email,Service\nana@example.com,glutes\n")
    result = run("batch", "clients.csv", *DATE)
    assert result.exit_code == 1
    assert result.output == (
        "Error: clients.csv: no column gives the client's name (columns found: 'Email', "
        "'Service'); rename the column that holds the client's name to 'Name'; known name "
        "columns: Name, Client, Client Name, Full Name, Customer, Patient, Guest, Invitee "
        "Name, or First Name and Last Name\n"
    )
    assert not OUT.exists()


def test_rows_without_topic_need_a_topic(run):
    write_csv("Name\nAna Silva\n")
    result = run("batch", "clients.csv", *DATE)
    assert result.exit_code == 1
    assert "Error: row 2: no topic; fill in the Topics column or give --topic" in result.output


# --- Resume, force, duplicates, dry run --------------------------------------------------


def test_rerun_skips_what_exists_and_force_rewrites(run):
    write_csv("Name,Topics\nAna Silva,glutes\nBen Okafor,glutes\n")
    assert run("batch", "clients.csv", "-j", "1", *DATE).exit_code == 0
    first = {p.name: p.stat().st_mtime_ns for p in OUT.iterdir()}
    again = run("batch", "clients.csv", "-j", "1", *DATE)
    assert again.output == "0 written, 2 skipped (already there), 0 failed in handouts-out\n"
    assert {p.name: p.stat().st_mtime_ns for p in OUT.iterdir()} == first
    forced = run("batch", "clients.csv", "-j", "1", "--force", *DATE)
    assert forced.output == "2 written, 0 skipped (already there), 0 failed in handouts-out\n"
    assert all(p.stat().st_mtime_ns != first[p.name] for p in OUT.iterdir())


def test_same_client_twice_gets_two_files(run):
    write_csv(
        "Name,Topics,Therapist Note\n"
        "Ana Silva,glutes,Morning visit\nAna Silva,glutes,Evening visit\n"
    )
    assert run("batch", "clients.csv", "-j", "1", *DATE).exit_code == 0
    assert written() == ["2026-11-25_ana-silva_glutes-2.pdf", "2026-11-25_ana-silva_glutes.pdf"]
    assert "Morning visit" in pdf_text(OUT / "2026-11-25_ana-silva_glutes.pdf")
    assert "Evening visit" in pdf_text(OUT / "2026-11-25_ana-silva_glutes-2.pdf")


def test_dry_run_writes_nothing(run):
    write_csv("Name,Topics\nAna Silva,glutes\n,glutes\n")
    result = run("batch", "clients.csv", "--dry-run", *DATE)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: row 3: no name; fill in the Name column",
        "Profile: none (the neutral default; `takehome init` makes one)",
        "Notes: no note column; the handouts carry no personal note.",
        f"row 2: would write {OUT / '2026-11-25_ana-silva_glutes.pdf'} (glutes)",
        "row 3: not made (its error is listed with the errors)",
        "Dry run: 1 to write, 0 skipped (already there), 1 failed",
    ]
    assert not OUT.exists()


# --- Real processes: parallel workers, kill -9 ---------------------------------------


def _many_clients(path: Path, count: int) -> None:
    lines = ["Name,Topics,Conditions,Therapist Note"]
    for i in range(count):
        topic, condition = ("glutes", "sciatica") if i % 2 else ("neck-shoulders", "desk-posture")
        lines.append(f"Client {i:03d},{topic},{condition},Note for visit {i}.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _batch(cwd: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SCRIPT), "batch", "clients.csv", *DATE, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        **kwargs,
    )


def test_two_jobs_write_the_same_files_as_one(tmp_path):
    results = {}
    for jobs in ("1", "2"):
        folder = tmp_path / f"jobs{jobs}"
        folder.mkdir()
        _many_clients(folder / "clients.csv", 3)
        done = _batch(folder, "--jobs", jobs)
        assert done.returncode == 0, done.stderr
        assert done.stdout == "3 written, 0 skipped (already there), 0 failed in handouts-out\n"
        results[jobs] = {p.name: pdf_text(p) for p in sorted((folder / "handouts-out").iterdir())}
    assert len(results["1"]) == 3
    assert results["1"] == results["2"]


def _start_batch(
    tmp_path: Path, clients: int, until_pdfs: int = 1, env: dict | None = None
) -> subprocess.Popen:
    """Start a real two-worker batch in its own process group; return once it has
    written ``until_pdfs`` handouts (so a signal lands mid-batch)."""
    _many_clients(tmp_path / "clients.csv", clients)
    out = tmp_path / "handouts-out"
    process = subprocess.Popen(
        [str(SCRIPT), "batch", "clients.csv", *DATE, "--jobs", "2"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env=env,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if out.exists() and len(list(out.glob("*.pdf"))) >= until_pdfs:
            break
        time.sleep(0.02)
    return process


def _group_ends(process: subprocess.Popen, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


def test_killed_batch_leaves_no_partial_pdf_and_rerun_completes(tmp_path):
    out = tmp_path / "handouts-out"
    process = _start_batch(tmp_path, 8, until_pdfs=2)
    os.killpg(process.pid, signal.SIGKILL)  # the batch and its workers, mid-write
    process.communicate()

    finished = list(out.glob("*.pdf"))
    assert 2 <= len(finished) < 8, "kill the batch while it is still working"
    for pdf in finished:
        data = pdf.read_bytes()
        assert data.rstrip().endswith(b"%%EOF")
        assert len(pdf_reader(data).pages) >= 1

    rerun = _batch(tmp_path, "--jobs", "2")
    assert rerun.returncode == 0, rerun.stderr
    assert rerun.stdout == (
        f"{8 - len(finished)} written, {len(finished)} skipped (already there), "
        "0 failed in handouts-out\n"
    )
    assert len(list(out.glob("*.pdf"))) == 8
    assert list(out.glob(".*.part")) == []  # temp files of the killed run are cleaned up


def test_ctrl_c_stops_the_workers_cleanly(tmp_path):
    out = tmp_path / "handouts-out"
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = _start_batch(tmp_path, 200, env={**os.environ, "TMPDIR": str(temp)})
    os.killpg(process.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C
    stdout, stderr = process.communicate(timeout=60)
    assert list(temp.glob("weasyprint-*")) == []  # the workers' font folders go too

    assert process.returncode == 130
    finished = len(list(out.glob("*.pdf")))
    assert 1 <= finished < 200
    assert stdout == f"Interrupted: {finished} written, 0 skipped (already there), 0 failed\n"
    assert stderr == "Run the same command again to finish the rest.\n"
    assert list(out.glob(".*.part")) == []
    assert _group_ends(process, 0.5)  # no worker outlives the batch


@pytest.mark.parametrize("signals", [("INT", "INT"), ("TERM",)], ids=["ctrl-c-twice", "sigterm"])
def test_a_second_ctrl_c_or_sigterm_still_stops_cleanly(tmp_path, signals):
    process = _start_batch(tmp_path, 200)
    for name in signals:
        if name == "INT":
            os.killpg(process.pid, signal.SIGINT)  # the terminal signals the whole group
        else:
            os.kill(process.pid, signal.SIGTERM)  # e.g. a service manager, the parent only
        time.sleep(0.05)
    stdout, stderr = process.communicate(timeout=60)

    # 128 + the signal's number, as a shell reports it: 130 for Ctrl-C, 143 for SIGTERM.
    assert process.returncode == (130 if signals[0] == "INT" else 143), stderr
    assert stdout.startswith("Interrupted: ")
    assert "Traceback" not in stderr
    assert list((tmp_path / "handouts-out").glob(".*.part")) == []
    assert _group_ends(process)


def test_workers_end_when_the_batch_is_killed(tmp_path):
    process = _start_batch(tmp_path, 200)
    os.kill(process.pid, signal.SIGKILL)  # the parent only: it cannot clean up
    process.communicate()
    assert _group_ends(process)


def test_a_booking_system_export_with_a_title_row(run):
    write_csv(
        "Appointments 25 Nov 2026,,,,,\n"
        "Appointment Date,Client First Name,Client Last Name,Client Email,Service Name,Staff\n"
        "2026-11-25,Ana,Silva,ana@example.com,Glute Massage 60 min,Sam\n"
    )
    assert planned(run) == ["2026-11-25_ana-silva_glutes.pdf"]


def test_an_unclosed_quote_is_an_error_not_a_swallowed_row(run):
    write_csv('Name,Topics,Therapist Note\nAna Silva,glutes,"unterminated\nBen Okafor,glutes,x\n')
    result = run("batch", "clients.csv", *DATE)
    assert result.exit_code == 1
    assert result.output.startswith("Error: clients.csv: line 3: not readable as CSV")
    assert not OUT.exists()


def test_a_file_mixing_utf8_and_cp1252_is_refused(run):
    Path("clients.csv").write_bytes(
        "Name,Topics\nZoë Núñez,glutes\n".encode() + "Renée,glutes\n".encode("cp1252")
    )
    result = run("batch", "clients.csv", *DATE)
    assert result.exit_code == 1
    assert result.output.startswith("Error: clients.csv: line(s) 3 are not UTF-8 but the rest")


def test_utf16_unicode_text_export(run):
    Path("clients.csv").write_bytes("Name\tTopics\nZoë Núñez\tglutes\n".encode("utf-16"))
    assert planned(run) == ["2026-11-25_zoë-núñez_glutes.pdf"]


def test_one_column_names_may_hold_commas(run):
    write_csv("Name\nSilva, Ana\n")
    assert planned(run, "--topic", "glutes") == ["2026-11-25_ana-silva_glutes.pdf"]
    assert planned(run, "--topic", "glutes", "--name-order", "first-last") == [
        "2026-11-25_silva-ana_glutes.pdf"
    ]


def test_a_header_without_rows_is_one_clear_error(run):
    write_csv("Name,Topics\n")
    result = run("batch", "clients.csv", *DATE)
    assert result.output == (
        "Error: clients.csv: has a header but no client rows; export the day's list again\n"
    )


@pytest.mark.weasyprint_warnings_expected
def test_unprintable_characters_are_not_shown_on_screen(run):
    write_csv("Name,Topics\nAna \U00013000 Silva,glutes\n")
    result = run("batch", "clients.csv", "-j", "1", *DATE)
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == (
        "Warning: row 2: no installed font can print these characters in this client's "
        "details; install a font that has them"
    )
    assert "\U00013000" not in result.output


def test_an_unwritable_output_folder_is_one_error(run, tmp_path):
    write_csv("Name,Topics\nAna Silva,glutes\nBen Okafor,glutes\n")
    Path("blocked").write_text("a file, not a folder")
    result = run("batch", "clients.csv", "--out", "blocked/out", *DATE)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "Error: --out blocked/out: cannot create it (Not a directory); choose another folder"
    ]


# --- A re-run never skips a handout made from other details ---------------------------


def test_a_changed_row_is_made_again_and_the_summary_says_so(run):
    write_csv("Name,Topics,Therapist Note\nAna Silva,glutes,Walk daily.\nBen Okafor,glutes,Rest.\n")
    assert run("batch", "clients.csv", "-j", "1", *DATE).exit_code == 0
    ben = (OUT / "2026-11-25_ben-okafor_glutes.pdf").read_bytes()
    write_csv(
        "Name,Topics,Therapist Note\n"
        "Ana Silva,glutes,Stretch twice a day.\nBen Okafor,glutes,Rest.\n"
    )
    dry = run("batch", "clients.csv", "-j", "1", "--dry-run", *DATE)
    assert dry.output.splitlines()[1:3] == [
        "Notes: the 'Therapist Note' column is printed as your note.",
        f"row 2: would write {OUT / '2026-11-25_ana-silva_glutes.pdf'} (glutes) "
        "(the file there was made from other details)",
    ]
    again = run("batch", "clients.csv", "-j", "1", *DATE)
    assert again.exit_code == 0
    assert again.output == (
        "1 written (1 made again: their row changed), 1 skipped (already there), "
        "0 failed in handouts-out\n"
    )
    text = pdf_text(OUT / "2026-11-25_ana-silva_glutes.pdf")
    assert "Stretch twice a day." in text and "Walk daily." not in text
    assert (OUT / "2026-11-25_ben-okafor_glutes.pdf").read_bytes() == ben


def test_two_clients_of_one_name_in_another_order_get_their_own_files(run):
    one, two = "Anna Smith,glutes,sciatica,Pregnant: 20 weeks.", "Anna Smith,glutes,,"
    write_csv(f"Name,Topics,Conditions,Therapist Note\n{one}\n{two}\n")
    assert run("batch", "clients.csv", "-j", "1", *DATE).exit_code == 0
    write_csv(f"Name,Topics,Conditions,Therapist Note\n{two}\n{one}\n")  # sorted another way
    again = run("batch", "clients.csv", "-j", "1", *DATE)
    assert again.output.startswith("2 written (2 made again: their row changed), 0 skipped")
    first, second = (OUT / f"2026-11-25_anna-smith_glutes{n}.pdf" for n in ("", "-2"))
    assert "20 weeks" not in pdf_text(first)  # row 2 is now the Anna Smith without a note
    assert "20 weeks" in pdf_text(second)


def test_a_file_of_the_same_name_that_is_not_a_takehome_pdf_is_kept(run):
    OUT.mkdir()
    theirs = OUT / "2026-11-25_ana-silva_glutes.pdf"
    theirs.write_bytes(b"%PDF-1.7 not really")
    write_csv("Name,Topics\nAna Silva,glutes\n")
    result = run("batch", "clients.csv", "-j", "1", *DATE)
    assert result.output.splitlines()[-1].startswith("1 written, 0 skipped")
    assert theirs.read_bytes() == b"%PDF-1.7 not really"  # not ours to replace
    assert "Prepared for Ana Silva" in pdf_text(OUT / "2026-11-25_ana-silva_glutes-2.pdf")


# --- Only regular files are read, and only so much -------------------------------------


def _limited(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    # A time and a memory cap: before the fix, /dev/zero was read until memory
    # ran out and a FIFO waited for a writer forever.
    def cap_memory():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    return subprocess.run(
        [str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        cwd=cwd,
        preexec_fn=cap_memory,
    )


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_device_or_fifo_is_refused_without_reading_it(tmp_path, kind):
    path = Path("/dev/zero")
    if kind == "fifo":
        path = tmp_path / "clients.csv"
        os.mkfifo(path)
    done = _limited("batch", str(path), *DATE, cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: {path}: is not a regular file (a pipe or device?); save a client list "
        "as a file and give its path\n"
    )


def test_a_client_list_over_20_mb_is_refused(run):
    path = Path("clients.csv")
    with path.open("wb") as handle:
        handle.write(b"Name,Topics\n")
        handle.truncate(20 * 1024 * 1024 + 1)  # sparse: no real 20 MB written
    result = run("batch", "clients.csv", *DATE)
    assert result.exit_code == 1
    assert result.output == (
        "Error: clients.csv: is larger than 20 MB, more than a client list can be; "
        "check that this is the right file\n"
    )


# --- Leftovers ------------------------------------------------------------------------


def test_workers_leave_no_temporary_font_folders(tmp_path):
    temp = tmp_path / "tmp"
    temp.mkdir()
    _many_clients(tmp_path / "clients.csv", 6)
    done = _batch(tmp_path, "--jobs", "2", env={**os.environ, "TMPDIR": str(temp)})
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "handouts-out").glob("*.pdf"))) == 6
    assert list(temp.iterdir()) == []  # no weasyprint-* folder of font copies left behind


def test_a_stopped_batch_leaves_no_temporary_font_folders(tmp_path):
    # SIGTERM to the whole group (Ctrl-C's case is in test_ctrl_c_stops_the_workers_cleanly).
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = _start_batch(tmp_path, 200, env={**os.environ, "TMPDIR": str(temp)})
    os.killpg(process.pid, signal.SIGTERM)  # the batch and its workers alike
    process.communicate(timeout=60)
    assert _group_ends(process)
    assert list(temp.glob("weasyprint-*")) == []


def test_workers_end_and_clean_up_when_the_batch_is_killed_as_they_start(tmp_path):
    # The parent dies before a worker has asked the kernel to be told of it:
    # the worker must notice by itself, not wait for work forever.
    temp = tmp_path / "tmp"
    temp.mkdir()
    _many_clients(tmp_path / "clients.csv", 12)
    for _ in range(3):  # bounded: three races
        process = subprocess.Popen(
            [str(SCRIPT), "batch", "clients.csv", *DATE, "--jobs", "2", "--force"],
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "TMPDIR": str(temp)},
        )
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                if children.read_text().split():
                    break
            time.sleep(0.001)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        assert _group_ends(process, 20)
    assert list(temp.glob("weasyprint-*")) == []


def test_a_handout_made_by_hand_is_never_replaced_by_a_batch(run):
    made = run(
        "make",
        "glutes",
        "--client",
        "Ben Okafor",
        "--condition",
        "sciatica",
        "--note",
        "Try the figure-4 stretch.",
        *DATE,
    )
    assert made.exit_code == 0, made.output
    mine = OUT / "2026-11-25_ben-okafor_glutes.pdf"
    before = mine.read_bytes()
    write_csv("Name,Service\nBen Okafor,Glute Massage 60 min\n")
    result = run("batch", "clients.csv", "-j", "1", *DATE)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Note: row 2: 2026-11-25_ben-okafor_glutes.pdf was made by hand or by an earlier "
        "version of takehome from other details and is kept (--force replaces it); this "
        "row's handout is 2026-11-25_ben-okafor_glutes-2.pdf",
        "1 written, 0 skipped (already there), 0 failed in handouts-out",
    ]
    assert mine.read_bytes() == before and "Try the figure-4 stretch." in pdf_text(mine)
    again = run("batch", "clients.csv", "-j", "1", *DATE)
    assert again.output.splitlines()[-1] == (
        "0 written, 1 skipped (already there), 0 failed in handouts-out"
    )
    # A batch's own earlier version of a row is what a changed row replaces.
    write_csv("Name,Service,Therapist Note\nBen Okafor,Glute Massage 60 min,Rest.\n")
    changed = run("batch", "clients.csv", "-j", "1", *DATE)
    assert changed.output.splitlines()[-1] == (
        "1 written (1 made again: their row changed), 0 skipped (already there), 0 failed "
        "in handouts-out"
    )
    assert sorted(p.name for p in OUT.glob("*.pdf")) == [
        "2026-11-25_ben-okafor_glutes-2.pdf",
        "2026-11-25_ben-okafor_glutes.pdf",
    ]
    assert mine.read_bytes() == before
