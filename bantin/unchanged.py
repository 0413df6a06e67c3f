"""A build with nothing to do does nothing: `invoke build` run again with no input changed.

After a build that put its site in place, a stamp records the state of everything that build
read (every file of the content and the theme, by path, size, time and inode; the settings'
values and files; strictness; the code and library versions) and of the output it left (every
file by path, size and time), with its findings. A later build into the same output whose
inputs and output are both still in those states replays the findings instead of building: the
site it would write is the one already there. Anything else, and any build with an article dated
in the future (it appears on its date, with no file changing), builds as usual.

Stamps live in CACHE_PATH/unchanged/, one per output folder; deleting them is always safe.
"""

import hashlib
import json
import os
import subprocess
from pathlib import Path

from core.errors import Finding
from core.files import write_whole
from core.processes import end_group, start
from core.fingerprint import code_fingerprint

# Settings that name places of this build rather than what it produces.
PLACE_SETTINGS = {"OUTPUT_PATH", "CACHE_PATH", "PREVIOUS_OUTPUT_PATH", "PHOTO_CACHE_PATH"}
# Where find, sort and b2sum are on every Debian machine, whatever the caller's PATH.
SYSTEM_PATH = "/usr/bin:/bin"
# Findings that depend on the clock rather than the files: a build with one always runs.
CLOCK_FINDINGS = {"future-date", "scheduled", "link-to-scheduled"}


def stamp_path(settings: dict, output: Path) -> Path:
    place = hashlib.blake2b(str(output.resolve()).encode(), digest_size=12).hexdigest()
    return Path(settings["CACHE_PATH"]) / "unchanged" / f"{place}.json"


def tree_state(folder: Path) -> str:
    """A digest of every file and folder under `folder`: path, size, modification time, inode."""
    digest = hashlib.blake2b(digest_size=20)
    pending = [str(folder)]
    while pending:
        current = pending.pop()
        try:
            entries = sorted(os.scandir(current), key=lambda entry: entry.name)
        except OSError:
            digest.update(f"missing {current}\0".encode())
            continue
        for entry in entries:
            stat = entry.stat(follow_symlinks=False)
            digest.update(f"{entry.path}\0{stat.st_size}\0{stat.st_mtime_ns}\0{stat.st_ino}\0".encode())
            if entry.is_dir(follow_symlinks=False):
                pending.append(entry.path)
    return digest.hexdigest()


class SiteState:
    """A digest of every file of a built site: its path in the site, size and modification
    time (a site restored from CI's cache keeps them; its inodes are new). find(1), sort and
    b2sum make it in processes of their own, started at once: a site's walk (hundreds of
    thousands of photos at archive scale) overlaps the caller's work on another core."""

    SCRIPT = ('find "$1" -mindepth 1 -not -type d -printf "%s %T@ %P\\0"'
              " | LC_ALL=C sort -z | b2sum -l 160")

    def __init__(self, site: Path):
        self.process = start(["/bin/sh", "-c", self.SCRIPT, "site-state", str(site)],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             env={"PATH": SYSTEM_PATH})
        self.value: str | None = None

    def digest(self) -> str:
        if self.value is None:
            output, _ = self.process.communicate()
            self.value = output.decode("ascii").split(" ", 1)[0].strip()
        return self.value

    def discard(self) -> None:
        """Stop the walk when its digest is not needed after all."""
        if self.value is None and self.process.poll() is None:
            end_group(self.process)


def site_state(site: Path) -> str:
    """SiteState(site).digest(), for a caller with nothing to do meanwhile."""
    return SiteState(site).digest()


def inputs_state(setup: str, settings: dict) -> str:
    """A digest of what a build reads, taken before it reads it: its `setup` (setup_state) and
    the content."""
    digest = hashlib.blake2b(setup.encode(), digest_size=20)
    digest.update(tree_state(Path(settings["PATH"])).encode())
    return digest.hexdigest()


def setup_state(settings_file: Path, settings: dict, strict: bool) -> str:
    """A digest of what a build reads but the content: the settings' values and files,
    strictness, the code and library versions, the theme's files."""
    digest = hashlib.blake2b(digest_size=20)
    values = {key: value for key, value in settings.items() if key not in PLACE_SETTINGS}
    digest.update(repr(sorted((key, _stable(value)) for key, value in values.items())).encode())
    digest.update(f"strict={strict}\0{code_fingerprint(settings)}".encode())
    settings_file = Path(settings_file).resolve()
    for path in sorted({settings_file, *settings_file.parent.glob("*conf.py")}):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(tree_state(Path(settings["THEME"])).encode())
    return digest.hexdigest()


def _stable(value) -> str:
    """A representation of a setting's value that is the same in every process."""
    if callable(value):
        return f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '')}"
    if isinstance(value, dict):
        return repr(sorted((str(key), _stable(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return repr([_stable(item) for item in value])
    return repr(value)


def replay(settings: dict, output: Path, inputs: str) -> tuple | None:
    """The findings, skipped sources and summary lines of the last build into `output` when it
    had the same inputs and `output` is as it left it; None when a build is needed."""
    try:
        stamp = json.loads(stamp_path(settings, output).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if stamp.get("inputs") != inputs or stamp.get("output") != site_state(output):
        return None
    return [Finding(**finding) for finding in stamp["findings"]], stamp["skipped"], stamp["summary"]


def record(settings: dict, output: Path, inputs: str, findings: list[Finding],
           skipped: list[str], summary: list[str], output_state: str) -> None:
    """Stamp `output`, just put in place by a build that read `inputs`; `output_state` is its
    site_state."""
    path = stamp_path(settings, output)
    if depends_on_clock(findings):
        path.unlink(missing_ok=True)
        return
    stamp = {
        "inputs": inputs,
        "output": output_state,
        "findings": as_json(findings),
        "skipped": skipped,
        "summary": summary,
    }
    write_whole(path, json.dumps(stamp))



def depends_on_clock(findings: list[Finding]) -> bool:
    """Whether the site these findings came with changes with the clock alone."""
    return any(finding.code in CLOCK_FINDINGS for finding in findings)


def as_json(findings: list[Finding]) -> list[dict]:
    return [{"path": str(finding.path), "line": finding.line, "code": finding.code,
             "message": finding.message, "severity": finding.severity} for finding in findings]
