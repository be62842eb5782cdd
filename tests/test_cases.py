"""The catalogue of bad input: one folder per case under tests/cases/, collected automatically.

Each case folder holds `case.yaml` and, optionally, `files/`: files copied over a fresh copy of the
fixture project (tests/fixtures/project). case.yaml keys:

  description: what the case is about
  args:        the command line (default: build --clinic clinics/demo --out out)
  exit:        the expected exit code (default 1; 2 for command-line usage errors)
  errors:      text fragments that must all appear in stderr (file:line:col: key.path: message)
  problems:    how many `error:` lines stderr must have (optional)
  edit:        {path: [[old, new], ...]}: exact text replacements in project files (old must occur)
  delete:      [path, ...]: project files to remove
  make:        [{path, text, repeat} | {path, bytes}]: generated files (too big to keep in the repo)
  symlink:     {path: target}: symbolic links to make
  copy:        {path: corpus-relative path}: files copied from ../shared/corpora (skip if absent)

Every case, whatever it expects, must also: end within the timeout, print no traceback, report each
problem on one `error:` line, and leave the project folder (including an output folder with files from
an earlier run) exactly as it was: no PDF for the failed item, no temporary files.
"""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
from kit import BUILD, CORPORA, SAMPLE_PDF, copy_project, run, snapshot  # noqa: E402

CASES_DIR = Path(__file__).resolve().parent / "cases"
CASES = sorted(p for p in CASES_DIR.iterdir() if (p / "case.yaml").is_file())
# build's last line: what failed and what was written, or that it stopped before building anything
SUMMARY = re.compile(r"^(\d+ of \d+ handouts? failed; (nothing was written|the other \d+ (was|were) written)"
                     r"|nothing was built: \d+ problems?)$")
# batch prints one "error: <cause> (<count>: <first outputs>)" line per cause, then its tally
BATCH_LINE = re.compile(r"^\d+ built, \d+ up to date, \d+ failed \(.*\)$")
KEYS = {"description", "args", "exit", "errors", "problems", "edit", "delete", "make", "symlink", "copy",
        "absent"}


def load_case(folder: Path) -> dict:
    spec = yaml.safe_load((folder / "case.yaml").read_text(encoding="utf-8"))
    assert isinstance(spec, dict), f"{folder.name}/case.yaml: expected a mapping"
    unknown = set(spec) - KEYS
    assert not unknown, f"{folder.name}/case.yaml: unknown keys {sorted(unknown)}"
    assert spec.get("description"), f"{folder.name}/case.yaml: say what the case is about"
    return spec


def prepare(folder: Path, spec: dict, project: Path) -> None:
    copy_project(project)
    files = folder / "files"
    if files.is_dir():
        for src in sorted(files.rglob("*")):
            if src.is_file():
                dest = project / src.relative_to(files)
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, dest)
    for rel, pairs in (spec.get("edit") or {}).items():
        path = project / rel
        text = path.read_text(encoding="utf-8")
        for old, new in pairs:
            assert old in text, f"{folder.name}: edit of {rel}: {old!r} not found"
            text = text.replace(old, new, 1)
        path.write_text(text, encoding="utf-8")
    for rel in spec.get("delete") or []:
        (project / rel).unlink()
    for item in spec.get("make") or []:
        path = project / item["path"]
        path.parent.mkdir(parents=True, exist_ok=True)
        if "bytes" in item:
            path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (item["bytes"] - 8))
        else:
            path.write_text(item["text"] * item.get("repeat", 1), encoding="utf-8")
    for rel, target in (spec.get("symlink") or {}).items():
        (project / rel).symlink_to(target)
    for rel, source in (spec.get("copy") or {}).items():
        src = CORPORA / source
        if not src.is_file():
            pytest.skip(f"corpus file {src} is absent (expected the shared corpora beside the repository)")
        shutil.copyfile(src, project / rel)


