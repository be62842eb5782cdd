"""The figure schema: an exercise drawn from poses a clinician can write, one docstring per field.

A figure is a side view of one person facing right. The sore leg (and arm) is the near one, drawn
in front; the other leg and arm are drawn behind it in a darker tone. Angles are joint angles in
degrees as a clinician measures them, from the position's usual line (standing tall, sitting on a
chair, lying flat):

* hip flexion: 0 with the thigh in line with the trunk, 90 sitting, 120 knee to chest; negative
  takes the thigh behind the body (extension);
* knee flexion: 0 straight, 90 sitting;
* ankle: 0 with the foot at a right angle to the shin; positive pulls the toes up (dorsiflexion),
  negative points them (plantarflexion);
* shoulder flexion: 0 with the arm along the trunk, 90 reaching forward, 180 overhead;
* elbow flexion: 0 straight;
* neck: positive tucks the chin (looks down), negative looks up;
* trunk: positive leans the trunk forward (for lying on the back: lifts the head and shoulders);
  negative leans it back (for lying on the back: lifts the hips, as in a bridge).
"""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from handouts.model.schema import Model

HipAngle = Annotated[float, Field(ge=-40, le=140)]
KneeAngle = Annotated[float, Field(ge=0, le=160)]
AnkleAngle = Annotated[float, Field(ge=-50, le=35)]
TurnOut = Annotated[float, Field(ge=0, le=70)]
ShoulderAngle = Annotated[float, Field(ge=-60, le=180)]
ElbowAngle = Annotated[float, Field(ge=0, le=150)]
TrunkAngle = Annotated[float, Field(ge=-45, le=90)]
NeckAngle = Annotated[float, Field(ge=-50, le=50)]


Position = Literal["standing", "sitting", "kneeling", "lying_on_back", "lying_on_front", "hands_and_knees"]
Prop = Literal["mat", "chair", "wall", "step", "towel", "band", "bottle", "bed"]
Reach = Literal["sore_knee", "other_knee", "other_thigh", "sore_foot", "seat", "floor", "hips", "thighs"]
Part = Literal["sore_foot", "sore_knee", "other_foot", "other_knee", "hips", "head", "hands"]


class Leg(Model):
    """One leg's joint angles."""

    hip: HipAngle = 0
    """Hip flexion: 0 in line with the trunk, 90 as in sitting; negative takes the thigh back."""
    knee: KneeAngle | None = None
    """Knee flexion: 0 straight. Left out with `foot: flat`: the knee bends until the sole is on the
    floor (or the surface the person is on)."""
    ankle: AnkleAngle = 0
    """Ankle: 0 at a right angle, positive toes up, negative toes pointed (ignored with `foot: flat`)."""
    foot: Literal["flat", "free"] = "free"
    """flat: the sole rests flat on the floor or surface; free: the ankle angle as given."""
    turn_out: TurnOut = 0
    """Hip turned out (external rotation), as when the ankle rests on the other knee: the thigh
    points toward the viewer and looks shorter from the side."""
    ankle_on: Literal["other_knee"] | None = None
    """Rest this leg's ankle on the other knee (the figure-4 position): hip and knee are solved."""


class Arm(Model):
    """One arm's joint angles (ignored where `hands` says what the hands hold)."""

    shoulder: ShoulderAngle = 0
    """Shoulder flexion: 0 along the trunk, 90 reaching forward, 180 overhead."""
    elbow: ElbowAngle = 0
    """Elbow flexion: 0 straight."""


class Pose(Model):
    """One moment of the exercise."""

    label: Annotated[str, Field(min_length=1, max_length=20)] | None = None
    """What the moment is (start, middle, finish); for the writer, not printed."""
    position: Position
    """The base position; the angles below change it."""
    trunk: TrunkAngle = 0
    """Trunk lean in degrees from the position's usual line (see the module text)."""
    neck: NeckAngle = 0
    """Neck flexion: positive tucks the chin, negative looks up."""
    leg: Leg = Leg()
    """The sore leg (the near one)."""
    other_leg: Leg = Leg()
    """The other leg (the far one)."""
    arm: Arm = Arm()
    """The near arm."""
    other_arm: Arm | None = None
    """The far arm; left out, it is placed as the near arm."""
    hands: Reach | None = None
    """Where both hands are: on or around a body part, a chair seat, the floor; the arms are solved
    to reach it."""


class Arrow(Model):
    """A motion arrow, in the clinic's accent colour."""

    part: Part
    """The part that moves: the arrow runs from where it is in the first pose to the last."""
    direction: Literal["along", "forward"] = "along"
    """along: follow the part from pose to pose; forward: a straight arrow ahead (walking)."""


class Figure(Model):
    """A drawing of the exercise, generated from one to three poses."""

    poses: Annotated[list[Pose], Field(min_length=1, max_length=3)]
    """Start, (optional middle,) finish: earlier poses are drawn as faint outlines behind the last."""
    props: Annotated[list[Prop], Field(max_length=4)] = []
    """Things in the picture besides the floor: mat, chair, wall, step, towel, band, bottle, bed."""
    arrow: Arrow | None = None
    """An optional motion arrow."""

    @model_validator(mode="after")
    def _fits(self):
        # a geometric check: the solved figure must stand, sit or lie on something, never in it
        from handouts.figures.body import problems_of
        problems = problems_of(self)
        if problems:
            raise ValueError(problems[0])
        return self


class ExerciseFigure(Model):
    """The figure of one exercise: its own poses, or a figure of the condition's figures.yaml."""

    use: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60,
                              json_schema_extra={"expect": "a figure id from the condition's figures.yaml"})] | None = None
    """A figure from content/<condition>/figures.yaml, shared by every language."""
    poses: Annotated[list[Pose], Field(min_length=1, max_length=3)] | None = None
    """This exercise's own poses (instead of `use`)."""
    props: Annotated[list[Prop], Field(max_length=4)] = []
    """Props for the own poses."""
    arrow: Arrow | None = None
    """A motion arrow for the own poses."""
    alt: Annotated[str, Field(min_length=1, max_length=400)] | None = None
    """What the drawing shows, for people who cannot see it; left out, it is made from the exercise's
    start position and steps."""

    @model_validator(mode="after")
    def _one_source(self):
        if (self.use is None) == (self.poses is None):
            raise ValueError("expected either 'use' (a figure id) or 'poses', not both and not neither")
        if self.poses is not None:
            Figure(poses=self.poses, props=self.props, arrow=self.arrow)
        return self

    def own(self) -> Figure | None:
        return None if self.poses is None else Figure(poses=self.poses, props=self.props, arrow=self.arrow)


class FigureFile(Model):
    """content/<condition>/figures.yaml: the condition's figures by id, shared by every language."""

    figures: Annotated[dict[Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=60)], Figure],
                       Field(min_length=1)]
    """Figure id -> figure."""
