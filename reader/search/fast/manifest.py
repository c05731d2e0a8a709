"""The manifest: which segment files and which deleted ordinals make the index's current state.

Written last, under a temporary name and renamed into place: a reader sees the old state or
the new one, never a mix.
"""

from __future__ import annotations

import json
import os
import sys
import zlib
from array import array
from collections.abc import Mapping
from pathlib import Path

from reader.search.fast.fileformat import FORMAT_VERSION, Damaged, file_name
from reader.search.fast.segment import Segment
from reader.search.fast.segment_reader import open_segment
from reader.search.fast.snapshot import Snapshot
from reader.system.private import open_private

MANIFEST = "manifest.json"
LOCK_FILE = "write.lock"


def manifest_stamp(folder: Path) -> tuple[int, int, int] | None:
    """What changes when another process writes a new state (one stat call)."""
    try:
        stat = (folder / MANIFEST).stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size, stat.st_ino)


def read_snapshot(folder: Path, known: Mapping[str, Segment] | None = None) -> Snapshot:
    """The state the manifest names; `known` segments (files never change) are reused."""
    known = known or {}
    try:
        manifest = json.loads((folder / MANIFEST).read_bytes())
    except (OSError, ValueError) as error:
        raise Damaged(f"manifest: {error}") from error
    if (
        not isinstance(manifest, dict)
        or manifest.get("format") != FORMAT_VERSION
        or manifest.get("byteorder") != sys.byteorder
    ):
        raise Damaged("manifest: another format")
    try:
        segments = []
        lo = 0
        for entry in manifest["segments"]:
            name, docs = entry["file"], entry["docs"]
            segment = known.get(name)
            if segment is None or segment.lo != lo or segment.size != docs:
                if (folder / name).stat().st_size != entry["bytes"]:
                    raise Damaged(f"{name}: size changed")
                segment = open_segment(folder / name, lo, docs)
            segments.append(segment)
            lo += docs
        dead = array("I")
        if manifest["dead"]["file"]:
            raw = (folder / manifest["dead"]["file"]).read_bytes()
            if zlib.crc32(raw) != manifest["dead"]["crc"] or len(raw) % 4:
                raise Damaged("deleted ordinals: checksum mismatch")
            dead.frombytes(raw)
        return Snapshot(segments, dead, int(manifest["generation"]))
    except (KeyError, TypeError, ValueError) as error:
        raise Damaged(f"manifest: {error}") from error


def write_manifest(folder: Path, entries: list[tuple[str, int]], dead: list[int], generation: int) -> set[str]:
    """Write the deleted ordinals' file and then the manifest naming it and the segments `entries`.

    Returns the names of the files the new state uses (every other file may go).
    """
    dead_name = ""
    dead_bytes = array("I", dead).tobytes()
    if dead:
        dead_name = file_name("dead", generation)
        _write_file(folder, dead_name, dead_bytes)
    manifest = {
        "format": FORMAT_VERSION,
        "byteorder": sys.byteorder,
        "generation": generation,
        "segments": [{"file": name, "docs": docs, "bytes": (folder / name).stat().st_size} for name, docs in entries],
        "dead": {"file": dead_name, "crc": zlib.crc32(dead_bytes)},
    }
    _write_file(folder, MANIFEST, json.dumps(manifest, indent=1).encode("utf-8"))
    return {MANIFEST, LOCK_FILE, dead_name, *(name for name, _ in entries)}


def remove_unused(folder: Path, keep: set[str]) -> None:
    """Remove the files no state uses (temporary files, named with a leading dot, stay)."""
    for path in folder.iterdir():
        if path.name not in keep and not path.name.startswith("."):
            remove_file(path)


def remove_file(path: Path) -> None:
    """Delete a file no manifest names; one still mapped somewhere (Windows) goes next time."""
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


def _write_file(folder: Path, name: str, data: bytes) -> None:
    temporary = folder / f".{name}.tmp"
    with open_private(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, folder / name)
