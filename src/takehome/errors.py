"""The one exception type, and ``Problem``: a message with the place it is about."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class TakehomeError(Exception):
    """A problem the user can fix.

    The message starts with where the problem is (a file, a field, an option) and
    ends with what to do about it. The CLI prints it as ``Error: <message>`` and
    exits with status 1; it never shows a traceback for these.
    """


class ManyProblems(TakehomeError):
    """Several problems found at once (every bad flag of `init`, say): the CLI
    prints each on its own line, so one run shows them all."""

    def __init__(self, problems: list[str]):
        more = len(problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(problems[0] + tail)
        self.problems = problems


@dataclass(frozen=True)
class Problem:
    """One error or warning for the user, with where it is (for a web page to place it).

    ``text`` is the whole one-line message, which starts with its place ("row 3:
    ...", "glutes.toml: stretches[2] ..."); ``row``, ``file`` and ``field`` say
    the same as data, when known.
    """

    text: str
    row: int | None = None
    file: Path | None = None
    field: str | None = None

    def __str__(self) -> str:
        return self.text

    @property
    def where(self) -> str | None:
        """The place the message starts with ("row 3", a file, an option), if any."""
        head, sep, _ = self.text.partition(": ")
        return head if sep else None


def problems(texts, **where) -> list[Problem]:
    """Problems from plain messages that share one place (``row=3``, ``file=path``)."""
    return [Problem(str(text), **where) for text in texts]
