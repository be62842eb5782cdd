"""Stage: poses -> solved bodies: joint positions in centimetres (y up, the floor at y = 0, facing +x).

Standard proportions of a 170 cm adult (segment lengths as fractions of height after Winter's
anthropometric tables), forward kinematics from the clinician's joint angles, and the few small
solvers a clinician's words need: a sole flat on the floor (the knee bends until it is), hands around
a knee or behind a thigh (two-link reach), an ankle resting on the other knee, and the whole body put
down on the floor, a mat, a chair seat or a bed. Pure functions; `problems_of` says what is wrong
with a pose in plain words.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache

H = 170.0
THIGH, SHANK, ANKLE_H = 0.245 * H, 0.246 * H, 0.039 * H
HEEL, TOE = 0.035 * H, 0.117 * H          # behind and ahead of the ankle along the sole
TRUNK = 0.288 * H                          # hip joint to shoulder joint
NECK = 0.115 * H                           # shoulder joint to the centre of the head
UPPER_ARM, FOREARM, HAND = 0.186 * H, 0.146 * H, 0.05 * H
R_HEAD = 0.068 * H
R_HIP, R_CHEST, R_NECK = 0.072 * H, 0.068 * H, 0.030 * H
R_THIGH, R_KNEE, R_CALF, R_ANKLE = 0.050 * H, 0.034 * H, 0.030 * H, 0.020 * H
R_SHOULDER, R_ELBOW, R_WRIST, R_HAND = 0.026 * H, 0.021 * H, 0.017 * H, 0.020 * H
R_HEEL, R_TOE = 0.016 * H, 0.012 * H
MAT = 2.0                                  # a mat's thickness
CHAIR_SEAT = SHANK + ANKLE_H - 0.9 * R_HIP + 0.5   # feet flat with the knees at a right angle
BED_TOP = 0.33 * H
OBLIQUE = (0.45, 0.3)                      # how a part turned toward the reader shows (figure-4)

BASE_TRUNK = {"standing": 0.0, "sitting": 0.0, "kneeling": 0.0, "lying_on_back": -90.0,
              "lying_on_front": 90.0, "hands_and_knees": 90.0}


Point = tuple[float, float]


def rot(v: Point, degrees: float) -> Point:
    """v turned anticlockwise."""
    a = math.radians(degrees)
    c, s = math.cos(a), math.sin(a)
    return (v[0] * c - v[1] * s, v[0] * s + v[1] * c)


def add(p: Point, v: Point, k: float = 1.0) -> Point:
    return (p[0] + v[0] * k, p[1] + v[1] * k)


def sub(p: Point, q: Point) -> Point:
    return (p[0] - q[0], p[1] - q[1])


def length(v: Point) -> float:
    return math.hypot(v[0], v[1])


def unit(v: Point) -> Point:
    n = length(v) or 1.0
    return (v[0] / n, v[1] / n)


def angle_of(v: Point) -> float:
    return math.degrees(math.atan2(v[1], v[0]))


@dataclass(frozen=True)
class Segment:
    """A rounded limb piece from p (radius r1) to q (radius r2)."""

    name: str
    p: Point
    q: Point
    r1: float
    r2: float
    side: str  # near, far or body


@dataclass
class Body:
    """One solved pose: named points and the rounded pieces to draw."""

    points: dict[str, Point] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    head: Point = (0.0, 0.0)
    face: Point = (1.0, 0.0)    # the way the face looks
    up: Point = (0.0, 1.0)      # from the chin to the top of the head
    support: float = 0.0        # the height of what the body rests on
    on: str = "floor"           # floor, mat, chair or bed
    problems: list[str] = field(default_factory=list)

    def moved(self, dx: float, dy: float) -> Body:
        def m(p: Point) -> Point:
            return (p[0] + dx, p[1] + dy)
        return Body({k: m(v) for k, v in self.points.items()},
                    [Segment(s.name, m(s.p), m(s.q), s.r1, s.r2, s.side) for s in self.segments],
                    m(self.head), self.face, self.up, self.support, self.on, list(self.problems))

    def lowest(self, sides: tuple[str, ...] = ("near", "far", "body"), names: tuple[str, ...] | None = None) -> float:
        ys = [min(s.p[1] - s.r1, s.q[1] - s.r2) for s in self.segments
              if s.side in sides and (names is None or s.name in names)]
        if names is None or "head" in names:
            ys.append(self.head[1] - R_HEAD)
        return min(ys)

    def bounds(self) -> tuple[float, float, float, float]:
        xs0 = [min(s.p[0] - s.r1, s.q[0] - s.r2) for s in self.segments] + [self.head[0] - R_HEAD * 1.1]
        xs1 = [max(s.p[0] + s.r1, s.q[0] + s.r2) for s in self.segments] + [self.head[0] + R_HEAD * 1.1]
        ys0 = [min(s.p[1] - s.r1, s.q[1] - s.r2) for s in self.segments] + [self.head[1] - R_HEAD]
        ys1 = [max(s.p[1] + s.r1, s.q[1] + s.r2) for s in self.segments] + [self.head[1] + R_HEAD]
        return min(xs0), min(ys0), max(xs1), max(ys1)


def _leg(hip: Point, down: Point, hip_flex: float, knee_flex: float, ankle: float, turn_out: float = 0.0):
    """Knee, ankle, heel and toe of a leg: `down` points from the shoulders to the hips."""
    thigh_dir = rot(down, hip_flex)
    knee = add(hip, thigh_dir, THIGH * math.cos(math.radians(turn_out)))
    shank_dir = rot(thigh_dir, -knee_flex)
    ankle_p = add(knee, shank_dir, SHANK)
    foot_dir = rot(shank_dir, 90 + ankle)
    sole = rot(foot_dir, -90)  # from the ankle toward the sole
    heel = add(add(ankle_p, foot_dir, -HEEL * 0.35), sole, ANKLE_H - R_HEEL)
    toe = add(add(ankle_p, foot_dir, TOE), sole, ANKLE_H - R_TOE)
    return knee, ankle_p, heel, toe


def _foot_flat(shank_dir: Point) -> float:
    """The ankle angle that makes the sole level (the foot pointing forward, +x)."""
    # foot_dir = rot(shank_dir, 90 + ankle) must be (1, 0)
    return -(angle_of(shank_dir) + 90.0)


def _reach(shoulder: Point, target: Point, upper: float, lower: float,
           floor: float = -1e9) -> tuple[Point, Point, bool]:
    """Elbow and hand for a two-link arm reaching toward target, the elbow bending the anatomical way
    unless that puts it through the floor; False when the target is out of reach (the arm then
    points straight at it)."""
    t = sub(target, shoulder)
    d = length(t)
    direction = unit(t)
    if d >= upper + lower - 0.5:
        elbow = add(shoulder, direction, upper)
        return elbow, add(elbow, direction, lower), d <= upper + lower + 6.0
    d = max(d, abs(upper - lower) + 0.5)
    cos_a = (upper * upper + d * d - lower * lower) / (2 * upper * d)
    a = math.degrees(math.acos(max(-1.0, min(1.0, cos_a))))
    elbow = add(shoulder, rot(direction, -a), upper)
    if elbow[1] - R_ELBOW < floor:
        elbow = add(shoulder, rot(direction, a), upper)
    hand = add(elbow, unit(sub(target, elbow)), lower)
    return elbow, hand, True


def _two_link(base: Point, target: Point, a: float, b: float, bend: float) -> Point | None:
    """The middle joint of a two-link chain from base to target (bend: +1 anticlockwise side)."""
    t = sub(target, base)
    d = length(t)
    if d > a + b or d < abs(a - b):
        return None
    cos_a = (a * a + d * d - b * b) / (2 * a * d)
    ang = math.degrees(math.acos(max(-1.0, min(1.0, cos_a))))
    return add(base, rot(unit(t), bend * ang), a)


def solve(pose, props: tuple = ()) -> Body:
    """One pose -> a Body standing, sitting or lying on what the props give it."""
    return _solve(pose, tuple(props))


@lru_cache(maxsize=256)
def _solve(pose, props: tuple) -> Body:
    body = Body()
    lean = BASE_TRUNK[pose.position] + pose.trunk
    up_dir = rot((0.0, 1.0), -lean)               # hips -> shoulders
    down = (-up_dir[0], -up_dir[1])
    hip = (0.0, 0.0)
    shoulder = add(hip, up_dir, TRUNK)
    # the head nods on the top of the neck (a chin tuck draws the chin in, it does not push the head
    # forward); the neck itself bends only a third as far
    neck_dir = rot(up_dir, -pose.neck / 3)
    head_up = rot(up_dir, -pose.neck)
    if pose.position == "lying_on_back" and pose.trunk < 0:
        # hips lifted (a bridge): the neck bends so the head and shoulders rest on the floor
        neck_dir = rot(neck_dir, pose.trunk)
        head_up = rot(head_up, pose.trunk)
    head = add(shoulder, neck_dir, NECK)
    face = rot(head_up, -90)
    pts = body.points
    pts.update(hips=hip, shoulder=shoulder, head=head)
    body.head, body.face, body.up = head, face, head_up
    body.on = ("chair" if "chair" in props else "bed" if "bed" in props else "floor") \
        if pose.position == "sitting" else ("bed" if "bed" in props else "mat" if "mat" in props else "floor")
    body.support = {"floor": 0.0, "mat": MAT, "chair": CHAIR_SEAT, "bed": BED_TOP}[body.on]

    legs = {}
    for name, leg in (("other", pose.other_leg), ("sore", pose.leg)):
        knee_flex = leg.knee if leg.knee is not None else 0.0
        legs[name] = [leg.hip, knee_flex, leg.ankle, leg]

    def place_leg(name: str):
        hip_flex, knee_flex, ankle, leg = legs[name]
        return _leg(hip, down, hip_flex, knee_flex, ankle, leg.turn_out)

    # put the body down before the feet are solved: what touches the support decides the height
    trunk_lowest = min(hip[1] - R_HIP, shoulder[1] - R_CHEST, head[1] - R_HEAD)
    if pose.position == "sitting":
        dy = body.support - (hip[1] - R_HIP * 0.9)
    elif pose.position.startswith("lying"):
        dy = body.support - trunk_lowest
    else:
        dy = None  # standing, kneeling, on hands and knees: the lowest part of the legs and hands

    def flat_knee(name: str, level: float) -> None:
        """Bend the knee until the flat sole rests at `level` (the body already placed): the knee angle
        that puts the ankle at that height, worked out, or the nearest the knee's range allows."""
        hip_flex, _, _, leg = legs[name]
        thigh_dir = rot(down, hip_flex)
        knee_y = hip[1] + (dy or 0.0) + thigh_dir[1] * THIGH * math.cos(math.radians(leg.turn_out))
        theta = angle_of(thigh_dir)

        def err(k: float) -> float:
            return abs(knee_y + math.sin(math.radians(theta - k)) * SHANK - ANKLE_H - level)

        # the shin's angle whose sine puts the ankle there (clamped: out of reach, the nearest)
        a = math.degrees(math.asin(max(-1.0, min(1.0, (level + ANKLE_H - knee_y) / SHANK))))
        candidates = [0.0, 160.0] + [k for k in ((theta - a) % 360, (theta - 180 + a) % 360) if k <= 160.0]
        best = min(candidates, key=lambda k: (round(err(k), 9), k))
        best_err = err(best)
        legs[name][1] = best
        if best_err > 1.5:
            label = "the sore foot" if name == "sore" else "the other foot"
            body.problems.append(f"expected {label} flat on the floor (foot: flat), got it {best_err:.0f} cm "
                                 f"away: the hips are too high or too far for the leg to reach down")

    for name, leg in (("other", pose.other_leg), ("sore", pose.leg)):
        if leg.foot == "flat" and leg.knee is None and dy is not None:
            flat_knee(name, 0.0 if body.on == "chair" else body.support)
        if leg.foot == "flat":
            thigh_dir = rot(down, legs[name][0])
            legs[name][2] = _foot_flat(rot(thigh_dir, -legs[name][1]))

    other_knee, other_ankle, other_heel, other_toe = place_leg("other")
    sore = place_leg("sore")
    if pose.leg.ankle_on == "other_knee":
        # the figure-4, seen a little from the feet and above (a true side view hides it): the sore
        # hip bends as given and turns out toward the reader, its knee drawn where that puts it; the
        # shin runs from that knee across the other thigh, the ankle resting on the front of the
        # other thigh just below its knee, the foot beyond it
        turn = math.radians(pose.leg.turn_out)
        in_plane = add(hip, rot(down, pose.leg.hip), THIGH * math.cos(turn))
        out = THIGH * math.sin(turn)              # toward the reader
        knee = (in_plane[0] + OBLIQUE[0] * out, in_plane[1] + OBLIQUE[1] * out)
        other_dir = unit(sub(other_knee, hip))
        front = rot(other_dir, 90)  # the other thigh's front, toward the head when the hip bends
        if front[0] * up_dir[0] + front[1] * up_dir[1] < 0:
            front = (-front[0], -front[1])
        target = add(add(hip, other_dir, THIGH * 0.8), front, R_THIGH + R_ANKLE * 0.5)
        if length(sub(target, knee)) > SHANK + 1.0:
            body.problems.append("expected the sore ankle to reach the other knee, got a pose where it cannot "
                                 "(bend the sore hip more, or the other hip less)")
        shank_dir = unit(sub(target, knee))
        foot_dir = rot(shank_dir, 90 + pose.leg.ankle)
        sole = rot(foot_dir, -90)
        sore = (knee, target, add(add(target, foot_dir, -HEEL * 0.35), sole, ANKLE_H - R_HEEL),
                add(add(target, foot_dir, TOE), sole, ANKLE_H - R_TOE))
    pts.update(other_knee=other_knee, other_foot=other_ankle, sore_knee=sore[0], sore_foot=sore[1])

    def leg_segments(prefix: str, side: str, knee, ankle_p, heel, toe):
        body.segments += [
            Segment(prefix + "thigh", hip, knee, R_THIGH, R_KNEE, side),
            Segment(prefix + "shin", knee, ankle_p, R_CALF, R_ANKLE, side),
            Segment(prefix + "heel", ankle_p, heel, R_ANKLE, R_HEEL, side),
            Segment(prefix + "foot", heel, toe, R_HEEL, R_TOE, side),
        ]

    # arms: solved toward what the hands hold, or from their angles
    if dy is not None:
        floor_level = body.support - dy if body.on != "chair" else -dy
    else:
        floor_level = min(other_ankle[1], sore[1][1]) - ANKLE_H
    targets = _hand_targets(pose, sore, (other_knee, other_ankle), hip, down, floor_level)
    if targets is not None and pose.hands == "sore_foot" and ("towel" in props or "band" in props):
        # the hands hold the strap round the foot, as far along it as the arms comfortably reach
        sh = add(shoulder, up_dir, -R_SHOULDER * 0.6)
        to_foot = sub(sore[1], sh)
        arm = (UPPER_ARM + FOREARM + HAND * 0.5) * 0.85
        t = add(sh, unit(to_foot), min(length(to_foot) - 8.0, arm))
        targets = {"sore": t, "other": t}
    for name, arm, side in (("other", pose.other_arm or pose.arm, "far"), ("sore", pose.arm, "near")):
        sh = add(shoulder, up_dir, -R_SHOULDER * 0.6)
        if targets is not None:
            elbow, hand, ok = _reach(sh, targets[name], UPPER_ARM, FOREARM + HAND * 0.5, floor_level)
            if not ok:
                body.problems.append(f"expected the hands to reach {pose.hands.replace('_', ' ')}, got it "
                                     f"out of reach in this pose")
        else:
            upper = rot(down, arm.shoulder)
            elbow = add(sh, upper, UPPER_ARM)
            hand = add(elbow, rot(upper, arm.elbow), FOREARM + HAND * 0.5)
        pts[name + "_hand"] = hand
        body.segments += [Segment(name + "_upper_arm", sh, elbow, R_SHOULDER, R_ELBOW, side),
                          Segment(name + "_forearm", elbow, hand, R_ELBOW, R_WRIST, side),
                          Segment(name + "_hand", hand, add(hand, unit(sub(hand, elbow)), HAND * 0.5),
                                  R_HAND, R_HAND * 0.8, side)]
    pts["hands"] = pts["sore_hand"]
    # the far side first, then the body, then the near side (drawn in this order)
    leg_segments("other_", "far", other_knee, other_ankle, other_heel, other_toe)
    body.segments += [Segment("torso", add(hip, up_dir, R_HIP * 0.3), add(shoulder, up_dir, R_CHEST * 0.2),
                              R_HIP, R_CHEST, "body"),
                      Segment("neck", shoulder, add(shoulder, neck_dir, NECK * 0.55), R_NECK * 1.25, R_NECK, "body")]
    leg_segments("sore_", "near", *sore)

    if dy is None:
        dy = body.support - body.lowest()
    elif pose.position.startswith("lying"):
        feet = body.lowest(names=("sore_foot", "sore_heel", "other_foot", "other_heel"))
        if feet + dy < body.support:
            dy = body.support - feet  # pointed toes (lying on the front) rest on the floor too
    body = body.moved(0.0, dy)
    _check(pose, body)
    return body


