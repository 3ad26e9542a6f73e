"""Handouts every client can read: tagged PDF/UA-1, large print, readable colours.

Each PDF is read back with real tools (tests/pdfcheck.py): two PDF/UA checkers,
the structure tree as a screen reader walks it, the size and colour of every
piece of text as printed, the links, the outline and the header's rule.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import itertools
import re
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import custom_templates, pdf_reader
from pdfcheck import (
    box_sizes,
    glyph_sizes,
    header_rule_and_text,
    last_page_used,
    link_uris,
    outline,
    overflow,
    pdf_ua_failures,
    structure,
    text_colours,
    text_runs,
)
from takehome.cli import cli
from takehome.imports.clients_csv import read_clients_csv as read_clients
from takehome.model.client import Client
from takehome.model.handout import build_handout
from takehome.model.practice import Practice
from takehome.render.contrast import BACKGROUNDS, MINIMUM, contrast, darker_shade
from takehome.render.options import RenderOptions
from takehome.render.pdf import Renderer

DATE = dt.date(2026, 11, 26)
BOOKING = "https://book.riverside.example/jordan"


def _logo() -> str:
    image = Image.new("RGB", (240, 80), "white")
    image.paste((47, 93, 98), (10, 10, 230, 70))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


BRANDED = Practice(
    name="Riverside Massage",
    therapist="Jordan Lee, RMT",
    phone="+1 555-0142",
    email="hello@riverside.example",
    website="riverside.example",
    address="12 River Road, Springfield",
    booking_link=BOOKING,
    logo_data_url=_logo(),
)


def _handout(topics=("glutes",), conditions=("pregnant",), name="Ana Silva", practice=BRANDED):
    client = Client.create(name, list(conditions), note="Try the stretch after work.")
    return build_handout(list(topics), client, practice=practice, date=DATE)


@pytest.fixture(scope="module")
def large():
    return Renderer(options=RenderOptions(large_print=True))


@pytest.fixture(scope="module")
def branded_pdf(renderer):
    return renderer.pdf(_handout()).data


@pytest.fixture(scope="module")
def large_pdf(large):
    return large.pdf(_handout()).data


# -- Tagged PDF/UA-1 ---------------------------------------------------------------------


def test_a_branded_handout_with_logo_and_qr_passes_both_pdf_ua_checkers(branded_pdf):
    assert pdf_ua_failures(branded_pdf) == []


def test_a_merged_handout_passes_both_pdf_ua_checkers(renderer):
    data = renderer.pdf(_handout(("glutes", "neck-shoulders"), ("pregnant", "sciatica"))).data
    assert pdf_ua_failures(data) == []


def test_a_large_print_handout_passes_both_pdf_ua_checkers(large_pdf):
    assert pdf_ua_failures(large_pdf) == []


def test_the_checkers_fail_an_untagged_handout():
    # The checkers are not a formality: the same handout untagged fails them.
    data = Renderer(options=RenderOptions(tagged=False)).pdf(_handout()).data
    failures = pdf_ua_failures(data)
    assert any("StructTreeRoot" in failure or "untagged" in failure for failure in failures)


def test_the_pdf_is_marked_with_its_language_title_and_structure(branded_pdf):
    with pikepdf.open(io.BytesIO(branded_pdf)) as pdf:
        assert "/StructTreeRoot" in pdf.Root
        assert pdf.Root.MarkInfo.Marked is True
        assert str(pdf.Root.Lang) == "en"
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
        assert str(pdf.docinfo.Title) == "Glute Massage for Ana Silva"
    with pikepdf.open(io.BytesIO(branded_pdf)) as pdf:
        alts = _figure_alts(pdf.Root.StructTreeRoot)
    # The logo of the first page's header, the stretches' figures, the QR code.
    from takehome.figures.library import FIGURES

    drawings = {figure.alt for figure in FIGURES.values()}
    assert [alt for alt in alts if alt not in drawings] == [
        "Riverside Massage logo",
        "QR code to book your next visit online; the link is printed beside it",
    ]
    assert len([alt for alt in alts if alt in drawings]) >= 1


def _figure_alts(node) -> list[str]:
    found = []
    if isinstance(node, pikepdf.Dictionary):
        if node.get("/S") == "/Figure":
            found.append(str(node.Alt))
        kids = node.get("/K")
        for kid in list(kids) if isinstance(kids, pikepdf.Array) else [kids]:
            found += _figure_alts(kid)
    return found


def test_a_screen_reader_hears_the_handout_in_reading_order(branded_pdf):
    tree = structure(branded_pdf)
    text = [(tag, words) for tag, words in tree if words]
    headings = [words for tag, words in text if tag in ("H1", "H2", "H3")]
    # The title first; each side heading before its text; the pregnancy box
    # after "During your massage", where it is printed.
    assert headings[0] == "Glute Massage"
    assert headings.index("Before your massage") < headings.index("During your massage")
    assert (
        headings.index("During your massage")
        < headings.index("For you: Pregnancy")
        < headings.index("After your massage")
    )
    order = [words for tag, words in text if tag in ("H1", "H2", "H3", "P", "LBody")]
    before = order.index("Before your massage")
    assert order[before + 1].startswith("If you have a fever"), order[before : before + 3]


def test_the_running_header_and_footer_are_artifacts_and_the_body_has_their_details(
    branded_pdf,
):
    tagged = structure(branded_pdf)[0][1]  # the whole tree's text, in reading order
    # The page margins are skipped by a screen reader; the first page's header
    # is read once, first ...
    assert "Page 1 of" not in tagged
    assert tagged.count("Prepared for Ana Silva on November 26, 2026") == 1
    assert tagged.index("Prepared for") < tagged.index("Glute Massage")
    # ... and the footer's contact details are in the tagged body.
    for detail in ("+1 555-0142", "hello@riverside.example", "riverside.example", "12 River Road"):
        assert detail in tagged, detail
    # The printed page still shows them.
    assert "Prepared for Ana Silva" in pdf_reader(branded_pdf).pages[0].extract_text()


def test_the_links_click_through(branded_pdf):
    uris = set(link_uris(branded_pdf))
    assert uris == {
        "tel:+15550142",
        "mailto:hello@riverside.example",
        "https://riverside.example",
        BOOKING,
    }


def test_the_outline_and_the_headings_put_the_note_and_warning_signs_at_the_top(renderer):
    data = renderer.pdf(_handout(("glutes", "neck-shoulders"), ("pregnant",))).data
    marks = outline(data)
    top = [title for level, title in marks if level == 1]
    assert top == [
        "Glute Massage",
        "Neck and Shoulder Massage",
        "A note from your therapist",
        "When to call your therapist or a doctor",
    ]
    assert (2, "Stretches and exercises at home") in marks
    assert (2, "For you: Pregnancy") in marks
    assert (3, "Call your midwife or doctor now, day or night, if you have:") in marks
    # A screen reader's list of headings has the same levels as the outline.
    levels = {"H1": 1, "H2": 2, "H3": 3}
    headings = [
        (levels[tag], re.sub(r"\s+", "", text)) for tag, text in structure(data) if tag in levels
    ]
    assert [(level, re.sub(r"\s+", "", title)) for level, title in marks] == headings


def test_a_continued_label_is_printed_but_not_read_aloud(renderer):
    # With no condition, the glute stretches run on to page 2.
    data = renderer.pdf(_handout(conditions=(), practice=Practice(phone="555-0142"))).data
    assert "(continued)" in pdf_reader(data).pages[1].extract_text()
    assert not [text for _, text in structure(data) if "(continued)" in text]
    assert pdf_ua_failures(data) == []


def test_a_decorative_template_image_is_an_artifact_and_a_described_one_a_figure(
    tmp_path, make_handout
):
    folder = _templates(
        tmp_path,
        '<img src="dot.png" alt=""><img src="dot.png" alt="  "><img src="dot.png" alt="A dot">',
    )
    data = Renderer([folder]).pdf(make_handout()).data
    from takehome.figures.library import FIGURES

    drawings = {figure.alt for figure in FIGURES.values()}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        alts = _figure_alts(pdf.Root.StructTreeRoot)
    assert [alt for alt in alts if alt not in drawings] == ["A dot"]
    assert pdf_ua_failures(data) == []


def test_a_template_image_without_alt_text_gets_one_line_naming_it(tmp_path, make_handout):
    folder = _templates(tmp_path, '<img src="dot.png">')
    rendered = Renderer([folder]).pdf(make_handout())
    assert rendered.warnings == [
        f"{folder}: the image dot.png has no alt text, so a screen reader skips it; "
        'add alt="what it shows" to its <img>, or alt="" if it is only decoration'
    ]
    assert pdf_ua_failures(rendered.data) == []


def _templates(tmp_path: Path, snippet: str) -> Path:
    folder = custom_templates(tmp_path, snippet)
    Image.new("RGB", (8, 8), "black").save(folder / "dot.png")
    return folder


# -- Print sizes -------------------------------------------------------------------------


def test_nothing_is_printed_under_10pt_and_the_body_is_12pt(branded_pdf):
    runs = glyph_sizes(branded_pdf)
    small = [(size, text) for size, text in runs if size < 10]
    assert small == []
    by_size: dict[float, int] = {}
    for size, text in runs:
        by_size[size] = by_size.get(size, 0) + len(text)
    assert max(by_size, key=by_size.get) == 12
    for words in ("Get up slowly", "Sit tall on a sturdy chair", "Tell your therapist how many"):
        sizes = {size for size, text in runs if text.startswith(words)}
        assert sizes == {12}, (words, sizes)


def test_large_print_is_18pt_and_up_everywhere_with_bold_headings_of_20_to_22pt(large_pdf):
    runs = glyph_sizes(large_pdf)
    assert min(size for size, _ in runs) >= 18, sorted(runs)[:5]
    # The page numbers, header and footer are text too.
    for words in ("Page 1 of", "Prepared for", "Riverside Massage · +1 555-0142"):
        assert any(text.startswith(words) and size >= 18 for size, text in runs), words
    for heading, size in (("Glute Massage", 22), ("How it may help", 20), ("For you:", 20)):
        assert {s for s, text in runs if text.startswith(heading)} == {size}, heading
    with pikepdf.open(io.BytesIO(large_pdf)) as pdf:
        fonts = {
            str(font.BaseFont) for page_ in pdf.pages for font in page_.Resources.Font.values()
        }
    assert not [font for font in fonts if "Italic" in font], fonts
    assert any("Bold" in font for font in fonts), fonts


def test_large_print_is_one_column_flush_left_with_line_spacing_of_1_5(large_pdf):
    height = float(pdf_reader(large_pdf).pages[0].mediabox.height)
    lines: dict[tuple[int, float], float] = {}
    sizes: dict[tuple[int, float], float] = {}
    for run in text_runs(large_pdf):
        # The body only: below the header (in the text on page 1), above the footer.
        if 0.9 * 72 < run.y < height - 1.3 * 72:
            key = (run.page, run.y)
            lines[key] = min(lines.get(key, run.x), run.x)
            sizes[key] = max(sizes.get(key, 0), run.size)
    # One column, flush left: every line starts within an inch of the margin
    # (its bullet or box, or the text itself), never beside another column.
    margin = 0.75 * 72
    assert max(lines.values()) < margin + 72, max(lines.items(), key=lambda item: item[1])
    # Line spacing 1.5 at 18pt: the baselines of two lines of text in a row at
    # least 27pt apart (27pt too from a 20pt heading's line to the next).
    gaps = []
    for page in {page for page, _ in lines}:
        baselines = sorted((y for p, y in lines if p == page), reverse=True)
        gaps += [
            a - b
            for a, b in itertools.pairwise(baselines)
            if sizes[(page, a)] == sizes[(page, b)] == 18
        ]
    assert len(gaps) > 50
    assert min(gaps) >= 26.9, sorted(gaps)[:5]


def test_large_print_tick_boxes_grow_with_the_text_and_nothing_runs_off_the_page(
    branded_pdf, large_pdf
):
    usual, large = box_sizes(branded_pdf), box_sizes(large_pdf)
    assert len(large) >= 20  # the checklist and a week of ticks
    assert min(large) >= 13 and min(large) >= 1.5 * min(usual), (min(usual), min(large))
    # The side margins are 0.75in: no text comes nearer the edge than that.
    assert overflow(large_pdf, 0.75 * 72 - 1) == []
    assert overflow(branded_pdf, 0.6 * 72 - 1) == []


def _topic_keys() -> list[str]:
    from takehome.model.topic import TopicLibrary

    return sorted(TopicLibrary().keys())


@pytest.mark.parametrize("key", _topic_keys())
def test_every_topic_in_large_print_is_valid_and_never_ends_on_a_nearly_empty_page(large, key):
    import pypdfium2

    from takehome.model.topic import TopicLibrary

    conditions = tuple(TopicLibrary().load(key).topic.conditions)
    handout = _handout((key,), conditions, practice=Practice(phone="555-0142"))
    data = large.pdf(handout).data
    assert pdf_ua_failures(data, second_opinion=False) == []
    assert min(size for size, _ in glyph_sizes(data)) >= 18
    document = pypdfium2.PdfDocument(data)
    used = last_page_used(data, top=1.3 * 72, bottom=0.9 * 72)
    assert len(document) == 1 or used >= 0.25, (len(document), used)
    # A stretch, its drawing and its steps down to "When to stop" share a page.
    pages = [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    for stretch in (s for section in handout.sections for s in section.stretches):
        start = next(n for n, text in enumerate(pages) if stretch.name in text)
        assert stretch.stop_if.split(".")[0] in pages[start], (stretch.name, start + 1)


def test_a_stacked_drawing_leaves_its_stretch_room_on_one_page_in_large_print(large):
    # Legs for a client with no condition: the towel stretch's drawing is two
    # lying figures, one above the other; drawn too tall, "When to stop" went over.
    import pypdfium2

    handout = _handout(("legs",), (), practice=Practice(phone="555-0142"))
    document = pypdfium2.PdfDocument(large.pdf(handout).data)
    pages = [" ".join(page.get_textpage().get_text_range().split()) for page in document]
    (page,) = [text for text in pages if "Lying hamstring stretch with a towel" in text]
    assert "When to stop: Stop if you feel pain, numbness or tingling down your leg" in page


# -- Readable colours --------------------------------------------------------------------


def test_every_text_colour_reads_at_4_5_to_1_on_the_handouts_backgrounds(branded_pdf):
    colours = text_colours(branded_pdf)
    assert len(colours) >= 3  # body, brand, warning red
    for colour in colours:
        for background in BACKGROUNDS:
            assert contrast(colour, background) >= MINIMUM, (colour, background)


@pytest.mark.parametrize("colour", ["#ffdd00", "#ff0000", "#88aacc", "#ffffff"])
def test_the_suggested_shade_passes_keeps_the_hue_and_is_darker(colour):
    from coloraide import Color

    shade = darker_shade(colour)
    assert all(contrast(shade, background) >= MINIMUM for background in BACKGROUNDS)
    original, suggested = Color(colour).convert("oklch"), Color(shade).convert("oklch")
    assert suggested["lightness"] < original["lightness"]
    if original["chroma"] > 0.05:
        assert abs(suggested["hue"] - original["hue"]) < 8
    # The nearest: a shade a little lighter fails.
    lighter = suggested.clone().set("lightness", suggested["lightness"] + 0.02)
    assert min(contrast(lighter.convert("srgb").to_string(hex=True), b) for b in BACKGROUNDS) < (
        MINIMUM
    )


def test_init_and_check_refuse_a_light_brand_colour_and_suggest_a_darker_one(tmp_path):
    runner = CliRunner()
    profile = tmp_path / "takehome.toml"
    result = runner.invoke(
        cli, ["init", "--no-input", "--name", "Riverside", "--brand-color", "#ffdd00", str(profile)]
    )
    shade = darker_shade("#ffdd00")
    assert result.exit_code != 0
    assert result.output == (
        "Error: --brand-color: #ffdd00 is too light to read as heading text (1.2:1 on the "
        f"handout's backgrounds; text needs 4.5:1); use {shade}, a darker shade of the same "
        "colour\n"
    )
    assert not profile.exists()
    result = runner.invoke(
        cli, ["init", "--no-input", "--name", "Riverside", "--brand-color", shade, str(profile)]
    )
    assert result.exit_code == 0, result.output
    profile.write_text('[practice]\nname = "Riverside"\nbrand_color = "#ffdd00"\n')
    result = runner.invoke(cli, ["check"], env={"TAKEHOME_CONFIG": str(profile)})
    assert result.exit_code != 0
    assert "practice.brand_color: #ffdd00 is too light to read" in result.output
    assert f"use {shade}, a darker shade of the same colour" in result.output


# -- Long names --------------------------------------------------------------------------


LONG_CLIENT = "Maria Fernanda de los Angeles Gutierrez-Villanueva y Montenegro-Castellanos Ruiz"
LONGEST_CLIENT = (LONG_CLIENT + " " + LONG_CLIENT)[:120]  # the longest name a client may have
LONGEST_PRACTICE = ("The Riverside Therapeutic Massage and Wellness Collective " * 6)[:300].strip()


NO_SPACES = ("Wolfeschlegelsteinhausenbergerdorff" * 4)[:120]


@pytest.mark.parametrize(
    ("client", "practice_name", "paper"),
    [
        (LONG_CLIENT, "Riverside Massage", "letter"),
        (LONG_CLIENT, "Riverside Massage", "a4"),
        (LONGEST_CLIENT, LONGEST_PRACTICE, "letter"),
        (NO_SPACES, NO_SPACES[:60], "a4"),
    ],
    ids=["80-character client", "80-character client, A4", "longest names", "no spaces, A4"],
)
def test_a_name_of_any_length_never_touches_the_header_rule(
    paper_renderers, paper, client, practice_name
):
    practice = Practice(name=practice_name, phone="555-0142", logo_data_url=_logo())
    data = paper_renderers[paper].pdf(_handout(name=client, practice=practice)).data
    for number in range(len(pdf_reader(data).pages)):
        rule, chars = header_rule_and_text(data, number)
        assert rule is not None
        left, bottom, right, top = rule
        page_height = float(pdf_reader(data).pages[number].mediabox.height)
        above = [box for box in chars if box[1] >= top]
        assert above, "the header is above its rule"
        for box in chars:
            overlaps = box[0] < right and box[2] > left and box[1] < top and box[3] > bottom
            assert not overlaps, (number, box, rule)
        # All of the header is on the paper, clear of its edge.
        assert max(box[3] for box in above) <= page_height - 0.15 * 72
    text = re.sub(r"\s+", "", pdf_reader(data).pages[0].extract_text())
    assert re.sub(r"\s+", "", client) in text


# -- Choosing large print ----------------------------------------------------------------


def test_a_large_print_column_says_yes_or_no_per_row(tmp_path):
    path = tmp_path / "clients.csv"
    path.write_text(
        "Name,Topics,Large Print\nAna Silva,glutes,yes\nBo Chen,glutes,no\n"
        "Cy Diaz,glutes,\nDee Ek,glutes,agreed\n",
        encoding="utf-8",
    )
    rows = read_clients(path).rows
    assert [row.large_print for row in rows] == [True, False, None, None]
    assert rows[3].error == (
        "row 5: Large Print: 'agreed' is not yes or no; write yes or no "
        "(empty: as --large-print/--standard-print or the profile says)"
    )


def test_batch_makes_large_print_for_the_rows_that_ask_with_its_own_file_name(tmp_path):
    from takehome.batch import plan_batch
    from takehome.model.topic import TopicLibrary

    path = tmp_path / "clients.csv"
    path.write_text("Name,Topics,Large Print\nAna Silva,glutes,yes\nBo Chen,glutes,\n")
    plan = plan_batch(
        read_clients(path), TopicLibrary(), tmp_path / "out", date=DATE, options=RenderOptions()
    )
    names = {job.path.name: job.options.large_print for job in plan.jobs}
    assert names == {
        "2026-11-26_ana-silva_glutes_large-print.pdf": True,
        "2026-11-26_bo-chen_glutes.pdf": False,
    }


def test_make_large_print_from_the_flag_and_from_the_profile(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    result = runner.invoke(cli, ["make", "glutes", "--client", "Ana Silva", "--large-print"])
    assert result.exit_code == 0, result.output
    made = list((tmp_path / "handouts-out").glob("*_large-print.pdf"))
    assert len(made) == 1
    assert min(size for size, _ in glyph_sizes(made[0].read_bytes())) >= 18
    profile = tmp_path / "takehome.toml"
    profile.write_text("[output]\nlarge_print = true\n")
    monkeypatch.setenv("TAKEHOME_CONFIG", str(profile))
    result = runner.invoke(
        cli, ["make", "glutes", "--client", "Bo Chen", "--standard-print", "--format", "html"]
    )
    assert result.exit_code == 0, result.output
    assert [p.name for p in (tmp_path / "handouts-out").glob("*bo-chen*")] == [
        "2026-11-26_bo-chen_glutes.html".replace("2026-11-26", dt.date.today().isoformat())
    ]


# -- Links and scripts -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phone", "link"),
    [
        ("555-0142", "tel:5550142"),
        ("+1 555-0142", "tel:+15550142"),
        ("+44 (0)20 7946 0958", "tel:+442079460958"),
        ("555-0142 ext 3", "tel:5550142;ext=3"),
        ("1-800-FLOWERS", "tel:18003569377"),
        ("555-0100 / 555-0101", "tel:5550100"),
        ("ask at the desk", None),
    ],
)
def test_the_phone_link_dials_the_number_as_written(phone, link):
    from takehome.model.practice import tel_link

    assert tel_link(phone) == link


def test_an_email_or_website_that_is_no_address_is_printed_but_not_linked():
    practice = Practice(email="info (at) calm.example", website="javascript:alert(1)")
    assert practice.contact_links() == [
        ("info (at) calm.example", None),
        ("javascript:alert(1)", None),
    ]
    linked = Practice(email="hi@calm.example", website="calm.example/book")
    assert [link for _, link in linked.contact_links()] == [
        "mailto:hi@calm.example",
        "https://calm.example/book",
    ]


@pytest.mark.parametrize(
    "name", ["Анна Иванова", "Νίκος Παπαδόπουλος", "Nguyễn Thị Minh Khai", "فاطمة الزهراء"]
)
def test_names_in_other_scripts_pass_pdf_ua_in_the_bold_header(renderer, name):
    # Bold Greek, Cyrillic, Vietnamese and Arabic come from a variable font:
    # the glyphs laid out and embedded must be the same instance, and a
    # cluster's second glyph must map to some text.
    practice = Practice(name=f"{name} Massage", phone="555-0142")
    data = renderer.pdf(_handout(conditions=(), name=name, practice=practice)).data
    assert pdf_ua_failures(data) == []


def test_config_set_stores_large_print_as_true_and_init_shows_the_setting(tmp_path):
    runner = CliRunner()
    profile = tmp_path / "takehome.toml"
    result = runner.invoke(cli, ["init", "--no-input", "--name", "Riverside", str(profile)])
    assert result.exit_code == 0, result.output
    assert "# (add: large_print = true)" in profile.read_text()
    env = {"TAKEHOME_CONFIG": str(profile)}
    result = runner.invoke(cli, ["config", "set", "output.large_print", "yes"], env=env)
    assert result.output == f"Set output.large_print = true in {profile}\n"
    assert "\nlarge_print = true\n" in profile.read_text()
    result = runner.invoke(cli, ["config", "set", "output.large_print", "maybe"], env=env)
    assert "output.large_print: 'maybe' is not yes or no; give true or false" in result.output
