import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path):
    """A writable copy of the repository's content, layouts and clinics."""
    for name in ("content", "layouts", "clinics"):
        shutil.copytree(REPO / name, tmp_path / name)
    return tmp_path