@pytest.mark.parametrize("folder", CASES, ids=[p.name for p in CASES])
def test_case(folder: Path, tmp_path: Path):
    spec = load_case(folder)
    project = tmp_path / "project"
    prepare(folder, spec, project)
    # files from an earlier run, which a failed run must leave alone
    earlier = project / "out" / "demo" / "en" / "letter" / "standard" / "demo-earlier.pdf"
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(b"%PDF-1.4 from an earlier run\n%%EOF\n")
    before = snapshot(project)

    args = [str(a) for a in spec.get("args", BUILD)]
    result = run(args, project)
    out, err = result.stdout, result.stderr
    expected_exit = spec.get("exit", 1)
    assert "Traceback" not in err + out, err
    assert result.returncode == expected_exit, f"exit {result.returncode}, expected {expected_exit}\n{err}"
    lines = [line for line in err.splitlines() if line.strip()]
    if expected_exit == 1:
        problems = [line for line in lines if line.startswith("error: ")]
        allowed = BATCH_LINE if args[0] == "batch" else SUMMARY
        others = [line for line in lines if not line.startswith("error: ") and not allowed.match(line)]
        assert problems, f"no error line\n{err}"
        assert not others, f"stderr lines that are not one problem each: {others}"
        if "problems" in spec:
            assert len(problems) == spec["problems"], err
    for fragment in spec.get("errors") or []:
        assert fragment in err, f"missing {fragment!r} in stderr:\n{err}"
    for fragment in spec.get("absent") or []:
        assert fragment not in err + out, f"{fragment!r} should not be printed:\n{err}"
    after = snapshot(project)
    if expected_exit == 0:
        # a case that must succeed (input that looks hostile but is fine): the earlier file is kept
        # and the only change is the new PDF
        new = {k for k in set(after) - set(before) if not k.endswith("/")}
        assert new == {str(SAMPLE_PDF)}, new
        assert all(after[k] == v for k, v in before.items()), "a file from an earlier run changed"
        return
    assert after == before, ("a failed run changed the project folder: "
                             f"{sorted(set(after.items()) ^ set(before.items()))}")


def test_enough_cases():
    assert len(CASES) >= 60


def test_fixture_builds(tmp_path: Path):
    """The fixture project itself is good: the base every case breaks in one way."""
    project = copy_project(tmp_path / "project")
    result = run(BUILD, project)
    assert result.returncode == 0, result.stderr
    assert (project / "out/demo/en/letter/standard/demo-sample.pdf").is_file()
    result = run(["check", "--clinic", "clinics/demo"], project)
    assert result.returncode == 0, result.stdout + result.stderr


# --------------------------------------------------------------------------------------------------
# What is printed is what was written
# --------------------------------------------------------------------------------------------------
def _squash(text: str) -> str:
    return " ".join(text.split())


def test_printed_text_is_what_was_written(tmp_path: Path):
    """Markup characters, entities, quotes and template syntax print exactly as the author typed them."""
    from io import BytesIO

    from pypdf import PdfReader

    project = copy_project(tmp_path / "project")
    clinic = project / "clinics/demo/clinic.yaml"
    clinic.write_text(clinic.read_text(encoding="utf-8").replace(
        "name: Demo Clinic", "name: \"Smith & Jones <Physio>\"").replace(
        "tagline: For tests only", "tagline: \"O'Brien's \\\"best\\\" care & more\""), encoding="utf-8")
    content = project / "content/demo/en/sample.yaml"
    written = ("Use 2 < 3 & 5 > 4, not <b>bold</b> or &amp; or <img src='https://example.org/x.png'/>; "
               "a * b * c and 100% sure.")
    content.write_text(content.read_text(encoding="utf-8").replace(
        "text: What to do", "text: \"" + written.replace("\\", "\\\\").replace('"', '\\"') + "\"").replace(
        "title: A short test handout", "title: \"Knee & hip <care>\""), encoding="utf-8")
    result = run(BUILD, project)
    assert result.returncode == 0, result.stderr
    reader = PdfReader(BytesIO((project / SAMPLE_PDF).read_bytes()))
    text = _squash("\n".join(page.extract_text() for page in reader.pages))
    assert "Smith & Jones <Physio>" in text           # header and the end matter
    assert "Call Smith & Jones <Physio> at" in text    # inserted by a template
    assert _squash(written) in text
    assert "Knee & hip <care>" in text
    assert "O'Brien's \"best\" care & more" in text
    assert "&amp;amp;" not in text and "&lt;" not in text
    assert reader.metadata.author == "Smith & Jones <Physio>"
    assert reader.metadata.title == "Knee & hip <care>"


# --------------------------------------------------------------------------------------------------
# Safety rules, one test each
# --------------------------------------------------------------------------------------------------
HANDOUTS = Path(__file__).resolve().parent.parent / "handouts"


def _sources() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(HANDOUTS.rglob("*.py"))}


def test_rule_yaml_safe_loading_only():
    """Only yaml.SafeLoader; no full/unsafe loaders anywhere in the package."""
    for name, text in _sources().items():
        for unsafe in ("yaml.load(", "yaml.Loader", "FullLoader", "UnsafeLoader", "unsafe_load", "full_load",
                       "yaml.load_all("):
            assert unsafe not in text, f"handouts/{name} uses {unsafe}"
    from handouts.errors import HandoutError
    from handouts.model.yamlfile import parse
    with pytest.raises(HandoutError, match="could not determine a constructor"):
        parse("a: !!python/object/apply:os.system ['echo pwned']\n", "x.yaml")
    with pytest.raises(HandoutError, match="could not determine a constructor"):
        parse("a: !!python/name:os.system\n", "x.yaml")


