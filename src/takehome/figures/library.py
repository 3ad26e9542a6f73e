"""The built-in figures: a start and an end position for each stretch, with props,
a caption and alt text. A topic's stretch names one by its key (``figure``).

Angles are bone directions in degrees: 0 points right (the way the figure
faces), 90 up, 180 left, 270 down. The floor is at y = 0; a chair's seat at 40.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from takehome.figures.skeleton import Limb, Pose
from takehome.figures.svg import Prop, figure_svg

DOWN, UP, FORWARD, BACK = 270.0, 90.0, 0.0, 180.0


def pose(
    pelvis: tuple[float, float],
    spine: float = UP,
    neck: float | None = None,
    near_arm: tuple[float, float] = (DOWN, DOWN),
    far_arm: tuple[float, float] | None = None,
    near_leg: tuple[float, float, float] = (DOWN, DOWN, FORWARD),
    far_leg: tuple[float, float, float] | None = None,
    facing: int = 1,
    front: bool = False,
) -> Pose:
    """A pose; the far limbs copy the near ones unless given, the neck the spine.

    Seen from the ``front``, the far limbs mirror the near ones instead (left
    and right side by side), and the face looks at the reader.
    """
    if front:
        far_arm = far_arm or tuple((180.0 - angle) % 360.0 for angle in near_arm)
        far_leg = far_leg or tuple((180.0 - angle) % 360.0 for angle in near_leg)
        facing = 0
    return Pose(
        pelvis=pelvis,
        spine=spine,
        neck=spine if neck is None else neck,
        near_arm=Limb(near_arm),
        far_arm=Limb(far_arm or near_arm),
        near_leg=Limb(near_leg),
        far_leg=Limb(far_leg or near_leg),
        facing=facing,
    )


# Positions used by several figures.
STANDING = pose((0, 82))
SEATED = pose((0, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD))
SEATED_HANDS_ON_BELLY = pose((0, 44), near_arm=(240, 340), near_leg=(FORWARD, DOWN, FORWARD))
LYING_KNEES_BENT = pose(
    (0, 8), spine=BACK, near_arm=(FORWARD, FORWARD), near_leg=(50, 295, FORWARD), facing=0
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

    def markup(self) -> Markup:
        """The SVG for a template: our own drawing (its title escaped), never client data."""
        return Markup(self.svg())

    def svg(self, mirrored: bool = False) -> str:
        """The figure as inline SVG (mirrored: for the other side of the body)."""
        start, end = self.start, self.end
        props = self.props
        if mirrored:
            start, end = start.mirrored(), end.mirrored()
            props = tuple(
                Prop(p.kind, -p.x - (p.width if p.kind == "doorway" else 0), p.width) for p in props
            )
        return figure_svg(start, end, props, self.alt)


FIGURES: dict[str, Figure] = {}


def _add(figure: Figure) -> None:
    FIGURES[figure.key] = figure


_add(
    Figure(
        "seated-figure-4",
        SEATED,
        pose(
            (0, 44),
            spine=70,
            near_arm=(300, 330),
            near_leg=(25, 190, 150),
            far_leg=(FORWARD, DOWN, FORWARD),
        ),
        CHAIR,
        "Cross your ankle over your knee, then lean forward.",
        "Start: sitting tall on a chair, feet flat. End: one ankle crossed over the "
        "other knee, leaning forward from the hips with a straight back.",
    )
)
_add(
    Figure(
        "knee-to-chest",
        LYING_KNEES_BENT,
        pose(
            (0, 8),
            spine=BACK,
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
    )
)
_add(
    Figure(
        "lying-figure-4",
        LYING_KNEES_BENT,
        pose(
            (0, 8),
            spine=BACK,
            near_arm=(45, 80),
            near_leg=(70, 200, 150),
            far_leg=(105, 350, FORWARD),
            facing=0,
        ),
        MAT,
        "Cross an ankle over your knee, then draw the legs in.",
        "Start: lying on the back, knees bent, feet flat. End: one ankle crossed over "
        "the other knee, hands behind that thigh drawing both legs toward the chest.",
    )
)
_add(
    Figure(
        "chin-tuck",
        pose((0, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD), neck=80),
        pose((0, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD), neck=100),
        CHAIR,
        "Slide your chin straight back.",
        "Start: sitting tall, looking ahead. End: the same, with the chin slid "
        "straight back, making a double chin; the head does not tip down.",
    )
)
_add(
    Figure(
        "jaw-relax",
        pose((0, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD)),
        pose((0, 44), near_arm=(280, 315), near_leg=(FORWARD, DOWN, FORWARD), neck=84),
        CHAIR,
        "Sit tall and let your jaw go soft.",
        "Start: sitting tall. End: the same, the head level and the jaw relaxed, lips closed.",
    )
)
_add(
    Figure(
        "side-neck-stretch",
        pose((0, 82), near_arm=(280, 272), near_leg=(280, 272, 0), front=True),
        pose((0, 82), near_arm=(280, 272), near_leg=(280, 272, 0), neck=125, front=True),
        (),
        "Tip your ear toward your shoulder.",
        "Seen from the front. Start: sitting tall, shoulders down. End: the head "
        "tipped to one side, ear toward that shoulder, shoulders still down.",
    )
)
_add(
    Figure(
        "shoulder-rolls",
        pose((0, 44), near_arm=(DOWN, DOWN), near_leg=(FORWARD, DOWN, FORWARD)),
        pose((0, 44), spine=92, near_arm=(255, 265), near_leg=(FORWARD, DOWN, FORWARD)),
        CHAIR,
        "Lift your shoulders, then roll them back and down.",
        "Start: sitting tall, arms loose. End: the shoulders rolled up, back and "
        "down in a slow circle, arms still loose.",
    )
)
_add(
    Figure(
        "seated-upper-back-stretch",
        SEATED,
        pose((0, 44), spine=105, neck=60, near_arm=(5, 5), near_leg=(FORWARD, DOWN, FORWARD)),
        CHAIR,
        "Reach forward and round your upper back.",
        "Start: sitting tall. End: both arms reaching straight forward, hands "
        "together, the upper back rounded and the head dropped a little.",
    )
)
_add(
    Figure(
        "doorway-chest-stretch",
        pose((0, 82), near_arm=(275, 270), near_leg=(275, 270, 0), front=True),
        # Seen from the front: "goalpost" arms, elbows at shoulder height,
        # forearms up on the frame.
        pose((0, 82), near_arm=(0, 90), near_leg=(275, 270, 0), front=True),
        (Prop("doorway", x=-56, width=112),),
        "Forearms on the frame, elbows at shoulder height.",
        "Seen from the front. Start: standing in a doorway. End: upper arms out to "
        "the sides at shoulder height, forearms up on the door frame, the chest "
        "leaning gently through.",
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
    )
)
_add(
    Figure(
        "lying-hamstring-towel",
        LYING_KNEES_BENT,
        pose(
            (0, 8),
            spine=BACK,
            near_arm=(35, 60),
            near_leg=(75, 75, FORWARD),
            far_leg=(50, 295, FORWARD),
            facing=0,
        ),
        (Prop("mat"), Prop("towel")),
        "Loop a towel round your foot and lift the leg.",
        "Start: lying on the back, knees bent. End: a towel looped around one foot, "
        "that leg lifted almost straight, the hands holding the towel's ends.",
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
    )
)
_add(
    Figure(
        "pelvic-tilt",
        LYING_KNEES_BENT,
        pose(
            (0, 10),
            spine=182,
            near_arm=(FORWARD, FORWARD),
            near_leg=(52, 292, FORWARD),
            facing=0,
        ),
        MAT,
        "Flatten your lower back into the floor.",
        "Start: lying on the back, knees bent, feet flat. End: the same, with the "
        "belly tightened and the lower back pressed gently into the floor.",
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
    )
)
_add(
    Figure(
        "ankle-pumps",
        pose((0, 6), spine=100, near_arm=(250, 250), near_leg=(FORWARD, FORWARD, 105)),
        pose((0, 6), spine=100, near_arm=(250, 250), near_leg=(FORWARD, FORWARD, 45)),
        MAT,
        "Pull your toes back, then point them away.",
        "Start: sitting with the legs out in front, toes pulled back toward you. "
        "End: toes pointed away.",
    )
)
_add(
    Figure(
        "cat-cow",
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
            spine=160,
            neck=225,
            near_arm=(272, 262),
            near_leg=(DOWN, FORWARD, FORWARD),
            facing=-1,
        ),
        MAT,
        "On hands and knees, round your back up, then let it go flat.",
        "Start: on hands and knees, back flat. End: the back rounded up toward the "
        "ceiling and the head dropped.",
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
    )
)