def _hand_targets(pose, sore, other, hip: Point, down: Point, floor_level: float):
    if pose.hands is None:
        return None
    sore_knee, sore_ankle = sore[0], sore[1]
    other_knee, other_ankle = other
    if pose.hands == "sore_knee":
        # around the knee: on the front of the shin just below it
        t = add(sore_knee, unit(sub(sore_ankle, sore_knee)), R_KNEE * 1.6)
        return {"sore": t, "other": t}
    if pose.hands == "other_knee":
        t = add(other_knee, unit(sub(other_ankle, other_knee)), R_KNEE * 1.6)
        return {"sore": t, "other": t}
    if pose.hands == "other_thigh":
        # behind the other thigh, near the knee
        along = add(hip, unit(sub(other_knee, hip)), THIGH * 0.72)
        back = rot(unit(sub(other_knee, hip)), -90)
        t = add(along, back, R_THIGH * 0.9)
        return {"sore": t, "other": t}
    if pose.hands == "sore_foot":
        t = sore_ankle
        return {"sore": t, "other": t}
    if pose.hands == "seat":
        # gripping the side of the seat beside the hips, the hand resting on it
        t = (hip[0] + R_HIP * 1.1, hip[1] - R_HIP * 0.9 + R_HAND * 1.1)
        return {"sore": t, "other": t}
    if pose.hands == "thighs":
        t = add(hip, unit(sub(other_knee, hip)), THIGH * 0.75)
        t = add(t, rot(unit(sub(other_knee, hip)), 90), R_THIGH)
        return {"sore": t, "other": t}
    if pose.hands == "hips":
        t = add(hip, rot(down, 180), R_HIP * 0.9)
        t = add(t, rot(down, -90), R_HIP * 0.8)
        return {"sore": t, "other": t}
    # floor: the arms lie nearly straight, palms down on the floor toward the feet
    y = floor_level + R_HAND + 1.5
    reach = (UPPER_ARM + FOREARM + HAND * 0.5) * 0.995
    sh = add(add(hip, down, -TRUNK), down, R_SHOULDER * 0.6)  # the shoulder joint, as solve() places it
    dx = math.sqrt(max(0.0, reach * reach - (sh[1] - y) ** 2))
    t = (sh[0] + (dx if down[0] >= 0 else -dx), y)
    return {"sore": t, "other": t}


