"""Deploys over ssh are atomic for readers: `invoke publish` against a real OpenSSH server on
127.0.0.1, stopped at several points while a reader reads the live site as a web server would."""

import getpass
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bantin.build import build
from conftest import ROOT, free_port, process_exists, settings_file, snapshot, task_environment
PUBLISH_SETTINGS = ROOT / "publishconf.py"
SSHD = Path("/usr/sbin/sshd")  # Debian's openssh-server (TEST_APT_PACKAGES)
BUILD_ID = re.compile(rb"https://ban-(\d+)\.example\.vn")  # SITEURL is on every page
WAIT = 180  # seconds before a step that never comes counts as a failure, not a timing

pytestmark = pytest.mark.skipif(not SSHD.exists(), reason="openssh-server is not installed")


def wait_for(condition, what: str):
    deadline = time.monotonic() + WAIT
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"never happened: {what}")
        time.sleep(0.05)
    return result


@pytest.fixture
def ssh_server(tmp_path):
    """sshd on 127.0.0.1 for the current user, with a host key and a client key made here."""
    keys = tmp_path / "ssh"
    keys.mkdir()
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keys / name)],
                       check=True)
    shutil.copy(keys / "client.pub", keys / "authorized_keys")
    config = keys / "sshd_config"
    config.write_text(
        f"ListenAddress 127.0.0.1\nAuthorizedKeysFile {keys / 'authorized_keys'}\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        f"StrictModes no\nPidFile {keys / 'sshd.pid'}\nLogLevel ERROR\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation folder
    port = free_port()
    server = subprocess.Popen([str(SSHD), "-D", "-e", "-p", str(port), "-f", str(config),
                               "-h", str(keys / "host")], stderr=subprocess.PIPE)

    def accepting():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            return False

    wait_for(accepting, "sshd accepts connections")
    host_key = (keys / "host.pub").read_text().split()
    yield {
        "BANTIN_SSH_PORT": str(port),
        "BANTIN_SSH_KEY": (keys / "client").read_text(),
        "BANTIN_SSH_KNOWN_HOSTS": f"[127.0.0.1]:{port} {host_key[0]} {host_key[1]}",
        "user": getpass.getuser(),
    }
    server.terminate()
    server.wait()


@pytest.fixture(scope="module")
def first_site(tmp_path_factory) -> Path:
    """The sample site as publishing builds it, with build id 0 in every page."""
    output = tmp_path_factory.mktemp("ban-0") / "output"
    build(PUBLISH_SETTINGS, output, strict=True, overrides={
        "SITEURL": "https://ban-0.example.vn", "CACHE_PATH": str(output.parent / "cache")})
    return output


SHIMS = {  # rsync and ssh as publish finds them on PATH: the real ones, paused where asked
    "rsync": """#!/bin/sh
echo $$ > "$SHIM_DIR/rsync.pid"
case "$SHIM_PAUSE" in
upload|kill-upload) exec /usr/bin/rsync --bwlimit=40 "$@" ;;
before-switch) /usr/bin/rsync "$@" || exit $?; touch "$SHIM_DIR/paused"; exec sleep 600 ;;
esac
exec /usr/bin/rsync "$@"
""",
    "ssh": """#!/bin/sh
if [ "$SHIM_PAUSE" = after-switch ]; then
    case "$*" in *" clean "*) touch "$SHIM_DIR/paused"; exec sleep 600 ;; esac
fi
exec /usr/bin/ssh "$@"
""",
}


@pytest.fixture
def deploy(tmp_path, ssh_server, first_site):
    """A target on the ssh server holding release 0 as `current`, an output/ holding the same
    site, and a way to run `invoke publish` / `invoke rollback` against them."""
    target = tmp_path / "www"
    (target / "releases").mkdir(parents=True)
    shutil.copytree(first_site, target / "releases" / "0", symlinks=True)
    (target / "current").symlink_to("releases/0")
    shutil.copytree(first_site, tmp_path / "output", symlinks=True)
    settings = settings_file(tmp_path / "publishconf_test.py", "publishconf",
                             OUTPUT_PATH=tmp_path / "output", CACHE_PATH=tmp_path / "cache")
    shims = tmp_path / "shims"
    shims.mkdir()
    for name, text in SHIMS.items():
        (shims / name).write_text(text)
        (shims / name).chmod(0o755)
    environment = task_environment(**{key: value for key, value in ssh_server.items()
                                      if key != "user"})
    environment.update({
        "BANTIN_DEPLOY": "rsync",
        "BANTIN_RSYNC_TARGET": f"{ssh_server['user']}@127.0.0.1:{target}",
        "PATH": f"{shims}:{os.environ['PATH']}",
        "SHIM_DIR": str(shims),
    })

    def start(task: str, build_id: int = 0, pause: str = "") -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "invoke", task, "--settings", str(settings)], cwd=ROOT,
            env={**environment, "BANTIN_SITEURL": f"https://ban-{build_id}.example.vn",
                 "SHIM_PAUSE": pause},
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )

    return {"target": target, "output": tmp_path / "output", "start": start, "shims": shims,
            "folder": tmp_path}


