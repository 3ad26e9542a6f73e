"""Benchmark: how long one handout takes, cold and warm.

    .venv/bin/python bench/render.py [--repeat 20]

Reports, as median of the repeats:
- `takehome list` and `takehome --help` as a new process (start-up cost);
- `takehome make glutes ...` as a new process (what a therapist waits for);
- one render in a warm process (Renderer reused: what a batch pays per client),
  split into HTML (Jinja) and PDF (WeasyPrint layout + font subsetting + writing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

from takehome.model.client import Client
from takehome.model.handout import build_handout
from takehome.render.pdf import Renderer

SCRIPT = Path(sys.executable).parent / "takehome"
MAKE = [
    "make",
    "glutes",
    "--client",
    "Ana Silva",
    "--condition",
    "sciatica",
    "--note",
    "Try the figure-4 stretch after work.",
    "--force",
    "-o",
    "bench.pdf",
]


def _median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _process(args: list[str], cwd: str):
    return lambda: subprocess.run([str(SCRIPT), *args], cwd=cwd, check=True, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat

    client = Client.create("Ana Silva", ["sciatica"], note="Try the figure-4 stretch after work.")
    handout = build_handout(["glutes"], client, date=dt.date(2026, 11, 25))
    renderer = Renderer()
    renderer.pdf(handout)  # warm-up: fonts registered, templates compiled

    rows = []
    with tempfile.TemporaryDirectory() as cwd:
        rows.append(
            ("takehome --help (new process)", _median_seconds(_process(["--help"], cwd), repeat))
        )
        rows.append(
            ("takehome list (new process)", _median_seconds(_process(["list"], cwd), repeat))
        )
        rows.append(
            ("takehome make, 1 handout (new process)", _median_seconds(_process(MAKE, cwd), repeat))
        )
    rows.append(
        ("HTML only, warm (Jinja)", _median_seconds(lambda: renderer.html(handout), repeat))
    )
    rows.append(
        ("PDF, warm (Jinja + WeasyPrint)", _median_seconds(lambda: renderer.pdf(handout), repeat))
    )

    print(describe())
    print(f"median of {repeat} runs\n")
    print("| what | median |")
    print("| --- | ---: |")
    for label, seconds in rows:
        print(f"| {label} | {seconds * 1000:.1f} ms |")
    _continued_cost(renderer, repeat)
    _accessibility_cost(repeat)
    _figures_cost(renderer, repeat)


def _continued_cost(renderer: Renderer, repeat: int) -> None:
    """What the "(continued)" labels cost, as a ratio against the same render
    without them, run interleaved (glutes for a client with no condition: its
    stretches run on to page 2)."""
    from takehome.render import continued

    handout = build_handout(["glutes"], Client.create("Ana Silva"), date=dt.date(2026, 11, 25))
    real = (continued.fixes, continued.place_labels)

    def without():
        continued.fixes, continued.place_labels = (lambda document: []), (lambda document: None)
        try:
            renderer.pdf(handout)
        finally:
            continued.fixes, continued.place_labels = real

    _ratio_table(
        "glutes, no condition, PDF warm",
        {"without labels (baseline)": without, "with labels": lambda: renderer.pdf(handout)},
        repeat,
    )


def _ratio_table(title: str, actions: dict, repeat: int) -> None:
    """Run ``actions`` interleaved ``repeat`` times; print each one's median and
    its ratio to the first (the baseline) as a Markdown table."""
    times: dict[str, list[float]] = {label: [] for label in actions}
    for _ in range(repeat):
        for label, action in actions.items():
            start = time.perf_counter()
            action()
            times[label].append(time.perf_counter() - start)
    base = statistics.median(next(iter(times.values())))
    print(f"\n| {title} | median | vs baseline |")
    print("| --- | ---: | ---: |")
    for label, values in times.items():
        median = statistics.median(values)
        print(f"| {label} | {median * 1000:.1f} ms | {median / base:.2f}x |")


def _accessibility_cost(repeat: int) -> None:
    """What tagging (PDF/UA-1, artifacts) and large print cost per handout, as
    ratios against the same handout untagged, run interleaved (a pregnant
    client's glute handout with a note, a practice with a logo and a booking link)."""
    import base64

    from takehome.model.practice import Practice
    from takehome.render.options import RenderOptions

    pixel = base64.b64encode(
        bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082"
        )
    ).decode()
    practice = Practice(
        name="Riverside Massage",
        phone="555-0142",
        email="hello@riverside.example",
        booking_link="https://book.riverside.example/",
        logo_data_url=f"data:image/png;base64,{pixel}",
    )
    handout = build_handout(
        ["glutes"],
        Client.create("Ana Silva", ["pregnant"], note="Try the stretch after work."),
        practice=practice,
        date=dt.date(2026, 11, 25),
    )
    renderers = {
        "untagged (baseline)": Renderer(options=RenderOptions(tagged=False)),
        "tagged PDF/UA-1 (the default)": Renderer(),
        "tagged, large print": Renderer(options=RenderOptions(large_print=True)),
    }
    for renderer in renderers.values():
        renderer.pdf(handout)  # warm: fonts and stylesheet parsed once
    _ratio_table(
        "glutes, pregnant, note, logo and QR, PDF warm",
        {label: (lambda r=renderer: r.pdf(handout)) for label, renderer in renderers.items()},
        repeat,
    )


def _figures_cost(renderer: Renderer, repeat: int) -> None:
    """What the stretch figures cost (inline SVG in the side column, and any
    second layout to make room for one), as a ratio against the same handout
    with no figure, run interleaved: the legs and prenatal handouts for a client
    with no condition (two figures each)."""
    from takehome.model.topic import Stretch

    real = Stretch.drawing
    handouts = {
        key: build_handout([key], Client.create("Ana Silva"), date=dt.date(2026, 11, 25))
        for key in ("legs", "prenatal")
    }

    def without(handout):
        Stretch.drawing = property(lambda self: None)
        try:
            renderer.pdf(handout)
        finally:
            Stretch.drawing = real

    for key, handout in handouts.items():
        _ratio_table(
            f"{key}, PDF warm",
            {
                "no figures (baseline)": lambda h=handout: without(h),
                "with figures": lambda h=handout: renderer.pdf(h),
            },
            repeat,
        )


if __name__ == "__main__":
    main()