def _check(pose, body: Body) -> None:
    """What a clinician would not accept: parts through the floor or the support, feet off a chair's floor."""
    floor = MAT if body.on == "mat" else 0.0
    for name, label in (("sore_", "the sore foot"), ("other_", "the other foot"), ("sore_", "the sore knee"),
                        ("other_", "the other knee")):
        parts = (name + "foot", name + "heel") if label.endswith("foot") else (name + "shin",)
        low = body.lowest(names=parts)
        if low < floor - 1.5:
            body.problems.append(f"expected every part on or above the floor, got {label} "
                                 f"{floor - low:.0f} cm below it")
            return
    for name, leg in (("sore_", pose.leg), ("other_", pose.other_leg)):
        if leg.foot == "flat" and leg.ankle_on is None:
            sole = body.lowest(names=(name + "foot", name + "heel"))
            ground = floor if body.on in ("chair", "mat", "floor") else body.support
            if sole > ground + 2.0:
                which = "the sore foot" if name == "sore_" else "the other foot"
                body.problems.append(f"expected {which} flat on the floor (foot: flat), got it "
                                     f"{sole - ground:.0f} cm above it")
                return
    if body.lowest() < floor - 1.5:
        body.problems.append(f"expected every part on or above the floor, got the body "
                             f"{floor - body.lowest():.0f} cm below it")


