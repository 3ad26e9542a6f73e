"""Real booking exports (tests/data/exports, with their evidence): what each row becomes.

Planned with --dry-run: parsing and matching only, nothing rendered.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import pdf_text
from takehome.cli import cli
from takehome.imports.clients_csv import ReadRules, read_clients_csv
from takehome.model.topic import TopicLibrary

EXPORTS = Path(__file__).parent / "data" / "exports"

# file -> (extra options, written files, rows skipped as not held, rows failed)
EXPECTED = {
    "acuity.csv": (
        (),
        [
            "2025-03-14_dana-whitfield_swedish.pdf",
            "2025-03-14_luis-ortega_neck-shoulders.pdf",
            "2025-03-14_priya-nair_glutes.pdf",
        ],
        [],
        [],
    ),
    "calendly.csv": (
        (),
        ["2026-05-04_maya-thornton_swedish.pdf", "2026-05-04_owen-patel_glutes.pdf"],
        [4, 5],
        [],
    ),
    "fresha.csv": (
        (),
        [
            "2026-05-04_ana-souza_deep-tissue.pdf",
            "2026-05-04_maya-thornton_glutes.pdf",
            "2026-05-04_owen-patel_neck-shoulders.pdf",
        ],
        [4, 5],
        [],
    ),
    "janeapp.csv": (
        (),
        ["2025-03-14_dana-whitfield_glutes.pdf", "2025-03-14_luis-ortega_neck-shoulders.pdf"],
        [4, 5],
        [],
    ),
    "vagaro.csv": (
        (),
        [
            "2025-03-14_ana-souza_deep-tissue.pdf",
            "2025-03-14_dana-whitfield_glutes.pdf",
            "2025-03-14_luis-ortega_neck-shoulders.pdf",
        ],
        [5, 6],
        [],
    ),
    "simplepractice.csv": (
        ("--topic", "glutes"),  # a billing code is never taken for a service
        ["2026-05-04_ana-souza_glutes.pdf", "2026-05-04_maya-thornton_glutes.pdf"],
        [],
        [],
    ),
    "clinicsense.csv": (
        (),
        ["2026-05-04_maya-thornton_glutes.pdf", "2026-05-04_owen-patel_swedish.pdf"],
        [],
        [],
    ),
}


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_researched_export_gives_the_expected_handouts(run, name):
    options, written, not_held, failed = EXPECTED[name]
    shutil.copy(EXPORTS / name, name)
    result = run("batch", name, "--dry-run", *options)
    lines = result.output.splitlines()
    planned = sorted(
        Path(line.split(" would write ", 1)[1].split(" (")[0]).name
        for line in lines
        if " would write " in line
    )
    assert planned == written, result.output
    skipped = [int(line.split(":")[0][4:]) for line in lines if ": skipped: " in line]
    assert skipped == not_held, result.output
    errors = [int(line.split(":")[1][5:]) for line in lines if line.startswith("Error: row ")]
    assert errors == failed, result.output
    assert not Path("handouts-out").exists()


def test_booking_notes_are_never_printed_as_the_therapists():
    for name in ("acuity.csv", "calendly.csv", "vagaro.csv"):
        table = read_clients_csv(EXPORTS / name)
        assert table.note_column is None
        assert all(row.client is None or row.client.note is None for row in table.rows)
    assert read_clients_csv(EXPORTS / "vagaro.csv").unprinted_notes == "Booking Note"


def test_the_dry_run_says_which_column_gave_the_notes(run):
    shutil.copy(EXPORTS / "vagaro.csv", "v.csv")
    result = run("batch", "v.csv", "--dry-run")
    assert (
        "Notes: the 'Booking Note' column is the booking system's and is not printed (if it "
        'is written for your clients, --note-column "Booking Note" prints it).'
    ) in result.output.splitlines()
    chosen = run("batch", "v.csv", "--dry-run", "--note-column", "Booking Note")
    assert "Notes: the 'Booking Note' column is printed as your note." in chosen.output
    missing = run("batch", "v.csv", "--dry-run", "--note-column", "Remarks")
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: --note-column 'Remarks': not in v.csv")


def test_staff_keeps_one_therapists_rows(run):
    shutil.copy(EXPORTS / "fresha.csv", "f.csv")
    result = run("batch", "f.csv", "--dry-run", "--staff", "jordan")
    assert result.output.splitlines()[-1] == (
        "Dry run: 3 to write, 0 skipped (already there), 2 for other staff, 0 failed"
    )
    assert run("batch", "f.csv", "--dry-run", "--staff", "Lee, Jordan").output == result.output
    none = run("batch", "f.csv", "--dry-run", "--staff", "Nobody")
    assert none.exit_code == 1 and none.output == (
        "Error: --staff Nobody: no appointment of this therapist; staff in the list: "
        "Jordan Lee; Sam Rivera\n"
    )
    Path("two.csv").write_text(
        "Client,Service,Staff\nAna,Glute Massage,Sam Rivers\nBen,Glute Massage,Sam Rivera\n"
    )
    both = run("batch", "two.csv", "--dry-run", "--staff", "sam")
    assert both.output == (
        "Error: --staff sam: could be Sam Rivera; Sam Rivers; give the full name\n"
    )
    # A Jane-style staff cell with a credential, a surname alone, and who signs the note.
    Path("jane.csv").write_text(
        "Patient,Treatment,Staff Member,Therapist Note\n"
        '"Okafor, Ben",Glute Massage,"Lee, Jordan RMT",Walk daily.\n'
        '"Silva, Ana",Glute Massage,"Nair, Priya, RMT",Stretch twice.\n'
    )
    for wanted in ("Jordan Lee", "Lee", "Lee, Jordan, RMT"):
        one = run("batch", "jane.csv", "--dry-run", "--staff", wanted)
        assert one.exit_code == 0, one.output
        assert "Staff: only the appointments of Jordan Lee, RMT." in one.stdout
        assert "row 3: another therapist's: Priya Nair, RMT" in one.stdout
    shutil.copy(EXPORTS / "simplepractice.csv", "s.csv")
    Path("plain.csv").write_text("Name,Service\nAna,Glute Massage\n")
    no_column = run("batch", "plain.csv", "--dry-run", "--staff", "Sam")
    assert no_column.exit_code == 1
    assert no_column.output.startswith("Error: --staff: the client list has no staff column")


def test_a_cancelled_row_is_never_emailed(run):
    shutil.copy(EXPORTS / "fresha.csv", "f.csv")
    rows = Path("f.csv").read_text().splitlines()
    header = rows[0] + ",Email"
    body = [f"{row},client{i}@example.com" for i, row in enumerate(rows[1:], start=2)]
    Path("f.csv").write_text("\n".join([header, *body]) + "\n")
    result = run("send", "--csv", "f.csv", "--jobs", "1")
    assert "row 4: Status: Cancelled; not sent" in result.output
    assert "row 5: Status: No Show; not sent" in result.output
    assert not list(Path("handouts-out").glob("*lena-fischer*"))
    assert not list(Path("handouts-out").glob("*tom-becker*"))


def test_a_service_with_a_comma_is_matched_whole_first(run):
    Path("c.csv").write_text('Name,Service\nAna Silva,"Glute Massage, 60 Minutes"\n')
    result = run("batch", "c.csv", "--dry-run", "--date", "2026-11-25")
    assert "2026-11-25_ana-silva_glutes.pdf (glutes)" in result.output


def test_last_first_names(run):
    Path("n.csv").write_text(
        'Client,Service\n"Silva, Ana",Glute Massage\n"Okafor, Ben, Jr.",Glute Massage\n'
        '"Lee, Jr.",Glute Massage\n'
    )
    table = read_clients_csv(Path("n.csv"))
    assert [row.client.name for row in table.rows] == ["Ana Silva", "Okafor, Ben, Jr.", "Lee, Jr."]
    forced = read_clients_csv(Path("n.csv"), rules=ReadRules(name_order="first-last"))
    assert forced.rows[0].client.name == "Silva, Ana"


def test_day_first_dates_are_recognised_by_the_column():
    from takehome.imports.clients_csv import _date_reader

    read = _date_reader(["25/11/2026", "03/12/2026"])
    assert str(read("03/12/2026")) == "2026-12-03"
    read = _date_reader(["11/25/2026", "03/12/2026"])
    assert str(read("03/12/2026")) == "2026-03-12"


def _with_unknown_service(name: str, target: str) -> None:
    # A service no built-in topic covers, in place of the export's Deep Tissue.
    text = (EXPORTS / name).read_text(encoding="utf-8")
    Path(target).write_text(text.replace("Deep Tissue Massage", "Reflexology 60"))


def test_services_lists_the_menu_and_the_lines_to_add(run):
    _with_unknown_service("fresha.csv", "f.csv")
    known = ", ".join(TopicLibrary().keys())
    listing = run("services", "f.csv")
    assert listing.exit_code == 0, listing.output
    lines = listing.output.splitlines()
    assert lines[0].split() == ["Glute", "Massage", "1", "row", "->", "glutes"]
    assert lines[2].endswith("-> not mapped")
    assert lines[-2:] == [
        "To map the others, create a profile with `takehome init`, then run one line per "
        f'service with its topic ({known}; two topics: "glutes, neck-shoulders"):',
        '  takehome config set "services.Reflexology 60" TOPIC',
    ]
    assert run("init", "--no-input", "--name", "Harbour Massage", ".").exit_code == 0
    wrong = run("config", "set", "services.Reflexology 60", "reflexology")
    assert wrong.exit_code == 1 and wrong.output == (
        f"Error: services.Reflexology 60: unknown topic 'reflexology'; known topics: {known}\n"
    )
    # The line as printed, with the topics filled in; case and spacing as the list has them.
    run("config", "set", "services.reflexology  60", "glutes")
    done = run("config", "set", "services.Reflexology 60", "glutes, neck-shoulders")
    assert done.output.startswith('Set services.Reflexology 60 = ["glutes", "neck-shoulders"] in ')
    assert (
        Path("takehome.toml")
        .read_text()
        .endswith('[services]\n"Reflexology 60" = ["glutes", "neck-shoulders"]\n')
    )
    mapped = run("services", "f.csv")
    assert "-> glutes, neck-shoulders ([services])" in mapped.output
    assert "1 row" in mapped.output and "To map the others" not in mapped.output
    planned = run("batch", "f.csv", "--dry-run")
    assert "2026-05-04_ana-souza_glutes-neck-shoulders.pdf" in planned.output
    assert planned.output.splitlines()[-1].endswith("0 failed")


def test_the_menu_default_is_never_silent(run):
    _with_unknown_service("vagaro.csv", "v.csv")
    Path("takehome.toml").write_text('[services]\n"*" = "glutes"\n')
    result = run("batch", "v.csv", "--dry-run")
    assert (
        "Note: row 7: 'Reflexology 60' is not in [services]; it gets the default topic glutes"
    ) in result.output.splitlines()
    listing = run("services", "v.csv")
    assert "Reflexology 60" in listing.output and 'services.Reflexology 60" TOPIC' in (
        listing.output
    )


def test_a_menu_naming_no_topic_is_caught(run):
    shutil.copy(EXPORTS / "fresha.csv", "f.csv")
    Path("takehome.toml").write_text('[services]\n"Deep Tissue Massage" = "deep-tisue"\n')
    checked = run("check")
    assert checked.exit_code == 1
    assert "[services]: 'Deep Tissue Massage' maps to unknown topic 'deep-tisue'" in (
        checked.output
    )
    planned = run("batch", "f.csv", "--dry-run")
    assert "Error: row 6: [services]: 'Deep Tissue Massage' maps to unknown topic" in (
        planned.output
    )
    bad = Path("takehome.toml")
    bad.write_text('[services]\n"Hot Stone" = "Hot Stone"\n')
    assert "is not a topic key" in run("check").output


def _xlsx(path: Path, rows: list[list[str]]) -> None:
    """A minimal .xlsx (inline strings), as a booking system's Excel export would be."""
    import zipfile
    from xml.sax.saxutils import escape

    def column(index: int) -> str:
        return chr(ord("A") + index)

    cells = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{column(c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            for c, value in enumerate(row)
        )
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxml'
            'formats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
            'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/officeDocument"'
            ' Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Appointments" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="rId1" Type="{rel}/worksheet"'
            ' Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData>{cells}</sheetData></worksheet>',
        )


