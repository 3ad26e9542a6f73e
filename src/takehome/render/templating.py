"""The Jinja environment every takehome template runs in.

A therapist's own templates are code from outside the package, so they run in
Jinja's immutable sandbox (no access to Python internals such as
``cycler.__init__.__globals__``), and the loader reads only files that are really
inside its folders: a symlink or ``..`` that leads elsewhere is refused.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from takehome.errors import TakehomeError
from takehome.files import TEMPLATE_LIMIT, is_regular, read_regular


class ContainedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that refuses files whose real path leaves its folders."""

    def __init__(self, folders: list[Path]):
        self.roots = [folder.resolve() for folder in folders]
        super().__init__(self.roots)

    def get_source(self, environment, template):
        pieces = jinja2.loaders.split_template_path(template)
        for root in self.roots:
            path = root.joinpath(*pieces)
            if not is_regular(path):
                continue  # not there (or a FIFO, a folder): the next folder may have it
            real = path.resolve()
            if not any(real.is_relative_to(r) for r in self.roots):
                raise TakehomeError(
                    f"{path}: leads outside the templates folder (to {real}); "
                    "templates may only use files inside their folder"
                )
            # Read here, not by Jinja: a size cap, and any problem is one line.
            data = read_regular(path, limit=TEMPLATE_LIMIT, what="a template")
            try:
                source = data.decode("utf-8")
            except UnicodeDecodeError:
                raise TakehomeError(
                    f"{path}: the template is not UTF-8 text; save it as UTF-8"
                ) from None
            mtime = _mtime(path)
            return source, str(path), lambda p=path, m=mtime: _mtime(p) == m
        raise jinja2.TemplateNotFound(template)


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def check_template_folder(folder: Path, where: str) -> None:
    """Refuse a templates folder so wide it would expose the disk or home folder."""
    real = folder.resolve()
    if real == Path(real.anchor) or real == Path.home().resolve():
        raise TakehomeError(
            f"{where}: {folder} is the whole disk or your home folder; "
            "point it at a folder that holds only your templates"
        )


def make_environment(
    folders: list[Path], autoescape: bool | Callable[[str | None], bool] = True, **options
) -> jinja2.Environment:
    """A sandboxed, strict environment over ``folders`` (earlier folders win)."""
    return ImmutableSandboxedEnvironment(
        loader=ContainedLoader(folders),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        **options,
    )


def render_template(env: jinja2.Environment, name: str, context: dict, folders: list[Path]) -> str:
    """Render ``name``; any error becomes one line naming the template file and line."""
    try:
        return env.get_template(name).render(context)
    except TakehomeError:
        raise
    except jinja2.TemplateSyntaxError as exc:
        where = f"{exc.filename or exc.name}:{exc.lineno}"
        raise TakehomeError(
            f"{where}: template syntax error: {exc.message}; fix the template"
        ) from None
    except jinja2.TemplateNotFound as exc:
        places = ", ".join(str(f) for f in folders)
        raise TakehomeError(f"template {exc.name} not found in {places}; add it there") from None
    except Exception as exc:
        where = _template_location(exc, folders) or name
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        raise TakehomeError(f"{where}: {message}; fix the template") from None


def _template_location(exc: BaseException, folders: list[Path]) -> str | None:
    # Jinja rewrites tracebacks so that template code shows up as frames whose file
    # is the template itself; the innermost such frame is where the error is.
    where = None
    roots = [f.resolve() for f in folders]
    for frame in traceback.extract_tb(exc.__traceback__):
        if any(Path(frame.filename).resolve().is_relative_to(root) for root in roots):
            where = f"{frame.filename}:{frame.lineno}"
    return where