def test_rule_alias_expansion_is_bounded():
    """A billion laughs fails fast with a clear error naming the file and line."""
    import time

    from handouts.errors import HandoutError
    from handouts.model.yamlfile import parse
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 12):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    began = time.monotonic()
    with pytest.raises(HandoutError) as info:
        parse("\n".join(lines) + "\n", "laughs.yaml")
    assert time.monotonic() - began < 2
    problem = info.value.problems[0]
    assert problem.file == "laughs.yaml" and problem.line
    assert "too many or too deeply nested values" in problem.message
    with pytest.raises(HandoutError, match="too many or too deeply nested"):
        parse("a: &a [*a]\n", "loop.yaml")


@pytest.mark.parametrize("template", [
    "{{ ''.__class__.__mro__ }}", "{{ clinic.__class__ }}", "{{ clinic.items.__self__ }}",
    "{{ clinic.name.__class__.__base__.__subclasses__() }}", "{{ handout.__dict__ }}", "{{ clinic._private }}",
    "{{ self }}", "{{ cycler }}", "{{ lipsum }}", "{{ range(10) }}", "{{ namespace() }}", "{{ config }}",
    "{{ clinic.name|attr('__class__') }}", "{{ clinic.name|map('upper')|list }}", "{% for x in clinic %}{% endfor %}",
    "{% set x = 1 %}", "{% import 'os' as os %}", "{% extends '/etc/passwd' %}", "{% include 'clinic.yaml' %}",
    "{{ clinic.name.format(clinic) }}", "{{ '%s' % clinic }}",
])
def test_rule_templates_are_sandboxed(template):
    """No dunder or private attributes, no globals, no loops or calls: each is a problem, never a value."""
    from jinja2.sandbox import SandboxedEnvironment

    from handouts.text.templating import Renderer, make_environment
    env = make_environment()
    assert isinstance(env, SandboxedEnvironment)
    renderer = Renderer(env, {"clinic": {"name": "Demo", "phone": "1"}, "handout": {"title": "T"}})
    out = renderer.markup(template, ("f.yaml", 3, 5, "blocks[0].text"))
    assert out == ""
    assert len(renderer.problems) == 1
    problem = renderer.problems[0]
    assert (problem.file, problem.line, problem.column, problem.path) == ("f.yaml", 3, 5, "blocks[0].text")
    assert "class" not in problem.message or "unsafe" in problem.message or "not allowed" in problem.message


def test_rule_ids_and_output_names_are_slugs(tmp_path: Path):
    """Handout, layout and clinic ids given on the command line are slugs; every output path the CLI
    makes stays inside the output folder; a content file whose name is not a slug is refused."""
    from handouts.build import Project
    from handouts.cli.main import Item
    from handouts.errors import HandoutError
    from handouts.model.layout import load_layout
    project_dir = copy_project(tmp_path / "project")
    project = Project(project_dir)
    for bad in ("../x", "/etc/passwd", "a/b", "A", "a b", "..", "", "a\\b", "a.pdf", "-a", "a--b"):
        with pytest.raises(HandoutError):
            project.select([bad], "en")
        with pytest.raises(HandoutError):
            load_layout(project_dir / "layouts", bad)
    out = tmp_path / "out"
    for hf in project.handout_files():
        for layout in project.layout_ids():
            target = Item(project_dir / "clinics/demo", hf, layout, "letter").output(out)
            assert target.resolve().is_relative_to(out.resolve())
    # a content file named like a path or with capitals never makes an output
    bad = project_dir / "content/demo/en/Bad Name.yaml"
    bad.write_text((project_dir / "content/demo/en/sample.yaml").read_text(encoding="utf-8").replace(
        "id: sample", "id: Bad Name"), encoding="utf-8")
    result = run(BUILD, project_dir)
    assert result.returncode == 1
    assert "content/demo/en/Bad Name.yaml:2:1: id: expected a short id" in result.stderr
    assert not list((project_dir / "out").rglob("Bad*")) if (project_dir / "out").exists() else True


