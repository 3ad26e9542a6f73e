"""The stretch figures: a pose library of our own, drawn as inline SVG.

Geometry is checked on the model (no PDF needed); one render per topic checks
that every printed stretch carries its figure, with its alt text, in the
tagged PDF.
"""

from __future__ import annotations

import itertools
import math
from html import escape

import pytest

from takehome.figures.library import FIGURES
from takehome.figures.skeleton import ARM, BONES, HEAD_RADIUS, LEG, joints
from takehome.figures.svg import BODY_WIDTH, PROP_WIDTH, SEAT, TABLE
from takehome.model.topic import TopicFileError, TopicLibrary

LIBRARY = TopicLibrary()


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_no_bone_changes_length_between_the_start_and_the_end(key):
    figure = FIGURES[key]
    start, end = joints(figure.start), joints(figure.end)
    assert [b[:2] for b in start.bones] == [b[:2] for b in end.bones]
    for a, b, _, bone in start.bones:
        # Each bone is its skeleton length in 3-D, in both positions...
        assert math.isclose(start.true_length(a, b), BONES[bone], abs_tol=1e-6), (a, b)
        assert math.isclose(end.true_length(a, b), BONES[bone], abs_tol=1e-6), (a, b)


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_a_bone_is_drawn_short_only_where_its_pose_turns_it_out_of_the_picture(key):
    figure = FIGURES[key]
    for pose in (figure.start, figure.end):
        drawn = joints(pose)
        declared = {"back": pose.lean, "shoulders": pose.lean, "neck": pose.lean}
        for side in ("near", "far"):
            for limb, names in (
                (getattr(pose, f"{side}_arm"), ARM),
                (getattr(pose, f"{side}_leg"), LEG),
            ):
                for (_, joint), depth in zip(names, limb.depths(), strict=True):
                    declared[f"{side}_{joint}"] = depth
        for a, b, _, bone in drawn.bones:
            depth = declared.get(b, 0.0)
            expected = BONES[bone] * math.cos(math.radians(depth))
            assert math.isclose(drawn.length(a, b), expected, abs_tol=1e-6), (key, b)
            # A side view's shoulder points at the reader (a point); any other
            # bone stays a stub you can see (a thigh pointing at the reader).
            if bone != "clavicle":
                assert abs(depth) <= 80, (key, b, depth)


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


def test_every_built_in_stretch_names_a_figure_or_none():
    # A stretch a stick figure cannot show (relaxing the jaw) has none: its
    # steps say it all, and a drawing would only contradict them.
    named = set()
    for key in sorted(LIBRARY.keys()):
        topic = LIBRARY.load(key).topic
        for stretch in [*topic.stretches, *topic.self_care]:  # steps may have one too
            assert stretch.figure is None or stretch.figure in FIGURES, (key, stretch.name)
            named.add(stretch.figure)
            if stretch.name.lower().startswith("jaw"):
                assert stretch.figure is None
    assert named - {None} == set(FIGURES)  # and no figure is left unused


def test_an_unknown_figure_is_refused_naming_the_field(tmp_path):
    text = LIBRARY.load("glutes").path.read_text(encoding="utf-8")
    (tmp_path / "glutes.toml").write_text(
        text.replace('figure = "knee-to-chest"', 'figure = "handstand"'), encoding="utf-8"
    )
    with pytest.raises(TopicFileError, match="'handstand' is not a built-in figure; use one of"):
        TopicLibrary([tmp_path]).load("glutes")


# That every printed stretch has its Figure and caption in the tagged PDF is
# checked in tests/test_topics.py, on the render of every topic it makes anyway.


def test_figures_are_shared_between_topics_not_copied():
    pairs = itertools.combinations(FIGURES.values(), 2)
    assert all(a.alt != b.alt for a, b in pairs)


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_no_figure_goes_through_the_floor_or_a_wall(key):
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


