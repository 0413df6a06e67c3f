"""`invoke publish`: build with publishconf.py, check, and only then put the site in front of readers.

Steps, each of which stops the publication when it fails, leaving output/ and the deploy target
exactly as they were:
1. build with the publishing settings (strict) into a fresh staging folder;
2. run every site check (bantin.site_checks) on it;
3. send it to the deploy target, if one is configured;
4. replace output/ by it, so output/ is always the copy readers have.

Configuration comes only from the environment (credentials never live in the repository):
  BANTIN_SITEURL           public address, read by publishconf.py
  BANTIN_DEPLOY            "" (only output/), "rsync" or "github-pages"
  BANTIN_RSYNC_TARGET      rsync destination: "user@host:/srv/www/bantin/" or a local folder
  BANTIN_SSH_KEY           private key for the rsync user (optional: else ssh-agent/~/.ssh)
  BANTIN_SSH_KNOWN_HOSTS   the server's known_hosts line(s); required with BANTIN_SSH_KEY
  BANTIN_GHPAGES_REMOTE    git remote for GitHub Pages (default "origin")
  BANTIN_GHPAGES_BRANCH    branch GitHub Pages serves (default "gh-pages")
"""

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bantin.build import build, load_settings, replace_atomically
from plugins.incremental import save_manifest
from bantin.errors import BuildFailed, Finding
from bantin.site_checks import check_site

DEPLOY_KINDS = ("", "rsync", "github-pages")


class PublishFailed(BuildFailed):
    """A publication stopped at `step`; nothing readers see has changed."""

    def __init__(self, step: str, findings: list[Finding]):
        self.step = step
        super().__init__(findings)


@dataclass(frozen=True)
class DeployTarget:
    """Where the checked site goes besides output/, read from the environment."""

    kind: str
    rsync_destination: str = ""
    ssh_key: str = ""
    ssh_known_hosts: str = ""
    ghpages_remote: str = "origin"
    ghpages_branch: str = "gh-pages"

    @classmethod
    def from_environment(cls, environ) -> "DeployTarget":
        kind = environ.get("BANTIN_DEPLOY", "").strip()
        target = cls(
            kind=kind,
            rsync_destination=environ.get("BANTIN_RSYNC_TARGET", "").strip(),
            ssh_key=environ.get("BANTIN_SSH_KEY", ""),
            ssh_known_hosts=environ.get("BANTIN_SSH_KNOWN_HOSTS", ""),
            ghpages_remote=environ.get("BANTIN_GHPAGES_REMOTE", "").strip() or "origin",
            ghpages_branch=environ.get("BANTIN_GHPAGES_BRANCH", "").strip() or "gh-pages",
        )
        problem = target.problem()
        if problem:
            raise PublishFailed("cấu hình", [Finding("BANTIN_DEPLOY", None, "deploy-config", problem)])
        return target

    def __str__(self) -> str:
        if self.kind == "rsync":
            return f"rsync tới {self.rsync_destination}"
        if self.kind == "github-pages":
            return f"GitHub Pages (nhánh {self.ghpages_branch} của {self.ghpages_remote})"
        return "chỉ output/ (BANTIN_DEPLOY trống)"

    def problem(self) -> str | None:
        if self.kind not in DEPLOY_KINDS:
            return f"BANTIN_DEPLOY phải là rsync hoặc github-pages (hoặc để trống), không phải {self.kind!r}"
        if self.kind == "rsync" and not self.rsync_destination:
            return "BANTIN_DEPLOY=rsync cần BANTIN_RSYNC_TARGET (thư mục hoặc user@máy:/đường/dẫn/)"
        if self.ssh_key and not self.ssh_known_hosts:
            return "BANTIN_SSH_KEY cần đi kèm BANTIN_SSH_KNOWN_HOSTS (khóa của máy chủ) để tránh giả mạo"
        return None


def publish(settings_file: Path | str = "publishconf.py", overrides: dict | None = None) -> DeployTarget:
    """Build, check and deploy; returns where the site went, or raises PublishFailed."""
    target = DeployTarget.from_environment(os.environ)
    settings = load_settings(settings_file, overrides)
    output = Path(settings["OUTPUT_PATH"]).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix=f"{output.name}.publish-", dir=output.parent))
    try:
        site = workspace / "site"
        try:
            build(settings_file, site, strict=True, overrides=overrides, previous=output)
        except BuildFailed as failure:
            raise PublishFailed("dựng trang", failure.findings) from None
        findings = [finding for finding in check_site(site, settings) if finding.is_error]
        if findings:
            raise PublishFailed("kiểm tra trang", findings)
        deploy(site, target, workspace)
        replace_atomically(site, output)
        save_manifest(settings["CACHE_PATH"], output)  # its pages, for the next build to reuse
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return target


def deploy(site: Path, target: DeployTarget, workspace: Path) -> None:
    """Send the checked site to the configured target; raise PublishFailed when that fails."""
    if target.kind == "rsync":
        command = rsync_command(site, target, workspace)
        step = "rsync"
    elif target.kind == "github-pages":
        command = [
            sys.executable, "-m", "ghp_import",
            "--no-jekyll", "--no-history", "--push",
            "--remote", target.ghpages_remote,
            "--branch", target.ghpages_branch,
            "--message", "Xuất bản Bản tin",
            str(site),
        ]
        step = "GitHub Pages"
    else:
        return
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"mã lỗi {result.returncode}"
        raise PublishFailed(
            step, [Finding(step, None, "deploy-failed", f"gửi trang lên {step} thất bại: {reason}")]
        )


def rsync_command(site: Path, target: DeployTarget, workspace: Path) -> list[str]:
    """rsync by checksum, deleting stale files only after the transfer, all files moved at the end."""
    command = [
        "rsync", "--recursive", "--links", "--times", "--checksum",
        "--delete-after", "--delay-updates", "--chmod=D755,F644",
    ]
    if is_remote(target.rsync_destination):
        command += ["--rsh", ssh_command(target, workspace)]
    else:
        Path(target.rsync_destination).mkdir(parents=True, exist_ok=True)
    return command + [f"{site}/", target.rsync_destination.rstrip("/") + "/"]


def is_remote(destination: str) -> bool:
    """rsync's own rule: a colon before any slash means host:path."""
    head = destination.split("/", 1)[0]
    return ":" in head


def ssh_command(target: DeployTarget, workspace: Path) -> str:
    """ssh for rsync, never prompting; the key and host keys from the environment, if given."""
    options = ["ssh", "-o", "BatchMode=yes"]
    if target.ssh_key:
        key = workspace / "ssh-key"
        key.touch(mode=0o600)
        key.write_text(target.ssh_key.strip() + "\n")
        known_hosts = workspace / "known_hosts"
        known_hosts.write_text(target.ssh_known_hosts.strip() + "\n")
        options += [
            "-i", str(key), "-o", "IdentitiesOnly=yes",
            "-o", f"UserKnownHostsFile={known_hosts}", "-o", "StrictHostKeyChecking=yes",
        ]
    return shlex.join(options)
