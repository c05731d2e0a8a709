"""Bring the catalog in step with the digest files: find what changed, read it, record it.

A file whose size and time are as the catalog has them is not read; one that is read but
whose fingerprint (sha1 of what is read) is unchanged is only touched. The search indexes
are not this package's business: the caller indexes the papers `record_changes` reports.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reader.domain.models import Digest, ParseWarning
from reader.domain.text import clean_text, paper_id, title_key
from reader.ingest.catalog import Catalog, Places, size_and_time
from reader.ingest.digest import MAX_FILE_BYTES, parse_read, read_digest

# (stage, done, total): "reading digests", 3, 40
Progress = Callable[[str, int, int], None]
# What the catalog knows of a digest file: (digest id, size, mtime_ns, sha1).
Fingerprint = tuple[int, int, int, str]


@dataclass(frozen=True)
class ChangedFile:
    path: Path
    stat: os.stat_result
    previous: Fingerprint | None  # None for a file the catalog has never read


@dataclass
class Changes:
    """The digest files that differ from the catalog (to read) and the ones gone (stale)."""

    pending: list[ChangedFile] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    unchanged: int = 0
    warnings: list[ParseWarning] = field(default_factory=list)

    @property
    def bytes_to_read(self) -> int:
        return sum(min(change.stat.st_size, MAX_FILE_BYTES) for change in self.pending)


@dataclass
class Recorded:
    """What `record_changes` did, and the papers whose text may have changed."""

    affected: set[str] = field(default_factory=set)
    parsed: int = 0
    unchanged: int = 0
    removed: int = 0
    renamed: int = 0  # places of papers read again under a new id (text cleaned up differently)
    warnings: list[ParseWarning] = field(default_factory=list)


def find_changes(files: Sequence[Path], known: Mapping[str, Fingerprint]) -> Changes:
    """Compare the digest files found with the catalog's fingerprints by size and time."""
    changes = Changes()
    present = {str(file) for file in files}
    changes.stale = [path for path in known if path not in present]
    for file in files:
        try:
            stat = file.stat()
        except OSError as error:
            changes.warnings.append(ParseWarning(str(file), 0, f"cannot read: {error.strerror or error}"))
            continue
        previous = known.get(str(file))
        if previous and previous[1:3] == size_and_time(stat):
            changes.unchanged += 1
        else:
            changes.pending.append(ChangedFile(file, stat, previous))
    return changes


def record_changes(
    catalog: Catalog, changes: Changes, known: Mapping[str, Fingerprint], progress: Progress | None
) -> Recorded:
    """Update the catalog for removed and changed digests, inside the caller's transaction;
    `known` is the catalog's fingerprints read in that transaction."""
    recorded = Recorded()
    for path in changes.stale:
        recorded.affected |= catalog.remove_digest(known[path][0])
        recorded.removed += 1
    for number, change in enumerate(changes.pending, start=1):
        if progress:
            progress("reading digests", number, len(changes.pending))
        _record_file(catalog, change, recorded)
    catalog.forget_previous_places()  # compared above (or their file is gone): used up
    return recorded


def _record_file(catalog: Catalog, change: ChangedFile, recorded: Recorded) -> None:
    file, previous = change.path, change.previous
    try:
        read = read_digest(file)
    except OSError as error:  # unreadable, or replaced by a folder since discovery
        recorded.warnings.append(ParseWarning(str(file), 0, f"cannot read: {error.strerror or error}"))
        return
    # The fingerprint covers what is read, not the whole file: a 3 GB file costs
    # its first 32 MiB, and a change past them would change nothing shown.
    sha1 = hashlib.sha1(read.data).hexdigest()
    if previous and sha1 == previous[3]:
        catalog.touch(previous[0], *size_and_time(change.stat))
        recorded.unchanged += 1
        return
    digest = parse_read(read, str(file))
    recorded.warnings.extend(digest.warnings)
    recorded.parsed += 1
    listed_before = catalog.places(str(file), previous[0] if previous else None)
    if previous:
        recorded.affected |= catalog.remove_digest(previous[0])
    recorded.affected |= catalog.put_digest(digest, *size_and_time(change.stat), sha1)
    renames = same_papers_renamed(listed_before, digest, sha1)
    catalog.add_renamed_ids(renames)
    recorded.renamed += len(renames)


def same_papers_renamed(before: Places, digest: Digest, sha1: str) -> list[tuple[str, str]]:
    """(old id, new id) for each paper of a digest read again that is listed at the same
    place under another id, and is the same paper: its old title, cleaned by today's rules,
    is the new one; or the file is byte for byte the same (only the reading rules changed),
    the old id is gone from it and the new one was not there before."""
    old_sha1, places = before
    if not places:  # a digest read for the first time
        return []
    new_ids: Sequence[str] = [paper_id(entry.title) for entry in digest.entries]
    listed_now, listed_before = set(new_ids), {pid for _, pid, _ in places}
    renames = []
    for position, old_id, old_title in places:
        if not 1 <= position <= len(new_ids) or new_ids[position - 1] == old_id:
            continue
        new_id, new_title = new_ids[position - 1], digest.entries[position - 1].title
        same_title = title_key(clean_text(old_title)) == title_key(new_title)
        same_file = old_sha1 == sha1 and old_id not in listed_now and new_id not in listed_before
        if same_title or same_file:
            renames.append((old_id, new_id))
    return renames
