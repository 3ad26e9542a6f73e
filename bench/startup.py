"""Benchmark: how fast `takehome --help` and `takehome list` start, as ratios.

    .venv/bin/python bench/startup.py [--repeat 15]

Each command runs as a new process, interleaved with the baseline
`python -c "import click"` in the same run (so a busy machine slows both), and
the median of the repeats is reported with its ratio to the baseline. The goal
(issue #9): `--help` within 1.5x of the baseline; neither command imports
WeasyPrint, and `--help` builds no pydantic model.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine import describe

SCRIPT = Path(sys.executable).parent / "takehome"
COMMANDS = {
    'python -c "import click" (baseline)': [sys.executable, "-c", "import click"],
    "takehome --help": [str(SCRIPT), "--help"],
    "takehome list": [str(SCRIPT), "list"],
}
LOADED = (
    "import sys, runpy; sys.argv = ['takehome', '{arg}']\n"
    "try:\n    runpy.run_module('takehome', run_name='__main__')\n"
    "except SystemExit:\n    pass\n"
    "print(sorted({{m.split('.')[0] for m in sys.modules}} & {{'weasyprint', 'pydantic'}}))"
)


def _seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    repeat = parser.parse_args().repeat
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():
        _seconds(command)  # warm the file cache once
    for _ in range(repeat):
        for name, command in COMMANDS.items():
            times[name].append(_seconds(command))
    print(describe())
    baseline = statistics.median(times[next(iter(COMMANDS))])
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<40} {median * 1000:6.0f} ms  {median / baseline:4.2f}x")
    for arg in ("--help", "list"):
        loaded = (
            subprocess.run(
                [sys.executable, "-c", LOADED.format(arg=arg)],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        print(f"takehome {arg}: heavy packages imported: {loaded}")


if __name__ == "__main__":
    main()
