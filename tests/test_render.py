"""Rendering real PDFs and reading them back: text, pages, fonts, safety."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
from pathlib import Path

import pytest

from conftest import custom_templates as _custom_templates
from conftest import pdf_fonts, pdf_reader, pdf_text
from takehome.errors import TakehomeError
from takehome.model.topic import TopicLibrary
from takehome.paths import builtin_templates_dir
from takehome.render.options import RenderOptions
from takehome.render.pdf import Renderer

# A note as long as therapists write them: three sentences, about 200 characters.
NOTE = (
    "Your right glute was much tighter than your left today. Try the stretches every "
    "morning before work, and use a warm pack tonight if it feels sore. Tell me next "
    "time how your hip feels."
)
GLUTES = TopicLibrary().load("glutes").topic
HEADINGS = (
    "Glute Massage",
    "How it may help",
    "Before your massage",
    "During your massage",
    "After your massage",
    "Do this today",
    "Stretches and exercises at home",
    "When to call your therapist or a doctor",
)


def test_glute_handout_holds_client_headings_note_and_next_visit(make_handout, renderer):
    handout = make_handout(note=NOTE, conditions=["sciatica"], next_visit="Tuesday, Dec 9, 3 pm")
    rendered = renderer.pdf(handout)
    text = pdf_text(rendered.data)
    assert rendered.warnings == []
    assert "Prepared for Ana Silva on November 25, 2026" in text
    for heading in HEADINGS:
        assert heading in text
    assert NOTE in text
    assert "Tuesday, Dec 9, 3 pm" in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text


@pytest.mark.parametrize("condition", sorted(GLUTES.conditions))
def test_condition_note_shows_only_for_that_condition(make_handout, renderer, condition):
    text = pdf_text(renderer.pdf(make_handout(conditions=[condition])).data)
    for key, entry in GLUTES.conditions.items():
        first_words = " ".join(entry.note.split()[:8])
        if key == condition:
            assert first_words in text
        else:
            assert first_words not in text


def test_no_condition_note_without_conditions(make_handout, renderer):
    text = pdf_text(renderer.pdf(make_handout()).data)
    for entry in GLUTES.conditions.values():
        assert " ".join(entry.note.split()[:8]) not in text


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_glute_handout_with_a_condition_and_note_fits_two_pages(
    make_handout, paper_renderers, paper
):
    # Every topic with its two longest condition boxes: tests/test_topics.py.
    handout = make_handout(conditions=["sciatica"], note=NOTE, next_visit="Tuesday, Dec 9, 3 pm")
    reader = pdf_reader(paper_renderers[paper].pdf(handout).data)
    assert len(reader.pages) <= 2
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == ((612, 792) if paper == "letter" else (595, 842))


def test_every_font_is_embedded_and_the_text_face_is_atkinson(make_handout, renderer):
    fonts = pdf_fonts(renderer.pdf(make_handout(note=NOTE)).data)
    assert fonts and all(fonts.values()), fonts
    assert any("Atkinson-Hyperlegible" in name for name in fonts)


def test_body_lines_hold_60_to_85_characters(make_handout, renderer):
    # About 80 characters: the upper end of comfortable line lengths, traded for
    # fitting one topic on two pages with its "Do this today" box and week log.
    reader = pdf_reader(renderer.pdf(make_handout(conditions=["sciatica"])).data)
    intro_words = set(GLUTES.intro.split()) | {w for p in GLUTES.during for w in p.split()}
    lengths = []
    for page in reader.pages:
        for line in page.extract_text().splitlines():
            words = line.split()
            # A body line: a long run of words from the intro or "during" paragraphs.
            if len(words) > 6 and sum(w in intro_words for w in words) >= len(words) - 1:
                lengths.append(len(line))
    assert len(lengths) >= 4
    assert max(lengths) <= 85
    assert 60 <= statistics.median(lengths) <= 85


@pytest.mark.parametrize(
    "name",
    ["Zoë Ñúñez", "Ελένη Παπαδοπούλου", "Олена Коваленко", "أحمد", "李娜"],
)
def test_names_in_other_scripts_print_with_real_glyphs(make_handout, renderer, name):
    rendered = renderer.pdf(make_handout(name=name))
    assert rendered.warnings == []  # WeasyPrint reports any .notdef (empty box) glyph
    text = pdf_text(rendered.data)
    if name == "أحمد":
        # Right-to-left text is stored in visual order by some extractors.
        assert name in text or name[::-1] in text
    else:
        assert f"Prepared for {name} on" in text


@pytest.mark.weasyprint_warnings_expected
def test_a_character_no_font_has_is_named_in_a_warning(make_handout, renderer):
    rendered = renderer.pdf(make_handout(name="Ana \U00013000 Silva"))
    assert rendered.warnings == [
        "no installed font can print these characters, so they show as empty boxes: "
        "\U00013000 (U+13000); install a font that has them "
        "(on Debian: apt-get install fonts-noto-core)"
    ]


def test_client_text_is_printed_literally_never_as_html_or_jinja(make_handout, renderer):
    handout = make_handout(
        name="<b>Ana</b> <script>x</script>", note="{{7*7}} {% if 1 %}x{% endif %}"
    )
    html = renderer.html(handout)
    assert "<script>x</script>" not in html
    assert "&lt;b&gt;Ana&lt;/b&gt;" in html
    text = pdf_text(renderer.pdf(handout).data)
    assert "Prepared for <b>Ana</b> <script>x</script> on" in text
    assert "{{7*7}} {% if 1 %}x{% endif %}" in text
    assert "49" not in text


def test_note_keeps_its_line_breaks(make_handout, renderer):
    handout = make_handout(note="First line.\nSecond line.")
    lines = [
        line
        for page in pdf_reader(renderer.pdf(handout).data).pages
        for line in page.extract_text().splitlines()
    ]
    assert "First line." in lines and "Second line." in lines


def test_several_topics_merge_into_one_handout(make_handout, renderer):
    handout = make_handout(
        topics=("glutes", "neck-shoulders"), conditions=["tension headaches", "pregnant"]
    )
    data = renderer.pdf(handout).data
    text = pdf_text(data)
    assert "Glute Massage" in text and "Neck and Shoulder Massage" in text
    assert text.count("Prepared for Ana Silva") == len(pdf_reader(data).pages)
    assert text.count("When to call your therapist or a doctor") == 1
    neck = TopicLibrary().load("neck-shoulders").topic
    assert " ".join(neck.conditions["tension-headache"].note.split()[:8]) in text
    # One box per condition, whatever the topics: one pregnancy box, not two.
    assert text.count("For you: Pregnancy") == 1


def test_a_merged_handout_never_prints_a_sentence_twice(make_handout):
    from takehome.model.handout import _SENTENCE_END, _sentence_key

    for topics in (("glutes", "neck-shoulders"), ("general", "legs"), ("swedish", "lower-back")):
        handout = make_handout(topics=topics, conditions=["pregnancy", "blood-thinners"])
        printed = [box.note for box in handout.condition_boxes]
        for section in handout.sections:
            printed += [section.intro, *section.benefits, *section.preparation]
            printed += [*section.during, *(step.text for step in section.aftercare)]
        calls = handout.when_to_call()
        # ("Do this today" restates key actions on purpose: it is the summary.)
        printed += calls["therapist"] + calls["doctor"] + calls["emergency"]
        sentences = [
            _sentence_key(sentence)
            for text in printed
            for sentence in _SENTENCE_END.split(" ".join(text.split()))
            if _sentence_key(sentence)
        ]
        repeated = {s for s in sentences if sentences.count(s) > 1}
        assert not repeated, f"{topics}: {repeated}"


def test_unknown_condition_lists_the_shared_conditions(make_handout):
    with pytest.raises(TakehomeError) as info:
        make_handout(conditions=["bad-knee"])
    assert str(info.value).startswith(
        "conditions: unknown condition 'bad-knee'; known: pregnancy, blood-thinners, "
    )


def test_a_condition_a_topic_has_no_note_for_is_not_an_error(make_handout):
    # Glutes says nothing of its own about jaw pain; the client may still have it.
    handout = make_handout(conditions=["TMJ", "expecting"])
    assert handout.client.conditions == ("jaw-pain", "pregnancy")
    assert [box.key for box in handout.condition_boxes] == ["pregnancy"]


# --- Rendering reads nothing outside the allowed folders -------------------------


@pytest.mark.parametrize(
    ("snippet", "css"),
    [
        ('<img src="file:///etc/passwd">', None),
        ("", 'body { background: url("file:///etc/passwd"); }'),
        ('<img src="http://127.0.0.1:9/logo.png">', None),
        ('<link rel="stylesheet" href="https://example.org/x.css">', None),
    ],
    ids=["img-file", "css-url", "http", "https"],
)
def test_reading_outside_allowed_folders_stops_the_render(tmp_path, make_handout, snippet, css):
    renderer = Renderer([_custom_templates(tmp_path, snippet, css)])
    with pytest.raises(TakehomeError, match=r"^rendering stopped: refused to (read|fetch) "):
        renderer.pdf(make_handout())


@pytest.mark.weasyprint_warnings_expected  # WeasyPrint logs the SVG image it could not load
@pytest.mark.parametrize(
    "snippet",
    [
        '<svg width="9" height="9"><image href="file:///etc/passwd" width="9" height="9"/></svg>',
        '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22%3E'
        '%3Cimage href=%22file:///etc/passwd%22/%3E%3C/svg%3E">',
        '<img src="file://leak.example.com/etc/passwd">',
        '<img src="file://localhost/etc/passwd">',
        '<img src="../../../etc/passwd">',
        '<link rel="stylesheet" href="data:text/css,@import url(file:///etc/passwd);">',
    ],
    ids=["inline-svg", "data-svg", "file-host", "file-localhost", "relative", "data-import"],
)
def test_sneaky_references_also_stop_the_render(tmp_path, make_handout, snippet):
    with pytest.raises(TakehomeError, match=r"^rendering stopped: refused to read "):
        Renderer([_custom_templates(tmp_path, snippet)]).pdf(make_handout())


def _embedded_files(data: bytes) -> list[str]:
    """Every way a PDF can carry a file: the EmbeddedFiles name tree, and
    FileAttachment annotations on any page."""
    reader = pdf_reader(data)
    found = []
    names = reader.trailer["/Root"].get("/Names")
    if names is not None and "/EmbeddedFiles" in names.get_object():
        found.append("/EmbeddedFiles")
    for page in reader.pages:
        for annotation in page.get("/Annots") or []:
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                found.append("/FileAttachment")
    return found


@pytest.mark.parametrize(
    "snippet",
    [
        '<a rel="attachment" href="print.css">the stylesheet</a>',
        '<link rel="attachment" href="print.css">',
        '<a rel="attachment" href="data:text/plain,secret">x</a>',
        '<link rel="attachment" href="data:text/plain,secret">',
        '<a rel="attachment" href="file:///etc/hostname">x</a>',
        '<link rel="attachment" href="file:///etc/passwd">',
    ],
    ids=["a-own-file", "link-own-file", "a-data", "link-data", "a-outside", "link-outside"],
)
def test_a_template_can_never_embed_a_file(tmp_path, make_handout, snippet):
    folder = _custom_templates(tmp_path, snippet, css="")  # print.css is inside the folder
    with pytest.raises(TakehomeError) as info:
        Renderer([folder]).pdf(make_handout())
    assert str(info.value) == (
        f"{folder.resolve()}: a template asks to embed a file in the PDF "
        '(rel="attachment"); handouts never carry attachments; remove it from the template'
    )


def test_no_handout_carries_an_embedded_file(make_handout, renderer):
    handout = make_handout(
        ("glutes", "neck-shoulders"), conditions=["sciatica"], note="A note", next_visit="Monday"
    )
    assert _embedded_files(renderer.pdf(handout).data) == []
    # The check itself finds an attachment where WeasyPrint is asked for one.
    import weasyprint

    attached = weasyprint.HTML(string="<p>x</p>").write_pdf(
        attachments=[weasyprint.Attachment(string="secret", name="x.txt")]
    )
    assert _embedded_files(attached) == ["/EmbeddedFiles"]


@pytest.mark.parametrize(
    "css",
    ["h1 { font-size: 1000000000px; }", "p { letter-spacing: 1e12px; }"],
    ids=["huge-font", "huge-letter-spacing"],
)
def test_extreme_css_is_one_line_naming_the_folder(tmp_path, make_handout, css):
    folder = _custom_templates(tmp_path, css=css)
    with pytest.raises(TakehomeError) as info:
        Renderer([folder]).pdf(make_handout())
    message = str(info.value)
    assert message.startswith(f"{folder.resolve()}: the handout could not be laid out (")
    assert message.endswith(
        "check print.css and the templates there for extreme sizes, or undo your last change"
    )
    assert "\n" not in message


def test_the_pdf_carries_the_fingerprint_of_its_inputs(make_handout, renderer):
    from takehome.render.fingerprint import fingerprint_of

    sciatica = {"conditions": ["sciatica"], "note": "Rest."}
    ana = renderer.pdf(make_handout(**sciatica))
    assert fingerprint_of(ana.data) == ana.fingerprint
    assert len(ana.fingerprint) == 64
    # Any detail of the client, the paper or the date gives another fingerprint.
    others = [
        make_handout(conditions=["sciatica"], note="Rest more."),
        make_handout(conditions=["stiff-hips"], note="Rest."),
        make_handout(conditions=["sciatica"], note="Rest.", next_visit="Friday"),
        make_handout(name="Anna Silva", conditions=["sciatica"], note="Rest."),
        make_handout(conditions=["sciatica"], note="Rest.", date=dt.date(2026, 11, 26)),
        make_handout(("glutes", "neck-shoulders"), conditions=["sciatica"], note="Rest."),
    ]
    prints = {renderer.fingerprint(handout) for handout in others}
    prints.add(Renderer(options=RenderOptions("a4")).fingerprint(make_handout(**sciatica)))
    assert len(prints) == len(others) + 1 and ana.fingerprint not in prints
    assert renderer.fingerprint(make_handout(conditions=["sciatica"], note="Rest.")) == (
        ana.fingerprint
    )


def test_the_fingerprint_changes_with_the_templates(tmp_path, make_handout, renderer):
    handout = make_handout()
    assert Renderer([_custom_templates(tmp_path)]).fingerprint(handout) != renderer.fingerprint(
        handout
    )


def test_closing_a_renderer_removes_its_temporary_fonts(tmp_path, monkeypatch, make_handout):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    renderer = Renderer()
    renderer.pdf(make_handout())
    assert len(list(tmp_path.glob("weasyprint-*"))) == 1  # the font copies it works with
    renderer.close()
    assert list(tmp_path.glob("weasyprint-*")) == []


def test_a_missing_file_in_an_allowed_folder_is_named(tmp_path, make_handout):
    folder = _custom_templates(tmp_path, '<img src="logo.png">')
    with pytest.raises(TakehomeError) as info:
        Renderer([folder]).pdf(make_handout())
    assert str(info.value) == (
        f"rendering stopped: {folder / 'logo.png'}: file not found; "
        "add it or remove the reference to it"
    )


def test_html_output_points_at_no_local_files(make_handout, renderer):
    html = renderer.html(make_handout(), standalone=True)
    assert "file:" not in html
    assert "@page" in html  # the print stylesheet is inlined


def test_headings_print_once_however_the_pages_break(make_handout, renderer):
    # Side heads once printed a stray line of themselves at the top of the next
    # page when a page break fell just after them.
    for sentences in range(0, 12, 3):
        handout = make_handout(
            topics=("glutes", "neck-shoulders"),
            conditions=["late-pregnancy", "tension-headaches"],
            note=" ".join(["Walk daily and stretch."] * sentences) or None,
        )
        data = renderer.pdf(handout).data
        text = pdf_text(data).replace(" (continued)", "")
        heads = ("Before your massage", "During your massage", "After your massage")
        for heading in heads:
            assert text.count(heading) - text.count(f"{heading} (cont") == 2, (sentences, heading)
        assert text.count("When to call your therapist or a doctor") == 1
        # A side heading is never cut in two by a page break ("After your" at the
        # foot of a page, "massage" at the top of the next).
        for number, page in enumerate(pdf_reader(data).pages, start=1):
            lines = " ".join(page.extract_text().split())
            for heading in heads:
                start = heading.rsplit(" ", 1)[0]
                assert lines.count(start) == lines.count(heading), (sentences, number, heading)


def _page_texts(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in pdf_reader(data).pages]


def test_a_section_that_runs_on_to_the_next_page_says_so_there(make_handout, paper_renderers):
    # Glutes for a client with no condition: its stretches begin on page 1 and
    # go on over the page break; page 2's side heading says "(continued)".
    pages = _page_texts(paper_renderers["letter"].pdf(make_handout()).data)
    assert len(pages) == 2
    assert "(continued)" not in pages[0]
    assert "Stretches and exercises at home (continued)" in pages[1]
    assert pages[0].count("Stretches and exercises at home") == 1
    # The label sits beside the text it continues, at the top of page 2, far
    # above the next section (it is drawn from the page's margin box, so it
    # comes late in the extracted text: read its place on the page).
    import pypdfium2

    page = pypdfium2.PdfDocument(paper_renderers["letter"].pdf(make_handout()).data)[1]
    text = page.get_textpage()
    whole = text.get_text_range()

    def top_of(words: str) -> float:
        return text.get_charbox(whole.index(words))[3]

    assert top_of("Stretches and") > top_of("Seated figure-4 stretch") - 5
    assert top_of("Stretches and") > top_of("When to call") + 100


def test_a_section_over_three_pages_says_continued_on_each_new_page(
    tmp_path, make_handout, renderer
):
    # A topic of the therapist's own with ten stretches: its stretches section
    # runs from page 1 over page 2 on to page 3.
    text = TopicLibrary().load("glutes").path.read_text(encoding="utf-8")
    start = text.index("[[stretches]]")
    end = text.index("[", text.index("\n[", start + 1) + 1) - 1
    stretch = text[start:end]
    many = "".join(stretch.replace('name = "', f'name = "{n}. ', 1) for n in range(1, 11))
    (tmp_path / "glutes.toml").write_text(text[:start] + many + text[end:], encoding="utf-8")
    handout = make_handout(library=TopicLibrary([tmp_path]))
    pages = _page_texts(renderer.pdf(handout).data)
    assert len(pages) >= 3
    label = "Stretches and exercises at home (continued)"
    assert label not in pages[0]
    for page in pages[1:-1]:
        assert page.count(label) == 1


def test_a_label_the_page_break_would_cut_moves_its_section_to_the_next_page(
    tmp_path, make_handout
):
    # First massage for a pregnant client on blood thinners, with a therapist's
    # stylesheet that sets the "(continued)" labels larger: "After your
    # massage" has room at the foot of page 1, its taller label not; such a
    # label once printed cut, as a bare heading on page 2.
    folder = _custom_templates(tmp_path, css="\nsection > .continued-label { font-size: 16pt; }\n")
    handout = make_handout(topics=("first-massage",), conditions=["pregnant", "blood-thinners"])
    pages = _page_texts(Renderer([folder]).pdf(handout).data)
    assert "After your" not in pages[0]
    assert pages[1].count("After your massage") == 1
    assert "(continued)" not in " ".join(pages)


def test_a_section_that_starts_on_a_new_page_has_no_continued_label(make_handout, renderer):
    # General massage for a client with no condition: page 2 starts with the red
    # box, a new section, so no page says "(continued)".
    pages = _page_texts(renderer.pdf(make_handout(topics=("general",))).data)
    assert len(pages) == 2
    assert pages[1].startswith("When to call your therapist or a doctor")
    assert not any("(continued)" in page for page in pages)


def test_a_diary_prints_a_box_per_day_to_write_in(make_handout, renderer):
    data = renderer.pdf(make_handout(topics=("headaches-jaw",))).data
    text = pdf_text(data)
    assert "Headache diary" in text
    assert "Your worst headache each day: 0 (none) to 10 (worst), days 1-7: 1 2 3 4 5 6 7" in text


def test_a_symlink_out_of_the_templates_folder_is_refused(tmp_path, make_handout):
    folder = _custom_templates(tmp_path, '<img src="secret.png">')
    outside = tmp_path / "outside.png"
    shutil.copy(Path(__file__).parent / "data" / "dot.png", outside)
    os.symlink(outside, folder / "secret.png")
    with pytest.raises(TakehomeError, match="refused to read file://"):
        Renderer([folder]).pdf(make_handout())


def test_an_image_inside_the_templates_folder_is_allowed(tmp_path, make_handout):
    folder = _custom_templates(tmp_path, '<img src="dot.png" alt="">')
    shutil.copy(Path(__file__).parent / "data" / "dot.png", folder / "dot.png")
    rendered = Renderer([folder]).pdf(make_handout())
    assert rendered.warnings == []


def test_the_pdf_has_no_embedded_files(make_handout, renderer):
    reader = pdf_reader(renderer.pdf(make_handout(note=NOTE)).data)
    assert dict(reader.attachments) == {}
    assert "/EmbeddedFiles" not in reader.trailer["/Root"].get("/Names", {})


def test_template_error_names_the_template_and_line(tmp_path, make_handout):
    folder = _custom_templates(tmp_path, "\n{{ client.no_such_field }}")
    with pytest.raises(TakehomeError) as info:
        Renderer([folder]).html(make_handout())
    message = str(info.value)
    assert re.match(rf"^{re.escape(str(folder / 'handout.html.j2'))}:\d+: ", message), message
    assert "no_such_field" in message


def test_template_syntax_error_names_the_template_and_line(tmp_path, make_handout):
    folder = _custom_templates(tmp_path, "\n{% if %}")
    with pytest.raises(TakehomeError) as info:
        Renderer([folder]).html(make_handout())
    assert str(info.value).startswith(f"{folder / 'handout.html.j2'}:")
    assert "template syntax error" in str(info.value)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_poppler_reads_the_same_text(tmp_path, make_handout, renderer):
    path = tmp_path / "h.pdf"
    path.write_bytes(renderer.pdf(make_handout(note=NOTE)).data)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    assert "Prepared for Ana Silva" in out.stdout


@pytest.mark.parametrize("condition", sorted(GLUTES.conditions))
def test_boxes_and_stretches_are_never_split_across_pages(make_handout, renderer, condition):
    handout = make_handout(conditions=[condition], note=NOTE, next_visit="Tuesday, Dec 9, 3 pm")
    pages = [
        " ".join(page.extract_text().split())
        for page in pdf_reader(renderer.pdf(handout).data).pages
    ]

    def on_one_page(*parts: str) -> bool:
        return any(all(" ".join(p.split()) in page for p in parts) for page in pages)

    (box,) = handout.condition_boxes
    assert on_one_page(f"For you: {box.label}", *box.paragraphs)
    assert on_one_page("A note from your therapist", NOTE)
    assert on_one_page(*GLUTES.when_to_call.therapist, *GLUTES.when_to_call.doctor)
    assert handout.sections[0].stretches
    for stretch in handout.sections[0].stretches:
        assert on_one_page(stretch.name, *stretch.steps, stretch.stop_if)


def test_stretches_lying_on_the_back_are_replaced_in_pregnancy(make_handout, renderer):
    legs = TopicLibrary().load("legs").topic
    lying = [s.name for s in legs.stretches if "pregnancy" in s.not_for]
    seated = [s.name for s in legs.stretches if "pregnancy" in s.only_for]
    assert lying and seated
    # Any stage and any word for it: 14 weeks is "pregnant", not "late pregnancy".
    pregnant = make_handout(topics=("legs",), conditions=["pregnant"])
    other = make_handout(topics=("legs",), conditions=["varicose-veins"])
    pregnant, other = (pdf_text(renderer.pdf(h).data) for h in (pregnant, other))
    assert all(name not in pregnant for name in lying)
    assert all(name in pregnant for name in seated)
    assert all(name in other for name in lying)
    assert all(name not in other for name in seated)


@pytest.mark.parametrize(
    "snippet",
    [
        "{{ cycler.__init__.__globals__.__builtins__.open('/etc/passwd').read() }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
    ],
    ids=["open", "popen"],
)
def test_templates_run_in_a_sandbox(tmp_path, make_handout, snippet):
    with pytest.raises(TakehomeError) as info:
        Renderer([_custom_templates(tmp_path, snippet)]).html(make_handout())
    assert str(info.value).startswith(str(tmp_path / "templates" / "handout.html.j2") + ":")
    assert "unsafe" in str(info.value)


def test_a_symlinked_include_out_of_the_folder_is_refused(tmp_path, make_handout):
    folder = _custom_templates(tmp_path, '{% include "notes.txt" %}')
    os.symlink("/etc/passwd", folder / "notes.txt")
    with pytest.raises(TakehomeError, match="leads outside the templates folder"):
        Renderer([folder]).html(make_handout())


def test_any_template_error_is_one_line_with_the_place(tmp_path, make_handout):
    folder = _custom_templates(tmp_path, '\n{{ 1 + "a" }}')
    with pytest.raises(TakehomeError) as info:
        Renderer([folder]).html(make_handout())
    assert re.match(
        rf"^{re.escape(str(folder / 'handout.html.j2'))}:\d+: TypeError: ", str(info.value)
    )


def test_a_templates_folder_may_not_be_the_whole_disk(make_handout):
    with pytest.raises(TakehomeError, match="is the whole disk or your home folder"):
        Renderer([Path("/")])


def test_a_templates_meta_tags_never_reach_the_pdf_metadata(tmp_path, make_handout):
    folder = tmp_path / "templates"
    folder.mkdir()
    base = (builtin_templates_dir() / "base.html.j2").read_text(encoding="utf-8")
    metas = "".join(
        f'<meta name="{name}" content="Ana has sciatica">'
        for name in ("author", "description", "keywords", "generator", "x-health")
    )
    (folder / "base.html.j2").write_text(base.replace("<head>", "<head>" + metas), "utf-8")
    info = pdf_reader(Renderer([folder]).pdf(make_handout(conditions=["sciatica"])).data).metadata
    assert all("sciatica" not in str(value) for value in info.values()), dict(info)
    assert info["/Author"] == "Your massage therapist" and "/TakehomeFingerprint" in info
