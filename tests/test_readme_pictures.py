"""The README's page pictures (docs/<handout>-page1.png) are what the handouts look like now: each is
compared with page 1 as it builds today, like the reference images (tests/test_golden.py). When a
handout changes, this fails until `python docs/make_pictures.py` has drawn them again."""
import shutil
import sys
from pathlib import Path

import pytest
from golden import compare
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "docs"))
from make_pictures import PICTURES, picture  # noqa: E402

LIMIT = 0.003


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    from handouts.build import Project
    root = tmp_path_factory.mktemp("pictures")
    for part in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / part, root / part)
    return Project(root)


@pytest.mark.parametrize("handout", PICTURES)
def test_readme_picture_is_the_handout_as_it_is_now(project, handout):
    target = REPO / "docs" / f"{handout}-page1.png"
    assert f"]({target.relative_to(REPO).as_posix()})" in (REPO / "README.md").read_text(), "not in the README"
    share, _ = compare(Image.open(target).convert("RGB"), picture(project, handout).convert("RGB"))
    assert share <= LIMIT, (f"{target.name}: {share:.2%} of the pixels differ from the handout as it builds now; "
                            "run python docs/make_pictures.py and look at the pictures")
