"""From a validated Handout to HTML (Jinja2) and PDF (WeasyPrint).

WeasyPrint is imported only when a PDF is made, so ``takehome --help`` and
``takehome list`` start fast. Rendering reads nothing from the network: the URL
fetcher accepts ``data:`` URLs and files inside the allowed folders (templates and
fonts, after resolving symlinks) and stops the render for anything else.
"""

from __future__ import annotations

import logging
import mimetypes
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from markupsafe import Markup

from takehome.errors import TakehomeError
from takehome.files import TEMPLATE_LIMIT, read_regular
from takehome.model.handout import Handout
from takehome.paths import builtin_templates_dir
from takehome.render import continued, fill, fonts, margins, side_figures, tagging
from takehome.render.fingerprint import MADE_BY_KEY, PDF_KEY, handout_fingerprint
from takehome.render.options import RenderOptions
from takehome.render.templating import check_template_folder, make_environment, render_template
from takehome.render.warning_text import UNPRINTABLE

HANDOUT_TEMPLATE = "handout.html.j2"
STYLESHEET = "print.css"
LARGE_PRINT_STYLESHEET = "large-print.css"  # laid over print.css for large print


@dataclass
class Rendered:
    """A rendered handout and anything the user should be told about it."""

    data: bytes
    warnings: list[str] = field(default_factory=list)
    fingerprint: str | None = None  # of the inputs, also stored in the PDF (fingerprint.py)


def _make_url_fetcher(allowed_roots: tuple[Path, ...]):
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class SandboxedURLFetcher(URLFetcher):
        """Serve data: URLs and files under the allowed folders; refuse the rest.

        Files are opened here, not by urllib, so that a "file://host/..." URL can
        never turn into a network look-up. Every refusal is also recorded,
        because WeasyPrint swallows errors raised while drawing an SVG image:
        the renderer checks ``refused`` after the PDF is made.
        """

        def __init__(self):
            super().__init__(
                allowed_protocols=("file", "data"),
                allow_redirects=False,
                fail_on_errors=True,
            )
            self.refused: list[str] = []

        def _refuse(self, message: str):
            self.refused.append(message)
            raise FatalURLFetchingError(message)

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme != "file":
                self._refuse(
                    f"refused to fetch {url}: handouts never use the network; "
                    f"use a file in the templates folder instead"
                )
            parts = urlsplit(url)
            path = Path(url2pathname(parts.path)).resolve()
            if parts.netloc not in ("", "localhost") or not any(
                path.is_relative_to(root) for root in allowed_roots
            ):
                self._refuse(
                    f"refused to read {url}: only files in the template and font folders "
                    f"may be used; move the file there or remove the reference"
                )
            if not path.is_file():
                self._refuse(f"{path}: file not found; add it or remove the reference to it")
            mime_type, _ = mimetypes.guess_type(path.name)
            return URLFetcherResponse(
                url,
                body=path.read_bytes(),
                headers={"Content-Type": mime_type or "application/octet-stream"},
            )

    return SandboxedURLFetcher()


class _ImagesWithoutAlt(logging.Filter):
    """Turn WeasyPrint's "no required alt description" into takehome's own words.

    An ``<img alt="">`` is decoration by HTML's rules: it becomes an artifact
    (tagging.py), so the message is dropped. An image with no alt at all becomes
    an artifact too, but the therapist is told which image to describe. Filtered
    on the logger itself, so no handler ever sees WeasyPrint's version.
    """

    _PATTERN = re.compile(r'^Image "(?P<src>.*)" has no required alt description$')

    def __init__(self, html: str, where: Path):
        super().__init__()
        self.html = html
        self._decorative: set[str] | None = None  # parsed only if WeasyPrint complains
        self.where = where
        self.missing: list[str] = []

    def filter(self, record):
        match = self._PATTERN.match(record.getMessage())
        if not match:
            return True
        src = match["src"]
        if self._decorative is None:
            self._decorative = _decorative_images(self.html)
        if src not in self._decorative:
            name = "an image" if src.startswith("data:") else f"the image {src}"
            note = (
                f"{self.where}: {name} has no alt text, so a screen reader skips it; "
                'add alt="what it shows" to its <img>, or alt="" if it is only decoration'
            )
            if note not in self.missing:
                self.missing.append(note)
        return False