# Two lines touch when the gap between their centres is at most their two
# half widths (and a little more, for rounding): a joint on the floor or a
# seat, or one bone resting on another.
ON_PROP = BODY_WIDTH / 2 + PROP_WIDTH / 2 + 1.5
ON_BONE = BODY_WIDTH + 1.5


def _gap(figure, points, touch, pose, frame):
    """How far the drawn joint is from what it should rest on, and how far it may be."""
    x, y = points[touch.joint]
    if touch.joint == "head":  # the head's outline, not its centre
        x -= HEAD_RADIUS if pose.facing > 0 else -HEAD_RADIUS
    if touch.on == "floor":
        return abs(y), ON_PROP
    if touch.on == "seat":
        chairs = [p.x for p in figure.props if p.kind.startswith("chair")]
        assert any(abs(x - c) <= 22 for c in chairs), ("not over a seat", x)
        return abs(y - SEAT), ON_PROP
    if touch.on == "table":  # its top, between its ends
        tables = [p for p in figure.props if p.kind == "table" and p.frame in (None, frame)]
        assert any(abs(x - p.x) <= (p.width or 120) / 2 for p in tables), ("off the table", x)
        return abs(y - TABLE), ON_PROP
    if touch.on == "wall":
        walls = [p.x for p in figure.props if p.kind == "wall"]
        walls += [p.x + w for p in figure.props if p.kind == "doorway" for w in (0, p.width)]
        return min(abs(x - wall) for wall in walls), ON_PROP
    # A bone of the figure's own: the distance to that segment.
    bone = next(b for b in joints(pose).bones if f"{b[2]}_{b[3]}" == touch.on)
    (ax, ay), (bx, by) = points[bone[0]], points[bone[1]]
    t = ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / ((bx - ax) ** 2 + (by - ay) ** 2)
    t = min(1.0, max(0.0, t))
    return math.hypot(x - (ax + t * (bx - ax)), y - (ay + t * (by - ay))), ON_BONE


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_what_rests_on_something_touches_it(key):
    figure = FIGURES[key]
    assert figure.touches, key  # every figure sits, stands or lies on something
    for frame, pose in enumerate((figure.start, figure.end)):
        points = joints(pose).points
        for touch in figure.touches:
            if touch.frame in (None, frame):
                gap, limit = _gap(figure, points, touch, pose, frame)
                assert gap <= limit, (key, frame, touch, round(gap, 1))


def test_the_pelvic_tilt_closes_a_gap_under_the_low_back():
    figure = FIGURES["pelvic-tilt"]
    before, after = joints(figure.start).points, joints(figure.end).points
    assert before["back"][1] - BODY_WIDTH / 2 >= BODY_WIDTH  # a gap you can see
    assert after["back"][1] <= ON_PROP  # closed
    assert before["pelvis"] == after["pelvis"]  # the pelvis stays on the floor


# Feet and knees a body can make. Seen from the figure's right (facing right,
# or lying on the back with the head to the left), a foot at a right angle to
# the shin points 90 degrees counter-clockwise from it; seen from its left,
# clockwise. A foot may point down at most 50 degrees from that, and pull up
# at most 30; it never bends back toward the calf.
ANKLE_RANGE = (90.0 - 50.0, 90.0 + 30.0)
# Kneeling with the top of the foot flat on the floor, in line with the shin.
KNEELING = {"cat-cow"}
# Knees the steps call soft or a little bent: bent forward a little (in front
# of the line from hip to ankle), never straight or locked back. Each is a leg
# and the frame it is soft in (None: both).
SOFT_KNEES = {
    "standing-pelvic-tilt": (("near", None), ("far", None)),
    "lying-hamstring-towel": (("near", 1),),  # the lifted leg
}
SOFT_BEND = (5.0, 30.0)


def _seen_from(pose) -> int | None:
    """+1 seen from the figure's right, -1 from its left, None a front view."""
    if pose.front:
        return None
    if pose.facing:
        return pose.facing
    # Lying on the back: the head to the left shows the right side.
    head, pelvis = joints(pose).points["head"], pose.pelvis
    return 1 if head[0] < pelvis[0] else -1


