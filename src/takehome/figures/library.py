"""The built-in figures: a start and an end position for each stretch, with props,
a caption and alt text. A topic's stretch names one by its key (``figure``).

Angles are bone directions in degrees: 0 points right (the way the figure
faces), 90 up, 180 left, 270 down. The floor is at y = 0; a chair's seat at 40.
A figure facing right shows its right side, so the near (dark) limbs are the
right ones, the side a stretch's steps name. Each figure also says what its
hands, feet, knees and pelvis rest on (``touches``); the tests check that the
drawing puts them there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from markupsafe import Markup

from takehome.figures.skeleton import Limb, Pose
from takehome.figures.svg import TABLE, Arrow, Mark, Prop, Turn, figure_svg, mirror_mark

DOWN, UP, FORWARD, BACK = 270.0, 90.0, 0.0, 180.0

# A bone: its direction, or (direction, depth): turned that many degrees out of
# the picture, towards the reader (negative: away), so drawn shorter.
Bone = float | tuple[float, float]


def _limb(bones: tuple[Bone, ...]) -> Limb:
    angles = tuple(b[0] if isinstance(b, tuple) else b for b in bones)
    depth = tuple(b[1] if isinstance(b, tuple) else 0.0 for b in bones)
    return Limb(angles, depth if any(depth) else ())


def _flip(bones: tuple[Bone, ...]) -> tuple[Bone, ...]:
    """Left for right, as the other side looks from the front."""
    return tuple(
        ((180.0 - b[0]) % 360.0, b[1]) if isinstance(b, tuple) else (180.0 - b) % 360.0
        for b in bones
    )


def pose(
    pelvis: tuple[float, float],
    spine: float = UP,
    neck: float | None = None,
    near_arm: tuple[Bone, Bone] = (DOWN, DOWN),
    far_arm: tuple[Bone, Bone] | None = None,
    near_leg: tuple[Bone, Bone, Bone] = (DOWN, DOWN, FORWARD),
    far_leg: tuple[Bone, Bone, Bone] | None = None,
    facing: int = 1,
    front: bool = False,
    upper_back: float | None = None,
    shoulder: Bone | None = None,
    lean: float = 0.0,
    gaze: float = 0.0,
) -> Pose:
    """A pose; the far limbs copy the near ones unless given, the neck the back.

    Seen from the ``front``, the far limbs mirror the near ones instead (left
    and right side by side), the face looks at the reader, and the shoulders
    make a level line. From the side a shoulder points at the reader (drawn as
    a point) unless ``shoulder`` moves it (up in a shrug, back in a roll).
    """
    if front:
        near_shoulder = shoulder or FORWARD
        far_shoulder = _flip((near_shoulder,))[0]
        far_arm = far_arm or _flip(near_arm)
        far_leg = far_leg or _flip(near_leg)
        facing = 0
    else:
        near_shoulder = shoulder or (FORWARD, 90.0)
        angle, depth = near_shoulder if isinstance(near_shoulder, tuple) else (near_shoulder, 0)
        far_shoulder = (angle, -depth)  # the far shoulder points away from the reader
    return Pose(
        pelvis=pelvis,
        spine=spine,
        upper_back=upper_back,
        neck=(spine if upper_back is None else upper_back) if neck is None else neck,
        near_arm=_limb((near_shoulder, *near_arm)),
        far_arm=_limb((far_shoulder, *(far_arm or near_arm))),
        near_leg=_limb(near_leg),
        far_leg=_limb(far_leg or near_leg),
        facing=facing,
        front=front,
        lean=lean,
        gaze=gaze,
    )


@dataclass(frozen=True)
class Touch:
    """A joint that rests on something, in one frame (0 start, 1 end) or both.

    ``on`` is "floor" (y = 0), "seat" (a chair's), "table" (a massage table's
    top), "wall" (a wall or a doorway's post) or one of the figure's own
    bones, e.g. "far_thigh".
    """

    joint: str
    on: str
    frame: int | None = None


def on(surface: str, *joints: str, frame: int | None = None) -> tuple[Touch, ...]:
    """The same surface for several joints."""
    return tuple(Touch(joint, surface, frame) for joint in joints)


FEET = ("near_ankle", "near_toes", "far_ankle", "far_toes")
SEATED_TOUCH = (*on("seat", "pelvis"), *on("floor", *FEET))
LYING_TOUCH = (*on("floor", "pelvis", "shoulders"),)

# Positions used by several figures.
SEATED = pose((0, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD))
# On the back, head to the left: the back's line on the floor, the head resting
# on it (the neck tipped up a little, as the back of the head lifts it).
LYING_KNEES_BENT = pose(
    (0, 4),
    spine=BACK,
    neck=170,
    near_arm=(FORWARD, FORWARD),
    near_leg=(50, 295, FORWARD),
    facing=0,
)
# Seen from the front on a chair: the thighs point at the reader.
SEATED_FRONT = pose(
    (0, 44),
    near_arm=(274, (259, 34.6)),
    near_leg=((340, 75), DOWN, (FORWARD, 70)),
    front=True,
)
CHAIR = (Prop("chair"),)
MAT = (Prop("mat"),)


@dataclass(frozen=True)
class Figure:
    """A stretch drawn: where it starts, where it ends, and what it uses."""

    key: str
    start: Pose
    end: Pose
    props: tuple[Prop, ...]
    caption: str  # under the figure, short
    alt: str  # the positions in words, for a screen reader
    touches: tuple[Touch, ...] = ()
    marks: tuple[Mark, ...] = ()  # arrows at a small move
    close_up: tuple[float, float, float, float] | None = None  # show only this box

    def markup(self) -> Markup:
        """The SVG for a template: our own drawing (its title escaped), never client data."""
        return Markup(self.svg())

    def svg(self, mirrored: bool = False) -> str:
        """The figure as inline SVG (mirrored: for the other side of the body)."""
        start, end = self.start, self.end
        props, marks, close_up = self.props, self.marks, self.close_up
        if mirrored:
            start, end = start.mirrored(), end.mirrored()
            props = tuple(
                replace(p, x=-p.x - (p.width if p.kind == "doorway" else 0)) for p in props
            )
            marks = tuple(mirror_mark(mark) for mark in marks)
            if close_up:
                x0, y0, x1, y1 = close_up
                close_up = (-x1, y0, -x0, y1)
        return figure_svg(start, end, props, self.alt, marks, close_up)


FIGURES: dict[str, Figure] = {}


def _add(figure: Figure) -> None:
    FIGURES[figure.key] = figure


_add(
    Figure(
        "seated-figure-4",
        SEATED_FRONT,
        # Seen from the front, where the crossed leg makes the "4": the right
        # shin lies across the lap, the ankle on the left thigh just above the
        # knee. The right (reader's left, "far") hip turns out; the trunk
        # leans toward the reader, drawn shorter.
        pose(
            (0, 44),
            lean=35,
            near_arm=((284.3, 60), (245.2, 30)),
            far_arm=((203.5, 60), (264.5, 30)),
            near_leg=((340, 75), DOWN, (FORWARD, 70)),
            far_leg=((156.8, 43.5), (347.5, 9.9), (300, 55)),  # the foot relaxed, past the knee
            front=True,
        ),
        (Prop("chair-front"),),
        "Ankle over knee; lean forward a little.",
        "Seen from the front. Start: sitting tall on a chair, feet flat. End: one "
        "ankle crossed over the other knee, like a number 4, hands resting on the "
        "crossed leg, leaning forward a little from the hips with a straight back.",
        touches=(
            *on("seat", "pelvis"),
            *on("floor", *FEET, frame=0),
            *on("floor", "near_ankle", "near_toes", frame=1),
            *on("near_thigh", "far_ankle", frame=1),
            *on("far_shin", "near_hand", "far_hand", frame=1),
        ),
    )
)
_add(
    Figure(
        "knee-to-chest",
        LYING_KNEES_BENT,
        pose(
            (0, 4),
            spine=BACK,
            neck=170,
            near_arm=(45, 15),
            far_arm=(FORWARD, FORWARD),
            near_leg=(115, 340, 70),  # the foot relaxed, at a right angle to the shin
            far_leg=(50, 295, FORWARD),
            facing=0,
        ),
        MAT,
        "Hold behind a thigh; draw the knee in.",
        "Start: lying on the back, knees bent, feet flat. End: hands hold behind one "
        "thigh and draw that knee toward the chest; the other foot stays on the floor.",
        touches=(
            *LYING_TOUCH,
            *on("floor", *FEET, frame=0),
            *on("floor", "far_ankle", "far_toes", frame=1),
            *on("near_thigh", "near_hand", frame=1),
        ),
    )
)
_add(
    Figure(
        "chin-tuck",
        # A close-up of the head and shoulders: the glide back is small. The
        # head starts a little forward and ends stacked over the shoulders
        # (the neck upright, never tipped back); the face stays level.
        pose((0, 44), neck=70, near_arm=(300, 0), near_leg=(FORWARD, DOWN, FORWARD)),
        pose((0, 44), near_arm=(300, 0), near_leg=(FORWARD, DOWN, FORWARD)),
        CHAIR,
        "Slide your chin straight back.",
        "Start: sitting tall, looking ahead, the head a little forward. End: the same, "
        "with the chin slid straight back over the shoulders, making a double chin; "
        "the head does not tip up or down.",
        touches=SEATED_TOUCH,
        marks=(Arrow((34, 107), (17, 107)),),
        close_up=(-24, 72, 34, 124),
    )
)
_add(
    Figure(
        "side-neck-stretch",
        SEATED_FRONT,
        # The head tips to the figure's right (the reader's left); the
        # shoulder line stays level.
        pose(
            (0, 44),
            neck=125,
            near_arm=(274, (259, 34.6)),
            near_leg=((340, 75), DOWN, (FORWARD, 70)),
            front=True,
        ),
        (Prop("chair-front"),),
        "Tip your ear toward your shoulder.",
        "Seen from the front. Start: sitting tall on a chair, shoulders down. End: the "
        "head tipped to one side, ear toward that shoulder, shoulders still down and "
        "level.",
        touches=SEATED_TOUCH,
    )
)
_add(
    Figure(
        "seated-upper-back-stretch",
        SEATED,
        # The pelvis stays upright; the upper back rounds forward over it.
        pose(
            (0, 44),
            spine=93,
            upper_back=62,
            neck=45,
            gaze=-45,  # the head dropped: the face looks down
            near_arm=(345, 345),
            near_leg=(FORWARD, DOWN, FORWARD),
        ),
        CHAIR,
        "Reach forward; round your upper back.",
        "Start: sitting tall. End: both arms reaching straight forward, hands "
        "together, the upper back rounded and the head dropped a little.",
        touches=SEATED_TOUCH,
    )
)
_add(
    Figure(
        "doorway-chest-stretch",
        pose((0, 82), near_arm=(275, 270), near_leg=(275, 270, 0), front=True),
        # Seen from the front: "goalpost" arms, the elbows a little below
        # shoulder height (kinder to the shoulder than level), forearms up on
        # the door frame.
        pose((0, 82), near_arm=(345, 90), near_leg=(275, 270, 0), front=True),
        (Prop("doorway", x=-40, width=80),),
        "Elbows just below shoulders; step in.",
        "Seen from the front. Start: standing in a doorway. End: upper arms out to "
        "the sides, elbows a little below shoulder height, forearms up on the door "
        "frame, one foot stepped forward and the chest leaning gently through.",
        touches=(
            *on("floor", "near_ankle", "far_ankle"),
            *on("wall", "near_elbow", "near_hand", "far_elbow", "far_hand", frame=1),
        ),
    )
)
_add(
    Figure(
        "calf-stretch",
        pose((0, 82), near_arm=(0, 0), near_leg=(DOWN, DOWN, FORWARD)),
        # The stretched (back) leg is the near one, heel flat on the floor.
        pose(
            (8, 74),
            spine=80,
            near_arm=(312.6, 45),  # elbows bent and down, hands on the wall at shoulder height
            near_leg=(244.5, 244.5, FORWARD),
            far_leg=(305, 262, FORWARD),
        ),
        (Prop("wall", x=54),),
        "Back heel down; bend the front knee.",
        "Start: standing facing a wall, hands on it. End: one foot stepped back with "
        "the heel down and the knee straight, the front knee bent, leaning into the "
        "wall.",
        touches=(*on("floor", *FEET), *on("wall", "near_hand")),
    )
)
_add(
    Figure(
        "lying-hamstring-towel",
        LYING_KNEES_BENT,
        pose(
            (0, 4),
            spine=BACK,
            neck=170,
            near_arm=(35, 60),
            # About 70 degrees up, the knee a little bent, the foot at a right
            # angle to the shin: toes toward the head, the sole to the ceiling.
            near_leg=(75, 63, 151),
            far_leg=(50, 295, FORWARD),
            facing=0,
        ),
        (Prop("mat"), Prop("towel", frame=1)),
        "Towel round one foot; lift the leg.",
        "Start: lying on the back, knees bent. End: a towel looped around one foot, "
        "that leg lifted with a small bend in the knee, the hands holding the "
        "towel's ends; the other foot stays on the floor.",
        touches=(
            *LYING_TOUCH,
            *on("floor", *FEET, frame=0),
            *on("floor", "far_ankle", "far_toes", frame=1),
        ),
    )
)
_add(
    Figure(
        "seated-hamstring-towel",
        pose((18, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD)),
        # At the front of the seat, the heel resting on the floor.
        pose(
            (18, 44),
            spine=75,
            near_arm=(320, 335),
            near_leg=(328, 328, 75),
            far_leg=(FORWARD, DOWN, FORWARD),
        ),
        (*CHAIR, Prop("towel", frame=1)),
        "One leg out, heel down; lean forward.",
        "Start: sitting near the front of a chair. End: one leg straight out with "
        "the heel on the floor and a towel around the foot, leaning forward from "
        "the hips with a straight back.",
        touches=(
            *on("seat", "pelvis"),
            *on("floor", *FEET, frame=0),
            *on("floor", "near_ankle", "far_ankle", "far_toes", frame=1),
        ),
    )
)
_add(
    Figure(
        "pelvic-tilt",
        # The low back arches off the floor (a gap under it), then presses flat;
        # the pelvis and shoulders stay down.
        pose(
            (0, 4),
            spine=155,
            upper_back=199.4,
            neck=170,
            near_arm=(FORWARD, FORWARD),
            near_leg=(50, 295, FORWARD),
            facing=0,
        ),
        LYING_KNEES_BENT,
        MAT,
        "Flatten your lower back into the floor.",
        "Start: lying on the back, knees bent, feet flat, a small gap under the lower "
        "back. End: the belly tightened and the lower back pressed gently into the "
        "floor, closing the gap.",
        touches=(*LYING_TOUCH, *on("floor", *FEET), *on("floor", "back", frame=1)),
        marks=(Arrow((-20, 40), (-20, 19)),),
    )
)
_add(
    Figure(
        "standing-pelvic-tilt",
        # Head, shoulders and buttocks touch the wall and never cross it. The
        # knees are soft: bent a little, in front of the line from hip to
        # ankle, never locked back. The low back curves away from the wall,
        # then flattens against it as the belly pulls in (the arrow).
        pose(
            (0, 81), spine=75, upper_back=102, neck=UP, near_arm=(278, 282), near_leg=(283, 259, 0)
        ),
        pose((0, 80.2), near_arm=(278, 282), near_leg=(284, 258, 0)),
        (Prop("wall", x=-10),),
        "Soft knees; low back flat to the wall.",
        "Start: standing with the back against a wall, feet a little forward, knees "
        "soft and a small gap behind the lower back. End: the belly button pulled "
        "in and the lower back pressed flat against the wall, knees still soft.",
        touches=(*on("floor", *FEET), *on("wall", "head")),
        marks=(Arrow((32, 90), (16, 90), frame=1),),
    )
)
_add(
    Figure(
        "cat-cow",
        # Facing left. Flat, then rounded up as the steps have it; the hands
        # and knees stay where they are, and so does the pelvis.
        pose(
            (0, 42),
            spine=166,
            neck=170,
            near_arm=(DOWN, DOWN),
            near_leg=(DOWN, FORWARD, FORWARD),
            facing=-1,
        ),
        pose(
            (0, 42),
            spine=140,
            upper_back=185,
            neck=245,
            gaze=-80,  # the head dropped: the face looks down
            near_arm=(266, 266),
            near_leg=(DOWN, FORWARD, FORWARD),
            facing=-1,
        ),
        MAT,
        "On hands and knees, bring your back flat, then round it up.",
        "Start: on hands and knees, back flat. End: the back rounded up toward the "
        "ceiling and the head dropped.",
        touches=on("floor", "near_hand", "far_hand", "near_knee", "far_knee", *FEET),
    )
)
_add(
    Figure(
        "standing-thigh-stretch",
        pose((0, 82), near_arm=(DOWN, DOWN), far_arm=(340, 340), near_leg=(DOWN, DOWN, FORWARD)),
        # The knee points down beside the standing knee; the hand holds the
        # ankle behind the buttock.
        pose(
            (0, 82),
            near_arm=(250, 260),
            far_arm=(340, 340),
            # The foot at a right angle to the shin, toes back: the bent leg shows.
            near_leg=(272, 112, 200),
            far_leg=(DOWN, DOWN, FORWARD),
        ),
        (Prop("wall", x=50),),
        "Hold on; draw your heel back gently.",
        "Start: standing, one hand on a wall. End: one knee bent and pointing down, "
        "the hand on the same side holding that ankle behind, the heel drawn toward "
        "the buttock.",
        touches=(
            *on("floor", "far_ankle", "far_toes"),
            *on("floor", "near_ankle", "near_toes", frame=0),
            *on("wall", "far_hand"),
            *on("near_shin", "near_hand", frame=1),
        ),
    )
)
_add(
    Figure(
        "ankle-pumps",
        # A close-up of the lower leg and foot: the move is only the foot's.
        # Sitting up with the legs out in front, the heel resting on the bed;
        # the toes point away, then pull back toward you, as the steps say.
        pose((0, 4), spine=95, near_arm=(275, 320), near_leg=(FORWARD, FORWARD, 45)),
        pose((0, 4), spine=95, near_arm=(275, 320), near_leg=(FORWARD, FORWARD, 110)),
        (Prop("mat", x=80, width=60),),
        "Point your toes, then pull them back.",
        "Close-up of the lower leg and foot, sitting with the legs out in front and "
        "the heel resting on the bed. Start: the toes pointed away. End: the toes "
        "pulled back toward you, the foot bent up at the ankle.",
        touches=(
            *on("floor", "pelvis", "near_ankle", "far_ankle"),
            *on("near_thigh", "near_hand"),
        ),
        marks=(Turn((82, 4), 19, 45, 110),),
        close_up=(60, -4, 100, 26),
    )
)

# On the right side on a massage table, seen from its long side: the figure
# faces the reader, head to the left, so the shoulders stack one above the
# other and the bent knees come toward the reader (drawn shorter). The upper
# hand is on the table in front of the chest, ready to push up.
SIDE_LYING = Pose(
    pelvis=(0, TABLE + 6),  # the hips' middle: the lower hip is on the table
    spine=BACK,
    neck=168,
    near_arm=_limb(((UP, 0.0), (38.7, 62.8), (288.4, -13.3))),  # the top arm
    far_arm=_limb(((DOWN, 70.0), (195.0, 55.0), (175.0, 45.0))),  # under, forward
    near_leg=_limb(((15.0, 50.0), (350.0, -40.0), (FORWARD, 50.0))),  # on top
    far_leg=_limb(((350.0, 55.0), (FORWARD, -40.0), (FORWARD, 50.0))),
    facing=0,
    front=True,
)
_add(
    Figure(
        "getting-up-from-a-table",
        SIDE_LYING,
        # Sitting on the edge, seen from the table's end (so the top is
        # short): the thighs on the table, the lower legs hanging over its
        # edge, the hands on the table beside the hips.
        pose(
            (2, TABLE + 4),
            near_arm=(255, 270),
            near_leg=(FORWARD, DOWN, 340),  # the foot hanging, relaxed
        ),
        (Prop("table", x=-14, width=160, frame=0), Prop("table", x=9, width=70, frame=1)),
        "Roll to your side, then push up to sit.",
        "Start: lying on one side on a massage table, facing you, knees bent, the "
        "top hand on the table in front of the chest. End: sitting on the edge of "
        "the table, hands on the table beside the hips, the lower legs hanging "
        "down over the edge toward the floor.",
        touches=(
            *on("table", "pelvis", "far_shoulder", "far_knee", "far_ankle", frame=0),
            *on("table", "near_hand", "far_hand"),
            *on("far_shin", "near_ankle", frame=0),
            *on("table", "pelvis", "near_knee", "far_knee", frame=1),
        ),
    )
)
