"""Stage: solved bodies -> vector drawing commands, and the flowable that draws them on a page.

Limbs are rounded strokes in two passes (a dark pass a little wider, then the fill), so each group
of limbs has one clean outline round its outside. The far limbs are drawn first in a darker tone,
then the trunk and head, then the near limbs; earlier poses are faint outlines behind the last
pose; the motion arrow takes the clinic's accent colour. Everything is in centimetres of a 170 cm
person, scaled to the box the layout gives: the same figure at two sizes is the same drawing.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

from reportlab.lib.colors import Color, HexColor

from handouts.figures import body as b
from handouts.figures.body import Body, add, rot, sub, unit
from handouts.layout.images import fit_box
from handouts.pdf.seam import Flowable
from handouts.reuse.cache import remember


@dataclass(frozen=True)
class Palette:
    """Colours that print as distinct greys on an office laser printer."""

    accent: str = "#1F6F5C"
    line: str = "#22303C"
    near: str = "#DCE4EB"
    far: str = "#9FB1C1"
    ghost_fill: str = "#C4CBD2"
    floor: str = "#55616C"
    prop_fill: str = "#C8B8A6"
    prop_light: str = "#E4E9E6"


OUTLINE = 1.6       # cm of dark line round each silhouette (about 1 pt at print size)
TAPER_STEPS = 2     # a limb piece is drawn as this many strokes, thick end to thin end


# A drawing is a list of commands in centimetres: ("stroke", colour, width, [(p, q), ...]),
# ("disc", colour, centre, radius), ("poly", fill colour, line colour or None, width, points).


def _strokes(segments, widen: float) -> dict[float, list]:
    """Rounded strokes by width: each piece split so it tapers from r1 to r2."""
    by_width: dict[float, list] = {}
    for s in segments:
        n = TAPER_STEPS if abs(s.r1 - s.r2) > 1.5 else 1
        for i in range(n):
            t0, t1 = i / n, (i + 1) / n
            p = (s.p[0] + (s.q[0] - s.p[0]) * t0, s.p[1] + (s.q[1] - s.p[1]) * t0)
            q = (s.p[0] + (s.q[0] - s.p[0]) * t1, s.p[1] + (s.q[1] - s.p[1]) * t1)
            r = s.r1 + (s.r2 - s.r1) * (t0 + t1) / 2
            pieces = by_width.setdefault(float(round(2 * r + widen)), [])
            piece = (_r(p), _r(q))
            if piece not in pieces:  # both legs in one position draw once
                pieces.append(piece)
    return by_width


def _silhouette(segments, heads: list, fill: str, line: str | None, outline: float) -> list:
    """One group of pieces with one outline: all of it wide and dark, then all of it in the fill."""
    out: list = []
    for colour, widen in ([(line, 2 * outline)] if line else []) + [(fill, 0.0)]:
        for width, pieces in sorted(_strokes(segments, widen).items(), reverse=True):
            out.append(("stroke", colour, width, pieces))
        for centre, radius in heads:
            out.append(("disc", colour, centre, radius + widen / 2))
    return out


def _head(body: Body) -> list:
    """The head and a nose, so the way the face looks is plain."""
    nose = add(add(body.head, body.face, b.R_HEAD * 0.92), body.up, -b.R_HEAD * 0.12)
    return [(body.head, b.R_HEAD), (nose, b.R_HEAD * 0.22)]


ARM_PARTS = ("upper_arm", "forearm", "hand")


def body_commands(body: Body, pal: Palette, ghost: bool, head: bool = True, arms_behind: bool = False) -> list:
    if ghost:
        # a faint shape without an outline: plainly behind the last pose, and half the drawing
        return _silhouette(body.segments, _head(body) if head else [], pal.ghost_fill, None, 0.0)

    def limb(side: str, arm: bool) -> list:
        return [s for s in body.segments if s.side == side and s.name.endswith(ARM_PARTS) == arm]

    trunk = [s for s in body.segments if s.side == "body"]
    eye = add(add(body.head, body.face, b.R_HEAD * 0.5), body.up, b.R_HEAD * 0.18)
    # each limb its own outline, so an arm across a leg stays an arm; the near arm goes behind the
    # near leg when the hands reach between the legs (behind the other thigh)
    far_leg = _silhouette(limb("far", False), [], pal.far, pal.line, OUTLINE)
    far_arm = _silhouette(limb("far", True), [], pal.far, pal.line, OUTLINE)
    near_arm = _silhouette(limb("near", True), [], pal.near, pal.line, OUTLINE)
    near_leg = _silhouette(limb("near", False), [], pal.near, pal.line, OUTLINE)
    body_and_head = (_silhouette(trunk, _head(body), pal.near, pal.line, OUTLINE)
                     + [("disc", pal.line, eye, b.R_HEAD * 0.1)])
    if arms_behind:
        # the hands reach between the legs to the back of the other thigh: the near arm goes in
        # front of the other leg (its hands show on the thigh) and behind the near, crossed leg
        return far_leg + far_arm + body_and_head + near_arm + near_leg
    return far_leg + far_arm + body_and_head + near_leg + near_arm


def _rect(x0: float, y0: float, x1: float, y1: float) -> list:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def prop_commands(figure, bodies: list[Body], pal: Palette) -> tuple[list, list]:
    """Commands drawn behind the figure, and in front of it (a towel held in the hands)."""
    last = bodies[-1]
    x0 = min(bd.bounds()[0] for bd in bodies)
    x1 = max(bd.bounds()[2] for bd in bodies)
    behind: list = []
    front: list = []
    hip = last.points["hips"]
    props = set(figure.props)
    if "mat" in props:
        behind.append(("poly", pal.prop_light, pal.line, 0.8, _rect(x0 - 6, 0, x1 + 6, b.MAT)))
    if "bed" in props:
        top = b.BED_TOP
        if last.on == "bed" and figure.poses[-1].position == "sitting":
            left, right = hip[0] - 70, hip[0] + b.R_HIP * 0.6
        else:
            left, right = x0 - 6, x1 + 6
        behind.append(("poly", pal.prop_light, pal.line, 0.8, _rect(left, top - 12, right, top)))
        for x in (left + 4, right - 4):
            behind.append(("poly", pal.prop_fill, pal.line, 0.8, _rect(x - 2.5, 0, x + 2.5, top - 12)))
    if "chair" in props:
        seat = b.CHAIR_SEAT
        back = hip[0] - b.R_HIP * 1.1
        front_x = hip[0] + b.THIGH * 0.8
        chair = [("poly", pal.prop_fill, pal.line, 0.8, _rect(back - 3, seat - 4, front_x, seat)),
                 ("poly", pal.prop_fill, pal.line, 0.8, _rect(back - 4, seat - 4, back, seat + 48)),
                 ("poly", pal.prop_fill, pal.line, 0.8, _rect(back - 4, 0, back - 0.5, seat - 4)),
                 ("poly", pal.prop_fill, pal.line, 0.8, _rect(front_x - 4, 0, front_x - 0.5, seat - 4))]
        behind += chair
    if "wall" in props:
        if figure.poses[-1].position.startswith("lying"):
            wx = x1 + 4
            behind.append(("poly", pal.prop_light, pal.line, 0.8, _rect(wx, 0, wx + 8, 70)))
        else:
            wx = x0 - 4
            behind.append(("poly", pal.prop_light, pal.line, 0.8, _rect(wx - 8, 0, wx, b.H * 1.05)))
    if "step" in props:
        foot = [s for s in last.segments if s.name in ("sore_foot", "sore_heel")]
        top = max(2.0, last.lowest(names=("sore_foot", "sore_heel")))
        fx0 = min(min(s.p[0], s.q[0]) for s in foot) - 6
        fx1 = max(max(s.p[0], s.q[0]) for s in foot) + 8
        behind.append(("poly", pal.prop_fill, pal.line, 0.8, _rect(fx0, 0, fx1, top)))
    if "bottle" in props:
        sole_piece = next(s for s in last.segments if s.name == "sore_foot")
        mid = ((sole_piece.p[0] + sole_piece.q[0]) / 2, (sole_piece.p[1] + sole_piece.q[1]) / 2 - sole_piece.r1 - 3.2)
        behind.append(("stroke", pal.line, 6.4 + 1.2, [((mid[0] - 8, mid[1]), (mid[0] + 8, mid[1]))]))
        behind.append(("stroke", pal.prop_light, 6.4, [((mid[0] - 8, mid[1]), (mid[0] + 8, mid[1]))]))
    for kind in ("towel", "band"):
        if kind in props:
            pose_i = max(i for i, p in enumerate(figure.poses) if p.hands == "sore_foot")
            bd = bodies[pose_i]
            sp = next(s for s in bd.segments if s.name == "sore_foot")
            sole = add(((sp.p[0] + sp.q[0]) / 2, (sp.p[1] + sp.q[1]) / 2), rot(unit(sub(sp.q, sp.p)), -90), sp.r1 + 0.8)
            hand = bd.points["sore_hand"]
            width = 2.4 if kind == "towel" else 1.1
            colour = pal.prop_fill if kind == "towel" else pal.accent
            front.append(("stroke", pal.line, width + 1.0, [(hand, sole)]))
            front.append(("stroke", colour, width, [(hand, sole)]))
    behind.insert(0, ("stroke", pal.floor, 1.2, [((x0 - 10, -0.6), (x1 + 10, -0.6))]))
    return behind, front


def arrow_commands(figure, bodies: list[Body], pal: Palette) -> list:
    arrow = figure.arrow
    if arrow is None:
        return []
    width, head = 2.6, 8.0  # thick enough to stand out from the outlines in a grey print
    if arrow.direction == "forward" or len(bodies) == 1:
        bd = bodies[-1]
        x1 = bd.bounds()[2]
        y = bd.points["hips"][1]
        path = [(x1 + 4, y), (x1 + 36, y)]
    elif arrow.part == "hips":
        # straight up or down beside the buttocks, toward the feet, where nothing else is drawn
        p0, p1 = bodies[0].points["hips"], bodies[-1].points["hips"]
        shift = (b.R_HIP * 1.1, -b.R_HIP * 0.2)
        path = [add(p0, shift), add(p1, shift)]
    else:
        p0 = bodies[0].points[arrow.part]
        p1 = bodies[-1].points[arrow.part]
        centre = bodies[-1].points["hips"]
        mid = ((p0[0] + p1[0]) / 2, (p0[1] + p1[1]) / 2)
        out = unit(sub(mid, centre))
        # the arrow runs beside the moving part, bowed away from the body
        gap = 20.0
        a, c = add(p0, out, gap), add(p1, out, gap)
        span = math.hypot(c[0] - a[0], c[1] - a[1])
        ctrl = add(((a[0] + c[0]) / 2, (a[1] + c[1]) / 2), out, span * 0.35)
        path = [(((1 - t) ** 2) * a[0] + 2 * (1 - t) * t * ctrl[0] + t * t * c[0],
                 ((1 - t) ** 2) * a[1] + 2 * (1 - t) * t * ctrl[1] + t * t * c[1])
                for t in (0.2 + 0.8 * i / 12 for i in range(13))]  # from a fifth of the way: clear of the start
    tip = path[-1]
    direction = unit(sub(tip, path[-2]))
    base = add(tip, direction, -head)
    shaft = [p for p in path[:-1] if (p[0] - tip[0]) * direction[0] + (p[1] - tip[1]) * direction[1] < -head]
    shaft.append(add(base, direction, 0.5))
    left = add(base, rot(direction, 90), head * 0.6)
    right = add(base, rot(direction, -90), head * 0.6)
    return [("line", pal.accent, width, shaft), ("poly", pal.accent, None, 0, [tip, left, right])]


@dataclass(frozen=True)
class Picture:
    """A figure ready to draw: commands and their bounds, in centimetres."""

    commands: tuple
    bounds: tuple[float, float, float, float]
    exact: str = ""   # the accent: written exactly (a batch swaps it for each clinic's, replay.py)

    @property
    def aspect(self) -> float:
        x0, y0, x1, y1 = self.bounds
        return (x1 - x0) / (y1 - y0)


_PICTURES: dict = {}


def picture(figure, pal: Palette = Palette()) -> Picture:
    """A figure's drawing commands (remembered: one per figure and palette in a batch)."""
    key = (figure.model_dump_json(), pal)
    hit = _PICTURES.get(key)
    if hit is None:
        hit = remember(_PICTURES, key, _picture(figure, pal), 512)
    return hit