class Reader(threading.Thread):
    """Reads the live site as a web server does, over and over: resolve `current` (the document
    root), then read every page of that tree. Each pass is one snapshot: its build ids."""

    def __init__(self, target: Path):
        super().__init__(daemon=True)
        self.target = target
        self.snapshots: list[set[str]] = []
        self.problems: list[str] = []
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            root = Path(os.path.realpath(self.target / "current"))
            ids, files = set(), 0
            for folder, _, names in os.walk(root):
                for name in names:
                    if "~tmp~" in name or name.startswith(".incoming"):
                        self.problems.append(f"{folder}/{name}")
                    if name.endswith(".html"):
                        files += 1
                        ids.update(match.decode() for match in
                                   BUILD_ID.findall(Path(folder, name).read_bytes()))
            if files < 50:
                self.problems.append(f"{root}: chỉ {files} trang")
            self.snapshots.append(ids)
            time.sleep(0.01)  # leave the machine to the publication

    def __enter__(self):
        self.start()
        wait_for(lambda: self.snapshots, "the reader's first snapshot")
        return self

    def __exit__(self, *exc):
        seen = len(self.snapshots)
        wait_for(lambda: len(self.snapshots) >= seen + 2, "a snapshot taken wholly afterwards")
        self.stop.set()
        self.join()


def live(target: Path) -> Path:
    return Path(os.path.realpath(target / "current"))


def build_ids(site: Path) -> set[str]:
    return {match.decode() for path in site.rglob("*.html")
            for match in BUILD_ID.findall(path.read_bytes())}


def test_each_publish_is_a_release_switched_whole_and_rollback_goes_back(deploy):
    target = deploy["target"]
    with Reader(target) as reader:
        publishing = deploy["start"]("publish", build_id=1)
        stdout, stderr = publishing.communicate()
    assert publishing.returncode == 0, stderr
    assert "Đã xuất bản: rsync tới" in stdout and "Traceback" not in stderr
    assert not reader.problems
    assert all(len(ids) == 1 for ids in reader.snapshots)  # one whole release per snapshot
    assert reader.snapshots[0] == {"0"} and reader.snapshots[-1] == {"1"}
    release = live(target)
    assert release.parent == target / "releases" and release.name != "0"
    assert os.readlink(target / "current") == f"releases/{release.name}"
    assert build_ids(release) == {"1"}
    assert snapshot(release) == snapshot(deploy["output"])
    assert sorted(path.name for path in (target / "releases").iterdir()) == ["0", release.name]
    # Files the publication did not change are hard links to the previous release's.
    unchanged = [path.relative_to(release) for path in release.rglob("*.jpg")]
    assert unchanged and all(
        (release / name).stat().st_ino == (target / "releases" / "0" / name).stat().st_ino
        for name in unchanged)

    rolling_back = deploy["start"]("rollback")
    stdout, stderr = rolling_back.communicate()
    assert rolling_back.returncode == 0, stderr
    assert stdout.strip() == "Đã quay lại bản 0: người đọc đang thấy bản này."
    assert live(target) == target / "releases" / "0"
    again = deploy["start"]("rollback")
    stdout, stderr = again.communicate()
    assert again.returncode == 1 and "Traceback" not in stderr
    assert "không còn bản nào cũ hơn bản đang phát hành (0)" in stderr
    assert live(target) == target / "releases" / "0"


