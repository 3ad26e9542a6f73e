"""The ``takehome`` command: each subcommand parses, makes one Studio call, and prints.

One module per group of commands: topics.py (list, new, check), handouts.py
(make, batch), send.py, profile.py (init, config). Only Click and light modules
are imported at start-up; the rest loads inside the command that needs it.
"""

from __future__ import annotations

import click

from takehome import __version__
from takehome.profile.fields import ENV_VAR


class _Group(click.Group):
    """Turns a TakehomeError anywhere below into one line and exit status 1."""

    def invoke(self, ctx):
        # Imported here, not at start-up: `takehome --help` never gets this far.
        from takehome.errors import ManyProblems, TakehomeError
        from takehome.interrupts import exit_code

        try:
            return super().invoke(ctx)
        except ManyProblems as exc:
            for problem in exc.problems:
                click.echo(f"Error: {problem}", err=True)
            raise click.exceptions.Exit(1) from None
        except TakehomeError as exc:
            raise click.ClickException(str(exc)) from None
        except KeyboardInterrupt as exc:
            # Files are written whole or not at all, so a stop anywhere is safe.
            click.echo("Interrupted: nothing half-written was left; run it again.", err=True)
            raise click.exceptions.Exit(exit_code(exc)) from None


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="takehome")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    # The user config folder is not spelled out here: finding it (platformdirs)
    # would slow down every `takehome --help`; `takehome config` shows it.
    help=f"Practice profile to use [${ENV_VAR}, ./takehome.toml, then takehome.toml "
    "in your user config folder; `takehome config` shows which].",
)
@click.option(
    "--handouts",
    "handouts_dir",
    type=click.Path(exists=True, file_okay=False),
    help="Also read topic files from this folder; they override built-in topics of the same name.",
)
@click.pass_context
def cli(ctx, config_path, handouts_dir):
    """Make take-home handouts for massage clients, to print or to email as PDFs.

    \b
    Start here:
      takehome list
      takehome make glutes --client "Ana Silva"
    """
    from takehome.labels import CLI_LABELS
    from takehome.studio import Studio

    ctx.obj = Studio(config_path, handouts=handouts_dir, labels=CLI_LABELS)


def main():
    """Console-script entry point."""
    cli(prog_name="takehome")


# The commands register themselves on `cli` when their modules are imported.
from takehome.cli import handouts, profile, send, topics  # noqa: E402, F401
