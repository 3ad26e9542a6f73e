"""A stick figure defined by the angle of each bone, drawn by forward kinematics.

A pose gives where the pelvis is and the direction of every bone (degrees,
counter-clockwise from pointing right, with y up); the joint positions follow
from the fixed bone lengths, so no pose can stretch or shrink a bone (the tests
check it between a stretch's start and end). The limbs come in pairs, "near"
(towards the reader: drawn dark) and "far" (drawn lighter). Mirroring a pose
turns it to face the other way, for the other side of the body.

A bone may also turn out of the picture (its ``depth``, degrees towards the
reader): it is then drawn shorter, as the eye sees it. That is how a side view
shows a hip turned out (the figure-4 stretches) and a front view a thigh that
points at the reader. Each joint keeps its distance from the picture (``z``),
so the tests can check every bone's true, 3-D length.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

# Bone lengths, in the figure's units (a standing figure is about 170 tall).
BONES = {
    # The spine in two parts, so a back can round (cat-cow, the upper back
    # stretch) or arch off the floor (the pelvic tilt).
    "low_back": 22.0,  # pelvis to the middle of the back
    "upper_back": 28.0,  # to the base of the neck
    "neck": 10.0,
    "clavicle": 12.0,  # base of the neck to the shoulder joint: the shoulder line
    "upper_arm": 28.0,
    "forearm": 26.0,
    "thigh": 42.0,
    "shin": 40.0,
    "foot": 12.0,
}
HEAD_RADIUS = 10.0

# A limb's bones, from the body out, each with the joint at its end.
ARM = (("clavicle", "shoulder"), ("upper_arm", "elbow"), ("forearm", "hand"))
LEG = (("thigh", "knee"), ("shin", "ankle"), ("foot", "toes"))


@dataclass(frozen=True)
class Limb:
    """The absolute direction of each bone of one arm or leg (3 each), in degrees,
    and how far each turns out of the picture towards the reader (``depth``,
    -90 to 90; empty: all in the picture)."""

    angles: tuple[float, ...]
    depth: tuple[float, ...] = ()

    def depths(self) -> tuple[float, ...]:
        return self.depth or (0.0,) * len(self.angles)


@dataclass(frozen=True)
class Pose:
    """One position of the figure.

    ``pelvis`` is where the hips are; ``spine`` is the low back's direction
    (90 is straight up), ``upper_back`` the upper back's (None: in line with
    the low back); ``neck`` the neck's; each limb lists its bones' directions.
    ``front``: seen from the front, where both sides are drawn dark; ``lean``
    turns the trunk towards the reader (a front view's lean forward);
    ``gaze`` tips the face down (negative) or up from level, in degrees (a
    dropped head looks down; a head that glides back stays level).
    """

    pelvis: tuple[float, float]
    spine: float
    neck: float
    near_arm: Limb
    far_arm: Limb
    near_leg: Limb
    far_leg: Limb
    # Which way the face looks, for the nose: +1 right, -1 left, 0 towards you.
    facing: int = 1
    upper_back: float | None = None
    front: bool = False
    lean: float = 0.0
    gaze: float = 0.0
    label: str = field(default="", compare=False)

    def mirrored(self, axis: float = 0.0) -> Pose:
        """The same pose facing the other way, reflected about x = ``axis``."""

        def flip(angle: float) -> float:
            # Rounded, so that mirroring twice gives back the very same pose.
            return round((180.0 - angle) % 360.0, 9)

        def limb(value: Limb) -> Limb:
            return replace(value, angles=tuple(flip(angle) for angle in value.angles))

        x, y = self.pelvis
        return replace(
            self,
            pelvis=(2 * axis - x, y),
            spine=flip(self.spine),
            upper_back=None if self.upper_back is None else flip(self.upper_back),
            neck=flip(self.neck),
            near_arm=limb(self.near_arm),
            far_arm=limb(self.far_arm),
            near_leg=limb(self.near_leg),
            far_leg=limb(self.far_leg),
            facing=-self.facing,
        )


@dataclass(frozen=True)
class Joints:
    """Where each joint of a pose is: named points, and the bones between them.

    ``bones`` holds (from joint, to joint, "near" | "far" | "body", bone name);
    ``z`` each joint's distance towards the reader (0 for the pelvis).
    """

    points: dict[str, tuple[float, float]]
    bones: list[tuple[str, str, str, str]]
    facing: int
    z: dict[str, float] = field(default_factory=dict)

    def length(self, start: str, end: str) -> float:
        """The drawn (2-D) distance between two joints."""
        (x1, y1), (x2, y2) = self.points[start], self.points[end]
        return math.hypot(x2 - x1, y2 - y1)

    def true_length(self, start: str, end: str) -> float:
        """The 3-D distance between two joints, out of the picture included."""
        return math.hypot(self.length(start, end), self.z[end] - self.z[start])


def _step(point: tuple[float, float], angle: float, length: float) -> tuple[float, float]:
    radians = math.radians(angle)
    return point[0] + length * math.cos(radians), point[1] + length * math.sin(radians)


def joints(pose: Pose) -> Joints:
    """Forward kinematics: every joint's position from the bone directions."""
    points: dict[str, tuple[float, float]] = {"pelvis": pose.pelvis}
    z = {"pelvis": 0.0}
    bones: list[tuple[str, str, str, str]] = []

    def grow(start: str, end: str, bone: str, angle: float, depth: float, side: str) -> None:
        length, turn = BONES[bone], math.radians(depth)
        points[end] = _step(points[start], angle, length * math.cos(turn))
        z[end] = z[start] + length * math.sin(turn)
        bones.append((start, end, side, bone))

    upper = pose.spine if pose.upper_back is None else pose.upper_back
    grow("pelvis", "back", "low_back", pose.spine, pose.lean, "body")
    grow("back", "shoulders", "upper_back", upper, pose.lean, "body")
    grow("shoulders", "neck", "neck", pose.neck, pose.lean, "body")
    points["head"] = _step(
        points["neck"], pose.neck, HEAD_RADIUS * math.cos(math.radians(pose.lean))
    )
    z["head"] = z["neck"]
    for side in ("near", "far"):
        for limb, names, start in (
            (getattr(pose, f"{side}_arm"), ARM, "shoulders"),
            (getattr(pose, f"{side}_leg"), LEG, "pelvis"),
        ):
            previous = start
            for (bone, joint), angle, depth in zip(names, limb.angles, limb.depths(), strict=True):
                grow(previous, f"{side}_{joint}", bone, angle, depth, side)
                previous = f"{side}_{joint}"
    return Joints(points, bones, pose.facing, z)
