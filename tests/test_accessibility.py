"""Accessibility (#6): every handout is a tagged PDF declaring PDF/UA-1, checked by reading the files back.

Shipped handouts are built with their page budget lifted (content length is checked elsewhere), plus a
'kitchen sink' handout with every block type, an exercise picture and a paragraph that splits pages.
"""
import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from handouts.build import Project, build_handout
from handouts.pdf import pdfcheck

REPO = Path(__file__).resolve().parent.parent
LONG = ("Walking is one of the best things you can do for nerve pain in your leg. Start with a short walk "
        "each day and add a few minutes each week. Walk on flat ground at first, at a pace that lets you "
        "talk. If your leg hurts more the next morning, walk a little less the next day and build up "
        "again more slowly. ") * 3

SINK = f"""id: sink
condition: demo-condition
kind: overview
language: en
title: Every block in one handout
subtitle: A test of the tagged PDF
pages: 2
review: {{version: "1.0", reviewed: 2026-11-01, next_review: 2027-11-01}}
sources:
  - {{publisher: NHS, title: Sciatica, url: "https://www.nhs.uk/conditions/sciatica/"}}
blocks:
  - {{type: paragraph, text: "{LONG}"}}
  - {{type: paragraph, text: "{LONG}"}}
  - {{type: paragraph, text: "{LONG}"}}
  - {{type: paragraph, text: "{LONG}"}}
  - {{type: paragraph, text: "{LONG}"}}
  - {{type: heading, text: First section}}
  - {{type: paragraph, text: "{LONG}"}}
  - {{type: bullets, title: Things that help, items: [Keep moving., Use heat for short spells.]}}
  - {{type: steps, items: [Sit down., Stand up.]}}
  - {{type: facts, title: At a glance, rows: [{{label: Most people feel better in, value: 4 to 6 weeks}}]}}
  - {{type: heading, text: A sub part, level: 3}}
  - {{type: paragraph, text: "{LONG}"}}
  - {{type: paragraph, text: "{LONG}"}}
  - type: exercise
    id: glide
    name: Seated nerve glide
    purpose: Helps the nerve slide.
    start: Sit tall on a chair.
    image: {{file: glide.png, alt: A person sitting on a chair with one knee straight}}
    steps: [Straighten your knee., Bend it back.]
    dosing: {{sets: 1, reps: 10, times: 2, per: day}}
  - {{type: checklist, title: My plan, items: [I walked today.]}}
  - {{type: tracker, title: My week, days: 3}}
  - {{type: callout, kind: red_flag, title: Call 911 if you have, items: [Trouble controlling your bladder.]}}
  - {{type: qr, url: "https://example.org/videos", label: Watch the videos}}
"""


def _build(project: Project, hf, layout="standard", paper="letter"):
    handout, doc = project.handout(hf)
    project._handouts[hf.path] = (handout.model_copy(update={"pages": 9}), doc)  # budget lifted
    return build_handout(project, project.clinic(project.clinics_dir / "example"), hf, layout, paper)


@pytest.fixture(scope="module")
def shipped():
    """(name, Built) for every shipped handout, standard letter and large-print A4."""
    project = Project(REPO)
    out = []
    for hf in project.handout_files():
        for layout, paper in (("standard", "letter"), ("large-print", "a4")):
            out.append((f"{hf.language}/{hf.name}/{layout}/{paper}", _build(project, hf, layout, paper)))
    return out


@pytest.fixture(scope="module")
def sink(tmp_path_factory):
    root = tmp_path_factory.mktemp("sink")
    for name in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / name, root / name)
    folder = root / "content" / "demo-condition" / "en"
    folder.mkdir(parents=True)
    (folder / "sink.yaml").write_text(SINK, encoding="utf-8")
    shutil.copy(REPO / "clinics" / "example" / "logo.png", folder / "glide.png")
    project = Project(root)
    hf = next(h for h in project.handout_files("en") if h.name == "demo-condition-sink")
    return _build(project, hf)


def elements(data: bytes):
    pdf = pikepdf.open(io.BytesIO(data))
    return pdf, list(pdfcheck.walk(pdf))


def body_texts(data: bytes) -> list[tuple[str, str]]:
    """(role, text) per marked piece in structure order, after the letterhead."""
    pdf, elems = elements(data)
    header = {e.objgen for e, d, _, _ in elems if str(e.get("/T", "")) == "Letterhead"}
    header |= {k.objgen for e, _, _, _ in elems if e.objgen in header for k, *_ in pdfcheck.walk_sub(e)}
    skip = [m for e, _, mcrs, _ in elems if e.objgen in header for m in mcrs]
    return [rt for rt, m in zip(pdfcheck.element_texts(pdf), [m for _, _, mcrs, _ in elems for m in mcrs])
            if m not in skip]


