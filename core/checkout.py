"""What git already knows of the content: the id of each committed file's bytes.

A fresh checkout (CI) gives every file a new modification time and inode, so that caches keyed by
them (the photos' hashes, the reader's view of the files beside an article) would all miss, and
CI would read every photo and convert every article again to publish one edit. Git's index knows,
for each tracked file that is as committed, the id of its bytes (a hash of them): that id stands
for the bytes in those keys. A file git does not track, marks as not to be checked
(assume-unchanged, skip-worktree), finds changed, or that changes after it was asked (its size,
time or inode differ from those seen then), keeps the usual key. Without git, or outside a
repository whose top is the project, nothing changes.
"""

import os
import subprocess
from pathlib import Path

from core.record import record_of

GIT_TIMEOUT = 60  # seconds; a repository git cannot read in that time is treated as none


def committed_files(content: Path) -> dict[str, tuple[str, int, int, int]]:
    """The files under `content` that are as committed: absolute path -> (blob id, size,
    modification time, inode) as seen before git was asked which ones changed."""
    content = Path(content).absolute()  # paths as the build names them, links not resolved
    top = _git(content, "rev-parse", "--show-toplevel")
    if top is None or Path(top.strip()) != content.resolve().parent:
        return {}  # no repository, or one that is not the project's (a test's, a parent's)
    prefix = f"{content.resolve().name}/"
    listed = _git(content, "ls-files", "--stage", "-v", "-z", "--full-name", "--", ".")
    if listed is None:
        return {}
    committed = {}
    for entry in listed.split("\0"):
        info, _, name = entry.partition("\t")
        fields = info.split()
        if len(fields) != 4 or fields[0] != "H" or fields[1] not in ("100644", "100755"):
            continue  # flagged, a link, a submodule, or a conflict
        if not name.startswith(prefix):
            continue
        path = str(content / name[len(prefix):])
        try:
            stat = os.stat(path, follow_symlinks=False)
        except OSError:
            continue
        committed[path] = (fields[2], stat.st_size, stat.st_mtime_ns, stat.st_ino)
    changed = _git(content, "diff-files", "--name-only", "-z", "--", ".")
    if changed is None:
        return {}
    for name in filter(None, changed.split("\0")):
        committed.pop(str(content / name[len(prefix):]), None)
    return committed


def committed_for(settings: dict) -> dict[str, tuple[str, int, int, int]]:
    """The committed files of the content of the build these settings belong to, found once per
    build and kept in its record; none outside a build."""
    record = record_of(settings)
    if record is None:
        return {}
    if record.committed is None:
        record.committed = committed_files(Path(settings["PATH"]))
    return record.committed


def committed_id(path: str | Path, stat: os.stat_result,
                 committed: dict[str, tuple[str, int, int, int]]) -> str | None:
    """'git:<blob id>' for a file of `committed` still as it was seen then, else None."""
    known = committed.get(str(path))
    if known is None or known[1:] != (stat.st_size, stat.st_mtime_ns, stat.st_ino):
        return None
    return f"git:{known[0]}"


def _git(folder: Path, *arguments: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(folder), *arguments], capture_output=True,
                                encoding="utf-8", errors="surrogateescape", timeout=GIT_TIMEOUT,
                                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"})
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout if result.returncode == 0 else None
