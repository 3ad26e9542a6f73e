"""Shared fixtures: real PDFs, read back with pypdf; WeasyPrint warnings fail tests."""

from __future__ import annotations

import datetime as dt
import logging
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from takehome.model.client import Client
from takehome.model.handout import build_handout

DATE = dt.date(2026, 11, 25)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture(autouse=True)
def hermetic(tmp_path_factory, monkeypatch):
    """No profile or setting of the machine's user can change a result: HOME and the
    user config folder are empty ones of the test's own, and takehome's variables
    are unset. (The font cache stays where it was: rebuilding it is slow, and it
    holds no settings.)"""
    import os

    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    monkeypatch.setenv("XDG_CACHE_HOME", cache)
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("xdg-config")))
    for name in ("TAKEHOME_CONFIG", "TAKEHOME_SMTP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    # The machine's time zone decides which day a UTC calendar time falls on.
    import time

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def weasyprint_warnings(request):
    """Fail any test during which WeasyPrint logs a warning (a missing font or
    image must not pass silently), unless the test expects warnings."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    yield handler.messages
    logger.removeHandler(handler)
    if handler.messages and not request.node.get_closest_marker("weasyprint_warnings_expected"):
        pytest.fail(f"WeasyPrint warned: {handler.messages}")


def pdf_reader(data: bytes | Path) -> PdfReader:
    if isinstance(data, Path):
        data = data.read_bytes()
    assert data.startswith(b"%PDF-"), "not a PDF"
    return PdfReader(BytesIO(data))


def pdf_text(data: bytes | Path) -> str:
    """All text of a PDF, with whitespace folded so phrases match across lines."""
    reader = pdf_reader(data)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def pdf_fonts(data: bytes | Path) -> dict[str, bool]:
    """Each font used in the PDF, and whether its program is embedded."""
    fonts: dict[str, bool] = {}
    for page in pdf_reader(data).pages:
        resources = page["/Resources"]
        for font in resources.get("/Font", {}).values():
            font = font.get_object()
            descriptor_holder = font
            if "/DescendantFonts" in font:
                descriptor_holder = font["/DescendantFonts"][0].get_object()
            descriptor = descriptor_holder.get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            fonts[str(font["/BaseFont"])] = embedded
    return fonts


@pytest.fixture
def make_handout():
    """Build a validated handout the way the CLI does."""

    def _make(topics=("glutes",), name="Ana Silva", conditions=(), note=None, **kwargs):
        client = Client.create(
            name, conditions, note=note, next_visit=kwargs.pop("next_visit", None)
        )
        return build_handout(list(topics), client, date=kwargs.pop("date", DATE), **kwargs)

    return _make


@pytest.fixture(scope="session")
def paper_renderers():
    """A renderer per paper size (RenderOptions), as batch workers keep them."""
    from takehome.render.options import PAPER_SIZES, RenderOptions
    from takehome.render.pdf import Renderer

    return {paper: Renderer(options=RenderOptions(paper)) for paper in PAPER_SIZES}


@pytest.fixture(scope="session")
def renderer():
    """One renderer for the session, as a batch would use it."""
    from takehome.render.pdf import Renderer

    return Renderer()


def custom_templates(tmp_path: Path, snippet: str = "", css: str | None = None) -> Path:
    """A therapist's templates folder: the built-in handout template with
    ``snippet`` at the start of its content, and print.css with ``css`` added."""
    from takehome.paths import builtin_templates_dir

    folder = tmp_path / "templates"
    folder.mkdir()
    source = (builtin_templates_dir() / "handout.html.j2").read_text(encoding="utf-8")
    (folder / "handout.html.j2").write_text(
        source.replace("{% block content %}", "{% block content %}" + snippet, 1),
        encoding="utf-8",
    )
    if css is not None:
        builtin_css = (builtin_templates_dir() / "print.css").read_text(encoding="utf-8")
        (folder / "print.css").write_text(builtin_css + css, encoding="utf-8")
    return folder