def solve_figure(figure) -> list[Body]:
    """Every pose of a figure, solved, in one frame: the poses share where the hips are (sitting,
    lying) or where the feet are (standing)."""
    props = tuple(figure.props)
    bodies = [solve(p, props) for p in figure.poses]
    first = bodies[0]
    out = [first]
    for b, pose in zip(bodies[1:], figure.poses[1:]):
        if pose.position.startswith("lying"):
            # the shoulders stay where they lie (a bridge lifts the hips, not the head)
            dx = first.points["shoulder"][0] - b.points["shoulder"][0]
        elif pose.position in ("standing", "kneeling"):
            dx = first.points["other_foot"][0] - b.points["other_foot"][0]
        else:
            dx = first.points["hips"][0] - b.points["hips"][0]
        b = b.moved(dx, 0.0)
        out.append(b)
    return out


def problems_of(figure) -> list[str]:
    out = []
    for i, (pose, body) in enumerate(zip(figure.poses, solve_figure(figure)), start=1):
        name = f"pose {i}" + (f" ({pose.label})" if pose.label else "")
        out += [f"{name}: {p}" for p in body.problems]
    if "chair" in figure.props and any(p.position != "sitting" for p in figure.poses):
        out.append("expected every pose to be sitting with a chair, got "
                   + ", ".join(sorted({p.position for p in figure.poses if p.position != "sitting"})))
    if ("towel" in figure.props or "band" in figure.props) and not any(p.hands == "sore_foot" for p in figure.poses):
        out.append("expected the hands on the sore foot (hands: sore_foot) with a towel or band, got no pose "
                   "that holds it")
    return out