def norm(s: str) -> str:
    return " ".join(s.replace("\u00ad", "").split())


# -- the catalogue: tagged, PDF/UA-1 declared --------------------------------------------------------
def test_every_handout_is_tagged_and_declares_pdf_ua(shipped):
    for name, built in shipped:
        pdf = pikepdf.open(io.BytesIO(built.pdf))
        root = pdf.Root
        assert root.MarkInfo.Marked is True, name
        tree = root.StructTreeRoot
        assert "/ParentTree" in tree and int(tree.ParentTreeNextKey) >= len(pdf.pages), name
        assert str(tree.K.S) == "/Document"
        assert str(root.Lang) in ("en-US", "es-US", "en", "es") or re.match(r"^[a-z]{2}(-[A-Z]{2})?$", str(root.Lang))
        assert root.ViewerPreferences.DisplayDocTitle is True
        xmp = root.Metadata.read_bytes().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp
        title = str(pdf.docinfo.Title)
        assert title and f'<rdf:li xml:lang="x-default">{title}</rdf:li>' in xmp.replace("&amp;", "&")
        for page in pdf.pages:
            assert page.obj.Tabs == pikepdf.Name.S
            assert "/StructParents" in page.obj


def test_own_checker_passes_every_shipped_handout(shipped):
    for name, built in shipped:
        assert pdfcheck.check(pikepdf.open(io.BytesIO(built.pdf))) == [], name


def test_own_checker_passes_the_kitchen_sink(sink):
    assert pdfcheck.check(pikepdf.open(io.BytesIO(sink.pdf))) == []


# -- roles ---------------------------------------------------------------------------------------------
def test_roles_of_the_kitchen_sink(sink):
    pdf, elems = elements(sink.pdf)
    roles = [str(e.S)[1:] for e, _, _, _ in elems]
    for role in ("Document", "H1", "H2", "H3", "P", "L", "LI", "Lbl", "LBody", "Table", "TR", "TH", "TD",
                 "Aside", "Figure", "Div", "Link"):
        assert role in roles, role
    # lists: L > LI > (Lbl, LBody)
    for e, _, _, _ in elems:
        if str(e.S) == "/LI":
            kids = [str(k.S) for k in pdfcheck._kids(e)]
            assert kids in (["/Lbl", "/LBody"], ["/LBody"]), kids
        if str(e.S) == "/TH":
            assert str(e.A.Scope) in ("/Column", "/Row")
    # the callout is one element holding its heading and its list
    aside = next(e for e, _, _, _ in elems if str(e.S) == "/Aside")
    inside = [str(k.S) for k, *_ in pdfcheck.walk_sub(aside)]
    assert inside[0].startswith("/H") and "/L" in inside
    texts = [t for r, t in pdfcheck.element_texts(pdf)]
    assert "Call 911 if you have" in texts
    # alt text from the data: logo, exercise picture, QR code
    alts = [str(e.Alt) for e, _, _, _ in elems if str(e.S) == "/Figure"]
    assert "Riverside Physiotherapy logo" in alts[0] or alts[0].endswith("logo")
    assert "A person sitting on a chair with one knee straight" in alts
    assert any("Watch the videos" in a and "https://example.org/videos" in a for a in alts)
    assert pdf.Root.StructTreeRoot.RoleMap.Aside == pikepdf.Name.Div


def test_running_header_footer_and_page_numbers_are_artifacts(sink):
    pdf = pikepdf.open(io.BytesIO(sink.pdf))
    assert len(pdf.pages) >= 2
    texts = " ".join(t for _, t in pdfcheck.element_texts(pdf))
    assert "Page 1 of" not in texts and "Page 2 of" not in texts
    assert texts.count("Riverside Physiotherapy & Sports Care") == 2  # letterhead on page 1 + end matter
    for page in pdf.pages[1:]:
        mcids, text, stray, _ = pdfcheck.scan_page(page)
        assert not stray
        assert all(t.strip() != "Riverside Physiotherapy & Sports Care" for t in text.values())


def test_a_paragraph_split_across_pages_is_one_element(sink):
    pdf, elems = elements(sink.pdf)
    split = [(e, mcrs) for e, _, mcrs, _ in elems if str(e.S) == "/P" and len({p for p, _ in mcrs}) > 1]
    assert split, "expected the long paragraph to run onto the next page"
    texts = dict(((p, m), t) for p, m, t in _all_pieces(pdf))
    for _, mcrs in split:
        joined = norm(" ".join(texts[m] for m in mcrs))
        assert joined == norm(LONG)


def _all_pieces(pdf):
    for page in pdf.pages:
        _, text, _, _ = pdfcheck.scan_page(page)
        for m, t in text.items():
            yield page.obj.objgen, m, t


