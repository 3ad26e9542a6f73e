"""A stretch's figure as inline SVG: the start position, an arrow, the end position.

Thick dark lines on white (low-vision guidance prefers black line drawings to
grey shading); the far arm and leg lighter, so the near ones read in front;
props (chair, wall, doorway, mat, towel, pillow) in a mid grey behind the
figure. Nothing is fetched: the SVG is text inside the handout's HTML, and its
``<title>`` is the figure's alt text in the tagged PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from takehome.figures.skeleton import HEAD_RADIUS, Joints, Pose, joints

INK = "#1a1a1a"
FAR = "#7a7a7a"  # 4.3:1 on white: lighter than the near limbs, still plain to see
PROP = "#5a5a5a"
BODY_WIDTH = 6.0
PROP_WIDTH = 3.5
PAD = 8.0
GAP = 34.0  # between the two frames, for the arrow


@dataclass(frozen=True)
class Prop:
    """Something the figure uses, in the figure's units (y up, the floor at 0).

    ``kind`` is one of chair, wall, doorway, mat, pillow, towel; ``x`` places
    it (a chair's seat centre, a wall's face); a towel runs from the near hand
    to the near foot of the pose it is drawn with.
    """

    kind: str
    x: float = 0.0
    width: float = 0.0


def _prop_lines(prop: Prop, figure: Joints) -> list[tuple[float, float, float, float]]:
    x = prop.x
    if prop.kind == "chair":
        seat = 40.0
        return [
            (x - 20, seat, x + 22, seat),
            (x - 20, seat, x - 20, 0),
            (x + 20, seat, x + 20, 0),
            (x - 22, seat, x - 22, seat + 50),
        ]
    if prop.kind == "wall":
        return [(x, 0, x, 190)]
    if prop.kind == "doorway":
        return [(x, 0, x, 190), (x + (prop.width or 60), 0, x + (prop.width or 60), 190)]
    if prop.kind == "mat":
        width = prop.width or 190
        return [(x - width / 2, -2, x + width / 2, -2)]
    if prop.kind == "pillow":
        width = prop.width or 30
        return [(x - width / 2, 6, x + width / 2, 6), (x - width / 2, 0, x + width / 2, 0)]
    if prop.kind == "towel":
        hand = figure.points["near_forearm"]
        foot = figure.points["near_shin"]
        return [(hand[0], hand[1], foot[0], foot[1])]
    raise ValueError(f"unknown prop {prop.kind!r}")


def _extent(pose: Pose, props: tuple[Prop, ...]) -> tuple[float, float, float, float]:
    figure = joints(pose)
    xs = [x for x, _ in figure.points.values()]
    ys = [y for _, y in figure.points.values()]
    head = figure.points["head"]
    xs += [head[0] - HEAD_RADIUS, head[0] + HEAD_RADIUS]
    ys += [head[1] + HEAD_RADIUS, 0.0]
    for prop in props:
        for x1, y1, x2, y2 in _prop_lines(prop, figure):
            xs += [x1, x2]
            ys += [y1, y2]
    return min(xs), min(ys), max(xs), max(ys)


def _frame(pose: Pose, props: tuple[Prop, ...], dx: float, top: float) -> list[str]:
    """The SVG elements of one position, moved right by ``dx``; y flipped at ``top``.

    Each layer (props, far limbs, body and near limbs) is one path of line
    segments: a handful of elements per figure, which keeps drawing it cheap.
    """
    figure = joints(pose)

    def segment(x1: float, y1: float, x2: float, y2: float) -> str:
        return f"M{x1 + dx:.1f} {top - y1:.1f}L{x2 + dx:.1f} {top - y2:.1f}"

    def path(d: str, colour: str, width: float) -> str:
        return (
            f'<path d="{d}" stroke="{colour}" stroke-width="{width}" fill="none" '
            'stroke-linecap="round" stroke-linejoin="round"/>'
        )

    parts = []
    lines = [line for prop in props for line in _prop_lines(prop, figure)]
    if lines:
        parts.append(path("".join(segment(*line) for line in lines), PROP, PROP_WIDTH))
    for layers, colour in ((("far",), FAR), (("body", "near"), INK)):
        d = "".join(
            segment(*figure.points[start], *figure.points[end])
            for start, end, side in figure.bones
            if side in layers
        )
        parts.append(path(d, colour, BODY_WIDTH))
    hx, hy = figure.points["head"]
    parts.append(
        f'<circle cx="{hx + dx:.1f}" cy="{top - hy:.1f}" r="{HEAD_RADIUS}" '
        f'stroke="{INK}" stroke-width="{BODY_WIDTH - 1}" fill="#ffffff"/>'
    )
    if figure.facing:
        # A nose: which way the face looks.
        nose = hx + figure.facing * HEAD_RADIUS
        parts.append(
            path(
                f"M{nose + dx:.1f} {top - hy:.1f}"
                f"L{nose + figure.facing * 4 + dx:.1f} {top - hy + 2:.1f}",
                INK,
                3,
            )
        )
    return parts


def figure_svg(start: Pose, end: Pose, props: tuple[Prop, ...], title: str) -> str:
    """Both positions with an arrow between, as an ``<svg>`` element: side by
    side, or one above the other when the figure lies down (wider than tall),
    so that it stays large in a narrow column.

    Both frames share one scale (and, side by side, one floor), so a move
    shows as it is.
    """
    left = _extent(start, props)
    right = _extent(end, props)
    wide = max(left[2] - left[0], right[2] - right[0])
    tall = max(left[3] - left[1], right[3] - right[1])
    parts: list[str] = []
    if wide > 1.6 * tall:
        # Stacked: start on top, end below, a downward arrow between.
        x_low = min(left[0], right[0]) - PAD
        width = max(left[2], right[2]) + PAD - x_low
        first_height = left[3] - left[1] + 2 * PAD
        second_height = right[3] - right[1] + 2 * PAD
        height = first_height + GAP + second_height
        parts += _frame(start, props, -x_low, left[3] + PAD)
        parts += _frame(end, props, -x_low, first_height + GAP + right[3] + PAD)
        x = width / 2
        y0, y1 = first_height + 4, first_height + GAP - 8
        parts.append(
            f'<polyline points="{x:.1f},{y0:.1f} {x:.1f},{y1:.1f}" stroke="{INK}" '
            f'stroke-width="4" fill="none"/>'
            f'<polygon points="{x:.1f},{y1 + 6:.1f} {x - 8:.1f},{y1 - 6:.1f} '
            f'{x + 8:.1f},{y1 - 6:.1f}" fill="{INK}"/>'
        )
    else:
        low = min(left[1], right[1]) - PAD
        high = max(left[3], right[3]) + PAD
        first_width = left[2] - left[0] + 2 * PAD
        second_width = right[2] - right[0] + 2 * PAD
        width = first_width + GAP + second_width
        height = high - low
        # svg y = high - model y: the floor is at the same height in both.
        parts += _frame(start, props, PAD - left[0], high)
        parts += _frame(end, props, first_width + GAP + PAD - right[0], high)
        arrow_y = height / 2
        x0, x1 = first_width + 6, first_width + GAP - 6
        parts.append(
            f'<polyline points="{x0:.1f},{arrow_y:.1f} {x1:.1f},{arrow_y:.1f}" '
            f'stroke="{INK}" stroke-width="4" fill="none"/>'
            f'<polygon points="{x1 + 4:.1f},{arrow_y:.1f} {x1 - 8:.1f},{arrow_y - 8:.1f} '
            f'{x1 - 8:.1f},{arrow_y + 8:.1f}" fill="{INK}"/>'
        )
    body = "".join(parts)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.1f} {height:.1f}" '
        f'role="img"><title>{escape(title)}</title>{body}</svg>'
    )