@pytest.mark.parametrize("point", ["upload", "kill-upload", "before-switch", "after-switch"])
def test_a_publish_stopped_anywhere_leaves_one_whole_release_live(deploy, point):
    target, output, shims = deploy["target"], deploy["output"], deploy["shims"]
    releases = target / "releases"
    with Reader(target) as reader:
        publishing = deploy["start"]("publish", build_id=2, pause=point)
        if point in ("upload", "kill-upload"):
            wait_for(lambda: any(path.is_file() for path in releases.glob(".incoming-*/**/*")),
                     "the upload has begun")
        else:
            wait_for((shims / "paused").exists, f"publish reached {point}")
        uploader = int((shims / "rsync.pid").read_text())
        publishing.send_signal(signal.SIGKILL if point == "kill-upload" else signal.SIGTERM)
        stdout, stderr = publishing.communicate()
        wait_for(lambda: not process_exists(uploader), "rsync ended with the publish")
    assert "Traceback" not in stderr
    assert not reader.problems
    assert all(len(ids) == 1 for ids in reader.snapshots)
    if point == "after-switch":
        assert publishing.returncode == 128 + signal.SIGTERM
        assert build_ids(live(target)) == {"2"}
    else:
        assert publishing.returncode in (128 + signal.SIGTERM, -signal.SIGKILL)
        assert live(target) == releases / "0"
    if point != "kill-upload":
        assert "Đã dừng xuất bản" in stderr
        assert snapshot(output) == snapshot(live(target))  # output/ is the copy readers have

    left = sorted(path.name for path in deploy["folder"].iterdir())
    if point != "kill-upload":  # stopped, publish removed its own workspace beside output/
        assert left == [".output.lock", "cache", "output", "publishconf_test.py", "shims", "ssh",
                        "www"]
    if point in ("upload", "after-switch"):
        return
    # The next publication removes what the stopped one left, here and on the target.
    finishing = deploy["start"]("publish", build_id=3)
    stdout, stderr = finishing.communicate()
    assert finishing.returncode == 0, stderr
    assert build_ids(live(target)) == {"3"}
    assert snapshot(output) == snapshot(live(target))
    assert not [path for path in releases.iterdir() if path.name.startswith(".")]
    assert not list(target.glob(".current-*"))
    assert sorted(path.name for path in deploy["folder"].iterdir()) == [
        ".output.lock", "cache", "output", "publishconf_test.py", "shims", "ssh", "www"]


def test_old_releases_beyond_the_setting_are_removed(deploy):
    target = deploy["target"]
    for name in ("20200101T000000Z-aaaaaa", "20200102T000000Z-bbbbbb", "20200103T000000Z-cccccc"):
        shutil.copytree(target / "releases" / "0", target / "releases" / name)
    (target / "current").unlink()
    (target / "current").symlink_to("releases/20200103T000000Z-cccccc")
    publishing = deploy["start"]("publish", build_id=4)
    _, stderr = publishing.communicate()
    assert publishing.returncode == 0, stderr
    kept = sorted(path.name for path in (target / "releases").iterdir())
    assert len(kept) == 3 and kept[-1] == live(target).name  # DEPLOY_KEEP_RELEASES = 3
    assert kept[:2] == ["20200102T000000Z-bbbbbb", "20200103T000000Z-cccccc"]