# -- reading order ------------------------------------------------------------------------------------
def _assert_in_order(built, name):
    body = norm(" ".join(t for _, t in body_texts(built.pdf)))
    pos = 0
    for text in built.rendered.texts:
        want = norm(text)
        found = body.find(want, pos)
        assert found >= 0, f"{name}: {want!r} missing or out of order after …{body[max(0, pos - 60):pos]!r}"
        pos = found + len(want)


def test_reading_order_equals_content_order(shipped, sink):
    for name, built in shipped:
        _assert_in_order(built, name)
    _assert_in_order(sink, "sink")


def test_reading_order_check_would_catch_a_swap(sink):
    texts = list(sink.rendered.texts)
    i = texts.index(norm("First section")) if "First section" in texts else 2
    texts[i], texts[i + 1] = texts[i + 1], texts[i]
    swapped = type("B", (), {"pdf": sink.pdf, "rendered": type("R", (), {"texts": texts})()})()
    with pytest.raises(AssertionError):
        _assert_in_order(swapped, "swapped")


# -- links --------------------------------------------------------------------------------------------
def test_contacts_and_sources_are_tagged_links(shipped):
    name, built = next((n, b) for n, b in shipped if n.startswith("en/") and "prevention/standard" in n)
    pdf = pikepdf.open(io.BytesIO(built.pdf))
    annots = [a for p in pdf.pages for a in p.obj.get("/Annots", [])]
    uris = [str(a.A.URI) for a in annots]
    assert any(u.startswith("tel:") for u in uris)
    assert any(u.startswith("mailto:") for u in uris)
    assert any(u.startswith("https://riverside") for u in uris)
    assert "https://www.nhs.uk/conditions/sciatica/" in uris
    # the letterhead and "Call us at (217) 555-0142" in a callout, dialable from anywhere (phone_country)
    assert uris.count("tel:+12175550142") == 2
    tree = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(tree[i]): tree[i + 1] for i in range(0, len(tree), 2)}
    for a in annots:
        assert str(a.Contents).strip()
        link = parents[int(a.StructParent)]
        assert str(link.S) == "/Link"
        assert any(isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/OBJR" and k.Obj.objgen == a.objgen
                   for k in pdfcheck._kids(link))


# -- the checker finds problems -----------------------------------------------------------------------
def _broken(data: bytes, edit) -> list[str]:
    pdf = pikepdf.open(io.BytesIO(data))
    edit(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return pdfcheck.check(pikepdf.open(io.BytesIO(out.getvalue())))


def _first(pdf, role):
    return next(e for e, _, _, _ in pdfcheck.walk(pdf) if str(e.S) == role)


def _unmark(pdf):
    page = pdf.pages[0]
    ops = pikepdf.parse_content_stream(page)
    i = next(i for i, (o, op) in enumerate(ops) if str(op) == "BDC" and str(o[0]) == "/H1")
    j = next(j for j in range(i, len(ops)) if str(ops[j][1]) == "EMC")
    del ops[j], ops[i]
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))


def _double_ref(pdf):
    p = _first(pdf, "/P")
    h1 = _first(pdf, "/H1")
    p.K = h1.K


def _skip(pdf):
    _first(pdf, "/H1").S = pikepdf.Name("/H3")


@pytest.mark.parametrize("edit, message", [
    (_unmark, "outside marked content"),
    (lambda pdf: _first(pdf, "/Figure").__delitem__("/Alt"), "Figure has no /Alt"),
    (lambda pdf: [setattr(e, "S", pikepdf.Name.TD) for e, *_ in pdfcheck.walk(pdf) if str(e.S) == "/TH"],
     "Table has no header cells"),
    (_skip, "skips"),
    (_double_ref, "referenced by 2"),
    (lambda pdf: pdf.Root.__delitem__("/StructTreeRoot"), "no structure tree"),
    (lambda pdf: pdf.Root.__delitem__("/MarkInfo"), "/Marked"),
    (lambda pdf: setattr(pdf.Root, "Metadata", pdf.make_stream(b"<x/>")), "pdfuaid"),
    (lambda pdf: pdf.pages[0].obj.__delitem__("/Tabs"), "/Tabs"),
    (lambda pdf: [a.__delitem__("/Contents") for a in pdf.pages[0].obj.Annots], "no /Contents"),
    (lambda pdf: pdf.pages[0].Resources.Font.__delitem__(list(pdf.pages[0].Resources.Font.keys())[0]),
     "no such font"),
])
def test_checker_finds_problems_in_a_broken_pdf(sink, edit, message):
    problems = _broken(sink.pdf, edit)
    assert any(message in p for p in problems), problems


