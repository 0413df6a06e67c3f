"""The site folder's lock, the clean-up after killed builds, and the swap that puts a site in place.

One build, publish or preview rebuild at a time touches a site folder (output/) and the folders
beside it: each holds an exclusive lock on `.<name>.lock` beside the folder (fcntl.flock, freed by
the kernel when the process dies, so a killed build never leaves a stale lock). Holding it, a build
removes what killed builds left beside the folder. The swap exchanges the new site and the old one
in one step (renameat2 RENAME_EXCHANGE), so that output/ is never missing, not even for a moment.
"""

import ctypes
import errno
import fcntl
import os
import re
import shutil
import subprocess
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from core.errors import BuildFailed, Finding

WAIT_MESSAGE = "Đang có một lần dựng trang khác chạy; đang chờ..."
# Folders a build or publish makes beside the site, each named after its process:
# <name>.staging-<pid>, <name>.previous-<pid>, <name>.publish-<pid>-<random>.
LEFTOVER_KINDS = ("staging", "previous", "publish")

_in_process = threading.RLock()  # threads of one process (the preview server) take turns too
_held: dict[Path, int] = {}  # lock file -> how deep this process holds it


def lock_path(site: Path) -> Path:
    return site.with_name(f".{site.name}.lock")


@contextmanager
def site_lock(site: Path):
    """Hold the site folder's lock; wait, saying so, while another process holds it. A process
    that already holds it (publish, then the build it runs) enters again."""
    path = lock_path(Path(site))
    with _in_process:
        if path in _held:
            _held[path] += 1
            try:
                yield
            finally:
                _held[path] -= 1
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as error:  # a read-only or full disk: nothing can be built there
            raise BuildFailed([Finding(path.parent, None, "output-not-replaced",
                                       f"không ghi được vào thư mục này ({reason(error)}); "
                                       "trang cũ được giữ nguyên")]) from None
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(WAIT_MESSAGE, file=sys.stderr, flush=True)
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            _held[path] = 1
            try:
                yield
            finally:
                del _held[path]
        finally:
            os.close(descriptor)  # frees the lock


def remove_leftovers(site: Path) -> list[Path]:
    """Remove the staging, previous and publish folders of killed processes beside `site`; those
    of a living process (this one, or one holding another lock) stay. Call with the lock held."""
    pattern = re.compile(rf"{re.escape(site.name)}\.(?:{'|'.join(LEFTOVER_KINDS)})-(\d+)?.*")
    removed = []
    for path in sorted(site.parent.glob(f"{site.name}.*")):
        match = pattern.fullmatch(path.name)
        if match and not (match[1] and is_alive(int(match[1]))):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def is_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


AT_FDCWD = -100
RENAME_EXCHANGE = 2
_libc = ctypes.CDLL(None, use_errno=True)
_renameat2 = getattr(_libc, "renameat2", None)


def exchange(first: Path, second: Path) -> bool:
    """Swap two folders' names in one step; False where the system cannot (then nothing moved)."""
    if _renameat2 is None:
        return False
    paths = os.fsencode(first), os.fsencode(second)
    if _renameat2(AT_FDCWD, paths[0], AT_FDCWD, paths[1], RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):  # a file system without it
        return False
    raise OSError(code, os.strerror(code), str(second))


def replace_site(new: Path, target: Path) -> Path | None:
    """Put the folder `new` in place of `target`. Readers of `target` see the old site or the new
    one, never a missing or half folder. Returns the folder that now holds the old site (None
    when there was none), for the caller to delete: its name is one that the next build removes
    if this process ends first. A refusal (read-only, busy, no permission) raises BuildFailed
    naming the folder, with `target` as it was."""
    try:
        if not target.exists():
            new.rename(target)
            return None
        if exchange(new, target):
            return new  # the old site now
        previous = target.with_name(f"{target.name}.previous-{os.getpid()}")
        target.rename(previous)  # two renames: output/ is missing between them
        try:
            new.rename(target)
        except OSError:
            previous.rename(target)
            raise
        return previous
    except OSError as error:
        raise BuildFailed([Finding(target, None, "output-not-replaced",
                                   f"không thay được thư mục này bằng trang mới ({reason(error)}); "
                                   "trang cũ được giữ nguyên")]) from None


class Deletion:
    """The deletion of a folder (an old site: thousands of files) by `rm -rf` in a process of
    its own, so that the work the caller does meanwhile overlaps it on another core; `join()`
    waits for it (and deletes what is left, should `rm` have failed)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.process = None if folder is None else subprocess.Popen(
            ["rm", "-rf", "--", str(folder)], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

    def join(self) -> None:
        if self.process is not None:
            self.process.wait()
            shutil.rmtree(self.folder, ignore_errors=True)


def delete_in_background(folder: Path | None) -> Deletion:
    """Start deleting `folder` while the caller goes on; join() the result before ending."""
    return Deletion(folder)


def write_failed(error: OSError, doing: str, staging: Path, output: Path) -> Finding:
    """One sentence for a write the disk refused, naming the file as it would be in `output`
    (or `output` itself when the system names no file)."""
    path = Path(error.filename) if error.filename else staging
    where = output / path.relative_to(staging) if path.is_relative_to(staging) else path
    return Finding(where, None, "write-failed",
                   f"không ghi được khi {doing} ({reason(error)}); trang cũ được giữ nguyên")


REASONS = {
    errno.ENOSPC: "hết chỗ trên đĩa",
    errno.EDQUOT: "hết hạn mức dung lượng",
    errno.EROFS: "ổ đĩa chỉ cho đọc",
    errno.EACCES: "không có quyền ghi",
    errno.EPERM: "không có quyền ghi",
    errno.EBUSY: "thư mục đang được một chương trình khác dùng",
}


# Errors with which a disk refuses a write, whatever the file.
DISK_REFUSED = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def reason(error: OSError) -> str:
    return REASONS.get(error.errno, error.strerror or type(error).__name__)
