"""A therapist's own picture for a stretch: a file beside the topic, checked like
the logo, embedded in the handout with its alt text (issue 13)."""

from __future__ import annotations

import base64
import io
import os
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from conftest import pdf_reader, pdf_text
from pdfcheck import structure
from takehome.cli import cli
from takehome.model.new_topic import NEW_TOPIC

TOPIC = """\
title = "Hip Care"
intro = "Your hips carry you all day."
benefits = ["May ease tight hips"]
preparation = ["Wear loose clothes."]
during = ["Your therapist works slowly."]
disclaimer = "This sheet is general information, not medical advice."

[[aftercare]]
when = "First few hours"
text = "Take an easy walk."

[[stretches]]
name = "Seated hip stretch"
steps = ["Sit tall on a chair.", "Cross one ankle over the other knee."]
hold_seconds = 30
reps = 2
each_side = true
times_a_day = 1
stop_if = "Stop if you feel pain."
{figure}

[when_to_call]
therapist = ["Soreness that lasts longer than 2 days"]
doctor = ["Pain after a fall: see a doctor soon"]
"""
ALT = "Sitting on a chair, one ankle crossed over the other knee."
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 20 10">{}</svg>'
LINE = '<path d="M1 5 H19" stroke="black" stroke-width="2"/>'


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "handouts").mkdir()
    return tmp_path / "handouts"


def write_topic(folder: Path, figure: str, alt: str | None = ALT, caption: str = "") -> Path:
    lines = [f'figure = "{figure}"']
    if alt is not None:
        lines.append(f'figure_alt = "{alt}"')
    if caption:
        lines.append(f'figure_caption = "{caption}"')
    path = folder / "hip-care.toml"
    path.write_text(TOPIC.replace("{figure}", "\n".join(lines)), encoding="utf-8")
    return path


def png(path: Path, size=(300, 150)) -> Path:
    Image.new("RGB", size, "white").save(path)
    return path


def figure_alts(data: bytes) -> list[str]:
    """The /Alt of every Figure in the tagged PDF's structure tree."""
    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                walk(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Figure":
                found.append(str(node.get("/Alt", "")))
            walk(node.get("/K"))

    with pikepdf.open(io.BytesIO(data)) as pdf:
        walk(pdf.Root.StructTreeRoot)
    return found


def run(*args: str):
    return CliRunner().invoke(cli, ["--handouts", "handouts", *args], catch_exceptions=False)


def test_a_png_of_the_therapists_own_is_printed_with_its_alt_text_and_caption(folder):
    png(folder / "hip.png")
    write_topic(folder, "hip.png", caption="Cross, then lean.")
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert result.exit_code == 0, result.output
    data = Path("ana.pdf").read_bytes()
    assert figure_alts(data) == [ALT]
    assert "Cross, then lean." in [text for tag, text in structure(data) if tag == "Caption"]
    # The picture itself is drawn on the page: one image, 300 x 150 pixels.
    images = [image for page in pdf_reader(data).pages for image in page.images]
    assert [(image.image.width, image.image.height) for image in images] == [(300, 150)]


@pytest.mark.parametrize(
    "figure, make_it, message",
    [
        ("../hip.png", lambda f: png(f.parent / "hip.png"), "hip.png is outside"),
        ("/etc/hostname.png", lambda f: None, "hostname.png is outside"),
        ("missing.png", lambda f: None, "there is no file named missing.png in handouts;"),
        ("Hip.PNG", lambda f: png(f / "hip.png"), "Hip.PNG in handouts (pictures there: hip.png)"),
        ("hip.gif", lambda f: None, "hip.gif: a picture must be an SVG, PNG or JPEG file"),
        (
            "big.png",
            lambda f: (f / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2_200_000)),
            "big.png is larger than 2 MB",
        ),
        (
            "huge.png",
            lambda f: png(f / "huge.png", (6000, 5000)),
            "6000 x 5000 pixels (30 million)",
        ),
        (
            "broken.png",
            lambda f: (f / "broken.png").write_bytes(png(f / "x.png").read_bytes()[:60]),
            "broken.png is damaged",
        ),
        (
            "notes.jpg",
            lambda f: (f / "notes.jpg").write_text("not a picture"),
            "notes.jpg is not a PNG, JPEG or SVG image",
        ),
    ],
)
def test_a_bad_picture_is_refused_in_one_line_naming_the_file_and_field(
    folder, figure, make_it, message
):
    make_it(folder)
    topic = write_topic(folder, figure)
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 1, result.output
    assert result.output.startswith(f"Error: {Path('handouts') / topic.name}: stretches[1]")
    assert message in result.output
    assert not Path("ana.pdf").exists()


