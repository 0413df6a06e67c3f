"""`invoke publish`: build with publishconf.py, check, and only then put the site in front of readers.

Steps, each of which stops the publication when it fails, leaving output/ and the deploy target
exactly as they were:
1. build with the publishing settings (strict) into a fresh staging folder;
2. run every site check (bantin.site_checks) on it;
3. send it to the deploy target, if one is configured;
4. replace output/ by it, so output/ is always the copy readers have.

With rsync, each publication is a release of its own on the target, switched in by one rename:
  <target>/releases/<id>/   one whole site each (unchanged files hard-linked to the current one)
  <target>/current          symlink to the release readers see: the web server's document root
The upload goes to releases/.incoming-<id>/, renamed to releases/<id>/ once complete; then a new
symlink made beside `current` is renamed over it. Readers see the old release or the new one,
never a mix; a publication stopped before that rename changes nothing they see. The newest
DEPLOY_KEEP_RELEASES releases are kept for `invoke rollback`; older ones and whatever stopped
publications left go after each switch. Stopping a publication (Ctrl+C, SIGTERM) ends rsync and
ssh with it; the switch and the replacement of output/ happen together or not at all.

Configuration comes only from the environment (credentials never live in the repository):
  BANTIN_SITEURL           public address, read by publishconf.py
  BANTIN_DEPLOY            "" (only output/), "rsync" or "github-pages"
  BANTIN_RSYNC_TARGET      rsync destination: "user@host:/srv/www/bantin" or a local folder
  BANTIN_SSH_PORT          ssh port of the rsync host (optional: else 22 or ~/.ssh/config)
  BANTIN_SSH_KEY           private key for the rsync user (optional: else ssh-agent/~/.ssh)
  BANTIN_SSH_KNOWN_HOSTS   the server's known_hosts line(s); required with BANTIN_SSH_KEY
  BANTIN_GHPAGES_REMOTE    git remote for GitHub Pages (default "origin")
  BANTIN_GHPAGES_BRANCH    branch GitHub Pages serves (default "gh-pages")
"""

import os
import secrets
import shlex
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bantin.build import build, finish, load_settings
from bantin.resume import set_aside
from core.errors import BuildFailed, Finding
from core.processes import run, signals_deferred, stoppable
from bantin.site_checks import judge_site
from bantin.swap import Deletion, delete_in_background, replace_site, site_lock
from bantin.unchanged import SiteState

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
    ssh_port: str = ""
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
            ssh_port=environ.get("BANTIN_SSH_PORT", "").strip(),
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
            return "BANTIN_DEPLOY=rsync cần BANTIN_RSYNC_TARGET (thư mục hoặc user@máy:/đường/dẫn)"
        if self.ssh_port and not self.ssh_port.isdigit():
            return f"BANTIN_SSH_PORT phải là một số cổng, không phải {self.ssh_port!r}"
        if self.ssh_key and not self.ssh_known_hosts:
            return "BANTIN_SSH_KEY cần đi kèm BANTIN_SSH_KNOWN_HOSTS (khóa của máy chủ) để tránh giả mạo"
        return None


def publish(settings_file: Path | str = "publishconf.py", overrides: dict | None = None,
            report: Callable[[str], None] = lambda line: None) -> DeployTarget:
    """Build, check and deploy; returns where the site went, or raises PublishFailed (or
    processes.Stopped when stopped by a signal, with everything cleaned up). `report` gets the
    checks' summary line (how many pages were looked at again)."""
    target = DeployTarget.from_environment(os.environ)
    settings = load_settings(settings_file, overrides)
    output = Path(settings["OUTPUT_PATH"]).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with stoppable_here(), site_lock(output):
        workspace = Path(tempfile.mkdtemp(prefix=f"{output.name}.publish-{os.getpid()}-",
                                          dir=output.parent))
        try:
            site = workspace / "site"
            try:
                result = build(settings_file, site, strict=True, overrides=overrides,
                               previous=output)
            except BuildFailed as failure:
                raise PublishFailed("dựng trang", failure.findings) from None
            state = SiteState(site)  # for the next build's stamp, taken while the checks run
            try:
                with set_aside(result.model, settings, output):
                    checked_site = judge_site(site, settings)
                    report(checked_site.summary())
                    findings = [finding for finding in checked_site.findings if finding.is_error]
                    if findings:
                        raise PublishFailed("kiểm tra trang", findings)
                    deleting = deploy(site, target, workspace, settings, output)
                    try:  # what is kept for the next build overlaps the old site's deletion
                        finish(result, settings, output, state=state.digest())
                    finally:
                        deleting.join()
            finally:
                state.discard()
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
    return target


