"""What a page looks like: each shipped handout's pages against reference images (tests/golden.py).

A page differs when more than 0.3% of its pixels change by more than 48 levels (of 255) in a
channel: text moved by a line, a colour changed, a box or picture gone. Anti-aliasing differences
between PDFium versions stay far below that."""
import pytest
from golden import CASES, GOLDEN, build, compare, name, render

LIMIT = 0.003


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    import shutil

    from golden import REPO
    root = tmp_path_factory.mktemp("golden")
    for part in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / part, root / part)
    return {case: build(root, case) for case in CASES}


@pytest.mark.parametrize("case,page", [(c, p) for c, pages in CASES.items() for p in pages],
                         ids=[name(c, p) for c, pages in CASES.items() for p in pages])
def test_page_looks_like_its_reference_image(pdfs, case, page):
    from PIL import Image
    reference = GOLDEN / f"{name(case, page)}.png"
    assert reference.is_file(), f"no reference image: run python tests/golden.py and look at {reference.name}"
    actual = render(pdfs[case], page)
    share, diff = compare(Image.open(reference).convert("RGB"), actual)
    if share > LIMIT:
        actual.save(GOLDEN / f"{name(case, page)}.new.png")
        if diff is not None:
            diff.save(GOLDEN / f"{name(case, page)}.diff.png")
    assert share <= LIMIT, (f"{name(case, page)}: {share:.2%} of the pixels differ from the reference; "
                            f"see tests/golden/{name(case, page)}.new.png and .diff.png")
