"""The project's git repository as the desk uses it: plumbing only.

Drafts are commits made from blobs and a temporary index (GIT_INDEX_FILE), so that saving a draft
never touches the editor's working tree, index or checked-out branch; only publishing writes an
entry's own files into the working tree.
"""

import os
import subprocess
import tempfile
from pathlib import Path

EMPTY = "0" * 40
# Who commits when the repository names nobody (git would refuse): the desk itself.
FALLBACK_IDENTITY = {"GIT_AUTHOR_NAME": "Bàn biên tập", "GIT_AUTHOR_EMAIL": "ban-bien-tap@localhost",
                     "GIT_COMMITTER_NAME": "Bàn biên tập",
                     "GIT_COMMITTER_EMAIL": "ban-bien-tap@localhost"}


class GitError(RuntimeError):
    """A git command that failed; its message stays in the server's log, never sent."""


class Repository:
    def __init__(self, root: Path):
        self.root = Path(root)
        self.env = {key: value for key, value in os.environ.items()
                    if not key.startswith("GIT_")}
        self.env["LC_ALL"] = "C"
        if self.run("var", "GIT_COMMITTER_IDENT", check=False) is None:
            self.env.update(FALLBACK_IDENTITY)
        self.git_dir = Path(self.text("rev-parse", "--absolute-git-dir"))

    @classmethod
    def holding(cls, folder: Path) -> "Repository":
        """The repository whose working tree holds `folder`."""
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=folder,
                             capture_output=True, text=True)
        if top.returncode:
            raise GitError(f"{folder} is not inside a git working tree")
        return cls(Path(top.stdout.strip()))

    def run(self, *args: str, data: bytes | None = None, env: dict | None = None,
            check: bool = True) -> bytes | None:
        result = subprocess.run(["git", *args], cwd=self.root, input=data, capture_output=True,
                                env={**self.env, **(env or {})})
        if result.returncode:
            if check:
                raise GitError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace')}")
            return None
        return result.stdout

    def text(self, *args: str, check: bool = True) -> str | None:
        output = self.run(*args, check=check)
        return None if output is None else output.decode().strip()

    # --- Reading --------------------------------------------------------------------------------
    def current_branch(self) -> str | None:
        return self.text("symbolic-ref", "--quiet", "--short", "HEAD", check=False)

    def commit_of(self, ref: str) -> str | None:
        return self.text("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)

    def valid_branch_name(self, name: str) -> bool:
        return self.run("check-ref-format", "--branch", name, check=False) is not None

    def blobs(self, commit: str, folder: str) -> dict[str, str]:
        """Every file under `folder` at `commit`: path -> blob id."""
        listing = self.run("ls-tree", "-r", "-z", "--full-tree", commit, "--", folder)
        found = {}
        for record in listing.split(b"\0"):
            if record:
                meta, path = record.split(b"\t", 1)
                mode, kind, blob = meta.decode().split()
                if kind == "blob" and mode in ("100644", "100755"):
                    found[path.decode()] = blob
        return found

    def read(self, blob: str) -> bytes:
        return self.run("cat-file", "blob", blob)

    def changes(self, old: str, new: str) -> dict[str, str | None]:
        """Files that differ between two commits: path -> blob at `new` (None: removed)."""
        listing = self.run("diff-tree", "-r", "-z", "--no-renames", old, new)
        fields = listing.split(b"\0")
        found = {}
        for meta, path in zip(fields[0::2], fields[1::2]):
            if meta:
                parts = meta.decode().split()
                found[path.decode()] = None if parts[4] == "D" else parts[3]
        return found

    def commit_time(self, commit: str) -> str:
        return self.text("show", "-s", "--format=%cI", commit)

    def parent(self, commit: str) -> str:
        return self.text("rev-parse", f"{commit}^")

    def branches(self, prefix: str) -> list[str]:
        listing = self.text("for-each-ref", "--format=%(refname:short)", f"refs/heads/{prefix}")
        return [line for line in listing.splitlines() if line]

    def config(self, key: str) -> str | None:
        return self.text("config", "--get", key, check=False)

    def dirty(self, paths: list[str]) -> list[str]:
        """Paths among `paths` (files or folders) with uncommitted changes, untracked included."""
        listing = self.run("status", "--porcelain", "-z", "--untracked-files=all",
                           "--ignored=no", "--", *paths)
        return [record[3:].decode() for record in listing.split(b"\0") if len(record) > 3]

    # --- Writing objects and refs ---------------------------------------------------------------
    def store(self, data: bytes) -> str:
        return self.text_of(self.run("hash-object", "-w", "--stdin", data=data))

    @staticmethod
    def text_of(output: bytes) -> str:
        return output.decode().strip()

    def tree(self, base: str, changes: dict[str, str | None]) -> str:
        """The tree of commit `base` with `changes` applied (path -> blob, None to remove), made
        in a temporary index: the repository's own index is never read or written."""
        with tempfile.TemporaryDirectory(dir=self.git_dir, prefix="desk-index-") as folder:
            env = {"GIT_INDEX_FILE": str(Path(folder) / "index")}
            self.run("read-tree", base, env=env)
            records = b"".join(
                (f"100644 {blob}\t{path}" if blob else f"0 {EMPTY}\t{path}").encode() + b"\0"
                for path, blob in changes.items())
            if records:
                self.run("update-index", "-z", "--index-info", data=records, env=env)
            return self.text_of(self.run("write-tree", env=env))

    def commit(self, tree: str, parents: list[str], message: str) -> str:
        arguments = ["commit-tree", tree]
        for parent in parents:
            arguments += ["-p", parent]
        return self.text_of(self.run(*arguments, data=message.encode()))

    def move_branch(self, branch: str, new: str, old: str | None) -> None:
        """Point `branch` at `new` only if it still points at `old` (None: must not exist)."""
        self.run("update-ref", f"refs/heads/{branch}", new, old or EMPTY)

    def set_config(self, key: str, value: str) -> None:
        self.run("config", key, value)

    def delete_branch(self, branch: str) -> None:
        """The branch and its configuration (its status) go together, as `git branch -D` does."""
        self.run("branch", "-D", branch)

    def refresh_index(self, paths: list[str]) -> None:
        """The repository's index takes the working tree's `paths` (written by a publish)."""
        if paths:
            self.run("update-index", "-z", "--add", "--remove", "--stdin",
                     data=b"".join(path.encode() + b"\0" for path in paths))