def stoppable_here():
    """Signals become processes.Stopped, where Python lets us handle them (the main thread)."""
    return stoppable() if threading.current_thread() is threading.main_thread() else nullcontext()


def deploy(site: Path, target: DeployTarget, workspace: Path, settings: dict,
           output: Path) -> Deletion:
    """Send the checked site to the configured target, then put it in output/; raise
    PublishFailed when that fails, with the live site and output/ as they were. Returns the
    deletion of the old output/, under way, for the caller to join."""
    if target.kind == "rsync":
        return deploy_release(site, target, workspace, settings, output)
    if target.kind == "github-pages":
        command = [
            sys.executable, "-m", "ghp_import",
            "--no-jekyll", "--no-history", "--push",
            "--remote", target.ghpages_remote,
            "--branch", target.ghpages_branch,
            "--message", "Xuất bản Bản tin",
            str(site),
        ]
        with signals_deferred():  # the push and output/ go together
            checked(command, "GitHub Pages")
            return replace_output(site, output)
    with signals_deferred():
        return replace_output(site, output)


def replace_output(site: Path, output: Path) -> Deletion:
    """Put `site` in place of output/ in one step; the old one's deletion, under way."""
    try:
        return delete_in_background(replace_site(site, output))
    except BuildFailed as failure:
        raise PublishFailed("thay output/", failure.findings) from None


def checked(command: list[str], step: str) -> str:
    """Run a deploy command (its own process group, ended with us); its output, or PublishFailed."""
    result = run(command)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"mã lỗi {result.returncode}"
        raise PublishFailed(
            step, [Finding(step, None, "deploy-failed", f"gửi trang lên {step} thất bại: {reason}")]
        )
    return result.stdout


# --- Releases on an rsync target -------------------------------------------------------------
# One shell script run on the target (by ssh, or locally for a folder): cd <target>; <action>.
RELEASE_SCRIPT = r"""
set -eu
cd "$1"
action=$2 id=$3 keep=$4
mkdir -p releases
current_release() {
    if [ -L current ]; then basename "$(readlink current)"; fi
}
switch_to() {
    ln -sfn "releases/$1" ".current-$1"
    mv -T ".current-$1" current
}
case $action in
prepare)
    current_release
    ;;
activate)
    mv "releases/.incoming-$id" "releases/$id"
    switch_to "$id"
    ;;
clean)
    current=$(current_release)
    rm -rf releases/.incoming-* .current-*
    ls releases | sort -r | awk -v keep="$keep" -v current="$current" \
        'NR > keep && $0 != current' | while read -r old; do rm -rf "releases/$old"; done
    ;;
rollback)
    current=$(current_release)
    previous=$(ls releases | sort | awk -v current="$current" \
        '$0 == current { print last } { last = $0 }')
    if [ -z "$previous" ]; then
        echo "không còn bản nào cũ hơn bản đang phát hành ($current)" >&2
        exit 3
    fi
    switch_to "$previous"
    echo "$previous"
    ;;
releases)
    ls releases
    ;;
esac
"""


def release_command(target: DeployTarget, workspace: Path, action: str, release: str = "-",
                    keep: int = 0) -> list[str]:
    """The command that runs `action` of RELEASE_SCRIPT on the target."""
    destination = target.rsync_destination
    arguments = [action, release, str(keep)]
    if not is_remote(destination):
        Path(destination).mkdir(parents=True, exist_ok=True)
        return ["sh", "-c", RELEASE_SCRIPT, "release", destination, *arguments]
    host, path = destination.split(":", 1)
    remote = shlex.join(["sh", "-c", RELEASE_SCRIPT, "release", path or ".", *arguments])
    return [*shlex.split(ssh_command(target, workspace)), host, remote]