def _picture(figure, pal: Palette) -> Picture:
    bodies = b.solve_figure(figure)
    behind, front = prop_commands(figure, bodies, pal)
    commands: list = list(behind)
    final = {(_r(sg.p), _r(sg.q)) for sg in bodies[-1].segments}
    for ghost in bodies[:-1]:
        # a limb that does not move is hidden behind the last pose: not drawn twice
        # only the legs, trunk and head: where the arms were is not the movement, and reads as clutter
        moved = [sg for sg in ghost.segments if (_r(sg.p), _r(sg.q)) not in final
                 and not sg.name.endswith(ARM_PARTS)]
        head_moved = _r(ghost.head) != _r(bodies[-1].head) or _r(ghost.face) != _r(bodies[-1].face)
        commands += body_commands(replace(ghost, segments=moved), pal, ghost=True, head=head_moved)
    commands += body_commands(bodies[-1], pal, ghost=False,
                              arms_behind=figure.poses[-1].hands == "other_thigh")
    commands += front
    commands += arrow_commands(figure, bodies, pal)
    return Picture(tuple(_rounded(c) for c in commands), _bounds(commands), pal.accent)


def _r(p):
    """A point to the nearest half centimetre (a third of a point at print size): short numbers."""
    return (float(round(p[0])), float(round(p[1])))