def test_rule_logos_only_from_the_clinic_folder_with_limits(tmp_path: Path):
    from handouts.errors import HandoutError
    from handouts.layout import images
    from handouts.model.yamlfile import parse
    assert images.MAX_BYTES <= 5_000_000 and images.MAX_PIXELS <= 25_000_000
    project = copy_project(tmp_path / "project")
    folder = project / "clinics/demo"
    doc = parse("logo: x\n", "clinic.yaml")
    assert images.load_picture(folder, "logo.png", doc, ("logo",)).image.width == 240
    # a path that climbs out and back in names the same file, which is fine
    assert images.load_picture(folder, "../demo/logo.png", doc, ("logo",)).image.width == 240
    for name in ("../demo/../../content/demo/en/sample.yaml", "/etc/hostname", "C:/x.png", "\\\\server\\x.png",
                 "../../clinics/example/logo.png", "logo.svg", "logo.gif", "logo.pdf", "clinic.yaml"):
        with pytest.raises(HandoutError) as info:
            images.load_picture(folder, name, doc, ("logo",))
        assert info.value.problems[0].line == 1


def test_rule_no_network_access(tmp_path: Path, monkeypatch):
    """reportlab's URL fetching trusts no host (its default, which nothing in the package changes), and a
    whole build with URLs in the content opens no socket."""
    import socket

    from reportlab import rl_config
    from reportlab.lib.utils import rlUrlRead

    import handouts.build  # noqa: F401  (import everything that might touch rl_config)
    import handouts.cli.main  # noqa: F401
    assert not rl_config.trustedHosts
    for name, text in _sources().items():
        assert "trustedHosts" not in text and "trustedSchemes" not in text, f"handouts/{name} changes URL trust"
        for fetch in ("urllib", "requests", "http.client", "socket"):
            assert f"import {fetch}" not in text, f"handouts/{name} imports {fetch}"

    def no_network(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    with pytest.raises(OSError):
        rlUrlRead("https://example.org/logo.png")

    from handouts.build import Project, build_handout
    project_dir = copy_project(tmp_path / "project")
    content = project_dir / "content/demo/en/sample.yaml"
    content.write_text(content.read_text(encoding="utf-8").replace(
        "text: What to do", "text: \"<img src='https://example.org/a.png'/> <a href='https://example.org'>x</a>\"")
        + "  - type: qr\n    url: https://example.org/exercises\n    label: Videos\n", encoding="utf-8")
    project = Project(project_dir)
    hf = project.select(["sample"], "en")[0]
    built = build_handout(project, project.clinic(project_dir / "clinics/demo"), hf, "standard", "letter")
    assert built.pages == 1


def test_rule_fonts_only_from_the_package(tmp_path: Path):
    """The fonts registered and embedded are the Atkinson Hyperlegible files shipped in the font package."""
    from io import BytesIO

    from pypdf import PdfReader
    from reportlab.pdfbase import pdfmetrics

    from handouts.layout.fonts import FACES, font_folder, load_fonts
    fonts = load_fonts()
    folder = font_folder().resolve()
    assert all(Path(f).resolve().is_relative_to(folder) for f in fonts.files)
    for name, _ in FACES.values():
        assert Path(pdfmetrics.getFont(name).face.filename).resolve().is_relative_to(folder)
    for name, text in _sources().items():
        if name != "fonts.py":   # (seam.py defines the subclass fonts.py registers)
            assert not re.search(r"(?<!class )TTFont\(", text), f"handouts/{name} registers a font of its own"
    project = copy_project(tmp_path / "project")
    assert run(BUILD, project).returncode == 0
    reader = PdfReader(BytesIO((project / SAMPLE_PDF).read_bytes()))
    used = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            used.add(str(font.get_object()["/BaseFont"]))
    assert used and all("Atkinson" in name for name in used), used


VALID_IMAGES = sorted((CORPORA / "pillow-test-images" / "valid").glob("*.*")) \
    if (CORPORA / "pillow-test-images" / "valid").is_dir() else []


@pytest.mark.skipif(not VALID_IMAGES, reason="Pillow test images not found beside the repository "
                    "(../shared/corpora/pillow-test-images/valid)")
def test_every_valid_picture_works_as_a_logo(tmp_path: Path):
    """The other side of the logo rules: palette, grey, 16-bit, CMYK, rotated, transparent and tiny PNG and
    JPEG files all build."""
    from handouts.build import Project, build_handout
    project_dir = copy_project(tmp_path / "project")
    clinic = project_dir / "clinics/demo/clinic.yaml"
    base = clinic.read_text(encoding="utf-8")
    for image in VALID_IMAGES:
        if image.suffix.lower() not in (".png", ".jpg", ".jpeg"):
            continue
        shutil.copyfile(image, project_dir / "clinics/demo" / image.name)
        clinic.write_text(base.replace("logo: logo.png", f"logo: {image.name}"), encoding="utf-8")
        project = Project(project_dir)
        hf = project.select(["sample"], "en")[0]
        built = build_handout(project, project.clinic(project_dir / "clinics/demo"), hf, "standard", "letter")
        assert built.pages == 1, image.name
