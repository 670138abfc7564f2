"""Write files so that readers never see half a file and failures leave old outputs intact."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_bytes_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` through a temporary file in the same folder, then rename.

    Returns ``False`` (and leaves the file, and its modification time, alone) when it already holds
    exactly these bytes, so reruns do not touch unchanged outputs.
    """
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp_name, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary shared files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return True


def write_text_atomic(path: Path, text: str) -> bool:
    """UTF-8, LF-only variant of :func:`write_bytes_atomic`."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def write_texts_atomic(outputs: dict[Path, str]) -> tuple[list[Path], list[Path]]:
    """Write several UTF-8 texts so that either all of them change or none does.

    Every new content goes to a temporary file beside its target first; only when all are on disk are they
    renamed into place (renames within a folder are atomic). Files whose bytes are unchanged are left alone.
    Returns ``(written, unchanged)``. An ``OSError`` before the renames leaves every target as it was.
    """
    staged: list[tuple[str, Path]] = []
    unchanged: list[Path] = []
    try:
        for path, text in outputs.items():
            data = text.encode("utf-8")
            if path.exists() and path.read_bytes() == data:
                unchanged.append(path)
                continue
            staged.append((_stage(path, data), path))
    except BaseException:
        for tmp_name, _ in staged:
            Path(tmp_name).unlink(missing_ok=True)
        raise
    for tmp_name, path in staged:
        os.replace(tmp_name, path)
    return [path for _, path in staged], unchanged


def _stage(path: Path, data: bytes) -> str:
    """Write ``data`` to a synced temporary file beside ``path``; return its name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp_name, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary shared files
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return tmp_name
