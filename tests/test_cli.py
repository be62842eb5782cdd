"""The command line as an office manager meets it (issue 15): several languages, papers and layouts
in one build, clinics by id, choices in any case, a "did you mean" for every mistyped name, a YAML
tab named as such, a closing line that says what happened, and a batch that prints each cause once."""
from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "fixtures"))
from kit import REPO, copy_project, run  # noqa: E402

from handouts.cli.main import main  # noqa: E402
from handouts.errors import HandoutError  # noqa: E402
from handouts.model import yamlfile  # noqa: E402


@pytest.fixture
def proj(tmp_path, monkeypatch):
    """The fixture project with the sample handout in English and Spanish, a second handout
    ('extra') in English only, and a second clinic, st-marys; the working folder is the project."""
    root = copy_project(tmp_path / "project")
    en = root / "content/demo/en/sample.yaml"
    es = root / "content/demo/es/sample.yaml"
    es.parent.mkdir()
    es.write_text(en.read_text(encoding="utf-8").replace("language: en", "language: es"), encoding="utf-8")
    shutil.copyfile(REPO / "content/labels/es.yaml", root / "content/labels/es.yaml")
    (root / "content/demo/en/extra.yaml").write_text(
        en.read_text(encoding="utf-8").replace("id: sample", "id: extra"), encoding="utf-8")
    shutil.copytree(root / "clinics/demo", root / "clinics/st-marys")
    monkeypatch.chdir(root)
    return root


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """main() as `python generate.py ARGS` runs it: (exit code, stdout, stderr); usage errors exit 2."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err


def pdfs(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root / "out")) for p in (root / "out").rglob("*.pdf")) \
        if (root / "out").is_dir() else []


# -- 1. several languages, papers and layouts --------------------------------------------------------

def test_build_takes_several_languages_papers_and_layouts(proj, capsys):
    code, out, err = cli(capsys, "build", "--clinic", "demo", "--handout", "sample", "--lang", "en", "es",
                         "--paper", "letter", "a4", "--layout", "standard", "large-print", "--out", "out")
    assert code == 0, err
    assert pdfs(proj) == sorted(f"demo/{lang}/{paper}/{layout}/demo-sample.pdf" for lang in ("en", "es")
                                for paper in ("letter", "a4") for layout in ("standard", "large-print"))
    assert len(out.splitlines()) == 8


def test_all_builds_every_handout_in_every_language_it_is_in(proj, capsys):
    code, _, err = cli(capsys, "build", "--clinic", "demo", "--lang", "all", "--paper", "all", "--layout", "all",
                       "--out", "out")
    assert code == 0, err
    built = pdfs(proj)
    assert len(built) == 12   # sample in en and es, extra in en; 2 papers x 2 layouts each
    assert "demo/en/a4/large-print/demo-extra.pdf" in built
    assert not any("es/" in p and "extra" in p for p in built)


def test_a_handout_missing_in_a_language_asked_for_is_an_error(proj, capsys):
    code, _, err = cli(capsys, "build", "--clinic", "demo", "--handout", "extra", "--lang", "en", "es",
                       "--out", "out")
    assert code == 1
    assert err.splitlines() == ["error: handout 'extra' is not in language 'es'; it is in: en",
                                "nothing was built: 1 problem"]
    assert pdfs(proj) == []


def test_the_default_paper_is_still_the_clinics(proj, capsys):
    profile = proj / "clinics/demo/clinic.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("country: US", "country: IE"), encoding="utf-8")
    code, _, err = cli(capsys, "build", "--clinic", "demo", "--handout", "sample", "--out", "out")
    assert code == 0, err
    assert pdfs(proj) == ["demo/en/a4/standard/demo-sample.pdf"]


# -- 2. --clinic takes an id or a folder -------------------------------------------------------------

@pytest.mark.parametrize("given", ["st-marys", "ST-Marys", "clinics/st-marys"])
def test_clinic_by_id_any_case_or_by_folder(proj, capsys, given):
    code, _, err = cli(capsys, "build", "--clinic", given, "--handout", "sample", "--out", "out")
    assert code == 0, err
    assert pdfs(proj) == ["st-marys/en/letter/standard/demo-sample.pdf"]


@pytest.mark.parametrize("command", [["build"], ["check"]])
def test_unknown_clinic_says_which_there_are(proj, capsys, command):
    code, _, err = cli(capsys, *command, "--clinic", "st-mary")
    assert code == 1
    assert "error: clinic 'st-mary' not found; did you mean 'st-marys'? clinics: demo, st-marys" in err.splitlines()


def test_check_takes_a_clinic_id(proj, capsys):
    code, out, err = cli(capsys, "check", "--clinic", "Demo")
    assert code == 0, err
    assert "demo-sample" in out


# -- 3. choices in any case ----------------------------------------------------------------------------

def test_choices_and_ids_in_any_case(proj, capsys):
    code, _, err = cli(capsys, "build", "--clinic", "DEMO", "--handout", "Sample", "--lang", "ES",
                       "--paper", "A4", "--layout", "Large-Print", "--out", "out")
    assert code == 0, err
    assert pdfs(proj) == ["demo/es/a4/large-print/demo-sample.pdf"]


# -- 4. did you mean -----------------------------------------------------------------------------------

def test_mistyped_command_is_a_usage_error_with_a_suggestion(proj):
    done = run(["biuld"], proj)
    assert done.returncode == 2
    assert "usage: generate.py" in done.stderr
    assert "error: argument COMMAND: invalid choice: 'biuld'; did you mean 'build'?" in done.stderr
    assert "Traceback" not in done.stderr


def test_mistyped_paper_is_a_usage_error_with_a_suggestion(proj, capsys):
    code, _, err = cli(capsys, "build", "--paper", "leter")
    assert code == 2
    assert "argument --paper: invalid choice: 'leter'; did you mean 'letter'? (choose from letter, a4, all)" in err


@pytest.mark.parametrize(("args", "expected"), [
    (["--lang", "fr"], "error: no handouts in language 'fr' under content; languages: en, es"),
    (["--lang", "esp"], "error: no handouts in language 'esp' under content; did you mean 'es'? languages: en, es"),
    (["--handout", "sampel"], "error: unknown handout 'sampel' in language 'en'; did you mean 'sample'? "
                              "available: extra, sample"),
    (["--layout", "large-prnt"], "error: layouts: unknown layout 'large-prnt'; did you mean 'large-print'? "
                                 "available: large-print, standard"),
    (["--clinic", "dem"], "error: clinic 'dem' not found; did you mean 'demo'? clinics: demo, st-marys"),
])
def test_mistyped_names_get_a_suggestion(proj, capsys, args, expected):
    code, _, err = cli(capsys, "build", "--clinic", "demo", "--out", "out", *args)
    assert code == 1
    assert err.splitlines() == [expected, "nothing was built: 1 problem"]
    assert pdfs(proj) == []


def test_every_mistake_of_a_command_line_at_once(proj, capsys):
    code, _, err = cli(capsys, "build", "--clinic", "nowhere", "--layout", "tiny", "--handout", "nope")
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 4 and lines[-1] == "nothing was built: 3 problems", err


# -- 5. a tab in YAML ------------------------------------------------------------------------------------

TABBED = "id: sample\nreview:\n\tversion: '1.0'\n"


def test_a_tab_is_named_both_ways():
    """Both parsers: the fast one (libyaml) hands a file with a tab to the slow one, whose message
    keeps the line and column and says what to do."""
    expected = "f.yaml:3:1: invalid YAML: a tab is not allowed for indenting in YAML; use spaces"
    for parse in (yamlfile.parse, yamlfile.parse_slow):
        with pytest.raises(HandoutError) as info:
            parse(TABBED, "f.yaml")
        assert str(info.value) == expected
    assert yamlfile._parse_fast(TABBED, "f.yaml") is None
    with pytest.raises(HandoutError, match=r"f.yaml:1:3: invalid YAML: a tab is not allowed for spacing in YAML"):
        yamlfile.parse("a:\tb\n", "f.yaml")
    with pytest.raises(HandoutError, match="while parsing a flow"):   # other errors keep PyYAML's words
        yamlfile.parse("a: [1,\n", "f.yaml")


def test_a_tab_in_a_content_file(proj, capsys):
    sample = proj / "content/demo/en/sample.yaml"
    sample.write_text(sample.read_text(encoding="utf-8").replace('  version: "1.0"', '\tversion: "1.0"'),
                      encoding="utf-8")
    code, _, err = cli(capsys, "build", "--clinic", "demo", "--handout", "sample", "--out", "out")
    assert code == 1
    assert "error: content/demo/en/sample.yaml:11:1: invalid YAML: a tab is not allowed for indenting in YAML; " \
           "use spaces" in err.splitlines()
    assert "cannot start any token" not in err


# -- 6. the closing line says what happened ------------------------------------------------------------

def test_some_handouts_failed(proj, capsys):
    extra = proj / "content/demo/en/extra.yaml"
    extra.write_text(extra.read_text(encoding="utf-8").replace("pages: 1", "pages: 7"), encoding="utf-8")
    code, out, err = cli(capsys, "build", "--clinic", "demo", "--paper", "all", "--out", "out")
    assert code == 1
    assert len(out.splitlines()) == 2 and len(pdfs(proj)) == 2
    lines = err.splitlines()
    assert lines[-1] == "2 of 4 handouts failed; the other 2 were written", err
    assert len(lines) == 2   # the one problem (the same file for both papers), then the closing line


def test_every_handout_failed(proj, capsys):
    profile = proj / "clinics/demo/clinic.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('"#17406E"', '"#FFFF00"'), encoding="utf-8")
    code, _, err = cli(capsys, "build", "--clinic", "demo", "--handout", "sample", "extra", "--out", "out")
    assert code == 1
    lines = err.splitlines()
    assert re.match(r"error: clinics/demo/clinic.yaml:\d+:\d+: brand.primary: ", lines[0]), err
    assert lines[1:] == ["2 of 2 handouts failed; nothing was written"]


@pytest.mark.parametrize("paper", [[], ["--paper", "a4"]])
def test_failing_before_building_says_nothing_was_built(proj, capsys, paper):
    profile = proj / "clinics/demo/clinic.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("phone: (217) 555-0100", "phone: call us"),
                       encoding="utf-8")
    code, _, err = cli(capsys, "build", "--clinic", "demo", *paper, "--out", "out")
    assert code == 1
    lines = err.splitlines()
    assert lines[0].startswith("error: clinics/demo/clinic.yaml:6:1: phone: ")
    assert lines[1:] == ["nothing was built: 1 problem"]
    assert "above" not in err


# -- 7. a batch prints each cause once ------------------------------------------------------------------

MANIFEST = """clinics: [clinics/*]
handouts: [sample, extra]
languages: [en]
papers: all
layouts: all
packets:
  - id: both
    title: Both
    handouts: [sample, extra]
"""


def _bad_brand(proj: Path) -> None:
    profile = proj / "clinics/st-marys/clinic.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace('"#17406E"', '"#FFFF00"'), encoding="utf-8")


@pytest.mark.parametrize("quiet", [[], ["-q"]])
def test_batch_prints_one_line_per_cause(proj, capsys, quiet):
    _bad_brand(proj)
    (proj / "m.yaml").write_text(MANIFEST, encoding="utf-8")
    code, _, err = cli(capsys, "batch", "m.yaml", "--jobs", "1", *quiet)
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 2, err
    cause, tally = lines
    assert re.match(r"error: clinics/st-marys/clinic.yaml:\d+:\d+: brand.primary: .*#FFFF00", cause), cause
    assert cause.endswith(" (8 handouts and 4 packets: output/st-marys/en/a4/large-print/demo-extra.pdf, "
                          "output/st-marys/en/a4/large-print/demo-sample.pdf, "
                          "output/st-marys/en/a4/standard/demo-extra.pdf and 9 more)"), cause
    assert re.fullmatch(r"12 built, 0 up to date, 12 failed \(.* s\)", tally), tally


def test_batch_verbose_lists_every_output(proj, capsys):
    _bad_brand(proj)
    (proj / "m.yaml").write_text(MANIFEST, encoding="utf-8")
    code, _, err = cli(capsys, "batch", "m.yaml", "--jobs", "1", "-q", "-v")
    assert code == 1
    listed = [line.strip() for line in err.splitlines() if line.startswith("    ")]
    assert len(listed) == 12 and sum("/packets/" in line for line in listed) == 4
    assert sum(line.startswith("FAILED ") for line in err.splitlines()) == 8   # as they happened
    assert "(8 handouts and 4 packets):" in err


def test_batch_causes_stay_apart(proj, capsys):
    """Two causes, two lines; a packet counts under each cause that stopped one of its handouts."""
    _bad_brand(proj)
    extra = proj / "content/demo/en/extra.yaml"
    extra.write_text(extra.read_text(encoding="utf-8").replace("pages: 1", "pages: 7"), encoding="utf-8")
    (proj / "m.yaml").write_text(MANIFEST.replace("papers: all", "papers: [letter]")
                                 .replace("layouts: all", "layouts: [standard]"), encoding="utf-8")
    code, _, err = cli(capsys, "batch", "m.yaml", "--jobs", "1", "-q")
    assert code == 1
    lines = err.splitlines()
    assert len(lines) == 3, err
    # st-marys' sample stops at its colour; both clinics' extra at its page count, before any colour
    assert "brand.primary" in lines[0] and lines[0].endswith(
        "(1 handout and 1 packet: output/st-marys/en/letter/standard/demo-sample.pdf, "
        "output/st-marys/en/letter/standard/packets/both.pdf)"), lines[0]
    assert lines[1].startswith("error: content/demo/en/extra.yaml:8:1: pages: ")
    assert lines[1].endswith("(2 handouts and 2 packets: output/demo/en/letter/standard/demo-extra.pdf, "
                             "output/st-marys/en/letter/standard/demo-extra.pdf, "
                             "output/demo/en/letter/standard/packets/both.pdf and 1 more)"), lines[1]
    assert lines[2].startswith("1 built, 0 up to date, 5 failed")