def _turn(a: float, b: float) -> float:
    """From direction a to direction b, counter-clockwise, in (-180, 180]."""
    return -((a - b + 180.0) % 360.0 - 180.0)


def _in_picture(limb) -> bool:
    return not any(limb.depths())


def ankle_angle(pose, side: str) -> float:
    """The angle between the shin and the foot (90: a right angle; less: the
    foot pointed; more: pulled up), signed in the picture so that a foot bent
    back toward the calf comes out as a negative angle or past 180."""
    leg = getattr(pose, f"{side}_leg")
    seen = _seen_from(pose)
    if seen is not None and _in_picture(leg):
        _, shin, foot = leg.angles
        return (_turn(shin, foot) * seen) % 360.0
    # A leg turned out of the picture (a front view, a crossed leg): the
    # angle in 3-D (unsigned: these feet are drawn pointing away from the calf).
    drawn = joints(pose)

    def vector(start: str, end: str) -> list[float]:
        (x1, y1), (x2, y2) = drawn.points[start], drawn.points[end]
        return [x2 - x1, y2 - y1, drawn.z[end] - drawn.z[start]]

    shin = vector(f"{side}_knee", f"{side}_ankle")
    foot = vector(f"{side}_ankle", f"{side}_toes")
    dot = sum(a * b for a, b in zip(shin, foot, strict=True))
    return math.degrees(math.acos(dot / (BONES["shin"] * BONES["foot"])))


def knee_bend(pose, side: str) -> float | None:
    """How far the knee bends (0 straight; negative: locked back), in the picture."""
    leg = getattr(pose, f"{side}_leg")
    seen = _seen_from(pose)
    if seen is None or not _in_picture(leg):
        return None
    thigh, shin, _ = leg.angles
    return -_turn(thigh, shin) * seen


def knee_in_front(pose, side: str) -> float:
    """How far the knee is in front of the line from the hip to the ankle."""
    points = joints(pose).points
    (hx, hy), (kx, ky), (ax, ay) = (
        points["pelvis"],
        points[f"{side}_knee"],
        points[f"{side}_ankle"],
    )
    cross = (ax - hx) * (ky - hy) - (ay - hy) * (kx - hx)
    return cross / math.hypot(ax - hx, ay - hy) * _seen_from(pose)


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_every_ankle_and_knee_bends_the_way_a_body_can(key):
    figure = FIGURES[key]
    for frame, pose in enumerate((figure.start, figure.end)):
        for side in ("near", "far"):
            angle = ankle_angle(pose, side)
            if key in KNEELING:
                assert abs(angle) < 1 or abs(angle - 360) < 1, (key, frame, side, angle)
            else:
                low, high = ANKLE_RANGE
                assert low <= angle <= high, (key, frame, side, round(angle))
            bend = knee_bend(pose, side)
            assert bend is None or bend >= 0, (key, frame, side, "knee locked back", bend)


@pytest.mark.parametrize("key", sorted(SOFT_KNEES))
def test_a_soft_knee_bends_forward_a_little(key):
    figure = FIGURES[key]
    for frame, pose in enumerate((figure.start, figure.end)):
        for side, when in SOFT_KNEES[key]:
            if when in (None, frame):
                bend = knee_bend(pose, side)
                assert bend is not None and SOFT_BEND[0] <= bend <= SOFT_BEND[1], (key, frame, bend)
                assert knee_in_front(pose, side) > 0, (key, frame, side)


def test_the_chin_tuck_glides_the_head_back_without_tipping_it():
    figure = FIGURES["chin-tuck"]
    start, end = joints(figure.start).points, joints(figure.end).points
    assert figure.end.neck == 90  # the end: the neck upright, the head over the shoulders
    assert all(pose.neck <= 90 and pose.gaze == 0 for pose in (figure.start, figure.end))
    assert end["head"][0] < start["head"][0] - 4  # it moves back
    assert math.isclose(end["head"][1], start["head"][1], abs_tol=2)  # and stays level
