"""Stage: write. A file is written whole or not at all: to a temporary file in the same folder, then
renamed over the target; a killed run's leftover temporary files are removed by the next write."""
from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path


def remove_stale_temps(path: Path) -> None:
    """Delete temporary files a killed run left for this output (`.<name>.<pid>-xxxx.tmp` whose process is
    gone). SIGKILL, or SIGTERM to a plain build, stops a write between creating the temp and renaming it."""
    pattern = re.compile(rf"^\.{re.escape(path.name)}\.(\d+)-[^/]*\.tmp$")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        m = pattern.match(name)
        if not m or int(m.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(m.group(1)), 0)
            continue                      # still running: another run is writing it
        except ProcessLookupError:
            pass
        except OSError:
            continue
        try:
            os.unlink(path.parent / name)
        except OSError:
            pass


def write_atomic(path: Path, data: bytes, sync: bool = True) -> None:
    """Write to a temporary file in the same folder, then rename: never a half-written file.
    sync: the bytes reach the disk before the rename (a batch syncs once for all its files instead)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