def _rounded(cmd):
    kind = cmd[0]
    if kind == "stroke":
        return (kind, cmd[1], cmd[2], tuple((_r(p), _r(q)) for p, q in cmd[3]))
    if kind == "disc":
        return (kind, cmd[1], _r(cmd[2]), round(cmd[3], 1))
    if kind == "line":  # the arrow: a smooth curve needs tenths (whole centimetres kink it)
        return (kind, cmd[1], cmd[2], tuple((round(p[0], 1), round(p[1], 1)) for p in cmd[3]))
    if cmd[2] == 0:  # the arrowhead, with the curve it ends
        return (kind, cmd[1], cmd[2], cmd[3], tuple((round(p[0], 1), round(p[1], 1)) for p in cmd[4]))
    return (kind, cmd[1], cmd[2], cmd[3], tuple(_r(p) for p in cmd[4]))


def _bounds(commands) -> tuple[float, float, float, float]:
    xs: list = []
    ys: list = []
    for cmd in commands:
        kind = cmd[0]
        if kind == "stroke":
            for p, q in cmd[3]:
                for x, y in (p, q):
                    xs += [x - cmd[2] / 2, x + cmd[2] / 2]
                    ys += [y - cmd[2] / 2, y + cmd[2] / 2]
        elif kind == "disc":
            (x, y), r = cmd[2], cmd[3]
            xs += [x - r, x + r]
            ys += [y - r, y + r]
        elif kind == "line":
            for x, y in cmd[3]:
                xs += [x - cmd[2], x + cmd[2]]
                ys += [y - cmd[2], y + cmd[2]]
        else:
            for x, y in cmd[4]:
                xs.append(x)
                ys.append(y)
    pad = 1.0
    return min(xs) - pad, min(ys) - pad, max(xs) + pad, max(ys) + pad


