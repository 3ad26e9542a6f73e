"""The built wheel carries its templates and topics: it works outside the repo."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

from conftest import pdf_text

REPO = Path(__file__).resolve().parent.parent


def test_wheel_installed_in_a_fresh_venv_works_outside_the_repo(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist)],
        cwd=REPO,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = dist.glob("takehome-*.whl")

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    target = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    # Dependencies come from this test environment (no downloads in a test); the
    # wheel itself is installed into the fresh venv, so takehome, its console
    # script, templates and topics all come from there, not from the source tree.
    (target / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    takehome = str(bin_dir / "takehome")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONNOUSERSITE": "1"}
    env.pop("PYTHONPATH", None)

    where = subprocess.run(
        [str(python), "-c", "import takehome; print(takehome.__file__)"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    assert Path(where).is_relative_to(target)

    listing = subprocess.run(
        [takehome, "list"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    assert "Glute Massage" in listing.stdout and "Massage Aftercare" in listing.stdout
    # The shared conditions vocabulary (handouts/conditions/) ships in the wheel too.
    assert "Pregnancy (also: pregnant" in listing.stdout
    assert "neck-shoulders" in listing.stdout

    made = subprocess.run(
        [takehome, "make", "glutes", "--client", "Ana", "--date", "2026-11-25"],
        cwd=elsewhere,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    assert made.stdout == "Wrote handouts-out/2026-11-25_ana_glutes.pdf\n"
    assert "Prepared for Ana on November 25, 2026" in pdf_text(
        elsewhere / "handouts-out" / "2026-11-25_ana_glutes.pdf"
    )
