"""Stage: rendered blocks -> reportlab platypus flowables.

Every flowable carries `role`: the structure element it becomes in a tagged PDF (H1, H2, H3, P, L,
Table, Figure, Aside) or Artifact. Headings also carry `outline` for the PDF bookmarks.
"""
from __future__ import annotations

import re
from typing import Callable

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib.colors import HexColor
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import KeepTogether, ListItem, TableStyle

from handouts.figures.draw import FigureBox, Palette, picture
from handouts.layout.images import Picture, fit_box
from handouts.layout.pieces import KeepWhole, KeepWithNext, PictureBox, TickBox
from handouts.layout.styles import Styles
from handouts.model import content as c
from handouts.model.labels import Labels
from handouts.pdf.seam import Drawing, ListFlowable, Paragraph, Spacer, Table
from handouts.reuse.cache import remember
from handouts.text.templating import escape_text as esc
from handouts.text.templating import plain


def link(url: str, markup: str) -> str:
    """Markup for printed text that is also a link (a link annotation in the PDF)."""
    return f'<a href="{esc(url)}">{markup}</a>'


_TAGS = re.compile(r"(<[^>]*>)")


def contact_links(clinic) -> dict[str, str]:
    """The clinic's phone, email and web address as printed -> the address a link opens."""
    digits = re.sub(r"[^0-9+]", "", clinic.phone)
    if clinic.phone_country and not digits.startswith("+"):
        # a tel: link dialled from anywhere: the country code, then the number without its trunk 0
        digits = clinic.phone_country + digits.lstrip("0")
    site = clinic.website.removeprefix("https://").rstrip("/")
    return {clinic.phone: f"tel:{digits}", clinic.email: f"mailto:{clinic.email}", clinic.website: clinic.website,
            site: clinic.website}


_AUTOLINKED: dict = {}


def autolink(markup: str, links: dict[str, str]) -> str:
    """Markup with each printed contact (outside tags and existing links) made a link (remembered:
    the same ~70 texts and one clinic's contacts, handout after handout)."""
    key = (markup, tuple(links.items()))
    hit = _AUTOLINKED.get(key)
    return hit if hit is not None else remember(_AUTOLINKED, key, _autolink(markup, links), 8192)


def _autolink(markup: str, links: dict[str, str]) -> str:
    keys = sorted((k for k in links if k), key=len, reverse=True)
    if not keys or not any(esc(k) in markup for k in keys):
        return markup
    pattern = re.compile("|".join(re.escape(esc(k)) for k in keys))
    by_markup = {esc(k): links[k] for k in keys}
    out, in_link = [], False
    for part in _TAGS.split(markup):
        if part.startswith("<"):
            in_link = part.startswith("<a ") or (in_link and not part.startswith("</a"))
        elif not in_link:
            part = pattern.sub(lambda m: link(by_markup[m.group(0)], m.group(0)), part)
        out.append(part)
    return "".join(out)


def tag(flowable, role: str, **info):
    # through __dict__: a graphics Drawing (the QR code) refuses attributes it does not know
    flowable.__dict__["role"] = role
    for key, value in info.items():
        flowable.__dict__[key] = value
    return flowable