def paint(canv, pic: Picture, width: float, height: float) -> None:
    """Draw the picture's commands scaled into width x height points (its aspect kept, centred)."""
    x0, y0, x1, y1 = pic.bounds
    scale = min(width / (x1 - x0), height / (y1 - y0))
    canv.saveState()
    canv.translate((width - (x1 - x0) * scale) / 2, (height - (y1 - y0) * scale) / 2)
    canv.scale(scale, scale)
    canv.translate(-x0, -y0)
    canv.setLineCap(1)
    canv.setLineJoin(1)
    colours: dict = {}
    current: dict = {"stroke": None, "fill": None, "width": None}

    def colour(hexa: str):
        c = colours.get(hexa)
        if c is None:
            # two decimals a component (".62 .69 .76 RG"): shorter streams, no visible change
            h = HexColor(hexa)
            c = colours[hexa] = h if hexa == pic.exact else Color(round(h.red, 2), round(h.green, 2),
                                                                  round(h.blue, 2))
        return c

    def stroke(hexa: str, width: float) -> None:
        # each setting written once until it changes: five figures stay a few KB
        if current["stroke"] != hexa:
            canv.setStrokeColor(colour(hexa))
            current["stroke"] = hexa
        if current["width"] != width:
            canv.setLineWidth(width)
            current["width"] = width

    def fill(hexa: str) -> None:
        if current["fill"] != hexa:
            canv.setFillColor(colour(hexa))
            current["fill"] = hexa

    for cmd in pic.commands:
        kind = cmd[0]
        if kind == "stroke":
            stroke(cmd[1], cmd[2])
            path = canv.beginPath()
            for p, q in cmd[3]:
                path.moveTo(*p)
                path.lineTo(*q)
            canv.drawPath(path, stroke=1, fill=0)
        elif kind == "disc":
            # a dot is a stroke of no length with round caps: a few bytes, not four curves
            stroke(cmd[1], round(cmd[3] * 2, 1))
            path = canv.beginPath()
            path.moveTo(*cmd[2])
            path.lineTo(*cmd[2])
            canv.drawPath(path, stroke=1, fill=0)
        elif kind == "line":
            stroke(cmd[1], cmd[2])
            path = canv.beginPath()
            path.moveTo(*cmd[3][0])
            for p in cmd[3][1:]:
                path.lineTo(*p)
            canv.drawPath(path, stroke=1, fill=0)
        else:
            _, fill_colour, line, lw, points = cmd
            fill(fill_colour)
            if line:
                stroke(line, lw)
            path = canv.beginPath()
            path.moveTo(*points[0])
            for p in points[1:]:
                path.lineTo(*p)
            path.close()
            canv.drawPath(path, stroke=1 if line else 0, fill=1)
    canv.restoreState()


class FigureBox(Flowable):
    """An exercise figure on the page: the drawing fitted into at most max_w x max_h points."""

    def __init__(self, pic: Picture, max_w: float, max_h: float):
        super().__init__()
        self.pic = pic
        self.width, self.height = fit_box(pic.aspect, max_w, max_h)

    def wrap(self, availWidth, availHeight):
        return self.width, self.height

    def draw_key(self):
        """What its drawing depends on, so the exercise's table can be replayed (replay.py): the
        picture (one object per figure and palette, kept alive by the recording) and the size."""
        return "figure", id(self.pic), self.width, self.height

    def draw(self):
        paint(self.canv, self.pic, self.width, self.height)
