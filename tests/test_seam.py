"""handouts changes reportlab only through its own subclasses (handouts/seam.py): another reportlab
user in the same process gets the same PDF as without handouts, and the order in which handouts'
modules are imported changes nothing."""
import ast
import hashlib
import pkgutil
import random
import subprocess
import sys
from pathlib import Path

import pytest

import handouts
from handouts.pdf.seam import check_reportlab

PACKAGE = Path(handouts.__file__).parent
REPO = PACKAGE.parent

# A plain reportlab document using what handouts subclasses: paragraphs, tables, lists, a picture,
# a TrueType font, a graphics drawing (a QR code) and a chart with a label.
PLAIN_DOCUMENT = r'''
import io, sys
from PIL import Image
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (Image as RLImage, ListFlowable, ListItem, Paragraph, SimpleDocTemplate,
                                Spacer, Table, TableStyle)
import fontpkg_atkinson_hyperlegible, pathlib
folder = pathlib.Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
pdfmetrics.registerFont(TTFont("PlainAtkinson", str(folder / "AtkinsonHyperlegible-Regular.ttf")))
styles = getSampleStyleSheet()
body = styles["BodyText"]
picture = Image.new("RGB", (60, 30), "white")
picture.paste((200, 30, 30), (10, 5, 40, 25))
png = io.BytesIO()
picture.save(png, "PNG")
png.seek(0)
qr = QrCodeWidget("https://example.org/a", barLevel="M")
drawing = Drawing(80, 80)
drawing.add(qr)
drawing.add(String(5, 5, "label"))
story = [Paragraph("A <b>plain</b> reportlab document, long enough to wrap onto a second line " * 3, body),
         Paragraph('<font name="PlainAtkinson">Text in a TrueType font: Zaq Jo 123</font>', body),
         ListFlowable([ListItem(Paragraph(f"item {i}", body)) for i in range(3)], bulletType="1"),
         Table([["a", "b"], ["", Paragraph("cell", body)]], style=TableStyle([("GRID", (0, 0), (-1, -1), 1, "black"),
                                                                              ("BACKGROUND", (0, 0), (-1, 0), "#ddeeff")])),
         Spacer(1, 12), RLImage(png, 60, 30), drawing]
out = io.BytesIO()
SimpleDocTemplate(out, invariant=1).build(story)
sys.stdout.write(out.getvalue().hex())
'''

# one handout built (fonts registered and all) for the example clinic; PRINT_HASH prints its sha256
BUILD_ONE = r'''
import hashlib, pathlib
from handouts.build import Project, build_handout
p = Project(pathlib.Path(REPO))
hf = next(h for h in p.select(None, "en") if h.id == "exercises")
built = build_handout(p, p.clinic(pathlib.Path(REPO) / "clinics" / "example"), hf, "standard", "letter")
'''
PRINT_HASH = "print(hashlib.sha256(built.pdf).hexdigest())\n"


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_plain_reportlab_document_is_the_same_before_and_after_handouts_is_used():
    alone = _run(PLAIN_DOCUMENT)
    after = _run(f"REPO = {str(REPO)!r}\n" + BUILD_ONE + PLAIN_DOCUMENT)
    assert alone and hashlib.sha256(alone.encode()).hexdigest() == hashlib.sha256(after.encode()).hexdigest()


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages([str(PACKAGE)], "handouts.")
                  if not m.name.endswith("__main__"))




def test_the_order_modules_are_imported_in_changes_no_byte():
    """Three shuffled import orders of every module (seeded: a failure can be repeated), then one
    handout built: the same bytes as importing build alone."""
    reference = _run(f"REPO = {str(REPO)!r}\n" + BUILD_ONE + PRINT_HASH).strip()
    rng = random.Random(12)
    for _ in range(3):
        order = _modules()
        rng.shuffle(order)
        imports = "".join(f"import {name}\n" for name in order)
        assert _run(imports + f"REPO = {str(REPO)!r}\n" + BUILD_ONE + PRINT_HASH).strip() == reference, order


def _reportlab_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "reportlab":
            names.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            names.update((a.asname or a.name).split(".")[0] for a in node.names if a.name.startswith("reportlab"))
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_assigns_to_a_reportlab_class_or_module(path):
    """No `Table.draw = ...`, `rl_config.x = ...`, `STATE_DEFAULTS[...] = ...` or setattr on them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = _reportlab_names(tree)
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        elif isinstance(node, ast.Delete):
            targets = node.targets
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr"):
            targets = node.args[:1]
        for t in targets:
            base = t
            while isinstance(base, (ast.Attribute, ast.Subscript)):
                base = base.value
            if isinstance(base, ast.Name) and base.id in names and base is not t:
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(t)}")
            elif isinstance(node, ast.Call) and isinstance(base, ast.Name) and base.id in names:
                found.append(f"{path.name}:{node.lineno}: setattr({ast.unparse(t)}, ...)")
    assert not found


def test_only_the_seam_reaches_into_reportlabs_private_modules_names():
    """Private names of reportlab's modules (`pdfdoc._digester`) are read in seam.py alone."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "seam.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = _reportlab_names(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__")
                    and isinstance(node.value, ast.Name) and node.value.id in names):
                found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab"):
                found += [f"{path.name}:{node.lineno}: {a.name}" for a in node.names if a.name.startswith("_")]
    assert not found


@pytest.mark.parametrize("version", ["4.2.0", "5.0.0", "5.2.0", "6.0"])
def test_an_unsupported_reportlab_is_refused_with_the_version_found(version):
    with pytest.raises(ImportError, match=rf"this is reportlab {version}: pip install"):
        check_reportlab(version)


@pytest.mark.parametrize("version", ["5.0.1", "5.1.0", "5.1.9"])
def test_supported_reportlab_versions_are_accepted(version):
    check_reportlab(version)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                   and ast.unparse(node.test) == "TYPE_CHECKING" for n in ast.walk(node)}
    nodes = list(ast.walk(tree))
    found = set()
    for node in nodes:
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("handouts"):
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("handouts"))
    return found


def test_no_import_cycles_between_modules():
    """Every import, including those inside functions: a cycle broken only by importing late is
    still a cycle. The package folders follow the pipeline; modules depend one way."""
    modules = {name: PACKAGE.parent / (name.replace(".", "/") + ".py") for name in _modules()}
    modules = {n: p if p.exists() else p.with_suffix("") / "__init__.py" for n, p in modules.items()}
    graph = {n: {m for m in _imports(p) if m in modules and m != n} for n, p in modules.items()}
    state: dict[str, int] = {}

    def visit(n, path):
        state[n] = 1
        for m in sorted(graph[n]):
            if state.get(m) == 1:
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(m):] + [m]))
            if m not in state:
                visit(m, path + [m])
        state[n] = 2

    for n in sorted(graph):
        if n not in state:
            visit(n, [n])


def test_importing_handouts_modules_changes_no_other_library():
    """Importing every module of the package leaves reportlab's settings and font defaults as they were."""
    code = ("from reportlab import rl_config\nfrom reportlab.graphics.shapes import STATE_DEFAULTS\n"
            "before = (dict(vars(rl_config)), dict(STATE_DEFAULTS))\n"
            + "".join(f"import {m}\n" for m in _modules())
            + "after = (dict(vars(rl_config)), dict(STATE_DEFAULTS))\n"
              "print([k for k in set(before[0]) | set(after[0]) if before[0].get(k) is not after[0].get(k)"
              " and not k.startswith('__')], before[1] == after[1])\n")
    assert _run(code).strip() == "[] True"