def new_release_id() -> str:
    """A name that sorts after every earlier release: the UTC time, then a random part."""
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def deploy_release(site: Path, target: DeployTarget, workspace: Path, settings: dict,
                   output: Path) -> Deletion:
    """Upload the site as a new release, switch `current` to it and replace output/ together,
    then remove old releases and what stopped publications left (meanwhile the old output/ is
    deleted: returns that deletion)."""
    release = new_release_id()
    current = checked(release_command(target, workspace, "prepare"), "rsync").strip()
    checked(rsync_command(site, target, workspace, release, current), "rsync")
    with signals_deferred():  # readers' release and output/ change together
        checked(release_command(target, workspace, "activate", release), "rsync")
        deleting = replace_output(site, output)
    try:
        checked(release_command(target, workspace, "clean", release,
                                settings["DEPLOY_KEEP_RELEASES"]), "rsync")
    except BaseException:
        deleting.join()
        raise
    return deleting


def rsync_command(site: Path, target: DeployTarget, workspace: Path, release: str,
                  current: str = "") -> list[str]:
    """rsync into releases/.incoming-<release>/, by checksum; files unchanged since the `current`
    release are hard links to it, so only changes travel and the release costs little space."""
    command = ["rsync", "--recursive", "--links", "--checksum", "--chmod=D755,F644"]
    if current:
        command.append(f"--link-dest=../{current}")  # relative to the destination folder
    if is_remote(target.rsync_destination):
        command += ["--rsh", ssh_command(target, workspace)]
    destination = f"{target.rsync_destination.rstrip('/')}/releases/.incoming-{release}/"
    return command + [f"{site}/", destination]


def rollback(settings_file: Path | str = "publishconf.py") -> str:
    """Switch the target's `current` back to the release before it; returns that release's name."""
    target = DeployTarget.from_environment(os.environ)
    if target.kind != "rsync":
        raise PublishFailed("quay lại", [Finding(
            "BANTIN_DEPLOY", None, "rollback-unsupported",
            "chỉ quay lại được với BANTIN_DEPLOY=rsync (nơi giữ các bản đã xuất bản)")])
    output = Path(load_settings(settings_file)["OUTPUT_PATH"]).resolve()
    with stoppable_here(), site_lock(output):
        workspace = Path(tempfile.mkdtemp(prefix=f"{output.name}.publish-{os.getpid()}-",
                                          dir=output.parent))
        try:
            command = release_command(target, workspace, "rollback")
            with signals_deferred():
                result = run(command)
        finally:
            shutil.rmtree(workspace, ignore_errors=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        reason = detail[-1] if detail else f"mã lỗi {result.returncode}"
        raise PublishFailed("quay lại", [Finding(target.rsync_destination, None, "rollback-failed",
                                                 f"không quay lại được: {reason}")])
    return result.stdout.strip()


def is_remote(destination: str) -> bool:
    """rsync's own rule: a colon before any slash means host:path."""
    head = destination.split("/", 1)[0]
    return ":" in head


def ssh_command(target: DeployTarget, workspace: Path) -> str:
    """ssh for rsync and the release steps, never prompting; port, key and host keys from the
    environment, if given."""
    options = ["ssh", "-o", "BatchMode=yes", "-o", "ConnectTimeout=30",
               "-o", "ServerAliveInterval=15"]
    if target.ssh_port:
        options += ["-p", target.ssh_port]
    if target.ssh_key:
        key = workspace / "ssh-key"
        if not key.exists():
            key.touch(mode=0o600)
            key.write_text(target.ssh_key.strip() + "\n")
            (workspace / "known_hosts").write_text(target.ssh_known_hosts.strip() + "\n")
        options += [
            "-i", str(key), "-o", "IdentitiesOnly=yes",
            "-o", f"UserKnownHostsFile={workspace / 'known_hosts'}",
            "-o", "StrictHostKeyChecking=yes",
        ]
    return shlex.join(options)
