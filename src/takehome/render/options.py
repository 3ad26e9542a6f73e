"""How a handout is rendered, as one value: ``RenderOptions``.

Everything that changes how a handout looks but is not its content (paper size
large print,
tagging) travels from the command to the
renderer as this one frozen value. It is part of a handout's fingerprint and the
key under which a batch worker keeps its renderer, so a new option is a new
field here and nowhere else. Light on purpose: the CLI imports it at start-up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

from takehome.errors import TakehomeError
from takehome.render.paper import DEFAULT_PAPER, PAPER_SIZES

__all__ = ["DEFAULT_PAPER", "PAPER_SIZES", "RenderOptions", "check_paper"]


def check_paper(paper: str, where: str) -> str:
    """``paper`` in lower case if it is a known size; else a one-line error at ``where``."""
    value = paper.strip().lower()
    if value not in PAPER_SIZES:
        known = " or ".join(PAPER_SIZES)
        raise TakehomeError(f"{where}: '{paper}' is not a paper size; use {known}")
    return value


@dataclass(frozen=True)
class RenderOptions:
    """Rendering choices for one handout (hashable: a batch worker's cache key)."""

    paper: str = DEFAULT_PAPER
    # A tagged PDF/UA-1 (structure, reading order, language, alt text) for screen
    # readers; off only to compare its cost (bench/render.py).
    tagged: bool = True
    # Large print (ACB guidelines): 18pt text and up, one column, line spacing 1.5.
    large_print: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "paper", check_paper(self.paper, "paper"))

    @property
    def page_size(self) -> str:
        """The CSS ``@page`` size."""
        return PAPER_SIZES[self.paper]

    def with_paper(self, paper: str | None, where: str) -> RenderOptions:
        """These options on another paper (a CSV row's Paper cell); errors name ``where``."""
        if not paper:
            return self
        return replace(self, paper=check_paper(paper, where))

    def with_large_print(self, large_print: bool | None) -> RenderOptions:
        """These options in large print or not (a CSV row's Large Print cell); None keeps them."""
        if large_print is None or large_print == self.large_print:
            return self
        return replace(self, large_print=large_print)

    def as_dict(self) -> dict:
        """Every option, for the fingerprint."""
        return asdict(self)