def test_checker_rejects_an_untagged_reportlab_pdf(tmp_path):
    from reportlab.pdfgen.canvas import Canvas
    path = tmp_path / "plain.pdf"
    c = Canvas(str(path))
    c.drawString(72, 720, "Hello")
    c.save()
    assert pdfcheck.check(path) == ["no structure tree (/StructTreeRoot): the PDF is not tagged"]


def test_checker_command_line(sink, tmp_path):
    good = tmp_path / "good.pdf"
    good.write_bytes(sink.pdf)
    assert pdfcheck.main([str(good)]) == 0


# -- the pdfua checker from PyPI ------------------------------------------------------------------------
def test_pdfua_checker_finds_no_errors(shipped, sink, tmp_path):
    pytest.importorskip("pdfua")
    files = []
    for i, (_, built) in enumerate(shipped + [("sink", sink)]):
        path = tmp_path / f"{i}.pdf"
        path.write_bytes(built.pdf)
        files.append(str(path))
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", *files], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "ERROR" not in run.stdout and "WARN" not in run.stdout


# -- tagging keeps output deterministic and valid -----------------------------------------------------------
def test_tagged_output_is_deterministic():
    project = Project(REPO)
    hf = next(h for h in project.handout_files("en") if h.id == "prevention")
    assert _build(project, hf).pdf == _build(Project(REPO), hf).pdf


def test_every_font_is_embedded(shipped, sink):
    for name, built in shipped + [("sink", sink)]:
        pdf = pikepdf.open(io.BytesIO(built.pdf))
        for page in pdf.pages:
            for _, font in page.Resources.Font.items():
                assert "/FontFile2" in font.FontDescriptor, (name, str(font.BaseFont))


def test_archive_option_makes_pdf_a_2b_as_well(tmp_path):
    from handouts.cli.main import main
    out = tmp_path / "out"
    assert main(["--root", str(REPO), "build", "--handout", "prevention", "--archive", "--out", str(out)]) == 0
    path = out / "example" / "en" / "letter" / "standard" / "hamstring-nerve-pain-prevention.pdf"
    pdf = pikepdf.open(path)
    with pdf.open_metadata() as meta:
        assert meta.pdfa_status == "2B"
        assert meta["pdfuaid:part"] == "1"
    xmp = pdf.Root.Metadata
    assert "/Filter" not in xmp
    assert b"<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in xmp.read_bytes()
    intent = pdf.Root.OutputIntents[0]
    assert intent.S == pikepdf.Name.GTS_PDFA1 and len(intent.DestOutputProfile.read_bytes()) > 100
    for page in pdf.pages:
        for annot in page.obj.get("/Annots", []):
            assert int(annot.F) & 4  # printable
    assert pdfcheck.check(pdf) == []


def test_qpdf_finds_no_damage(sink, tmp_path):
    if not shutil.which("qpdf"):
        pytest.skip("qpdf not installed")
    path = tmp_path / "sink.pdf"
    path.write_bytes(sink.pdf)
    run = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


# -- packets keep each handout's structure ------------------------------------------------------------------
def test_a_packet_is_tagged_with_one_part_per_handout(shipped):
    from handouts.pdf.packet import merge
    parts = [b.pdf for n, b in shipped if n.startswith("en/") and n.endswith("standard/letter")]
    data, pages = merge(parts, "New patient packet")
    assert pdfcheck.check(data) == []
    pdf = pikepdf.open(io.BytesIO(data))
    top = pdf.Root.StructTreeRoot.K
    assert str(top.S) == "/Document" and [str(k.S) for k in top.K] == ["/Part"] * len(parts)
    titles = [t for r, t in pdfcheck.element_texts(pdf) if r == "H1"]
    sources = [pikepdf.open(io.BytesIO(p)) for p in parts]
    assert titles == [str(src.docinfo.Title) for src in sources]
    assert "<pdfuaid:part>1</pdfuaid:part>" in pdf.Root.Metadata.read_bytes().decode()


@pytest.mark.parametrize("phone, country, expected", [
    ("(217) 555-0142", None, "tel:2175550142"),          # no country code given: the number as printed
    ("(217) 555-0142", "+1", "tel:+12175550142"),
    ("020 7946 0018", "+44", "tel:+442079460018"),        # the trunk 0 goes when the country code comes
    ("+44 20 7946 0018", "+1", "tel:+442079460018"),      # already international: left alone
])
def test_tap_to_call_link_uses_the_country_code(phone, country, expected):
    from handouts.layout.flowables import contact_links
    from handouts.model.clinic import Clinic
    fields = dict(name="A", logo="logo.png", address="1 Road", phone=phone, email="a@b.org",
                  website="https://b.org", hours="9-5", country="US")
    if country:
        fields["phone_country"] = country
    assert contact_links(Clinic(**fields))[phone] == expected
