"""Property-based tests (hypothesis): random Unicode in every text field, random block structures, random
dosing numbers, random brand colours. Generating a handout either succeeds within its page budget or
fails with HandoutError; never any other exception.

Each example writes YAML into a copy of the fixture project and runs the real pipeline in-process
(load -> validate -> render -> lay out -> PDF). Kept small: a few dozen examples per property.
"""
from __future__ import annotations

import copy
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the 'test' extras: pip install -e .[test]")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
from kit import PROJECT, REPO, copy_project  # noqa: E402

sys.path.insert(0, str(REPO))
from handouts.build import Project, build_handout  # noqa: E402
from handouts.errors import HandoutError  # noqa: E402
from handouts.layout.fonts import load_fonts  # noqa: E402

CONTENT = "content/demo/en/sample.yaml"
CLINIC = "clinics/demo/clinic.yaml"
BASE_CONTENT = yaml.safe_load((PROJECT / CONTENT).read_text(encoding="utf-8"))
BASE_CLINIC = yaml.safe_load((PROJECT / CLINIC).read_text(encoding="utf-8"))
SETTINGS = settings(max_examples=30, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Pieces that have broken text pipelines before: markup, template delimiters, entities, direction marks,
# combining marks, characters outside the font, emphasis markers, backslashes, line breaks
TRICKY = ["{{", "}}", "{%", "%}", "{#", "<", ">", "&", "&amp;", "&#42;", "<b>", "</i>", "<font size=90>", "**",
          "*", "\\", "\n", "\t", "'", '"', "\u200f", "\u202e", "\u0301", "\u00ad", "🙂", "漢", "ß", "İ", "ﬁ",
          "{{ clinic.name }}", "{{ clinic.phone|upper }}", "{{ handout.title }}", "{{ nothing }}", "%", "#", ": "]
wild = st.lists(st.one_of(st.text(max_size=12), st.sampled_from(TRICKY)), min_size=1, max_size=6).map("".join)
# Printable characters the font has (any script it covers): most random text should build, so that the
# layout and PDF stages see it too, not just the validators
PRINTABLE = sorted(chr(c) for c in load_fonts().covered
                   if unicodedata.category(chr(c)) not in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"))
safe = st.text(alphabet=st.sampled_from(PRINTABLE), min_size=1, max_size=40).filter(lambda t: t.strip())
text = st.one_of(safe, safe, safe, wild)


def build(root: Path, layout: str = "standard", paper: str = "letter"):
    """Run the pipeline in-process for the fixture handout and clinic; return the Built result."""
    project = Project(root)
    hf = project.select(["sample"], "en")[0]
    built = build_handout(project, project.clinic(root / "clinics" / "demo"), hf, layout, paper)
    assert built.pages <= built.budget
    assert built.pdf.startswith(b"%PDF-") and built.pdf.rstrip().endswith(b"%%EOF")
    return built


def attempt(root: Path, content: dict | None = None, clinic: dict | None = None, **kw) -> str:
    """Write the given data (or raw text) as YAML and build; 'ok' or 'refused', anything else raises."""
    for rel, data in ((CONTENT, content), (CLINIC, clinic)):
        if data is not None:
            raw = data if isinstance(data, str) else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
            (root / rel).write_text(raw, encoding="utf-8")
    try:
        build(root, **kw)
        return "ok"
    except HandoutError as exc:
        assert exc.problems and all(str(p) for p in exc.problems)
        return "refused"


@pytest.fixture(scope="module")
def root():
    with tempfile.TemporaryDirectory() as tmp:
        yield copy_project(Path(tmp) / "project")


def test_fixture_builds(root):
    assert attempt(root, copy.deepcopy(BASE_CONTENT), copy.deepcopy(BASE_CLINIC)) == "ok"


# --------------------------------------------------------------------------- random text everywhere
CONTENT_FIELDS = ["title", "subtitle", "heading", "paragraph", "item", "name", "step", "callout", "source", "keyword"]


@SETTINGS
@given(fields=st.fixed_dictionaries({k: safe for k in CONTENT_FIELDS}), wild_field=st.sampled_from(CONTENT_FIELDS),
       wild_text=text)
def test_random_text_in_content(root, fields, wild_field, wild_text):
    """Printable text the font has in every field, and anything at all in one of them."""
    fields[wild_field] = wild_text
    title, subtitle, heading, paragraph, item, name, step, callout, source, keyword = (fields[k] for k in CONTENT_FIELDS)
    data = copy.deepcopy(BASE_CONTENT)
    data["title"], data["subtitle"], data["keywords"] = title, subtitle, [keyword]
    data["sources"][0]["title"] = source
    blocks = data["blocks"]
    blocks[0]["text"], blocks[1]["text"] = heading, paragraph
    blocks[2]["name"], blocks[2]["steps"][0] = name, step
    blocks[3]["title"], blocks[3]["items"][0] = callout, item
    attempt(root, data, copy.deepcopy(BASE_CLINIC))


@SETTINGS
@given(name=safe, tagline=safe, address=safe, hours=text, alt=text)
def test_random_text_in_clinic(root, name, tagline, address, hours, alt):
    clinic = copy.deepcopy(BASE_CLINIC)
    clinic.update(name=name, tagline=tagline, address=address, hours=hours, logo_alt=alt)
    attempt(root, copy.deepcopy(BASE_CONTENT), clinic)


BASE_TEXT = (PROJECT / CONTENT).read_text(encoding="utf-8")


@SETTINGS
@given(at=st.integers(0, len(BASE_TEXT)), cut=st.integers(0, 40), insert=st.one_of(wild, st.text(max_size=20)))
def test_random_yaml_text(root, at, cut, insert):
    """The fixture's YAML text with a random slice replaced by random text."""
    attempt(root, BASE_TEXT[:at] + insert + BASE_TEXT[at + cut:], copy.deepcopy(BASE_CLINIC))


# --------------------------------------------------------------------------- random structures
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**30, 10**30) | st.floats(allow_nan=True) | text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
# half in range, half anything: out of range, huge, fractions, NaN, text, booleans, collections
number = st.one_of(st.integers(1, 10), st.one_of(st.integers(-5, 130), st.integers(-10**20, 10**20),
                                                 st.floats(allow_nan=True), st.none(),
                                                 st.sampled_from(["3", "ten", "", True, [], {}])))
amount = st.one_of(st.none(), st.none(), st.integers(1, 100), number)  # an optional dosing amount
words = st.sampled_from(["Walk.", "Rest when it hurts.", "Stand up every hour.", "Bend your knees."])


@st.composite
def blocks(draw):
    kind = draw(st.sampled_from(["heading", "paragraph", "bullets", "steps", "callout", "facts", "exercise",
                                 "checklist", "tracker", "qr", "garbage"]))
    short = st.lists(words, min_size=0, max_size=5)
    if kind == "heading":
        block = {"type": kind, "text": draw(words), "level": draw(st.sampled_from([2, 3, 1, "2"]))}
    elif kind == "paragraph":
        block = {"type": kind, "text": draw(words)}
    elif kind in ("bullets", "steps", "checklist"):
        block = {"type": kind, "title": draw(words), "items": draw(short)}
    elif kind == "callout":
        block = {"type": kind, "kind": draw(st.sampled_from(["info", "warning", "red_flag", "danger"])),
                 "title": draw(words), "items": draw(short)}
    elif kind == "facts":
        block = {"type": kind, "rows": [{"label": draw(words), "value": draw(words)}
                                        for _ in range(draw(st.integers(0, 4)))]}
    elif kind == "exercise":
        block = {"type": kind, "id": draw(st.sampled_from(["walk", "bridge", "Bad Id"])), "name": draw(words),
                 "purpose": draw(words), "start": draw(words), "steps": draw(short),
                 "dosing": {"sets": draw(st.integers(0, 11)), "reps": draw(st.integers(0, 101)),
                            "times": draw(st.integers(0, 11)), "per": draw(st.sampled_from(["day", "week"]))}}
    elif kind == "tracker":
        block = {"type": kind, "days": draw(st.integers(0, 8)), "rows": draw(short)}
    elif kind == "qr":
        block = {"type": kind, "url": draw(st.sampled_from(["https://example.org/a", "http://x", "https://" + "a" * 400])),
                 "label": draw(words)}
    else:
        return draw(json_values)
    if draw(st.integers(0, 4)) == 0 and isinstance(block, dict):
        key = draw(st.sampled_from(sorted(block)))
        block[key] = draw(json_values)  # one field replaced by anything at all
    return block


@SETTINGS
@given(body=st.lists(blocks(), min_size=0, max_size=12), pages=st.sampled_from([1, 2]),
       layout=st.sampled_from(["standard", "large-print"]), paper=st.sampled_from(["letter", "a4"]),
       red_flag=st.integers(0, 5))
def test_random_block_structures(root, body, pages, layout, paper, red_flag):
    data = copy.deepcopy(BASE_CONTENT)
    if red_flag:  # usually keep the red-flag box every handout needs, so that most structures can build
        body.insert(min(red_flag, len(body)), copy.deepcopy(BASE_CONTENT["blocks"][3]))
    data["blocks"], data["pages"] = body, pages
    attempt(root, data, copy.deepcopy(BASE_CLINIC), layout=layout, paper=paper)


@SETTINGS
@given(sets=number, reps=amount, hold=amount, minutes=amount, times=number,
       per=st.sampled_from(["day", "week", "day", "week", "month", 1, None]))
def test_random_dosing(root, sets, reps, hold, minutes, times, per):
    data = copy.deepcopy(BASE_CONTENT)
    dosing = {"sets": sets, "reps": reps, "hold_seconds": hold, "minutes": minutes, "times": times, "per": per}
    data["blocks"][2]["dosing"] = {k: v for k, v in dosing.items() if v is not None or k in ("sets", "times")}
    result = attempt(root, data, copy.deepcopy(BASE_CLINIC))
    # (a quoted number such as '3' is read as 3, so only plain numbers out of range must be refused)
    out_of_range = [n for n, lo, hi in ((sets, 1, 10), (times, 1, 10), (reps, 1, 100), (hold, 1, 300),
                                        (minutes, 1, 120))
                    if isinstance(n, int) and not isinstance(n, bool) and not lo <= n <= hi]
    if out_of_range or per not in ("day", "week"):
        assert result == "refused"


colour = st.one_of(st.from_regex(r"\A#[0-9A-Fa-f]{6}\Z"), st.from_regex(r"\A#[0-5][0-9A-Fa-f][0-5][0-9A-Fa-f]{3}\Z"),
                   st.from_regex(r"\A#[0-9A-Fa-f]{1,8}\Z"), text,
                   st.integers(0, 0xFFFFFF), st.none())


@SETTINGS
@given(primary=colour, accent=colour, layout=st.sampled_from(["standard", "large-print"]))
def test_random_brand_colours(root, primary, accent, layout):
    clinic = copy.deepcopy(BASE_CLINIC)
    clinic["brand"] = {k: v for k, v in (("primary", primary), ("accent", accent)) if v is not None}
    attempt(root, copy.deepcopy(BASE_CONTENT), clinic, layout=layout)
