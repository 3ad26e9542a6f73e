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

from dataclasses import dataclass

from markupsafe import Markup

from takehome.figures.skeleton import Limb, Pose
from takehome.figures.svg import Arrow, Mark, Prop, Turn, figure_svg, mirror_mark

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
    )


@dataclass(frozen=True)
class Touch:
    """A joint that rests on something, in one frame (0 start, 1 end) or both.

    ``on`` is "floor" (y = 0), "seat" (a chair's), "wall" (a wall or a
    doorway's post) or one of the figure's own bones, e.g. "far_thigh".
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
STANDING = pose((0, 82))
SEATED = pose((0, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD))
SEATED_HANDS_ON_BELLY = pose((0, 44), near_arm=(240, 340), near_leg=(FORWARD, DOWN, FORWARD))
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
                Prop(p.kind, -p.x - (p.width if p.kind == "doorway" else 0), p.width) for p in props
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
            far_leg=((156.8, 43.5), (347.5, 9.9), (345, 20)),
            front=True,
        ),
        (Prop("chair-front"),),
        "Cross your ankle over your knee, then lean forward a little.",
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
            near_leg=(115, 340, FORWARD),
            far_leg=(50, 295, FORWARD),
            facing=0,
        ),
        MAT,
        "Hug one knee gently toward your chest.",
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
        "lying-figure-4",
        # Drawn with the head to the right, so the near (dark) side is the left:
        # the held left thigh and the hands read first; the right leg crosses
        # behind, its hip turned out (away from the reader), its ankle on the
        # left thigh just below the knee.
        LYING_KNEES_BENT.mirrored(),
        pose(
            (0, 4),
            spine=BACK,
            neck=170,
            near_arm=(38.9, 8.4),
            near_leg=(110, 30, 70),
            far_leg=((55, -30), (176.8, 35.8), (165, 40)),
            facing=0,
        ).mirrored(),
        MAT,
        "Cross an ankle over your knee, then draw the legs in.",
        "Start: lying on the back, knees bent, feet flat. End: one ankle crossed over "
        "the other knee, like a number 4, hands behind that thigh drawing both legs "
        "toward the chest.",
        touches=(
            *LYING_TOUCH,
            *on("floor", *FEET, frame=0),
            *on("near_thigh", "far_ankle", "near_hand", frame=1),
        ),
    )
)
_add(
    Figure(
        "chin-tuck",
        # A close-up of the head and shoulders: the glide back is small.
        pose((0, 44), near_arm=(300, 0), near_leg=(FORWARD, DOWN, FORWARD)),
        pose((0, 44), near_arm=(300, 0), near_leg=(FORWARD, DOWN, FORWARD), neck=112),
        CHAIR,
        "Slide your chin straight back.",
        "Start: sitting tall, looking ahead. End: the same, with the chin slid "
        "straight back, making a double chin; the head does not tip down.",
        touches=SEATED_TOUCH,
        marks=(Arrow((28, 107), (12, 107)),),
        close_up=(-24, 72, 30, 124),
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
        "shoulder-rolls",
        # A close-up of the shoulder (drawn as a round joint, a little below
        # the base of the neck): the arrow circles it up, back and down; at the
        # end it sits back and down.
        pose((0, 44), shoulder=(DOWN, 60), near_arm=(290, 300), near_leg=(FORWARD, DOWN, FORWARD)),
        pose((0, 44), shoulder=(228, 38), near_arm=(287, 300), near_leg=(FORWARD, DOWN, FORWARD)),
        CHAIR,
        "Lift your shoulders, then roll them back and down.",
        "Start: sitting tall, arms loose; an arrow circles the shoulder up, back and "
        "down. End: the shoulders rolled back and down, arms still loose.",
        touches=SEATED_TOUCH,
        marks=(Turn((0, 88), 13, -50, 240),),
        close_up=(-24, 62, 24, 124),
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
            neck=50,
            near_arm=(FORWARD, FORWARD),
            near_leg=(FORWARD, DOWN, FORWARD),
        ),
        CHAIR,
        "Reach forward and round your upper back.",
        "Start: sitting tall. End: both arms reaching straight forward, hands "
        "together, the upper back rounded and the head dropped a little.",
        touches=SEATED_TOUCH,
    )
)
_add(
    Figure(
        "doorway-chest-stretch",
        pose((0, 82), near_arm=(275, 270), near_leg=(275, 270, 0), front=True),
        # Seen from the front: "goalpost" arms, elbows at shoulder height,
        # forearms up on the door frame.
        pose((0, 82), near_arm=(0, 90), near_leg=(275, 270, 0), front=True),
        (Prop("doorway", x=-40, width=80),),
        "Forearms on the frame, elbows at shoulder height.",
        "Seen from the front. Start: standing in a doorway. End: upper arms out to "
        "the sides at shoulder height, forearms up on the door frame, the chest "
        "leaning gently through.",
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
            near_arm=(60, 320),
            near_leg=(244.5, 244.5, FORWARD),
            far_leg=(305, 262, FORWARD),
        ),
        (Prop("wall", x=54),),
        "One foot back, heel down; bend the front knee.",
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
            near_leg=(75, 75, FORWARD),
            far_leg=(50, 295, FORWARD),
            facing=0,
        ),
        (Prop("mat"), Prop("towel")),
        "Loop a towel round your foot and lift the leg.",
        "Start: lying on the back, knees bent. End: a towel looped around one foot, "
        "that leg lifted almost straight, the hands holding the towel's ends.",
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
        (*CHAIR, Prop("towel")),
        "Straighten one leg, heel down, and lean forward.",
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
        # Head, shoulders and buttocks touch the wall and never cross it; the
        # knees bend a little more as the pelvis tilts.
        pose((0, 81), near_leg=(268, 272, FORWARD)),
        pose((0, 79), near_leg=(262, 276, FORWARD)),
        (Prop("wall", x=-10),),
        "Back against a wall, flatten your lower back.",
        "Start: standing with the back against a wall, knees soft. End: the belly "
        "tightened and the lower back pressed toward the wall.",
        touches=(*on("floor", *FEET), *on("wall", "head")),
    )
)
_add(
    Figure(
        "belly-breathing",
        SEATED_HANDS_ON_BELLY,
        pose(
            (0, 44),
            near_arm=(240, 340),
            far_arm=(250, 15),
            near_leg=(FORWARD, DOWN, FORWARD),
        ),
        CHAIR,
        "Breathe in slowly into your belly, then out.",
        "Start: sitting back in a chair, one hand on the belly. End: the same, the "
        "belly rising under the hand with a slow breath in.",
        touches=SEATED_TOUCH,
    )
)
_add(
    Figure(
        "ankle-pumps",
        pose((0, 4), spine=100, near_arm=(250, 250), near_leg=(FORWARD, FORWARD, 105)),
        pose((0, 4), spine=100, near_arm=(250, 250), near_leg=(FORWARD, FORWARD, 45)),
        MAT,
        "Pull your toes back, then point them away.",
        "Start: sitting with the legs out in front, toes pulled back toward you. "
        "End: toes pointed away.",
        touches=on("floor", "pelvis", "near_ankle", "far_ankle", "near_hand", "far_hand"),
        # The foot is small at print size: an arrow at the ankle shows its move.
        marks=(Turn((82, 4), 22, 100, 45),),
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
            near_arm=(266, 266),
            near_leg=(DOWN, FORWARD, FORWARD),
            facing=-1,
        ),
        MAT,
        "On hands and knees, let your back go flat, then round it up.",
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
            near_leg=(272, 112, 100),
            far_leg=(DOWN, DOWN, FORWARD),
        ),
        (Prop("wall", x=50),),
        "Hold the wall; draw your heel toward your buttock.",
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
