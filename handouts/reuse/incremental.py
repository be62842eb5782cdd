"""Incremental builds: a hash of every input of an output, recorded beside the outputs.

An output is up to date when its file exists and the state file in its folder
(`.handouts-state.json`, written atomically) records the same input hash. The inputs of a handout are
its content file (and the files beside it: images), the layout and its `extends` chain, the clinic
folder (profile and logo bytes), the label tables (a locale file changes a language), the fonts, and the generator (version, source files,
reportlab, pypdf and svglib versions, SOURCE_DATE_EPOCH). Every file is hashed at most once per run.
"""
from __future__ import annotations

import hashlib
import json
import os
from importlib import metadata
from pathlib import Path

import yaml

from handouts import __version__

STATE_FILE = ".handouts-state.json"
STATE_VERSION = 1


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class Hasher:
    """Hashes of input files and folders, each computed once."""

    sources = Path(__file__).parent.parent  # the package whose source files are part of the generator

    def __init__(self, root: Path):
        self.root = root
        self._files: dict[Path, str] = {}
        self._folders: dict[tuple, str] = {}
        self._layouts: dict[str, str] = {}
        self._generator: str | None = None

    def file(self, path: Path) -> str:
        if path not in self._files:
            try:
                self._files[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._files[path] = "missing"
        return self._files[path]

    def folder(self, folder: Path, skip_suffix: str | None = None, recursive: bool = False) -> str:
        """Every visible file in a folder (names relative to it, and bytes)."""
        key = (folder, skip_suffix, recursive)
        if key not in self._folders:
            try:
                found = folder.rglob("*") if recursive else folder.iterdir()
                names = sorted(p for p in found
                               if not any(part.startswith(".") for part in p.relative_to(folder).parts)
                               and not (skip_suffix and p.name.endswith(skip_suffix)) and p.is_file())
            except OSError:
                names = []
            self._folders[key] = _digest(*(f"{p.relative_to(folder).as_posix()}={self.file(p)}" for p in names))
        return self._folders[key]

    def layout(self, layout_id: str) -> str:
        """The layout file and every file up its `extends` chain."""
        if layout_id not in self._layouts:
            parts, seen = [], set()
            current: str | None = layout_id
            while current and current not in seen:
                seen.add(current)
                path = self.root / "layouts" / f"{current}.yaml"
                parts.append(f"{current}={self.file(path)}")
                try:
                    data = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
                    current = data.get("extends") if isinstance(data, dict) else None
                    current = current if isinstance(current, str) else None
                except (OSError, yaml.YAMLError, UnicodeDecodeError):
                    current = None
            self._layouts[layout_id] = _digest(*parts)
        return self._layouts[layout_id]

    def generator(self) -> str:
        """The version, the package's source files, the libraries that write the bytes, and the fonts."""
        if self._generator is None:
            from handouts.layout.fonts import FACES, font_folder
            package = self.sources
            parts = [__version__, os.environ.get("SOURCE_DATE_EPOCH", "").strip()]
            for lib in ("reportlab", "pypdf", "rl_accel", "svglib"):   # svglib: how an SVG logo is drawn
                try:
                    parts.append(f"{lib}={metadata.version(lib)}")
                except metadata.PackageNotFoundError:
                    parts.append(f"{lib}=none")
            parts += [f"{p.relative_to(package).as_posix()}={self.file(p)}" for p in sorted(package.rglob("*.py"))]
            fonts = font_folder()
            parts += [f"{file}={self.file(fonts / file)}" for _, file in FACES.values()]
            self._generator = _digest(*parts)
        return self._generator

    def handout_key(self, clinic: Path, content: Path, language: str, layout: str, paper: str,
                    archive: bool = False) -> str:
        return _digest("handout", self.generator(), paper, "pdf/a-2b" if archive else "pdf/ua-1",
                       f"content={self.file(content)}", f"assets={self.folder(content.parent, '.yaml', recursive=True)}",
                       f"figures={self.file(content.parent.parent / 'figures.yaml')}",
                       f"library={self.folder(content.parent.parent / 'library', recursive=True)}",
                       f"labels={self.folder(self.root / 'content' / 'labels')}",
                       f"layout={layout}:{self.layout(layout)}", f"clinic={self.folder(clinic)}")

    @staticmethod
    def packet_key(title: str, part_keys: list[str]) -> str:
        return _digest("packet", title, *part_keys)


class State:
    """The recorded input hash of every output, one JSON file per output folder."""

    def __init__(self):
        self._folders: dict[Path, dict[str, str]] = {}
        self._dirty: set[Path] = set()

    def _table(self, folder: Path) -> dict[str, str]:
        if folder not in self._folders:
            table: dict[str, str] = {}
            try:
                data = json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))
                if isinstance(data, dict) and data.get("version") == STATE_VERSION \
                        and isinstance(data.get("outputs"), dict):
                    table = {str(k): str(v) for k, v in data["outputs"].items()}
            except (OSError, ValueError):
                pass
            self._folders[folder] = table
        return self._folders[folder]

    def fresh(self, output: Path, key: str) -> bool:
        return self._table(output.parent).get(output.name) == key and output.is_file()

    def record(self, output: Path, key: str) -> None:
        self._table(output.parent)[output.name] = key
        self._dirty.add(output.parent)

    def forget(self, output: Path) -> None:
        if self._table(output.parent).pop(output.name, None) is not None:
            self._dirty.add(output.parent)

    def save(self) -> None:
        """Record the outputs, after making sure their bytes are on disk (they are written without an
        fsync each); the state files themselves are written atomically and synced."""
        from handouts.write import write_atomic
        if self._dirty and hasattr(os, "sync"):
            os.sync()
        for folder in sorted(self._dirty):
            body = json.dumps({"version": STATE_VERSION, "outputs": dict(sorted(self._folders[folder].items()))},
                              indent=0, sort_keys=True)
            write_atomic(folder / STATE_FILE, body.encode("utf-8"))
        self._dirty.clear()
