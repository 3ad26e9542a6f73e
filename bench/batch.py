"""Benchmark: handouts per second for a batch, against bare WeasyPrint.

    .venv/bin/python bench/batch.py [--clients 100] [--repeat 3]

Makes N synthetic clients (alternating topics, each with a condition and a note)
and reports, each mode in a fresh process, best of --repeat runs:
- batch --jobs 1 and --jobs 2: the real plan + render + atomic write path;
- floor: bare WeasyPrint rendering the same HTML files in one process, with the
  same fonts and one shared FontConfiguration, writing PDFs to disk;
- peak RSS of each process that rendered (the batch's workers);
- re-run plan: planning the same batch again once every handout exists, which
  reads the fingerprint stored in each PDF to decide it can be skipped.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe

DATE = dt.date(2026, 11, 25)


def _write_clients(path: Path, count: int) -> None:
    lines = ["Name,Topics,Conditions,Therapist Note"]
    for i in range(count):
        topic, condition = ("glutes", "sciatica") if i % 2 else ("neck-shoulders", "desk-posture")
        lines.append(f"Client {i:04d},{topic},{condition},Walk every day. Stretch after work.")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _plan(folder: Path, count: int):
    from takehome.batch import plan_batch
    from takehome.imports.clients_csv import read_clients_csv
    from takehome.model.topic import TopicLibrary

    _write_clients(folder / "clients.csv", count)
    table = read_clients_csv(folder / "clients.csv")
    return plan_batch(table, TopicLibrary(), folder / "out", date=DATE, force=True)


def run_mode(mode: str, count: int) -> dict:
    """One measurement, in this process; returns seconds and peak RSS per process."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        plan = _plan(folder, count)
        if mode == "floor":
            import weasyprint
            from weasyprint.text.fonts import FontConfiguration

            from takehome.render.pdf import Renderer

            renderer = Renderer()
            html_dir = folder / "html"
            html_dir.mkdir()
            files = []
            for job in plan.jobs:
                path = html_dir / f"{job.row}.html"
                path.write_text(renderer.html(job.handout), encoding="utf-8")
                files.append(path)
            font_config = FontConfiguration()
            start = time.perf_counter()
            for path in files:
                weasyprint.HTML(filename=str(path)).write_pdf(
                    path.with_suffix(".pdf"), font_config=font_config
                )
            seconds = time.perf_counter() - start
            rss = {os.getpid(): resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
        elif mode == "rerun":
            from takehome.batch import plan_batch, run_batch
            from takehome.imports.clients_csv import read_clients_csv
            from takehome.model.topic import TopicLibrary

            run_batch(plan.jobs, 1, force=True)
            table = read_clients_csv(folder / "clients.csv")
            start = time.perf_counter()
            again = plan_batch(table, TopicLibrary(), folder / "out", date=DATE)
            seconds = time.perf_counter() - start
            assert not again.jobs and len(again.settled) == count, again
            rss = {os.getpid(): resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
        else:
            from takehome.batch import run_batch

            start = time.perf_counter()
            outcomes = run_batch(plan.jobs, int(mode[-1]), force=True)
            seconds = time.perf_counter() - start
            assert all(o.status == "written" for o in outcomes), outcomes
            rss: dict[int, int] = {}
            for outcome in outcomes:
                rss[outcome.pid] = max(rss.get(outcome.pid, 0), outcome.max_rss_kb)
    return {"seconds": seconds, "rss_mb": sorted(round(kb / 1024) for kb in rss.values())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.clients)))
        return

    results = {}
    for mode in ("jobs1", "jobs2", "floor", "rerun"):
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run(
                [sys.executable, __file__, "--mode", mode, "--clients", str(args.clients)],
                check=True,
                capture_output=True,
                text=True,
            )
            runs.append(json.loads(out.stdout))
        results[mode] = min(runs, key=lambda r: r["seconds"])

    rate = {mode: args.clients / r["seconds"] for mode, r in results.items()}
    print(describe())
    print(f"{args.clients} clients, best of {args.repeat} runs, each mode in a fresh process\n")
    print("| mode | seconds | handouts/s | vs --jobs 1 | peak RSS per process |")
    print("| --- | ---: | ---: | ---: | --- |")
    labels = {
        "jobs1": "batch --jobs 1",
        "jobs2": "batch --jobs 2",
        "floor": "bare WeasyPrint (floor)",
        "rerun": "re-run plan, all already there",
    }
    for mode, r in results.items():
        rss = ", ".join(f"{mb} MB" for mb in r["rss_mb"])
        print(
            f"| {labels[mode]} | {r['seconds']:.2f} | {rate[mode]:.1f} | "
            f"{rate[mode] / rate['jobs1']:.2f}x | {rss} |"
        )
    print(
        "\n--jobs 1 takes "
        f"{results['jobs1']['seconds'] / results['floor']['seconds']:.2f}x the floor's time"
    )


if __name__ == "__main__":
    main()
