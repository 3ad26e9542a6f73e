"""The README documents every command and option, and its examples run as written."""

from __future__ import annotations

import datetime as dt
import re
import shlex
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from takehome.cli import cli

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: click.Group, prefix: str = "takehome"):
    for name, command in sorted(group.commands.items()):
        yield f"{prefix} {name}", command
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix} {name}")


COMMANDS = dict(_commands(cli))


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_documented(name):
    assert re.search(rf"(`|^){re.escape(name)}\b", README, re.MULTILINE), (
        f"README: add a section or example for {name}"
    )


@pytest.mark.parametrize(
    ("name", "option"),
    sorted(
        (name, opt)
        for name, command in [("takehome", cli), *COMMANDS.items()]
        for param in command.params
        if isinstance(param, click.Option) and "--help" not in param.opts
        for opt in param.opts
    ),
)
def test_every_option_is_documented(name, option):
    assert re.search(rf"`{re.escape(option)}[` =\[]", README) or re.search(
        rf"[ `,(]{re.escape(option)}[ `,)]", README
    ), f"README: document {option} of {name}"


def _block(heading: str, language: str) -> str:
    """The first ``language`` code block after ``heading`` in the README."""
    after = README.split(heading, 1)[1]
    return after.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_usage_examples_run_in_order_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lines = _block("## Using it", "bash").replace("\\\n", " ").splitlines()
    commands = [shlex.split(line, comments=True) for line in lines if line.strip()]
    assert len(commands) == 5
    runner = CliRunner()
    for command in commands:
        assert command[0] == "takehome"
        result = runner.invoke(cli, command[1:], catch_exceptions=False)
        assert result.exit_code == 0, f"{shlex.join(command)}: {result.output}"
    assert len(list(Path("handouts-out").glob("*.pdf"))) == 4


def test_the_python_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code = _block("## Using takehome from Python", "python")
    for _ in range(2):  # it runs again in the same folder, as a reader might
        exec(compile(code, "README.md", "exec"), {"__name__": "readme"})
    today = dt.date.today().isoformat()
    assert sorted(p.name for p in Path("handouts-out").iterdir()) == [
        f"{today}_ana-silva_glutes-neck-shoulders.pdf",
        f"{today}_ben-okafor_glutes.eml",
        f"{today}_ben-okafor_glutes.pdf",
    ]
