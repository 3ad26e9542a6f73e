"""A stretch's figure as inline SVG: the start position, an arrow, the end position.

Thick dark lines on white (low-vision guidance prefers black line drawings to
grey shading); the far arm and leg lighter, so the near ones read in front
(seen from the front, both sides are dark: neither is behind); props (chair,
wall, doorway, mat, towel, pillow, massage table) in a mid grey behind the figure. A small
movement (a chin sliding back, a low back pressing down) gets an arrow of its
own at the moving part, and may be drawn as a close-up. Nothing is fetched:
the SVG is text inside the handout's HTML, and its ``<title>`` is the figure's
alt text in the tagged PDF.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

from takehome.figures.skeleton import HEAD_RADIUS, Joints, Pose, joints

INK = "#1a1a1a"
FAR = "#7a7a7a"  # 4.3:1 on white: lighter than the near limbs, still plain to see
PROP = "#5a5a5a"
BODY_WIDTH = 6.0
PROP_WIDTH = 3.5
MARK_WIDTH = 3.0  # a movement arrow: thinner than a limb, so it is not read as one
PAD = 5.0  # round line ends and the head's stroke reach this far past a joint
GAP = 30.0  # between the two frames, for the arrow
SEAT = 40.0  # a chair's seat, above the floor at 0
WALL = 172.0  # a wall or door frame: a little above a standing figure's head
TABLE = 70.0  # a massage table's top: a little below a standing figure's hips
# The side column's figure box (templates/print.css, .stretch-figure svg):
# the layout (side by side or stacked) that draws the figure larger in it wins.
COLUMN = (1.32, 0.72)


@dataclass(frozen=True)
class Prop:
    """Something the figure uses, in the figure's units (y up, the floor at 0).

    ``kind`` is one of chair, chair-front (seen from the front), wall, doorway,
    mat, pillow, towel, table (a massage table seen from its long side: a flat
    top at ``TABLE``, thin legs); ``x`` places it (a chair's seat or a table's
    centre, a wall's face); a mat with no ``width`` spans the figure, a table's
    ``width`` is its length shown; a towel runs from the near hand
    to the near foot of the pose it is drawn with. ``frame`` (0 start, 1 end)
    draws it in that frame only (None: in both), e.g. a towel once it is in use.
    """

    kind: str
    x: float = 0.0
    width: float = 0.0
    frame: int | None = None


@dataclass(frozen=True)
class Arrow:
    """A movement arrow in one frame (0 start, 1 end), from ``tail`` to ``head``."""

    tail: tuple[float, float]
    head: tuple[float, float]
    frame: int = 0


@dataclass(frozen=True)
class Turn:
    """A circling arrow in one frame round ``centre``, from angle ``start`` to
    ``end`` (degrees; counter-clockwise when end > start), the head at ``end``."""

    centre: tuple[float, float]
    radius: float
    start: float
    end: float
    frame: int = 0


Mark = Arrow | Turn


def mirror_mark(mark: Mark) -> Mark:
    """The mark for the mirrored figure (reflected about x = 0)."""
    if isinstance(mark, Arrow):
        return Arrow((-mark.tail[0], mark.tail[1]), (-mark.head[0], mark.head[1]), mark.frame)
    centre = (-mark.centre[0], mark.centre[1])
    return Turn(centre, mark.radius, 180.0 - mark.start, 180.0 - mark.end, mark.frame)


def _prop_lines(prop: Prop, figure: Joints) -> list[tuple[float, float, float, float]]:
    x = prop.x
    if prop.kind == "chair":
        return [
            (x - 20, SEAT, x + 22, SEAT),
            (x - 20, SEAT, x - 20, 0),
            (x + 20, SEAT, x + 20, 0),
            (x - 22, SEAT, x - 22, SEAT + 50),
        ]
    if prop.kind == "chair-front":
        # The seat and legs only: the back, behind the figure, would crowd its arms.
        return [(x - 24, SEAT, x + 24, SEAT), (x - 22, SEAT, x - 22, 0), (x + 22, SEAT, x + 22, 0)]
    if prop.kind == "wall":
        return [(x, 0, x, WALL)]
    if prop.kind == "doorway":
        return [(x, 0, x, WALL), (x + (prop.width or 60), 0, x + (prop.width or 60), WALL)]
    if prop.kind == "mat":
        if prop.width:
            return [(x - prop.width / 2, -2, x + prop.width / 2, -2)]
        low, _, high, _ = _figure_extent(figure)
        return [(low - 4, -2, high + 4, -2)]
    if prop.kind == "pillow":
        width = prop.width or 30
        return [(x - width / 2, 6, x + width / 2, 6), (x - width / 2, 0, x + width / 2, 0)]
    if prop.kind == "table":
        half = (prop.width or 120) / 2
        top = [(x - half, TABLE, x + half, TABLE)]
        return top + [
            (x + side * (half - 10), TABLE, x + side * (half - 10), 0) for side in (-1, 1)
        ]
    if prop.kind == "towel":
        hand = figure.points["near_hand"]
        foot = figure.points["near_ankle"]
        return [(hand[0], hand[1], foot[0], foot[1])]
    raise ValueError(f"unknown prop {prop.kind!r}")


def _figure_extent(figure: Joints) -> tuple[float, float, float, float]:
    hx, hy = figure.points["head"]
    xs = [x for x, _ in figure.points.values()] + [hx - HEAD_RADIUS, hx + HEAD_RADIUS]
    ys = [y for _, y in figure.points.values()] + [hy - HEAD_RADIUS, hy + HEAD_RADIUS]
    return min(xs), min(ys), max(xs), max(ys)


def _mark_points(mark: Mark) -> list[tuple[float, float]]:
    if isinstance(mark, Arrow):
        return [mark.tail, mark.head]
    (cx, cy), r = mark.centre, mark.radius
    steps = [mark.start + (mark.end - mark.start) * i / 12 for i in range(13)]
    return [(cx + r * math.cos(math.radians(a)), cy + r * math.sin(math.radians(a))) for a in steps]


def _extent(
    pose: Pose, props: tuple[Prop, ...], marks: list[Mark]
) -> tuple[float, float, float, float]:
    """The box (x0, y0, x1, y1) the frame must show: figure, props, marks, floor."""
    figure = joints(pose)
    x0, y0, x1, y1 = _figure_extent(figure)
    xs, ys = [x0, x1], [min(y0, 0.0), y1]
    for prop in props:
        for a, b, c, d in _prop_lines(prop, figure):
            xs += [a, c]
            ys += [b, d]
    for mark in marks:
        xs += [x for x, _ in _mark_points(mark)]
        ys += [y for _, y in _mark_points(mark)]
    return min(xs), min(ys), max(xs), max(ys)


def _path(d: str, colour: str, width: float) -> str:
    return (
        f'<path d="{d}" stroke="{colour}" stroke-width="{width}" fill="none" '
        'stroke-linecap="round" stroke-linejoin="round"/>'
    )


def _head(tip: tuple[float, float], angle: float, size: float) -> str:
    """A filled arrowhead with its point at ``tip`` (SVG coordinates), pointing ``angle``."""
    a = math.radians(angle)
    back = (tip[0] - size * math.cos(a), tip[1] - size * math.sin(a))
    side = (-math.sin(a) * size * 0.6, math.cos(a) * size * 0.6)
    points = [tip, (back[0] + side[0], back[1] + side[1]), (back[0] - side[0], back[1] - side[1])]
    text = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    return f'<polygon points="{text}" fill="{INK}"/>'


def _mark(mark: Mark) -> str:
    """A movement arrow, in the frame's SVG coordinates (model y negated)."""
    if isinstance(mark, Arrow):
        (x1, y1), (x2, y2) = mark.tail, mark.head
        angle = math.degrees(math.atan2(-(y2 - y1), x2 - x1))
        # The line stops short of the tip, so the head ends sharp.
        a = math.radians(angle)
        sx, sy = x2 - 5 * math.cos(a), -y2 - 5 * math.sin(a)
        line = _path(f"M{x1:.1f} {-y1:.1f}L{sx:.1f} {sy:.1f}", INK, MARK_WIDTH)
        return line + _head((x2, -y2), angle, 8)
    (cx, cy), r = mark.centre, mark.radius
    sweep = mark.end - mark.start
    # The arc stops 12 degrees short of the end; the head covers the rest.
    stop = mark.end - math.copysign(12, sweep)

    def at(angle: float) -> tuple[float, float]:
        return cx + r * math.cos(math.radians(angle)), -(cy + r * math.sin(math.radians(angle)))

    (ax, ay), (bx, by), tip = at(mark.start), at(stop), at(mark.end)
    large = 1 if abs(stop - mark.start) > 180 else 0
    # SVG y points down: a counter-clockwise turn in the model is sweep-flag 0.
    flag = 0 if sweep > 0 else 1
    d = f"M{ax:.1f} {ay:.1f}A{r:.1f} {r:.1f} 0 {large} {flag} {bx:.1f} {by:.1f}"
    arc = _path(d, INK, MARK_WIDTH)
    heading = math.degrees(math.atan2(tip[1] - by, tip[0] - bx))
    return arc + _head(tip, heading, 8)


def _frame(pose: Pose, props: tuple[Prop, ...], marks: list[Mark]) -> str:
    """The SVG elements of one position, in model units with y negated.

    Each layer (props, far limbs, body and near limbs) is one path: a handful
    of elements per figure, which keeps drawing it cheap. The spine is one
    curve through the middle of the back, so a rounded back reads as round.
    """
    figure = joints(pose)
    p = figure.points

    def segment(a: tuple[float, float], b: tuple[float, float]) -> str:
        return f"M{a[0]:.1f} {-a[1]:.1f}L{b[0]:.1f} {-b[1]:.1f}"

    parts = []
    lines = [line for prop in props for line in _prop_lines(prop, figure)]
    if lines:
        d = "".join(segment((a, b), (c, e)) for a, b, c, e in lines)
        parts.append(_path(d, PROP, PROP_WIDTH))
    # The control point that puts the curve's middle on the "back" joint.
    (px, py), (bx, by), (sx, sy) = p["pelvis"], p["back"], p["shoulders"]
    cx, cy = 2 * bx - (px + sx) / 2, 2 * by - (py + sy) / 2
    spine = f"M{px:.1f} {-py:.1f}Q{cx:.1f} {-cy:.1f} {sx:.1f} {-sy:.1f}"
    far = FAR if not pose.front else INK  # seen from the front, neither side is behind
    for layers, colour in ((("far",), far), (("body", "near"), INK)):
        d = "".join(
            segment(p[start], p[end])
            for start, end, side, bone in figure.bones
            if side in layers and bone not in ("low_back", "upper_back")
        )
        if "body" in layers:
            d = spine + d
        parts.append(_path(d, colour, BODY_WIDTH))
    if not pose.front and abs(pose.near_arm.depths()[0]) < 90:
        # A side view's shoulder that the pose moves (a shrug, a roll) is a
        # round joint, so where it went can be seen.
        ax, ay = p["near_shoulder"]
        parts.append(_path(f"M{ax:.1f} {-ay:.1f}l0 0", INK, 2.2 * BODY_WIDTH))
    hx, hy = p["head"]
    parts.append(
        f'<circle cx="{hx:.1f}" cy="{-hy:.1f}" r="{HEAD_RADIUS}" '
        f'stroke="{INK}" stroke-width="{BODY_WIDTH - 1}" fill="#ffffff"/>'
    )
    if figure.facing:
        # A nose: which way the face looks (level unless the pose tips the gaze).
        face = math.radians(pose.gaze)
        ux, uy = figure.facing * math.cos(face), math.sin(face)  # model units, y up
        nx, ny = hx + HEAD_RADIUS * ux, hy + HEAD_RADIUS * uy
        # The tip: 4 along the gaze and 2 below it (a level nose points a little down).
        tx, ty = 4 * ux + 2 * uy * figure.facing, 4 * uy - 2 * ux * figure.facing
        parts.append(_path(f"M{nx:.1f} {-ny:.1f}l{tx:.1f} {-ty:.1f}", INK, 3))
    parts += [_mark(mark) for mark in marks]
    return "".join(parts)


def _in_frame(props: tuple[Prop, ...], frame: int) -> tuple[Prop, ...]:
    return tuple(prop for prop in props if prop.frame in (None, frame))


def figure_svg(
    start: Pose,
    end: Pose,
    props: tuple[Prop, ...],
    title: str,
    marks: tuple[Mark, ...] = (),
    close_up: tuple[float, float, float, float] | None = None,
) -> str:
    """Both positions with an arrow between, as an ``<svg>`` element: side by
    side, or one above the other, whichever draws them larger in the side
    column's box (a figure lying down is wide: stacked, it stays large).

    Both frames share one scale (and, side by side, one floor; stacked, one
    left edge), so a move shows as it is. ``close_up`` (x0, y0, x1, y1) shows
    only that box of each frame, cut at its edges: for a small move of the
    head or shoulders. Each frame is a nested ``<svg>``, which clips to its box.
    """
    boxes = []
    for frame, pose in enumerate((start, end)):
        own = [mark for mark in marks if mark.frame == frame]
        box = close_up or _extent(pose, _in_frame(props, frame), own)
        boxes.append((box[0] - PAD, box[1] - PAD, box[2] + PAD, box[3] + PAD))
    (a0, b0, a1, b1), (c0, d0, c1, d1) = boxes
    low, high = min(b0, d0), max(b1, d1)
    side_by_side = (a1 - a0 + GAP + c1 - c0, high - low)
    left, right = min(a0, c0), max(a1, c1)
    stacked = (right - left, b1 - b0 + GAP + d1 - d0)

    def scale(size: tuple[float, float]) -> float:
        return min(COLUMN[0] / size[0], COLUMN[1] / size[1])

    # Each frame: (the box of the model it shows, where it goes in the whole svg).
    if scale(stacked) > scale(side_by_side):
        width, height = stacked
        frames = [
            ((left, b0, right, b1), (0.0, 0.0)),
            ((left, d0, right, d1), (0.0, b1 - b0 + GAP)),
        ]
        x, y0, y1 = width / 2, b1 - b0 + 3, b1 - b0 + GAP - 3
        arrow = _path(f"M{x:.1f} {y0:.1f}L{x:.1f} {y1 - 6:.1f}", INK, 4) + _head((x, y1), 90, 11)
    else:
        width, height = side_by_side
        frames = [((a0, low, a1, high), (0.0, 0.0)), ((c0, low, c1, high), (a1 - a0 + GAP, 0.0))]
        y, x0, x1 = height / 2, a1 - a0 + 4, a1 - a0 + GAP - 4
        arrow = _path(f"M{x0:.1f} {y:.1f}L{x1 - 6:.1f} {y:.1f}", INK, 4) + _head((x1, y), 0, 11)
    parts = []
    for frame, (pose, ((x0, y0, x1, y1), (ox, oy))) in enumerate(
        zip((start, end), frames, strict=True)
    ):
        own = [mark for mark in marks if mark.frame == frame]
        parts.append(
            f'<svg x="{ox:.1f}" y="{oy:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}" '
            f'viewBox="{x0:.1f} {-y1:.1f} {x1 - x0:.1f} {y1 - y0:.1f}">'
            f"{_frame(pose, _in_frame(props, frame), own)}</svg>"
        )
    body = "".join(parts) + arrow
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'role="img"><title>{escape(title)}</title>{body}</svg>'
    )
