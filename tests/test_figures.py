"""The stretch figures: a pose library of our own, drawn as inline SVG.

Geometry is checked on the model (no PDF needed); one render per topic checks
that every printed stretch carries its figure, with its alt text, in the
tagged PDF.
"""

from __future__ import annotations

import itertools
import math
import re
from html import escape

import pytest

from pdfcheck import structure
from takehome.figures.library import FIGURES
from takehome.figures.skeleton import BONES, joints
from takehome.model.client import Client
from takehome.model.handout import build_handout
from takehome.model.topic import TopicFileError, TopicLibrary

LIBRARY = TopicLibrary()


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_no_bone_changes_length_between_the_start_and_the_end(key):
    figure = FIGURES[key]
    start, end = joints(figure.start), joints(figure.end)
    assert start.bones == end.bones
    for a, b, _ in start.bones:
        assert math.isclose(start.length(a, b), end.length(a, b), abs_tol=1e-6), (a, b)
    # And each bone is the length the skeleton says.
    lengths = {round(start.length(a, b), 6) for a, b, _ in start.bones}
    assert lengths <= {round(length, 6) for length in BONES.values()}


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_a_mirrored_pose_is_the_mirror_image(key):
    pose = FIGURES[key].end
    original, mirrored = joints(pose), joints(pose.mirrored(axis=10.0))
    for name, (x, y) in original.points.items():
        mx, my = mirrored.points[name]
        assert math.isclose(mx, 20.0 - x, abs_tol=1e-6) and math.isclose(my, y, abs_tol=1e-6)
    assert mirrored.facing == -original.facing
    assert pose.mirrored().mirrored() == pose


def test_every_figure_is_svg_with_its_alt_text_and_two_positions():
    for key, figure in FIGURES.items():
        svg = figure.svg()
        assert svg.startswith("<svg") and f"<title>{escape(figure.alt)}</title>" in svg, key
        assert svg.count("<circle") == 2, key  # two heads: the start and the end
        assert "href" not in svg and "url(" not in svg  # nothing to fetch
        assert figure.svg(mirrored=True) != svg


def test_every_built_in_stretch_names_a_figure():
    for key in sorted(LIBRARY.keys()):
        for stretch in LIBRARY.load(key).topic.stretches:
            assert stretch.figure in FIGURES, (key, stretch.name)


def test_an_unknown_figure_is_refused_naming_the_field(tmp_path):
    text = LIBRARY.load("glutes").path.read_text(encoding="utf-8")
    (tmp_path / "glutes.toml").write_text(
        text.replace('figure = "knee-to-chest"', 'figure = "handstand"'), encoding="utf-8"
    )
    with pytest.raises(TopicFileError, match="'handstand' is not a built-in figure; use one of"):
        TopicLibrary([tmp_path]).load("glutes")


@pytest.mark.parametrize("key", sorted(LIBRARY.keys()))
def test_every_printed_stretch_has_its_figure_and_alt_text_in_the_pdf(renderer, key):
    handout = build_handout([key], Client.create("Ana Silva"))
    stretches = handout.sections[0].stretches
    tree = structure(renderer.pdf(handout).data)
    figures = [text for tag, text in tree if tag == "Figure"]
    drawn = [s for s in stretches if s.drawing is not None]
    assert len(drawn) == len(stretches)  # first-massage has steps to follow, no stretch
    # One Figure per stretch (the practice has no logo here), each with its caption.
    captions = " ".join(text for tag, text in tree if tag == "Caption")
    assert len(figures) == len(stretches), (key, figures)
    for stretch in stretches:
        assert re.sub(r"\s+", "", stretch.drawing.caption) in re.sub(r"\s+", "", captions)


def test_figures_are_shared_between_topics_not_copied():
    pairs = itertools.combinations(FIGURES.values(), 2)
    assert all(a.alt != b.alt for a, b in pairs)


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_no_figure_goes_through_the_floor_or_a_wall(key):
    from takehome.figures.skeleton import HEAD_RADIUS

    figure = FIGURES[key]
    for pose in (figure.start, figure.end):
        points = joints(pose).points
        head_x, head_y = points["head"]
        # The floor is y = 0 (a line's round end may touch it, never cross it).
        assert min(y for _, y in points.values()) >= -3, (key, pose)
        assert head_y - HEAD_RADIUS >= -3
        for prop in figure.props:
            if prop.kind not in ("wall", "doorway"):
                continue
            walls = [prop.x] if prop.kind == "wall" else [prop.x, prop.x + prop.width]
            for wall in walls:
                side = pose.pelvis[0] > wall
                xs = [x for x, _ in points.values()] + [head_x - HEAD_RADIUS, head_x + HEAD_RADIUS]
                # Every part stays on the figure's side of the wall (touching is fine).
                assert all((x >= wall - 3) if side else (x <= wall + 3) for x in xs), (key, wall)
