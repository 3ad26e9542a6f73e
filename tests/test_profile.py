"""The practice profile: found in the documented order, printed on every page,
checked with one-line errors; init, new and check."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from click.testing import CliRunner
from PIL import Image

from conftest import pdf_reader, pdf_text
from takehome.cli import cli
from takehome.model.topic import TopicLibrary

BOOKING = "https://book.harbour.example/sam?src=handout"
BRAND = (123, 63, 97)  # #7b3f61
PROFILE = f"""
[practice]
name = "Harbour Massage"
therapist = "Sam Lee"
credentials = "LMT"
phone = "555-0100"
email = "hello@harbour.example"
address = "12 Quay Street, Harbourtown"
booking_link = "{BOOKING}"
logo = "logo.png"
brand_color = "#7b3f61"
"""


@pytest.fixture
def run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # The user config folder, for platformdirs on Linux: kept inside the test.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("TAKEHOME_CONFIG", raising=False)
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, [*args], catch_exceptions=False)

    return _run


def make_logo(path: Path) -> None:
    image = Image.new("RGB", (240, 80), "white")
    image.paste(BRAND, (10, 10, 230, 70))
    image.save(path)


def branded(tmp_path: Path, text: str = PROFILE) -> Path:
    make_logo(tmp_path / "logo.png")
    (tmp_path / "takehome.toml").write_text(text, encoding="utf-8")
    return tmp_path / "takehome.toml"


def test_branded_handout_carries_the_practice(run, tmp_path):
    branded(tmp_path)
    result = run("make", "glutes", "--client", "Ana Silva", "--note", "Walk daily.", "-o", "a.pdf")
    assert result.exit_code == 0, result.output
    text = pdf_text(Path("a.pdf"))
    for expected in (
        "Harbour Massage",
        "555-0100",
        "hello@harbour.example",
        "12 Quay Street, Harbourtown",
        "Sam Lee, LMT",
    ):
        assert expected in text
    assert len(pdf_reader(Path("a.pdf")).pages) == 2
    # The link is printed under the QR code; a long one wraps in that narrow column.
    squashed = "".join(text.split())
    assert "Bookyournextvisit:book.harbour.example/sam?src=handout" in squashed


def test_logo_is_drawn_on_page_one(run, tmp_path):
    branded(tmp_path)
    run("make", "glutes", "--client", "Ana Silva", "-o", "a.pdf")
    images = pdf_reader(Path("a.pdf")).pages[0].images
    assert [(i.image.width, i.image.height) for i in images] == [(240, 80)]


def _page_image(path: Path, index: int, scale: float = 3) -> Image.Image:
    return pypdfium2.PdfDocument(path)[index].render(scale=scale).to_pil()


def test_the_qr_code_reads_back_as_the_booking_link(run, tmp_path):
    branded(tmp_path)
    run("make", "glutes", "--client", "Ana Silva", "-o", "a.pdf")
    found = [
        code.text
        for page in range(len(pdf_reader(Path("a.pdf")).pages))
        for code in zxingcpp.read_barcodes(_page_image(Path("a.pdf"), page))
        if code.format == zxingcpp.BarcodeFormat.QRCode
    ]
    assert found == [BOOKING]


def test_brand_colour_is_on_the_headings(run, tmp_path):
    branded(tmp_path)
    run("make", "glutes", "--client", "Ana Silva", "-o", "a.pdf")
    page = _page_image(Path("a.pdf"), 0, scale=1).convert("RGB")
    page = page.crop((0, 60, page.width, page.height))  # below the logo
    brand_pixels = sum(
        count
        for count, colour in page.getcolors(1 << 20)
        if all(abs(a - b) <= 12 for a, b in zip(colour, BRAND, strict=True))
    )
    assert brand_pixels > 500


def test_without_a_profile_the_neutral_default_is_used(run):
    assert run("make", "glutes", "--client", "Ana", "-o", "a.pdf").exit_code == 0
    text = pdf_text(Path("a.pdf"))
    assert "Your massage therapist" in text
    assert "https://" not in text


# --- Where the profile is found ---------------------------------------------------


def _profile_in(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "takehome.toml"
    path.write_text(f'[practice]\nname = "{name}"\n', encoding="utf-8")
    return path


def test_config_precedence(run, tmp_path, monkeypatch):
    user = _profile_in(tmp_path / "xdg" / "takehome", "User Folder")
    assert run("config").output.splitlines()[0] == f"Profile: {user}"

    local = _profile_in(tmp_path, "Local")
    assert run("config").output.splitlines()[0] == f"Profile: {local}"

    env = _profile_in(tmp_path / "env", "From Env")
    monkeypatch.setenv("TAKEHOME_CONFIG", str(env))
    assert run("config").output.splitlines()[0] == f"Profile: {env}"

    explicit = _profile_in(tmp_path / "explicit", "Explicit")
    result = run("--config", str(explicit), "config")
    assert result.output.splitlines()[:3] == [
        f"Profile: {explicit}",
        "[practice]",
        "  name = Explicit",
    ]

    run("--config", str(explicit), "make", "glutes", "--client", "Ana", "-o", "a.pdf")
    assert "Explicit" in pdf_text(Path("a.pdf"))


def test_no_profile_at_all(run):
    import os

    where = Path(os.environ["XDG_CONFIG_HOME"]) / "takehome" / "takehome.toml"
    assert run("config").output.splitlines()[0] == (
        f"Profile: none: the neutral default (create one with `takehome init`; it writes {where})"
    )


# --- Bad profiles: one line, the file and the fix ------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[practice]\nphnoe = "555"\n', "unknown key practice.phnoe; did you mean phone?"),
        (
            '[practice]\nbrand_color = "teal"\n',
            "practice.brand_color: must be a hex colour like #2f5d62; fix the value",
        ),
        (
            '[practice]\nname = "Harbour\n',
            "not valid TOML: Illegal character '\\n' (at line 2, column 16); fix the syntax there",
        ),
        ('[practice]\nlogo = "missing.png"\n', "practice.logo: "),
        (
            '[practice]\nlogo = "notes.txt"\n',
            "practice.logo: notes.txt is not a PNG, JPEG or SVG image; "
            "save the logo in one of those formats",
        ),
        (
            '[output]\npaper = "legal"\n',
            "output.paper: 'legal' is not a paper size; use letter or a4; fix the value",
        ),
        ('[practice]\nbooking_link = "not a link"\n', "practice.booking_link: "),
        (
            '[practice]\nname = "Harbour\\r\\nBcc: evil@example.com"\n',
            "practice.name: must be one line with no control characters; fix the value",
        ),
    ],
    ids=["typo", "colour", "toml", "missing-logo", "not-an-image", "paper", "link", "line-break"],
)
def test_bad_profile_is_one_clear_line(run, tmp_path, text, message):
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "takehome.toml").write_text(text, encoding="utf-8")
    result = run("make", "glutes", "--client", "Ana")
    assert result.exit_code == 1
    assert len(result.output.splitlines()) == 1
    assert result.output.startswith(f"Error: {tmp_path / 'takehome.toml'}: {message}")
    assert not Path("handouts-out").exists()


def test_an_svg_logo_cannot_read_other_files(run, tmp_path):
    # Refused when the profile is read, before anything is rendered (the
    # renderer's URL fetcher would refuse it too: see test_render).
    (tmp_path / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<image href="file:///etc/passwd" width="10" height="10"/></svg>'
    )
    (tmp_path / "takehome.toml").write_text('[practice]\nlogo = "logo.svg"\n')
    result = run("make", "glutes", "--client", "Ana", "-o", "a.pdf")
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {tmp_path / 'takehome.toml'}: practice.logo: logo.svg refers to "
        "file:///etc/passwd, outside the drawing; embed every image in the SVG (or save it "
        "as PNG) so nothing is fetched\n"
    )
    assert not Path("a.pdf").exists()


# --- The therapist's own templates and topics ----------------------------------------

PLACEHOLDERS = {
    "Replace this with a short paragraph about these muscles.": "They run down the thigh.",
    "Replace this with what happens during the massage.": "Your therapist works slowly.",
    "Replace with the stretch's name": "Seated stretch",
    "example-condition": "tight-hips",
    "Example condition": "Tight hips",
    "Replace with advice for clients who have this condition.": "Go gently.",
    '"First step."': '"Sit on the floor."',
    '"Second step."': '"Reach for your toes."',
}


def fill_in(path: Path) -> None:
    """Write over every placeholder of a `takehome new` file, as a therapist would."""
    text = path.read_text()
    for placeholder, own in PLACEHOLDERS.items():
        assert placeholder in text
        text = text.replace(placeholder, own)
    path.write_text(text)


def test_own_template_and_new_topic_are_used(run, tmp_path):
    mine = tmp_path / "mine"
    assert (
        run(
            "init", "takehome.toml", "--no-input", "--name", "Harbour", "--customize", str(mine)
        ).exit_code
        == 0
    )
    handout = mine / "templates" / "handout.html.j2"
    handout.write_text(
        handout.read_text().replace(
            "{% block content %}", "{% block content %}<p>OUR OWN LAYOUT</p>"
        )
    )
    assert (
        run("new", "hamstrings").output.splitlines()[0]
        == f"Wrote {mine / 'handouts' / 'hamstrings.toml'}"
    )
    fill_in(mine / "handouts" / "hamstrings.toml")

    listing = run("list").output
    assert re.search(r"^  hamstrings +Hamstrings Massage$", listing, re.M)
    assert f"from: {mine / 'handouts' / 'hamstrings.toml'}" in listing

    assert run("make", "hamstrings", "--client", "Ana", "-o", "h.pdf").exit_code == 0
    text = pdf_text(Path("h.pdf"))
    assert "OUR OWN LAYOUT" in text and "Hamstrings Massage" in text


# --- init, new, check --------------------------------------------------------------


def test_init_writes_a_profile_check_accepts_and_refuses_to_overwrite(run, tmp_path):
    make_logo(tmp_path / "logo.png")
    result = run(
        "init",
        "takehome.toml",
        "--no-input",
        "--name",
        "Harbour Massage",
        "--phone",
        "555-0100",
        "--booking-link",
        BOOKING,
        "--logo",
        "logo.png",
        "--brand-color",
        "#7b3f61",
        "--paper",
        "a4",
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == "Wrote takehome.toml"
    text = Path("takehome.toml").read_text()
    assert "# Phone number, in the footer" in text and 'phone = "555-0100"' in text

    checked = run("check")
    assert checked.exit_code == 0, checked.output
    assert (
        checked.output.splitlines()[-1]
        == f"Checked {len(TopicLibrary().keys())} topic file(s) and 5 template(s): 0 problem(s)"
    )

    again = run("init", "takehome.toml", "--no-input", "--name", "Other")
    assert again.exit_code == 1
    assert again.output == (
        "Error: takehome.toml: already exists; change a setting with `takehome config set "
        "KEY VALUE`, or remove the file first to start again\n"
    )
    assert 'name = "Harbour Massage"' in Path("takehome.toml").read_text()

    run("make", "glutes", "--client", "Ana", "-o", "a.pdf")
    assert round(float(pdf_reader(Path("a.pdf")).pages[0].mediabox.width)) == 595  # a4


def test_init_validates_before_writing(run):
    result = run("init", "takehome.toml", "--no-input", "--brand-color", "blue")
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: --brand-color: 'blue' is not a colour code; type a hex code like #2f5d62, "
        "or a name from this palette: teal #2f5d62, sage green #4a6b4f,"
    )
    assert not Path("takehome.toml").exists()


def test_new_topic_has_every_field_and_loads(run):
    assert run("new", "deep-tissue").exit_code == 0
    text = Path("deep-tissue.toml").read_text()
    for field in (
        "title",
        "intro",
        "benefits",
        "preparation",
        "during",
        "disclaimer",
        "[[aftercare]]",
        "[[stretches]]",
        "not_for",
        "[conditions.",
        "[when_to_call]",
    ):
        assert field in text
    fill_in(Path("deep-tissue.toml"))
    assert run("--handouts", ".", "make", "deep-tissue", "--client", "Ana").exit_code == 0
    assert run("new", "deep-tissue").exit_code == 1  # never overwritten


def test_check_passes_on_the_built_ins(run):
    result = run("check")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "Profile: none (the neutral default practice is used)",
        *[line for line in result.output.splitlines() if "reading grade" in line],
        f"Checked {len(TopicLibrary().keys())} topic file(s) and 5 template(s): 0 problem(s)",
    ]
    graded = [line for line in result.output.splitlines() if "reading grade" in line]
    assert len(graded) == len(TopicLibrary().keys())
    assert all("above" not in line for line in graded)


def test_check_lists_every_problem_in_a_broken_folder(run, tmp_path):
    mine = tmp_path / "mine"
    (mine / "templates").mkdir(parents=True)
    (mine / "handouts").mkdir()
    (mine / "templates" / "extra.html.j2").write_text("<p>\n{% if %}</p>\n")
    hips, calves = mine / "handouts" / "hips.toml", mine / "handouts" / "calves.toml"
    hips.write_text('title = "Hips"\nbenifits = []\n')
    calves.write_text('title = "Calves\n')
    profile = tmp_path / "takehome.toml"
    profile.write_text(
        '[practice]\nbrand_color = "#12"\nphnoe = "555"\n'
        f'[library]\ntemplates = "{mine / "templates"}"\nhandouts = "{mine / "handouts"}"\n'
    )
    result = run("check")
    assert result.exit_code == 1
    errors = [
        line.removeprefix("Error: ")
        for line in result.output.splitlines()
        if line.startswith("Error: ")
    ]
    expected = [
        f"{profile}: unknown key practice.phnoe; did you mean phone?",
        f"{profile}: practice.brand_color: must be a hex colour like #2f5d62; fix the value",
        f"{calves}: not valid TOML: Illegal character '\\n' (at line 1, column 16); "
        "fix the syntax there",
        f"{hips}: benifits is not a known field; did you mean benefits? "
        "(see the content schema in the README)",
        f"{hips}: intro is missing; add it (see the content schema in the README)",
    ]
    for message in expected:
        assert message in errors
    assert len([e for e in errors if e.startswith(str(hips))]) == 7  # all, not just the first
    assert any(e.startswith(f"{mine / 'templates' / 'extra.html.j2'}:2: ") for e in errors)
    assert result.output.splitlines()[-1].endswith(f"{len(errors)} problem(s)")


def test_check_reports_template_errors_with_the_line(run, tmp_path):
    mine = tmp_path / "templates"
    mine.mkdir()
    (mine / "extra.html.j2").write_text("<p>\n{% if %}</p>\n")
    (tmp_path / "takehome.toml").write_text(f'[library]\ntemplates = "{mine}"\n')
    result = run("check")
    assert result.exit_code == 1
    assert f"Error: {mine / 'extra.html.j2'}:2: " in result.output


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10),
            "is damaged or not a complete image",
        ),
        (
            lambda p: p.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(3 * 1024 * 1024)),
            "is larger than 2 MB",
        ),
        (lambda p: p.symlink_to("/dev/zero"), "is not a file"),
    ],
    ids=["damaged", "huge", "device"],
)
def test_logo_limits(run, tmp_path, make, message):
    make(tmp_path / "logo.png")
    (tmp_path / "takehome.toml").write_text('[practice]\nlogo = "logo.png"\n')
    result = run("make", "glutes", "--client", "Ana")
    assert result.exit_code == 1
    assert message in result.output and len(result.output.splitlines()) == 1


def test_check_reports_logo_and_folder_problems_together(run, tmp_path):
    (tmp_path / "takehome.toml").write_text(
        '[practice]\nlogo = "nope.png"\nbrand_color = "red"\n'
        '[library]\ntemplates = "no-such-templates"\nhandouts = "no-such-handouts"\n'
    )
    result = run("check")
    errors = [line for line in result.output.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 4, errors
    for part in ("practice.brand_color", "practice.logo", "library.templates", "library.handouts"):
        assert any(part in error for error in errors)


def test_init_checks_everything_before_copying_or_writing(run, tmp_path):
    result = run("init", "x.toml", "--no-input", "--brand-color", "blue", "--customize", "mine")
    assert result.exit_code == 1
    assert not Path("mine").exists() and not Path("x.toml").exists()


def test_init_takes_the_logo_from_the_current_folder(run, tmp_path):
    make_logo(tmp_path / "logo.png")
    result = run("init", "profiles/takehome.toml", "--no-input", "--logo", "logo.png")
    assert result.exit_code == 0, result.output
    assert f'logo = "{tmp_path / "logo.png"}"' in Path("profiles/takehome.toml").read_text()
    assert run("--config", "profiles/takehome.toml", "check").exit_code == 0
