"""A therapist's own picture for a stretch: a file beside the topic, checked like
the logo, embedded in the handout with its alt text (issue 13)."""

from __future__ import annotations

import io
import os
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
        ("missing.png", lambda f: None, "missing.png is not a file; put the picture"),
        (
            "big.png",
            lambda f: (f / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2_200_000)),
            "big.png is larger than 2 MB",
        ),
        ("huge.png", lambda f: png(f / "huge.png", (6000, 5000)), "huge.png is 6000 x 5000 pixels"),
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
        (
            "web.svg",
            lambda f: (f / "web.svg").write_text(
                SVG.format('<image href="https://example.org/a.png" width="9" height="9"/>')
            ),
            "web.svg refers to https://example.org/a.png, outside the drawing",
        ),
        (
            "xlink.svg",
            lambda f: (f / "xlink.svg").write_text(
                '<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink">'
                '<use x:href="other.svg#leg"/></svg>'
            ),
            "xlink.svg refers to other.svg#leg",
        ),
        (
            "css.svg",
            lambda f: (f / "css.svg").write_text(
                SVG.format("<style>path { fill: url(file:///etc/passwd) }</style>" + LINE)
            ),
            "css.svg refers to file:///etc/passwd",
        ),
        (
            "import.svg",
            lambda f: (f / "import.svg").write_text(
                SVG.format("<style>@import 'http://example.org/a.css';</style>")
            ),
            "import.svg refers to @import",
        ),
        (
            "entity.svg",
            lambda f: (f / "entity.svg").write_text(
                '<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + SVG.format("&x;")
            ),
            "entity.svg declares XML entities",
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
    assert result.output.startswith(f"Error: {Path('handouts') / topic.name}: stretches[1] ")
    assert message in result.output
    assert not Path("ana.pdf").exists()


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
    assert "missing.png is not a file; put the picture in the topic's folder" in result.output
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
    again = run("gallery", "-o", "figures.pdf")
    assert again.exit_code == 1 and "--force" in again.output
    assert Path("figures.pdf").read_bytes() == data