def _decorative_images(html: str) -> set[str]:
    """The src of every ``<img>`` whose alt is given and empty."""
    from html.parser import HTMLParser

    found: set[str] = set()

    class _Images(HTMLParser):
        def handle_starttag(self, tag, attrs):
            values = dict(attrs)
            alt = values.get("alt")
            if tag == "img" and alt is not None and not alt.strip() and values.get("src"):
                found.add(values["src"])

    _Images().feed(html)
    return found


class _WarningCollector(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


class Renderer:
    """Builds the Jinja environment and font set once; renders many handouts."""

    def __init__(
        self, template_dirs: list[Path] | None = None, options: RenderOptions | None = None
    ):
        self.options = options or RenderOptions()
        builtin = builtin_templates_dir()
        # Earlier folders win: a therapist's own templates override the built-in ones.
        self.template_dirs = [d.resolve() for d in (template_dirs or [])] + [builtin.resolve()]
        for folder in self.template_dirs[:-1]:
            check_template_folder(folder, "templates folder")
        # Autoescape on for every template: select_autoescape would miss *.html.j2.
        self.env = make_environment(
            self.template_dirs, autoescape=True, trim_blocks=True, lstrip_blocks=True
        )
        self.allowed_roots = (*self.template_dirs, *fonts.font_dirs())
        self._font_config = None
        self._fetcher = None
        self._css = None

    def _stylesheet(self, name: str = STYLESHEET) -> Path:
        for folder in self.template_dirs:
            if (folder / name).is_file():
                return folder / name
        places = ", ".join(str(folder) for folder in self.template_dirs)
        raise TakehomeError(f"{name}: not found in {places}; add it there")

    def _read_stylesheet(self, name: str) -> str:
        sheet = self._stylesheet(name)
        data = read_regular(sheet, limit=TEMPLATE_LIMIT, what="a stylesheet")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise TakehomeError(f"{sheet}: not UTF-8 text; save it as UTF-8") from None

    def _large_print_text(self) -> str:
        """large-print.css for a large-print handout, else nothing."""
        if not self.options.large_print:
            return ""
        return "\n" + self._read_stylesheet(LARGE_PRINT_STYLESHEET)

    def _stylesheet_text(self) -> str:
        """print.css, and large-print.css after it for a large-print handout."""
        return self._read_stylesheet(STYLESHEET) + self._large_print_text()

    def html(self, handout: Handout, standalone: bool = False, *, _prebuilt: bool = False) -> str:
        """Render the handout's HTML; template errors name the template file and line.

        ``standalone`` HTML (for ``--format html``) carries its stylesheet inline
        and links no local files, so it can be opened or sent anywhere. Otherwise
        it links the stylesheet and fonts (for a PDF, those come pre-parsed).
        """
        return render_template(
            self.env,
            HANDOUT_TEMPLATE,
            self._context(handout, standalone, _prebuilt),
            self.template_dirs,
        )

    def _context(self, handout: Handout, standalone: bool, prebuilt: bool) -> dict:
        # Which styles go into the page is decided here, not in the template:
        # the template only places ``head_css`` and ``stylesheet_href``.
        stylesheet = self._stylesheet()
        page = f"@page {{ size: {self.options.page_size}; }}"
        faces = _faces()
        if standalone:
            # A file to open anywhere: our stylesheet inline, no local font links.
            head_css, href = self._stylesheet_text() + "\n" + page, None
        elif prebuilt:
            # A PDF: the stylesheet and fonts are handed to WeasyPrint parsed.
            head_css, href = page, None
        else:
            head_css = "".join(_font_face_rule(face) for face in faces) + page
            href = stylesheet.as_uri()
        # Large print is laid over the linked print.css, so it comes after the link.
        after_css = self._large_print_text() if href else ""
        return {
            "handout": handout,
            "client": handout.client,
            "practice": handout.practice,
            "options": self.options,
            "date_text": f"{handout.date:%B} {handout.date.day}, {handout.date.year}",
            # Our own CSS (never client data): safe to place unescaped.
            "head_css": Markup(head_css),
            "stylesheet_href": href,
            "after_css": Markup(after_css),
            # The names templates customised before 0.2 still use.
            "standalone": standalone,
            "prebuilt": prebuilt,
            "stylesheet_text": self._stylesheet_text() if standalone else "",
            "page_size": self.options.page_size,
            "stylesheet_url": stylesheet.as_uri(),
            "font_faces": faces,
        }

    def _print_stylesheet(self):
        # Parsed once per Renderer, fonts registered once: a batch worker reuses
        # it for every client instead of parsing print.css for each handout.
        import weasyprint

        if self._css is None:
            sheet = self._stylesheet()
            faces = "".join(
                _font_face_rule(
                    {
                        "family": f.family,
                        "url": f.path.as_uri(),
                        "weight": f.weight,
                        "style": f.style,
                    }
                )
                for f in fonts.font_faces()
            )
            self._css = weasyprint.CSS(
                string=faces + continued.LABEL_CSS + self._stylesheet_text(),
                base_url=sheet.as_uri(),
                url_fetcher=self._fetcher,
                font_config=self._font_config,
            )
        return self._css

    def fingerprint(self, handout: Handout) -> str:
        """The fingerprint of this handout's inputs with these templates."""
        return handout_fingerprint(handout, self.options, tuple(self.template_dirs))

    def pdf(self, handout: Handout, made_by: str = "make") -> Rendered:
        """Render the handout to PDF bytes, with warnings for the user.

        Any failure is a TakehomeError; the PDF carries the fingerprint of its
        inputs and the command that made it (``made_by``: a batch replaces only
        what a batch made), and never an embedded file.
        """
        html = self.html(handout, _prebuilt=True)
        fingerprint = self.fingerprint(handout)
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import FatalURLFetchingError

        if self._font_config is None:
            self._font_config = FontConfiguration()
            self._fetcher = _make_url_fetcher(self.allowed_roots)
        collector = _WarningCollector()
        alt_filter = _ImagesWithoutAlt(html, self.template_dirs[0])
        logger = logging.getLogger("weasyprint")
        logger.addHandler(collector)
        logger.addFilter(alt_filter)
        self._fetcher.refused.clear()
        try:
            source = weasyprint.HTML(
                string=html,
                # Relative links resolve in the first (highest-priority) folder.
                base_url=self.template_dirs[0].as_uri() + "/",
                url_fetcher=self._fetcher,
            )
            document = self._layout(source)
            self._refuse_attachments(document)
            _set_metadata(document.metadata, handout, fingerprint, made_by)
            data = document.write_pdf(
                custom_metadata=True,
                attachments=None,
                pdf_variant="pdf/ua-1" if self.options.tagged else None,
            )
            if self.options.tagged:
                data = tagging.finish_tagging(data)
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise TakehomeError(f"rendering stopped: {cause}") from None
        except TakehomeError:
            raise
        except Exception as exc:
            # WeasyPrint can fail on extreme CSS (a 1e9px font, 1e12px spacing):
            # one line naming the folder to look in, never a traceback.
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise TakehomeError(
                f"{self.template_dirs[0]}: the handout could not be laid out ({detail}); "
                f"check {STYLESHEET} and the templates there for extreme sizes, "
                "or undo your last change"
            ) from None
        finally:
            logger.removeHandler(collector)
            logger.removeFilter(alt_filter)
        if self._fetcher.refused:
            raise TakehomeError(f"rendering stopped: {self._fetcher.refused[0]}")
        warnings = alt_filter.missing + _explain(collector.messages)
        return Rendered(data=data, warnings=warnings, fingerprint=fingerprint)

    def _layout(self, source):
        """Lay the handout out: margins that hold the header and footer, a
        "(continued)" label where a section runs on to a new page, and no nearly
        empty last page. One layout in the common case; more only when needed."""
        import weasyprint

        stylesheets = [self._print_stylesheet()]

        def render():
            return source.render(font_config=self._font_config, stylesheets=stylesheets)

        document = render()
        grown = margins.grown_margins(document)
        if grown:
            # A long name (or large print) needs taller margins than print.css gives.
            stylesheets.append(weasyprint.CSS(string=grown, font_config=self._font_config))
            document = render()
        document = self._fix_continued(document, render)
        if fill.nearly_empty(document):
            fill.tighten(source)
            tighter = self._fix_continued(render(), render)
            if len(tighter.pages) < len(document.pages) or not fill.nearly_empty(tighter):
                document = tighter
            else:
                fill.tighten(source, on=False)
        if fill.nearly_empty(document) and (element := fill.to_push(document, source)) is not None:
            fill.push(element)
            pushed = self._fix_continued(render(), render)
            if len(pushed.pages) <= len(document.pages) and not fill.nearly_empty(pushed):
                document = pushed
        continued.place_labels(document)
        return document

    @staticmethod
    def _fix_continued(document, render):
        for _ in range(2):
            # A cut side heading or a label with no room: lay it out again (kept
            # even if it costs a page: a heading cut in two is worse), and check
            # again, since moving a section moves the breaks after it.
            found = continued.fixes(document) or side_figures.fixes(document)
            if not found:
                break
            continued.apply(found)
            document = render()
        return document

    def _refuse_attachments(self, document) -> None:
        # <a rel="attachment"> and <link rel="attachment"> would embed a file
        # (a stylesheet, a data: URL, anything the fetcher allows) in a PDF that
        # is emailed to a client: handouts never carry attachments.
        linked = any(link[0] == "attachment" for page in document.pages for link in page.links)
        if linked or document.metadata.attachments:
            raise TakehomeError(
                f"{self.template_dirs[0]}: a template asks to embed a file in the PDF "
                '(rel="attachment"); handouts never carry attachments; remove it from the template'
            )

    def close(self) -> None:
        """Remove the font copies WeasyPrint keeps in a temporary folder.

        WeasyPrint removes them only when its font configuration is garbage
        collected, which never happens in a worker process that exits with
        os._exit: without this, every worker would leave ~10 MB behind.
        """
        folder = getattr(self._font_config, "_folder", None)
        self._css = self._font_config = self._fetcher = None
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def _faces() -> list[dict]:
    return [
        {"family": f.family, "url": f.path.as_uri(), "weight": f.weight, "style": f.style}
        for f in fonts.font_faces()
    ]


def _font_face_rule(face: dict) -> str:
    return (
        f'@font-face {{ font-family: "{face["family"]}"; src: url("{face["url"]}"); '
        f"font-weight: {face['weight']}; font-style: {face['style']}; }}\n"
    )


def _set_metadata(metadata, handout: Handout, fingerprint: str, made_by: str) -> None:
    # The PDF's document information is ours alone: a template's <meta> tags
    # (author, description, keywords, any custom name) never reach it, so no
    # detail can ride along unseen in an emailed file. The title stays.
    metadata.authors = [handout.practice.name]
    metadata.description = None
    metadata.keywords = []
    metadata.generator = "takehome"
    metadata.created = metadata.modified = None
    metadata.custom = {PDF_KEY: fingerprint, MADE_BY_KEY: made_by}


_NOTDEF = re.compile(r"\.notdef glyph rendered for Unicode string unsupported by fonts")
_CODEPOINT = re.compile(r"\(U\+([0-9A-Fa-f]{4,6})\)")


_DATA_URL_IN_TEXT = re.compile(r"(data:[\w.+/-]*[;,])[^\s\"')]+")


def _explain(messages: list[str]) -> list[str]:
    """Turn WeasyPrint's log lines into warnings a therapist can act on, once each."""
    missing: list[str] = []
    others: list[str] = []
    for message in messages:
        if _NOTDEF.search(message):
            for point in _CODEPOINT.findall(message):
                char = f"{chr(int(point, 16))} (U+{point.upper()})"
                if char not in missing:
                    missing.append(char)
        else:
            # A picture is embedded as a data: URL: name it, not its megabytes.
            message = _DATA_URL_IN_TEXT.sub(r"\1…", message)
            if f"WeasyPrint: {message}" not in others:
                others.append(f"WeasyPrint: {message}")
    if missing:
        others.insert(
            0,
            f"{UNPRINTABLE}, so they show as empty boxes: "
            + " ".join(missing)
            + "; install a font that has them (on Debian: apt-get install fonts-noto-core)",
        )
    return others
