"""A stick figure defined by the angle of each bone, drawn by forward kinematics.

A pose gives where the pelvis is and the direction of every bone (degrees,
counter-clockwise from pointing right, with y up); the joint positions follow
from the fixed bone lengths, so no pose can stretch or shrink a bone (the tests
check it between a stretch's start and end). The limbs come in pairs, "near"
(towards the reader: drawn dark) and "far" (drawn lighter). Mirroring a pose
turns it to face the other way, for the other side of the body.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

# Bone lengths, in the figure's units (a standing figure is about 170 tall).
BONES = {
    "spine": 50.0,  # pelvis to the base of the neck
    "neck": 10.0,
    "upper_arm": 28.0,
    "forearm": 26.0,
    "thigh": 42.0,
    "shin": 40.0,
    "foot": 12.0,
}
HEAD_RADIUS = 10.0

# A limb's bones, from the body out.
ARM = ("upper_arm", "forearm")
LEG = ("thigh", "shin", "foot")


@dataclass(frozen=True)
class Limb:
    """The absolute direction of each bone of one arm (2) or leg (3), in degrees."""

    angles: tuple[float, ...]


@dataclass(frozen=True)
class Pose:
    """One position of the figure.

    ``pelvis`` is where the hips are; ``spine`` and ``neck`` are bone
    directions (90 is straight up); each limb lists its bones' directions.
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
    label: str = field(default="", compare=False)

    def mirrored(self, axis: float = 0.0) -> Pose:
        """The same pose facing the other way, reflected about x = ``axis``."""

        def flip(angle: float) -> float:
            return (180.0 - angle) % 360.0

        def limb(value: Limb) -> Limb:
            return Limb(tuple(flip(angle) for angle in value.angles))

        x, y = self.pelvis
        return replace(
            self,
            pelvis=(2 * axis - x, y),
            spine=flip(self.spine),
            neck=flip(self.neck),
            near_arm=limb(self.near_arm),
            far_arm=limb(self.far_arm),
            near_leg=limb(self.near_leg),
            far_leg=limb(self.far_leg),
            facing=-self.facing,
        )


@dataclass(frozen=True)
class Joints:
    """Where each joint of a pose is: named points, and the bones between them."""

    points: dict[str, tuple[float, float]]
    bones: list[tuple[str, str, str]]  # (from joint, to joint, "near" | "far" | "body")
    facing: int

    def length(self, start: str, end: str) -> float:
        """The distance between two joints."""
        (x1, y1), (x2, y2) = self.points[start], self.points[end]
        return math.hypot(x2 - x1, y2 - y1)


def _step(point: tuple[float, float], angle: float, length: float) -> tuple[float, float]:
    radians = math.radians(angle)
    return point[0] + length * math.cos(radians), point[1] + length * math.sin(radians)


def joints(pose: Pose) -> Joints:
    """Forward kinematics: every joint's position from the bone directions."""
    points: dict[str, tuple[float, float]] = {"pelvis": pose.pelvis}
    bones: list[tuple[str, str, str]] = []
    points["shoulders"] = _step(pose.pelvis, pose.spine, BONES["spine"])
    bones.append(("pelvis", "shoulders", "body"))
    points["neck"] = _step(points["shoulders"], pose.neck, BONES["neck"])
    bones.append(("shoulders", "neck", "body"))
    points["head"] = _step(points["neck"], pose.neck, HEAD_RADIUS)
    for side in ("near", "far"):
        for limb, names, start in (
            (getattr(pose, f"{side}_arm"), ARM, "shoulders"),
            (getattr(pose, f"{side}_leg"), LEG, "pelvis"),
        ):
            previous = start
            for bone, angle in zip(names, limb.angles, strict=True):
                name = f"{side}_{bone}"
                points[name] = _step(points[previous], angle, BONES[bone])
                bones.append((previous, name, side))
                previous = name
    return Joints(points, bones, pose.facing)