def test_an_excel_export_is_read_directly(run):
    _xlsx(
        Path("day.xlsx"),
        [
            ["Appointments for 25 Nov 2026"],
            ["Appointment Date", "Customer", "Service", "Status"],
            ["11/25/2026", "Okafor, Ben", "Glute Massage", "Confirmed"],
            ["11/25/2026", "Zoë Núñez", "Neck & Shoulder Massage", "No Show"],
        ],
    )
    result = run("batch", "day.xlsx", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2026-11-25_ben-okafor_glutes.pdf (glutes)" in result.output
    assert "row 4: skipped: Status: No Show" in result.output
    Path("broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    broken = run("batch", "broken.xlsx", "--dry-run")
    assert broken.exit_code == 1
    assert broken.output.startswith("Error: broken.xlsx: not a readable spreadsheet")


def test_a_cyrillic_excel_csv_is_detected_not_garbled(run):
    Path("c.csv").write_bytes("Name,Topics\nОлена Коваленко,glutes\n".encode("cp1251"))
    result = run("batch", "c.csv", "--dry-run", "--date", "2026-11-25")
    assert result.output.splitlines()[0] == (
        "Warning: c.csv: not UTF-8, so read as Windows-1251 (Cyrillic) (detected); if names "
        "look wrong, save the file as 'CSV UTF-8' or give its encoding with --encoding"
    )
    assert "2026-11-25_олена-коваленко_glutes.pdf" in result.output


def test_a_name_with_lost_letters_is_warned_about(run):
    Path("q.csv").write_text("Name,Topics\nZo? N??ez,glutes\n")
    result = run("batch", "q.csv", "--dry-run", "--date", "2026-11-25")
    assert (
        "Warning: row 2: Name: has '?' where letters may have been lost (Excel's plain CSV "
        "keeps only one alphabet); export the list as 'CSV UTF-8'"
    ) in result.output.splitlines()


def _rows(text: str, **kwargs):
    path = Path("t.csv")
    path.write_text(text)
    return read_clients_csv(path, **kwargs)


def test_status_rules_from_review(run):
    table = _rows(
        "Client,Email,City,State,Service,Status,Canceled,No Show\n"
        "Ana Silva,a@example.com,Austin,TX,glutes,Cancelled,,\n"  # the real Status wins
        "Ben Okafor,b@example.com,Austin,TX,glutes,Confirmed - cancellation list,,\n"
        "Cy Diaz,c@example.com,Austin,TX,glutes,Not cancelled,,\n"
        "Di Fox,d@example.com,Austin,TX,glutes,DNA,,\n"
        "Ed Gray,e@example.com,Austin,TX,glutes,Confirmed,2026-05-03 10:00,\n"  # a date: yes
        "Fi Hale,f@example.com,Austin,TX,glutes,Confirmed,,✓\n"
        "Gus Ives,g@example.com,Austin,TX,glutes,Confirmed,FALSE,no\n"
        "Hal Jay,h@example.com,Austin,TX,glutes,Waitlist,,\n"
    )
    held = {row.client.name: row.not_held for row in table.rows}
    assert held == {
        "Ana Silva": "Status: Cancelled",
        "Ben Okafor": None,
        "Cy Diaz": None,
        "Di Fox": "Status: DNA",
        "Ed Gray": "Canceled: 2026-05-03 10:00",
        "Fi Hale": "No Show: ✓",
        "Gus Ives": None,
        "Hal Jay": None,
    }
    assert any("'Waitlist'" in w and "not statuses takehome knows" in w for w in table.warnings)


def test_headers_dates_and_names_from_review(run):
    table = _rows(
        "Appointment Report\nClient:,All\n\n"
        "Date,Client,Practitioner,Primary Service\n"
        '"Tue, May 5, 2026 3:00 PM","Silva, Ana, CMT",Jordan Lee,Glute Massage\n'
        '"Thursday, May 7, 2026","王, 小明",Jordan Lee,Glute Massage\n'
        '2026-05-05T09:00:00,"Park, Joe",Jordan Lee,Glute Massage\n'
    )
    assert [row.client.name for row in table.rows] == ["Silva, Ana, CMT", "王, 小明", "Joe Park"]
    assert [str(row.date) for row in table.rows] == ["2026-05-05", "2026-05-07", "2026-05-05"]
    uk = _rows("Date,Client,Service\n04/05/2026,Ana Silva,glutes\n")
    assert str(uk.rows[0].date) == "2026-04-05"
    assert any("could be month/day or day/month" in w for w in uk.warnings)
    assert in_name_order_of("Silva, Ana") == "Ana Silva"


def in_name_order_of(name: str) -> str:
    from takehome.imports.clients_csv import in_name_order

    return in_name_order(name, "auto")


def test_a_list_without_a_header_never_shows_its_first_row(run):
    Path("nohdr.csv").write_text("Ana Silva,ana@example.com,glutes,sciatica\n")
    result = run("batch", "nohdr.csv", "--dry-run")
    assert result.exit_code == 1
    assert "Ana" not in result.output and "sciatica" not in result.output
    assert "its first row has 4 cell(s), none a known name column" in result.output


def test_the_profile_sets_the_note_column_and_name_and_date_order_once(run):
    Path("day.csv").write_text(
        "Date,Client,Service,Message for Client,Notes\n"
        '04/05/2026,"Silva, Ana",Glute Massage,Walk after work.,Running late sorry\n'
    )
    Path("takehome.toml").write_text(
        '[clients]\nnote_column = "Message for Client"\nname_order = "first-last"\n'
        'date_order = "day-first"\n'
    )
    result = run("batch", "day.csv", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "Notes: the 'Message for Client' column is printed as your note." in result.stdout
    # 4 May, as the profile says, and no warning that the day could be either.
    assert "row 2: would write handouts-out/2026-05-04_silva-ana_glutes.pdf" in result.stdout
    assert "month/day" not in result.output
    # One run's flags win over the profile.
    flags = run("batch", "day.csv", "--dry-run", "--name-order", "auto", "--note-column", "Notes")
    assert "handouts-out/2026-05-04_ana-silva_glutes.pdf" in flags.stdout
    assert "Notes: the 'Notes' column is printed as your note." in flags.stdout
    # A file without the profile's column is read, with a warning rather than an error.
    Path("other.csv").write_text("Client,Service\nBo Chen,Glute Massage\n")
    other = run("batch", "other.csv", "--dry-run")
    assert other.exit_code == 0, other.output
    assert (
        "Warning: clients.note_column 'Message for Client': not in other.csv, so its rows "
        "carry no note (columns found: 'Client', 'Service')"
    ) in other.stderr.splitlines()


def test_config_shows_the_clients_settings_and_the_service_menu(run):
    assert "(none: `takehome services CLIENTS.csv` prints the lines to add)" in run("config").stdout
    Path("takehome.toml").write_text(
        '[clients]\ndate_order = "day-first"\n[services]\n'
        '"Deep \\"Tissue\\" 60" = ["glutes", "neck-shoulders"]\n"*" = "glutes"\n'
    )
    lines = run("config").stdout.splitlines()
    assert lines[lines.index("[clients]") + 3] == "  date_order = day-first"
    assert lines[lines.index("[services]") + 1 :] == [
        '  "Deep \\"Tissue\\" 60" = ["glutes", "neck-shoulders"]',
        '  "*" = "glutes"',
    ]
    changed = run("config", "set", "clients.date_order", "uk")
    assert changed.exit_code == 1
    assert "clients.date_order: input should be 'auto', 'month-first' or 'day-first'" in (
        changed.output
    )


def test_a_note_is_signed_by_the_appointments_therapist_not_the_profiles(run):
    Path("takehome.toml").write_text(
        '[practice]\nname = "Harbour Massage"\ntherapist = "Priya Nair"\ncredentials = "RMT"\n'
    )
    Path("day.csv").write_text(
        "Patient,Treatment,Staff Member,Therapist Note\n"
        '"Okafor, Ben",Glute Massage,"Lee, Jordan RMT",Walk daily.\n'
        '"Silva, Ana",Glute Massage,"Nair, Priya",Stretch twice.\n'
    )
    result = run("batch", "day.csv", "--date", "2026-11-27", "--jobs", "1")
    assert result.exit_code == 0, result.output
    ben = pdf_text(Path("handouts-out/2026-11-27_ben-okafor_glutes.pdf"))
    assert "Walk daily. Jordan Lee, RMT" in ben and "Priya" not in ben
    ana = pdf_text(Path("handouts-out/2026-11-27_ana-silva_glutes.pdf"))
    assert "Stretch twice. Priya Nair, RMT" in ana  # the profile's own name and credentials


def test_status_words_review_round_two(run):
    # Review: statuses of appointments that did not happen, in more systems' words.
    words = [
        "Therapist Cancelled", "Provider Cancelled", "Business Cancelled", "Void", "Voided",
        "Not Shown", "NS", "CXL", "Storniert", "Annulé", "Rejected", "Expired", "Removed",
        "Absent",
    ]  # fmt: skip
    rows = "".join(f"Client {i},Glute Massage,{word}\n" for i, word in enumerate(words))
    table = _rows("Name,Service,Status\n" + rows + "Held One,Glute Massage,Completed\n")
    assert [row.not_held for row in table.rows] == [f"Status: {w}" for w in words] + [None]
    many = _rows(
        "Name,Service,Status\n" + "".join(f"C {i},Glute Massage,Odd{i}\n" for i in range(8))
    )
    assert "'Odd0', 'Odd1', 'Odd2', 'Odd3', 'Odd4' and 3 more not statuses" in many.warnings[0]


def test_every_status_column_and_cancellation_mark_counts(run):
    table = _rows(
        "Name,Service,Status,Appointment Status,Cancelled At,Canceled By\n"
        "Ana Silva,Glute Massage,Paid,Cancelled,,\n"  # the first status column is payment
        "Ben Okafor,Glute Massage,Paid,Confirmed,2026-11-26 09:12,\n"
        "Cy Diaz,Glute Massage,Paid,Confirmed,,client\n"
        "Di Fox,Glute Massage,Paid,Confirmed,,\n"
    )
    assert [row.not_held for row in table.rows] == [
        "Appointment Status: Cancelled",
        "Cancelled At: 2026-11-26 09:12",
        "Canceled By: client",
        None,
    ]


def test_a_weeks_list_with_date_makes_that_day_and_says_so_without(run):
    Path("week.csv").write_text(
        "Name,Email,Service,Date\n"
        "Ana Silva,ana@example.com,Glute Massage,2026-11-27\n"
        "Bob Jones,bob@example.com,Glute Massage,2026-12-04\n"
        "Cy Po,cy@example.com,Glute Massage,\n"  # no date: the day asked for
    )
    day = run("batch", "week.csv", "--dry-run", "--date", "2026-11-27")
    assert day.exit_code == 0, day.output
    assert day.stdout.splitlines()[2:] == [
        "row 2: would write handouts-out/2026-11-27_ana-silva_glutes.pdf (glutes)",
        "row 3: another day's: 2026-12-04",
        "row 4: would write handouts-out/2026-11-27_cy-po_glutes.pdf (glutes)",
        "Dry run: 2 to write, 0 skipped (already there), 1 on other days, 0 failed",
    ]
    sent = run("send", "--csv", "week.csv", "--date", "2026-11-27", "-j", "1")
    assert "row 3: on another day (2026-12-04); not sent" in sent.output
    assert sorted(p.name for p in Path("handouts-out").glob("*.eml")) == [
        "2026-11-27_ana-silva_glutes.eml",
        "2026-11-27_cy-po_glutes.eml",
    ]
    warning = (
        "Warning: the list holds appointments on 2 days (2026-11-27 to 2026-12-04); each "
        "row's handout gets its own date; give --date YYYY-MM-DD to make one day's only"
    )
    whole = run("batch", "week.csv", "--dry-run")
    assert warning in whole.stderr.splitlines()
    unsent = run("send", "--csv", "week.csv", "-j", "1")
    assert unsent.stderr.splitlines().count(warning) == 1


def test_a_workbook_is_read_from_its_first_visible_sheet(run):
    # Its first sheet ("Old", last year's list) is hidden; "Today" is the one shown.
    shutil.copy(Path(__file__).parent / "data" / "hidden-first-sheet.xlsx", "book.xlsx")
    result = run("batch", "book.xlsx", "--dry-run", "--date", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert "row 2: would write handouts-out/2026-11-27_ana-silva_glutes.pdf (glutes)" in (
        result.stdout
    )
    assert "zed" not in result.output.casefold()
    assert (
        "Warning: book.xlsx: read the sheet 'Today' only (the workbook has 2 sheets); put the "
        "day's list on the first visible sheet"
    ) in result.stderr.splitlines()


def test_a_date_that_cannot_be_read_never_passes_as_the_day_asked_for(run):
    Path("week.csv").write_text(
        "Name,Email,Service,Date\n"
        "Ana Silva,ana@example.com,Glute Massage,2026/11/27\n"
        "Bob Jones,bob@example.com,Glute Massage,28-Nov-2026\n"
        "Cy Po,cy@example.com,Glute Massage,46354\n"  # a spreadsheet's day number
        "Di Lu,di@example.com,Glute Massage,next Friday\n"
        "Ed Roe,ed@example.com,Glute Massage,Cancellation list\n"
    )
    result = run("batch", "week.csv", "--dry-run", "--date", "2026-11-27")
    assert result.stdout.splitlines()[2:] == [
        "row 2: would write handouts-out/2026-11-27_ana-silva_glutes.pdf (glutes)",
        "row 3: another day's: 2026-11-28",
        "row 4: another day's: 2026-11-28",
        "row 5: not made (its error is listed with the errors)",
        "row 6: not made (its error is listed with the errors)",
        "Dry run: 1 to write, 0 skipped (already there), 2 on other days, 2 failed",
    ]
    assert (
        "Error: row 5: Date: 'next Friday' is not a date takehome can read, so it may be "
        "another day's; write it as 2026-11-27 in the list"
    ) in result.stderr.splitlines()
    status = _rows("Name,Service,Status\nEd Roe,Glute Massage,Cancellation list\n")
    assert status.rows[0].not_held is None