def png_header(width: int, height: int) -> bytes:
    """A PNG of a few bytes that says it is ``width`` x ``height`` (a "bomb")."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", b"") + chunk(b"IEND", b"")


def use_bomb(levels: int) -> str:
    """An SVG of a few KB whose <use>s copy a group ten times a level."""
    groups = "".join(
        f'<g id="l{i}">' + f'<use href="#l{i - 1}"/>' * 10 + "</g>" for i in range(1, levels + 1)
    )
    return SVG.format(
        f'<defs><rect id="l0" width="1" height="1"/>{groups}</defs><use href="#l{levels}"/>'
    )


def _png_bytes(size=(2, 2)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, "PNG")
    return buffer.getvalue()


PIXEL = base64.b64encode(_png_bytes()).decode()
INNER_SVG = base64.b64encode(
    SVG.format('<image href="http://example.org/a.png" width="9" height="9"/>').encode()
).decode()


@pytest.mark.parametrize(
    "name, content, message",
    [
        # Asking the renderer for unbounded work.
        ("bomb.svg", use_bomb(8), "is too detailed to print quickly"),
        ("self.svg", SVG.format('<g id="a"><use href="#a"/></g>'), "a <use> that copies itself"),
        ("path.svg", SVG.format(f'<path d="M0 0{" h1" * 250_000}"/>'), "too detailed"),
        (
            "marker.svg",
            SVG.format(
                '<marker id="m"><path d="M0 0 L1 1 L2 0 Z"/></marker>'
                f'<polyline style="marker-mid:url(#m)" points="{" 1,1" * 5000}"/>'
            ),
            "too detailed",
        ),
        ("twins.svg", SVG.format('<g id="a"/><g id="a"/>'), "two shapes with the id 'a'"),
        (
            "links.svg",
            SVG.format(
                '<g id="a"/><g id="b"/><use href="#a" xlink:href="#b" '
                'xmlns:xlink="http://www.w3.org/1999/xlink"/>'
            ),
            "a shape with two different links",
        ),
        ("frag.svg", SVG.format('<g id="r"/><image href="#r"/>'), "points at a shape"),
        # A regex would take minutes over many "url(" that never close.
        ("slow.svg", SVG.format(f'<rect fill="{"url(" * 40_000}"/>'), "an unclosed url("),
        ("text.svg", SVG.format(f"<text>{'word ' * 2000}</text>"), "more than 5,000 characters"),
        ("deep.svg", SVG.format("<g>" * 100 + "</g>" * 100), "nests more than 64 levels"),
        ("bomb.png", png_header(20000, 20000), "bomb.png has far too many pixels"),
        # Reaching outside the drawing, plainly.
        (
            "web.svg",
            SVG.format('<image href="https://example.org/a.png" width="9" height="9"/>'),
            "web.svg refers to https://example.org/a.png, outside the drawing",
        ),
        (
            "xlink.svg",
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
            '<use x:href="other.svg#leg"/></svg>',
            "xlink.svg refers to other.svg#leg",
        ),
        (
            "css.svg",
            SVG.format("<style>path { fill: url(file:///etc/passwd) }</style>" + LINE),
            "css.svg refers to file:///etc/passwd",
        ),
        (
            "import.svg",
            SVG.format("<style>@import 'http://example.org/a.css';</style>"),
            "import.svg refers to @import",
        ),
        (
            "entity.svg",
            '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG.format("&x;"),
            "entity.svg declares XML entities",
        ),
        # Reaching outside the drawing by the back door.
        (
            "inner.svg",
            SVG.format(f'<image href="data:image/png;base64,{INNER_SVG}" width="9" height="9"/>'),
            "not a PNG, JPEG or GIF",
        ),
        (
            "nested.svg",
            SVG.format(f'<image href="data:image/svg+xml;base64,{INNER_SVG}" width="9"/>'),
            "refers to http://example.org/a.png",
        ),
        (
            "escape.svg",
            SVG.format("<style>rect { fill: u\\72l(http://example.org/x) }</style>"),
            "refers to http://example.org/x",
        ),
        (
            "base.svg",
            SVG.format('<g xml:base="http://example.org/"><use href="#x"/></g>'),
            "sets xml:base",
        ),
        ("page.svg", SVG.format("<foreignObject><p>hi</p></foreignObject>"), "foreignObject"),
        (
            "font.svg",
            SVG.format("<style>@font-face { src: url(data:font/woff,x) }</style>"),
            "brings its own font",
        ),
        (
            "utf16.svg",
            ('<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG.format("&x;")),
            "declares XML entities",
        ),
        (
            "odd.svg",
            '<?xml version="1.0" encoding="x-foo"?>' + SVG.format(""),
            "unknown text encoding",
        ),
    ],
)
def test_an_svg_or_png_that_would_hang_or_fetch_is_refused_in_one_line(
    folder, name, content, message
):
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode("utf-16" if name == "utf16.svg" else "utf-8"))
    write_topic(folder, name)
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert result.exit_code == 1, result.output
    assert len(result.output.splitlines()) == 1, result.output
    assert f"stretches[1] figure: {name} " in result.output and message in result.output
    assert not Path("ana.pdf").exists()


@pytest.mark.parametrize(
    "svg",
    [
        # Illustrator's "SVG 1.1" names a DTD (never read); Inkscape links inside the file.
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + SVG.format(LINE),
        SVG.format(
            '<defs><linearGradient id="g"><stop offset="0"/></linearGradient></defs>'
            '<path d="M1 5 H19" style="stroke:url(#g);stroke-width:2"/>'
            f'<image xlink:href="data:image/jpg;base64,{PIXEL}" width="2" height="2" '
            'xmlns:xlink="http://www.w3.org/1999/xlink"/><a href="https://example.org/">'
            "<text>Hi</text></a>"
        ),
    ],
    ids=["illustrator", "inkscape"],
)
def test_ordinary_drawings_from_drawing_programs_are_accepted(folder, svg):
    (folder / "hip.svg").write_text(svg)
    write_topic(folder, "hip.svg")
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.html")
    assert result.exit_code == 0, result.output


def test_a_symlink_loop_or_a_very_long_name_is_one_line(folder):
    (folder / "loop.png").symlink_to("loop.png")
    for name in ("loop.png", "a" * 300 + ".png"):
        write_topic(folder, name)
        result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
        assert result.exit_code == 1
        assert len(result.output.splitlines()) == 1 and "cannot be read" in result.output


def test_a_misspelt_drawing_name_gets_the_likely_one(folder):
    write_topic(folder, "seated-figure4")
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert "did you mean seated-figure-4? use one of" in result.output


def test_words_for_a_picture_need_a_picture(folder):
    path = folder / "hip-care.toml"
    path.write_text(TOPIC.replace("{figure}", 'figure_alt = "Sitting."'))
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert result.exit_code == 1
    assert "stretches[1] figure_alt describes a picture, but none is named" in result.output


def test_a_symlink_out_of_the_folder_is_refused(folder, tmp_path):
    png(tmp_path / "elsewhere.png")
    (folder / "hip.png").symlink_to(tmp_path / "elsewhere.png")
    write_topic(folder, "hip.png")
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert result.exit_code == 1
    assert "hip.png is outside" in result.output


def test_a_picture_file_needs_alt_text(folder):
    png(folder / "hip.png")
    write_topic(folder, "hip.png", alt=None)
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert result.exit_code == 1
    assert "stretches[1] figure_alt is missing" in result.output
    assert 'add figure_alt = "' in result.output


def test_an_svg_drawing_of_ones_own_is_embedded(folder):
    (folder / "hip.svg").write_text(SVG.format(LINE))
    write_topic(folder, "hip.svg")
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.html")
    assert result.exit_code == 0, result.output
    html = Path("ana.html").read_text()
    assert '<img src="data:image/svg+xml;base64,' in html and f'alt="{ALT}"' in html


def test_a_built_in_drawing_may_be_named_with_ones_own_words(folder):
    write_topic(folder, "calf-stretch", alt="My words for it.", caption="My caption.")
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.html")
    assert result.exit_code == 0, result.output
    html = Path("ana.html").read_text()
    assert "<title>My words for it.</title>" in html and "My caption." in html


def test_check_reports_a_bad_picture_with_the_other_problems(folder):
    write_topic(folder, "missing.png")
    (folder / "other.toml").write_text('title = "x"\n')
    result = run("check")
    assert result.exit_code == 1
    assert "hip-care.toml: stretches[1] figure: " in result.output
    assert "there is no file named missing.png in handouts; check the name" in result.output
    assert "other.toml:" in result.output


def test_new_shows_the_picture_fields_and_they_work_when_filled_in(folder):
    assert '# figure = "my-stretch.png"' in NEW_TOPIC and "# figure_alt = " in NEW_TOPIC
    assert run("new", "hip-care", "--out", "handouts").exit_code == 0
    path = folder / "hip-care.toml"
    text = path.read_text()
    png(folder / "my-stretch.png")
    text = text.replace('# figure = "my', 'figure = "my').replace(
        "# figure_alt = ", "figure_alt = "
    )
    path.write_text(text)
    result = run("check")
    # Only the placeholders of `new` are left to fix, not the picture.
    assert "figure" not in result.output and "placeholder text" in result.output


def test_gallery_draws_every_built_in_figure_with_the_line_to_copy(folder):
    from takehome.figures.library import FIGURES

    result = run("gallery", "-o", "figures.pdf")
    assert result.exit_code == 0, result.output
    assert result.output == "Wrote figures.pdf\n"
    data = Path("figures.pdf").read_bytes()
    text = " ".join(pdf_text(data).split())
    for key in FIGURES:
        assert f'figure = "{key}"' in text
    # Each drawing is a Figure with its alt text, as in a handout.
    assert figure_alts(data) == [FIGURES[key].alt for key in sorted(FIGURES)]
    html = run("gallery", "-o", "figures.html")
    assert html.exit_code == 1 and "the gallery is a PDF; use a name ending in .pdf" in html.output
    again = run("gallery", "-o", "figures.pdf")
    assert again.exit_code == 1 and "--force" in again.output
    assert Path("figures.pdf").read_bytes() == data


def test_check_draws_a_stretch_that_the_sample_clients_conditions_would_hide(folder):
    from takehome.check import _samples
    from takehome.model.topic import load_topic

    png(folder / "hip.png")
    path = write_topic(folder, "hip.png")
    path.write_text(
        path.read_text().replace('stop_if = "Stop', 'not_for = ["pregnancy"]\nstop_if = "Stop')
        + '\n[conditions.pregnancy]\nnote = "Ask your midwife first."\n'
    )
    samples = _samples(load_topic(path))
    # One client with every condition (the stretch is left out), one with none.
    assert [client.conditions for client in samples] == [("pregnancy",), ()]


def test_a_warning_about_a_picture_names_it_without_its_megabytes():
    from takehome.render.pdf import _explain

    data = "data:image/svg+xml;base64," + "A" * 100_000
    (warning,) = _explain([f"Failed to render SVG image {data}"])
    assert warning == "WeasyPrint: Failed to render SVG image data:image/svg+xml;…"


def test_steps_to_follow_may_have_a_picture_too(folder):
    png(folder / "up.png")
    path = write_topic(folder, "calf-stretch")
    path.write_text(
        path.read_text()
        + '\n[[self_care]]\nname = "Getting up"\nsteps = ["Roll onto your side."]\n'
        'figure = "up.png"\nfigure_alt = "Lying on the side, then sitting up."\n'
    )
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.html")
    assert result.exit_code == 0, result.output
    steps = Path("ana.html").read_text().split('<section class="self-care">', 1)[1]
    assert '<img src="data:image/png;base64,' in steps
    assert 'alt="Lying on the side, then sitting up."' in steps


def test_a_new_picture_under_the_same_name_makes_a_new_handout(folder):
    # A batch re-run or `send` reuses a PDF only if nothing it was made from
    # changed: the picture's pixels count, not only its file name.
    from takehome.model.client import Client
    from takehome.model.handout import build_handout
    from takehome.model.topic import TopicLibrary
    from takehome.render.fingerprint import handout_fingerprint
    from takehome.render.options import RenderOptions

    def fingerprint() -> str:
        library = TopicLibrary([folder])
        handout = build_handout(["hip-care"], Client.create("Ana"), library=library)
        return handout_fingerprint(handout, RenderOptions(), ())

    png(folder / "hip.png")
    write_topic(folder, "hip.png")
    before = fingerprint()
    assert fingerprint() == before
    Image.new("RGB", (300, 150), "black").save(folder / "hip.png")
    assert fingerprint() != before


def test_a_misspelt_optional_field_in_a_stretch_gets_the_likely_one(folder):
    path = folder / "hip-care.toml"
    path.write_text(TOPIC.replace("{figure}", 'figur = "calf-stretch"'))
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert "stretches[1].figur is not a known field; did you mean figure?" in result.output


def test_new_never_writes_over_a_topic_and_says_what_to_do(folder):
    assert run("new", "hip-care", "--out", "handouts").exit_code == 0
    again = run("new", "hip-care", "--out", "handouts")
    assert again.exit_code == 1
    assert again.output == (
        f"Error: {Path('handouts') / 'hip-care.toml'}: already exists; edit that file, "
        "or write the new topic to another folder\n"
    )


def test_a_tall_picture_on_a_short_stretch_never_runs_into_the_warning_box(folder):
    import pypdfium2

    caption = "Sit tall, cross one ankle over the other knee, then lean forward a little."
    write_topic(folder, "seated-figure-4", caption=caption)
    result = run("make", "hip-care", "--client", "Ana", "-o", "ana.pdf")
    assert result.exit_code == 0, result.output
    page = pypdfium2.PdfDocument(Path("ana.pdf").read_bytes())[0]
    text = page.get_textpage()

    def box_of(words: str):  # (left, bottom, right, top) of the first character
        index, _ = text.search(words).get_next()
        return text.get_charbox(index)

    caption_foot = box_of("little.")[1]
    box_title = box_of("When to call your therapist")[3]
    # The box's border and padding sit above its title: the caption ends above both.
    assert caption_foot > box_title + 10, (caption_foot, box_title)