class Builder:
    """Builds the flowables of one handout at one fit step."""

    def __init__(self, styles: Styles, labels: Labels, pictures: dict, width: float):
        self.s = styles
        self.labels = labels
        self.pictures = pictures
        self.width = width
        self.exercise_names: list[str] = []
        self.outline_count = 0
        self.links: dict[str, str] = {}  # printed contact -> address (see contact_links)
        self._open: KeepWithNext | None = None  # headings waiting for the block after them

    # -- helpers -----------------------------------------------------------------------------
    def para(self, markup: str, style=None, role: str = "P") -> Paragraph:
        if self.links:
            markup = autolink(markup, self.links)
        return tag(Paragraph(markup, style or self.s.body), role)

    def heading(self, markup: str, level: int, style=None) -> Paragraph:
        style = style or {1: self.s.title, 2: self.s.h2, 3: self.s.h3}[level]
        self.outline_count += 1
        return tag(Paragraph(markup, style), f"H{level}",
                   outline=(plain(markup), max(0, level - 2), f"h{self.outline_count}"))

    def items(self, markups: list[str], numbered: bool, style=None) -> ListFlowable:
        s = self.s
        style = style or s.list_item
        entries = [tag(ListItem(self.para(m, style), spaceAfter=s.space("item")), "LI") for m in markups]
        kw = dict(bulletFontName=s.fonts.bold, bulletFontSize=style.fontSize,
                  bulletColor=HexColor(s.theme.accent), leftIndent=s.layout.blocks.bullet_indent * s.scale.size,
                  spaceAfter=s.space("paragraph"))
        if numbered:
            kw.update(bulletType="1", bulletFormat="%s.")
        else:
            kw.update(bulletType="bullet", start="•")
        return tag(ListFlowable(entries, **kw), "L", numbered=numbered)

    def spacer(self, name: str = "block") -> Spacer:
        return tag(Spacer(1, self.s.space(name)), "Artifact")

    # -- blocks ------------------------------------------------------------------------------
    def title(self, handout: c.Handout) -> list:
        out = [self.heading(handout.title, 1)]
        if handout.subtitle:
            out.append(self.para(handout.subtitle, self.s.subtitle))
        else:
            out.append(self.spacer())
        return out

    def block(self, block) -> list:
        builder: Callable = getattr(self, "b_" + block.type)
        return self.keep_rules(builder(block))

    def keep_rules(self, flowables: list) -> list:
        """Group each run of headings and list titles with the flowable after it (KeepWithNext).

        A heading block's group stays open until the next block: build.py concatenates what each
        block returns, so the next block's first flowable joins the group already in that list."""
        out = []
        for f in flowables:
            lead = isinstance(f, Paragraph) and bool(f.getKeepWithNext())
            if self._open is not None:
                spacer = isinstance(f, Spacer) and getattr(f, "role", None) == "Artifact"
                self._open.add(f, lead or spacer)
                if not (lead or spacer):
                    self._open = None
            elif lead:
                self._open = KeepWithNext([f])
                out.append(self._open)
            else:
                out.append(f)
        return out

    def b_heading(self, b: c.Heading) -> list:
        return [self.heading(b.text, b.level)]

    def b_paragraph(self, b: c.Paragraph) -> list:
        return [self.para(b.text)]

    def _titled_list(self, b, numbered: bool) -> list:
        out = []
        if b.title:
            out.append(tag(Paragraph(f"<b>{b.title}</b>", self.s.body), "P", keepWithNext=1))
            out[-1].keepWithNext = 1
        out.append(self.items(b.items, numbered))
        return out

    def b_bullets(self, b: c.Bullets) -> list:
        return self._titled_list(b, numbered=False)

    def b_steps(self, b: c.Steps) -> list:
        return self._titled_list(b, numbered=True)

    def b_callout(self, b: c.Callout) -> list:
        s = self.s
        box = s.theme.box(b.kind)
        pad = s.layout.blocks.callout_padding * s.scale.spacing
        inner = [self.heading(b.title, 3, s.box_title[b.kind])]
        if b.text:
            inner.append(self.para(b.text))
        if b.items:
            inner.append(self.items(b.items, numbered=False))
        border = s.layout.blocks.red_flag_border if b.kind == "red_flag" else s.layout.blocks.callout_border
        table = Table([[f] for f in inner], colWidths=[self.width])
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), HexColor(box.fill)),
            ("BOX", (0, 0), (-1, -1), border, HexColor(box.border)),
            ("LINEBEFORE", (0, 0), (0, -1), border * 3, HexColor(box.border), 0),
            ("LEFTPADDING", (0, 0), (-1, -1), pad + border * 1.5),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
            ("TOPPADDING", (0, 0), (-1, -1), 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("TOPPADDING", (0, 0), (-1, 0), pad),
            ("BOTTOMPADDING", (0, -1), (-1, -1), pad * 0.6),
        ]))
        # one piece unless taller than a page: a box split across pages (a red flag above all) reads
        # as two boxes, and its second half loses its title
        return [KeepWhole([tag(table, "Aside", kind=b.kind, cells=inner)]), self.spacer()]

    def _table(self, rows: list[list], widths: list[float], header_row: bool, header_col: bool,
               extra: list | None = None) -> Table:
        s = self.s
        table = Table(rows, colWidths=widths, repeatRows=1 if header_row else 0)
        commands = [
            ("GRID", (0, 0), (-1, -1), 0.75, HexColor(s.theme.rule)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 3 * s.scale.spacing + 1),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * s.scale.spacing + 2),
        ]
        if header_row:
            commands.append(("BACKGROUND", (0, 0), (-1, 0), HexColor(s.theme.table_fill)))
        if header_col:
            commands.append(("BACKGROUND", (0, 0), (0, -1), HexColor(s.theme.table_fill)))
        table.setStyle(TableStyle(commands + (extra or [])))
        return tag(table, "Table", header_row=header_row, header_col=header_col)

    def b_facts(self, b: c.Facts) -> list:
        s = self.s
        out = []
        if b.title:
            out.append(tag(Paragraph(f"<b>{b.title}</b>", s.body), "P", keepWithNext=1))
        lw = self.width * s.layout.blocks.facts_label_width
        rows = [[self.para(r.label, s.table_head), self.para(r.value, s.table_cell)] for r in b.rows]
        out += [self._table(rows, [lw, self.width - lw], False, True), self.spacer()]
        return out

    def dose_words(self, d: c.Dosing) -> list[str]:
        """The dose in plain words, one markup part each, numbers in bold: '2 sets', '10 times with
        each leg', 'hold 5 seconds', 'lower over 3 seconds', '10 minutes', '2 times a day', 'after work'
        (the words from the language's label table). One set is not worth saying."""
        L = self.labels

        def say(plural, n: int) -> str:
            return esc(plural.form(n)).replace("{n}", f"<b>{n}</b>")

        parts = []
        if d.sets is not None and d.sets > 1:
            parts.append(say(L.sets, d.sets))
        if d.reps is not None:
            each = {"leg": L.reps_each_leg, "arm": L.reps_each_arm, "side": L.reps_each_side}.get(d.each or "", L.reps)
            parts.append(say(each, d.reps))
        if d.hold_seconds is not None:
            parts.append(say(L.hold, d.hold_seconds))
        if d.lift_seconds is not None:
            parts.append(say(L.lift, d.lift_seconds))
        if d.lower_seconds is not None:
            parts.append(say(L.lower, d.lower_seconds))
        if d.minutes is not None:
            parts.append(say(L.minutes, d.minutes))
        often = (L.per_day if d.per == "day" else L.per_week)(d.times)
        parts.append(f"<b>{esc(often)}</b>")
        if d.when:
            parts.append(d.when)
        return parts

    def dosing_table(self, d: c.Dosing) -> Table:
        """One tinted line: 'How much: 10 times with each leg · hold 30 seconds · 2 times a day'. The
        parts wrap between words, never inside one (a narrow column gets two lines, not 'Hold (se|conds)')."""
        s, L = self.s, self.labels
        sep = "\u00a0· "  # the dot stays with the part before it
        words = sep.join(p.replace(" ", "\u00a0") if len(p) <= 24 else p for p in self.dose_words(d))
        table = Table([[self.para(f"<b>{esc(L.dosing_heading)}:</b> {words}", s.table_cell)]], colWidths=[self.width])
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, -1), HexColor(s.theme.table_fill)),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]))
        return tag(table, "Table", header_row=False, header_col=False, dosing=True)

    def b_exercise(self, b: c.Exercise) -> list:
        s, L = self.s, self.labels
        self.exercise_names.append(b.name)
        parts = [self.heading(b.name, 3)]
        text = [self.para(f"<b>{esc(L.exercise_purpose)}:</b> {b.purpose}"),
                self.para(f"<b>{esc(L.exercise_start)}:</b> {b.start}")]
        text.append(self.items(b.steps, numbered=True))
        style = self.s.layout.blocks.figure
        w, h = style.width * self.s.scale.size, style.height * self.s.scale.size
        box = None
        if b.image is not None:  # the clinic's own photo or drawing takes the figure's place
            box = self.figure(self.pictures[b.image.file], b.image.alt, w, h)
        elif ("figure", b.id) in self.pictures:
            pic = picture(self.pictures[("figure", b.id)], Palette(accent=self.s.theme.accent))
            box = tag(FigureBox(pic, w, h), "Figure", alt=self.figure_alt(b))
        parts += text if box is None else self.with_drawing(text, box)
        parts.append(self.dosing_table(b.dosing))
        if b.note:
            parts.append(tag(Spacer(1, s.space("item")), "Artifact"))
            parts.append(self.para(f"<b>{esc(L.exercise_note)}:</b> {b.note}"))
        if b.cautions:
            # one idea per line: a single caution follows the label; two or more are a list under it
            parts.append(tag(Spacer(1, s.space("item")), "Artifact"))
            stop = f"<b>{esc(L.exercise_stop)}:</b>"
            if len(b.cautions) == 1:
                parts.append(self.para(f"{stop} {b.cautions[0]}"))
            else:
                parts.append(self.cautions(stop, b.cautions))
        if s.layout.blocks.exercise_rule:
            rule = tag(Table([[""]], colWidths=[self.width], rowHeights=[2]), "Artifact")
            rule.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1, HexColor(s.theme.rule))]))
            parts.insert(0, rule)
        return [KeepTogether(parts), self.spacer()]

    @staticmethod
    def figure_alt(b: c.Exercise) -> str:
        """The figure's alt text: the content's own, or the start position and the steps."""
        if b.figure is not None and b.figure.alt:
            return plain(b.figure.alt)
        return " ".join(plain(t) for t in [b.name + ".", b.start, *b.steps])

    def with_drawing(self, text: list, box) -> list:
        """The exercise's text with its figure or picture beside it (or above it), as the layout says."""
        style = self.s.layout.blocks.figure
        if style.place == "above" or self.width < style.width * 2.2:
            box.hAlign = "LEFT"
            box.spaceAfter = self.s.space("paragraph")
            return [box] + text
        gap = 12.0
        fig_w = box.width + gap
        cells = [text, box] if style.side == "right" else [box, text]
        widths = [self.width - fig_w, fig_w] if style.side == "right" else [fig_w, self.width - fig_w]
        table = Table([cells], colWidths=widths)
        pad = ("LEFTPADDING", 1, gap) if style.side == "right" else ("RIGHTPADDING", 0, gap)
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                                   (pad[0], (pad[1], 0), (pad[1], 0), pad[2])]))
        return [tag(table, "Div", figure=True)]

    def cautions(self, label: str, cautions: list[str]) -> Table:
        """'Stop if:' with the cautions as a bullet list hanging beside it: one idea per line, and no
        more lines than the cautions themselves (the label takes no line of its own)."""
        s = self.s
        label_w = stringWidth(plain(label), s.fonts.bold, s.body.fontSize) + s.body.fontSize * 0.5
        items = self.items(cautions, numbered=False)
        items.__dict__["spaceAfter"] = 0  # the table below carries the block's space
        table = Table([[self.para(label), items]], colWidths=[label_w, self.width - label_w])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
        table.spaceAfter = s.space("paragraph")
        return tag(table, "Div", cautions=True)

    def figure(self, picture: Picture, alt: str, max_w: float, max_h: float):
        w, h = fit_box(picture.aspect, max_w, max_h)
        return tag(PictureBox(picture.reader(w, h), w, h), "Figure", alt=alt)

    def _tick_rows(self, items: list[str]) -> Table:
        s = self.s
        box = s.layout.blocks.tick_box * s.scale.size
        rows = [[TickBox(box, s.theme.text), self.para(m, s.list_item)] for m in items]
        table = Table(rows, colWidths=[box + 10, self.width - box - 10])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                   ("TOPPADDING", (0, 0), (0, -1), max(0, (s.list_item.leading - box) / 2 + 1.5)),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), s.space("item"))]))
        return tag(table, "L", numbered=False, checklist=True)

    def b_checklist(self, b: c.Checklist) -> list:
        out = []
        if b.title:
            out.append(tag(Paragraph(f"<b>{b.title}</b>", self.s.body), "P", keepWithNext=1))
        return out + [self._tick_rows(b.items), self.spacer()]

    def day_columns(self, days: int, names: list[str]) -> tuple[float, float, float]:
        """Width of each tracker day column, the day names' font size and the day cells' side padding.

        Sized from the longest day name in the language's label table (all seven, so every tracker in a
        language looks alike) in the header font, so a day name never breaks inside the word ("Mo/n").
        The first column keeps at least a quarter of the width and room for its longest word. If the day
        names still do not fit (whole words instead of abbreviations), the side padding drops to 2 pt and
        then the day names' size steps down to what fits: smaller, but never broken."""
        s = self.s
        box = s.layout.blocks.tick_box * s.scale.size
        font, size = s.table_head.fontName, s.table_head.fontSize
        longest = max(stringWidth(d, font, size) for d in self.labels.days)
        words = [w for n in [self.labels.tracker_item, *map(plain, names)] for w in n.split()]
        widest = max((stringWidth(w, font, size) for w in words), default=0)
        room = (self.width - max(self.width / 4, widest + 14)) / days
        pad, slack = 4.0, 2.0  # per side; slack: rounding in reportlab's line breaking
        day_w = max(box + 10, longest + 2 * pad + slack)
        if day_w > room:
            pad = 2.0
            day_w = max(box + 10, longest + 2 * pad + slack)
        if day_w > room:
            day_w = max(box + 10, room)
            size = size * (day_w - 2 * pad - slack) / longest
        return day_w, size, pad

    def b_tracker(self, b: c.Tracker) -> list:
        s, L = self.s, self.labels
        names = b.rows or self.exercise_names
        if not names:
            return []
        box = s.layout.blocks.tick_box * s.scale.size
        day_w, day_size, pad = self.day_columns(b.days, names)
        day_style = s.table_head
        if day_size < day_style.fontSize:
            day_style = ParagraphStyle("th-day", parent=s.table_head, fontSize=day_size,
                                       leading=day_size * s.table_head.leading / s.table_head.fontSize)
        day_style = ParagraphStyle("th-day", parent=day_style, alignment=TA_CENTER)
        first = self.width - day_w * b.days
        head = [self.para(esc(L.tracker_item), s.table_head)] + [self.para(esc(d), day_style) for d in L.days[:b.days]]
        counts = list(b.boxes) + [1] * (len(names) - len(b.boxes))
        rows = [head] + [[self.para(n, s.table_cell)] + [TickBox(box, s.theme.text, k) for _ in range(b.days)]
                         for n, k in zip(names, counts)]
        table = self._table(rows, [first] + [day_w] * b.days, True, False,
                            [("ALIGN", (1, 1), (-1, -1), "CENTER"),
                             ("LEFTPADDING", (1, 0), (-1, -1), pad), ("RIGHTPADDING", (1, 0), (-1, -1), pad)])
        out = [self.heading(b.title, 2)] if b.title else []
        return [KeepTogether(out + [table]), self.spacer()]  # a log is filled in at one glance: never split

    def b_qr(self, b: c.QR) -> list:
        s = self.s
        size = s.layout.blocks.qr_size
        widget = QrCodeWidget(b.url, barLevel="M")
        x0, y0, x1, y1 = widget.getBounds()
        drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
        drawing.add(widget)
        alt = b.alt or f"{plain(b.label)}: {b.url}"
        figure = tag(drawing, "Figure", alt=alt)
        text = [self.para(f"<b>{b.label}</b>"), self.para(link(b.url, esc(b.url)), s.table_cell),
                self.para(esc(self.labels.scan_hint), s.note)]
        table = Table([[figure, text]], colWidths=[size + 12, self.width - size - 12])
        table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        return [tag(table, "Div"), self.spacer()]

    # -- generated end matter ----------------------------------------------------------------
    def end_matter(self, handout: c.Handout, clinic_name: str, address: str = "") -> list:
        s, L = self.s, self.labels
        sources = [f"{src.publisher}: {src.title}. "
                   f"{link(src.url, esc(src.url.removeprefix('https://').removeprefix('www.')))}"
                   for src in handout.sources]
        r = handout.review
        dates = esc(f"{L.version} {r.version} · {L.reviewed} {r.reviewed.isoformat()} · "
                    f"{L.next_review} {r.next_review.isoformat()}")
        # one piece: the sources, dates and disclaimer move to the next page together rather than
        # leave the disclaimer alone on a last page
        self._open = None
        return [KeepWhole([self.heading(esc(L.sources), 2), self.items(sources, numbered=False),
                           self.para(dates),
                           self.para(f"{esc(L.prepared_for)} {clinic_name}{', ' + address if address else ''}. "
                                     f"{esc(L.disclaimer)}", s.note)])]
