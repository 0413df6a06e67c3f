"""`invoke publish`: the sample site goes out only after every check, and a failure changes nothing."""

import errno
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest

import bantin.build
import bantin.publish
from bantin.build import build
from bantin.digest import site_digest
from core.errors import BuildFailed
from bantin.publish import DeployTarget, PublishFailed, publish, replace_output, rsync_command
from conftest import ROOT, process_exists, run_task, settings_file, snapshot
from plugins.incremental import _ReusingTemplate

PUBLISH_SETTINGS = ROOT / "publishconf.py"
CONFERENCE_REPORT = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html"
PREVIOUS = "20200101T000000Z-truoc"  # an earlier release, as publish names them


@pytest.fixture
def previous_release(workplace, monkeypatch) -> None:
    """In the workplace: an output/ and an rsync target (a local folder) holding a previous site
    as its current release, named by this process's BANTIN_* variables and no other."""
    for name in [name for name in os.environ if name.startswith("BANTIN_")]:
        monkeypatch.delenv(name)
    (workplace / "output").mkdir()
    (workplace / "output" / "index.html").write_text("bản trước")
    (workplace / "target" / "releases" / PREVIOUS).mkdir(parents=True)
    (workplace / "target" / "releases" / PREVIOUS / "index.html").write_text("bản trước")
    (workplace / "target" / "current").symlink_to("releases/" + PREVIOUS)
    monkeypatch.setenv("BANTIN_DEPLOY", "rsync")
    monkeypatch.setenv("BANTIN_RSYNC_TARGET", str(workplace / "target"))


def site_files(workplace: Path) -> dict[str, bytes]:
    """Every file of the workplace but the lock file (it stays, empty, for the next build)."""
    files = snapshot(workplace)
    assert files.pop(".output.lock", b"") == b""
    return files


def overrides(workplace: Path) -> dict:
    return {"PATH": str(workplace / "content"), "OUTPUT_PATH": str(workplace / "output")}


def test_the_sample_site_is_checked_and_sent_to_the_rsync_target_as_a_release(
    workplace, previous_release
):
    (workplace / "target" / "releases" / PREVIOUS / "bai-da-xoa.html").write_text("cũ")
    target = publish(PUBLISH_SETTINGS, overrides(workplace))
    assert target.kind == "rsync"
    current = workplace / "target" / "current"
    release = os.readlink(current)
    assert release.startswith("releases/") and release != "releases/" + PREVIOUS
    published = snapshot(current)
    assert CONFERENCE_REPORT in published
    assert "bai-da-xoa.html" not in published  # a release holds only its own site
    assert {"_headers", "index.html.gz", "index.html.br", "404.html"} <= set(published)
    assert published == snapshot(workplace / "output")
    assert sorted(path.name for path in (workplace / "target" / "releases").iterdir()) == sorted(
        [PREVIOUS, release.removeprefix("releases/")])  # the previous one stays, for rollback
    assert sorted(path.name for path in workplace.iterdir()) == [
        ".output.lock", "content", "output", "target"]


def test_rollback_switches_back_and_says_to_which_release(workplace, previous_release):
    publish(PUBLISH_SETTINGS, overrides(workplace))
    settings = settings_file(workplace / "publishconf_test.py", "publishconf",
                             OUTPUT_PATH=workplace / "output")
    result = run_task("rollback", "--settings", str(settings))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Đã quay lại bản {PREVIOUS}: người đọc đang thấy bản này.\n"
    assert os.readlink(workplace / "target" / "current") == "releases/" + PREVIOUS


def test_a_site_that_fails_a_check_is_not_published(workplace, previous_release):
    (workplace / "content" / "pages" / "hong.md").write_text(
        "Title: Trang hỏng\n\n<p><a href=\"/khong-co-trang-nay/\">Liên kết hỏng</a></p>\n",
        encoding="utf-8",
    )
    before = site_files(workplace)
    with pytest.raises(PublishFailed) as failure:
        publish(PUBLISH_SETTINGS, overrides(workplace))
    assert failure.value.step == "kiểm tra trang"
    assert [finding.code for finding in failure.value.findings] == ["broken-link"]
    assert "/khong-co-trang-nay/" in failure.value.findings[0].message
    assert site_files(workplace) == before


def test_a_failed_transfer_leaves_output_as_it_was(workplace, previous_release, monkeypatch):
    monkeypatch.setenv("BANTIN_RSYNC_TARGET", "bantin@may-chu.invalid:/srv/bantin/")
    before = site_files(workplace)
    with pytest.raises(PublishFailed) as failure:
        publish(PUBLISH_SETTINGS, overrides(workplace))
    assert failure.value.step == "rsync"
    assert [finding.code for finding in failure.value.findings] == ["deploy-failed"]
    assert site_files(workplace) == before


def test_github_pages_gets_the_site_as_a_commit_on_its_branch(
    workplace, previous_release, monkeypatch
):
    remote = workplace / "remote.git"
    repository = workplace / "repository"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    subprocess.run(["git", "-C", str(repository), "remote", "add", "origin", str(remote)], check=True)
    monkeypatch.chdir(repository)
    monkeypatch.setenv("BANTIN_DEPLOY", "github-pages")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Bản tin")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "bantin@example.invalid")
    publish(PUBLISH_SETTINGS, overrides(workplace))
    files = subprocess.run(
        ["git", "--git-dir", str(remote), "ls-tree", "-r", "--name-only", "gh-pages"],
        capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    assert {".nojekyll", "index.html", CONFERENCE_REPORT} <= set(files)


@pytest.mark.parametrize(
    "environment, fragment",
    [
        ({"BANTIN_DEPLOY": "ftp"}, "BANTIN_DEPLOY phải là rsync hoặc github-pages"),
        ({"BANTIN_DEPLOY": "rsync"}, "cần BANTIN_RSYNC_TARGET"),
        (
            {"BANTIN_DEPLOY": "rsync", "BANTIN_RSYNC_TARGET": "a@b:/c", "BANTIN_SSH_KEY": "khóa"},
            "BANTIN_SSH_KNOWN_HOSTS",
        ),
    ],
)
def test_a_wrong_deploy_configuration_is_one_clear_sentence(environment, fragment):
    with pytest.raises(PublishFailed) as failure:
        DeployTarget.from_environment(environment)
    [finding] = failure.value.findings
    assert finding.code == "deploy-config" and fragment in finding.message


def test_ssh_credentials_come_from_the_environment_into_private_files(tmp_path):
    target = DeployTarget.from_environment({
        "BANTIN_DEPLOY": "rsync",
        "BANTIN_RSYNC_TARGET": "bantin@may-chu.example:/srv/bantin",
        "BANTIN_SSH_KEY": "-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----",
        "BANTIN_SSH_KNOWN_HOSTS": "may-chu.example ssh-ed25519 AAAA",
    })
    command = rsync_command(tmp_path / "site", target, tmp_path, "moi", current="cu")
    assert {"--checksum", "--link-dest=../cu"} <= set(command)
    assert command[-2:] == [f"{tmp_path / 'site'}/",
                            "bantin@may-chu.example:/srv/bantin/releases/.incoming-moi/"]
    ssh = command[command.index("--rsh") + 1]
    assert "StrictHostKeyChecking=yes" in ssh and "BatchMode=yes" in ssh
    key = tmp_path / "ssh-key"
    assert f"-i {key}" in ssh and "BEGIN OPENSSH PRIVATE KEY" not in ssh
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "known_hosts").read_text() == "may-chu.example ssh-ed25519 AAAA\n"


def test_the_task_prints_what_failed_and_exits_1_without_a_traceback():
    result = run_task("publish", env={**os.environ, "BANTIN_DEPLOY": "ftp"})
    assert result.returncode == 1
    assert "BANTIN_DEPLOY: BANTIN_DEPLOY phải là rsync hoặc github-pages" in result.stderr
    assert "Không xuất bản: bước cấu hình thất bại" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_second_publish_with_nothing_changed_renders_no_page(
    workplace, previous_release, monkeypatch
):
    settings = {**overrides(workplace), "CACHE_PATH": str(workplace / "cache")}
    publish(PUBLISH_SETTINGS, settings)
    output = workplace / "output"
    published = site_digest(output)
    rendered = []
    render = _ReusingTemplate.render

    def counting(self, localcontext):
        rendered.append(localcontext["output_file"])
        return render(self, localcontext)

    monkeypatch.setattr(_ReusingTemplate, "render", counting)
    publish(PUBLISH_SETTINGS, settings)  # takes up the first one's model (bantin/resume.py)
    assert rendered == []
    assert site_digest(output) == published


def test_the_new_model_is_set_aside_before_the_checks_and_dropped_when_they_refuse(
    workplace, previous_release, monkeypatch
):
    """The checks of every page do not run beside the model of every article: it is pickled
    first, beside the saved one, which stays whole until the site is in place; refused, the
    publication leaves the saved model as it was and nothing beside it."""
    settings = {**overrides(workplace), "CACHE_PATH": str(workplace / "cache")}
    publish(PUBLISH_SETTINGS, settings)
    models = workplace / "cache" / "model"
    kept = snapshot(models)
    (workplace / "content" / "pages" / "hong.md").write_text(  # a new source: a new model
        "Title: Trang hỏng\n\n<p><a href=\"/khong-co-trang-nay/\">Liên kết hỏng</a></p>\n",
        encoding="utf-8")
    seen = []
    judge = bantin.publish.judge_site
    monkeypatch.setattr(bantin.publish, "judge_site", lambda site, settings: seen.append(
        sorted(path.name for path in models.rglob("*"))) or judge(site, settings))
    with pytest.raises(PublishFailed):
        publish(PUBLISH_SETTINGS, settings)
    (looking,) = seen
    assert {name.split(".aside-")[0] for name in looking if ".aside-" in name} == {
        "vi.pickle", "en.pickle"}
    assert snapshot(models) == kept


# --- The build's own folder: one build at a time, no leftovers, a swap without a gap -----------
DEV_SETTINGS = ROOT / "pelicanconf.py"


def dev_overrides(folder: Path) -> dict:
    return {"OUTPUT_PATH": str(folder / "output"), "CACHE_PATH": str(folder / "cache")}


@pytest.fixture
def previous_site(tmp_path) -> Path:
    """An output/ holding the last good site (one page)."""
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / "index.html").write_text("bản trước")
    return tmp_path / "output"


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_build_removes_what_killed_builds_left_but_not_a_running_ones(tmp_path, previous_site):
    dead, running = dead_pid(), subprocess.Popen(["sleep", "600"])
    try:
        for name in (f"output.staging-{dead}", f"output.previous-{dead}",
                     f"output.publish-{dead}-x1y2", f"output.staging-{running.pid}"):
            (tmp_path / name / "tin").mkdir(parents=True)
            (tmp_path / name / "tin" / "index.html").write_text("dở dang")
        build(DEV_SETTINGS, strict=True, overrides=dev_overrides(tmp_path))
    finally:
        running.kill()
        running.wait()
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        ".output.lock", "cache", "output", f"output.staging-{running.pid}"]
    assert (previous_site / CONFERENCE_REPORT).exists()


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path, previous_site):
    holder = subprocess.Popen(  # another build, as far as the lock can tell
        [sys.executable, "-c", "import fcntl, sys\nlock = open(sys.argv[1], 'w')\n"
         "fcntl.flock(lock, fcntl.LOCK_EX)\nprint('giữ', flush=True)\nsys.stdin.readline()",
         str(tmp_path / ".output.lock")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "giữ\n"
    settings = settings_file(tmp_path / "pelicanconf_test.py", **dev_overrides(tmp_path))
    builder = subprocess.Popen(
        [sys.executable, "-m", "invoke", "build", "--settings", str(settings)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert builder.stderr.readline() == "Đang có một lần dựng trang khác chạy; đang chờ...\n"
    assert snapshot(previous_site) == {"index.html": "bản trước".encode()}
    holder.communicate("")  # the first build ends
    stdout, stderr = builder.communicate()
    assert builder.returncode == 0, stderr
    assert "Đã dựng trang:" in stdout and (previous_site / CONFERENCE_REPORT).exists()


def test_the_swap_leaves_no_moment_without_a_whole_output(tmp_path):
    output = tmp_path / "output"
    problems, done = [], threading.Event()

    def make(version: int) -> Path:
        folder = tmp_path / f"output.staging-{version}"
        folder.mkdir()
        for name in ("index.html", "tin.html"):
            (folder / name).write_text(str(version))
        return folder

    def read():  # a web server serving output/ while builds replace it: each request opens a path
        while not done.is_set():
            for name in ("index.html", "tin.html"):
                try:
                    (output / name).read_text()
                except FileNotFoundError as error:
                    problems.append(error)

    replace_output(make(0), output).join()
    reader = threading.Thread(target=read)
    reader.start()
    try:
        for version in range(1, 1000):
            replace_output(make(version), output).join()
    finally:
        done.set()
        reader.join()
    assert not problems
    assert (output / "index.html").read_text() == "999"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["output"]


def full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))  # as write() fails: no file named


@pytest.mark.parametrize("patched, named", [
    ("pathlib.Path.write_text", "sitemap.xml"),  # the sitemap step's first write
    ("xml.etree.ElementTree.ElementTree.write", "feeds/"),
])
def test_a_full_disk_is_one_sentence_and_output_stays(tmp_path, previous_site, monkeypatch,
                                                       patched, named):
    module, _, attribute = patched.rpartition(".")
    owner = {"pathlib.Path": Path,
             "xml.etree.ElementTree.ElementTree": ElementTree.ElementTree}[module]
    original = getattr(owner, attribute)

    def write(self, *args, **kwargs):
        if Path(str(self)).name == "sitemap.xml" or owner is not Path:
            full_disk()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(owner, attribute, write)
    with pytest.raises(BuildFailed) as failure:
        build(DEV_SETTINGS, strict=True, overrides=dev_overrides(tmp_path))
    [finding] = [finding for finding in failure.value.findings if finding.code == "write-failed"]
    assert "không ghi được khi ghi" in finding.message and named in finding.message
    assert "hết chỗ trên đĩa" in finding.message and Path(finding.path) == previous_site
    assert snapshot(previous_site) == {"index.html": "bản trước".encode()}
    assert sorted(path.name for path in tmp_path.iterdir()) == [".output.lock", "cache", "output"]


@pytest.fixture
def mounted(tmp_path):
    """Mount a tmpfs (root only): `mounted(folder)`; unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("needs root to mount")
    mounts = []

    def mount(folder: Path, *options: str):
        result = subprocess.run(["mount", "-t", "tmpfs", *options, "tmpfs", str(folder)],
                                capture_output=True, text=True)
        if result.returncode:
            pytest.skip(f"cannot mount here: {result.stderr.strip()}")
        mounts.append(folder)

    yield mount
    for folder in reversed(mounts):
        subprocess.run(["umount", str(folder)], check=True)


@pytest.mark.parametrize("refusal, reason", [
    ("busy", "thư mục đang được một chương trình khác dùng"),
    ("read-only", "ổ đĩa chỉ cho đọc"),
])
def test_an_output_folder_that_cannot_be_swapped_is_one_sentence_and_stays(
        tmp_path, mounted, monkeypatch, refusal, reason):
    site = tmp_path / "site"
    output = site / "output"
    site.mkdir()
    if refusal == "busy":
        output.mkdir()
        mounted(output)  # a mount point cannot be renamed: EBUSY, as with a server's bind mount
    else:
        mounted(site)
        output.mkdir()
        swap = bantin.build.replace_site

        def read_only_then_swap(new, target):  # the disk turns read-only as the build ends
            subprocess.run(["mount", "-o", "remount,ro", str(site)], check=True)
            return swap(new, target)

        monkeypatch.setattr(bantin.build, "replace_site", read_only_then_swap)
    (output / "index.html").write_text("bản trước")
    with pytest.raises(BuildFailed) as failure:
        build(DEV_SETTINGS, strict=True, overrides={**dev_overrides(site),
                                                    "CACHE_PATH": str(tmp_path / "cache")})
    [finding] = failure.value.findings
    assert str(finding) == (f"{output}: không thay được thư mục này bằng trang mới ({reason}); "
                            "trang cũ được giữ nguyên [output-not-replaced]")
    assert snapshot(output) == {"index.html": "bản trước".encode()}


def test_a_read_only_disk_is_one_sentence_through_the_task(tmp_path, mounted):
    site = tmp_path / "site"
    site.mkdir()
    mounted(site)
    (site / "output").mkdir()
    (site / "output" / "index.html").write_text("bản trước")
    settings = settings_file(tmp_path / "pelicanconf_test.py", OUTPUT_PATH=site / "output",
                             CACHE_PATH=tmp_path / "cache")
    subprocess.run(["mount", "-o", "remount,ro", str(site)], check=True)
    result = run_task("build", "--settings", str(settings))
    assert result.returncode == 1
    assert result.stderr == (f"{site}: không ghi được vào thư mục này (ổ đĩa chỉ cho đọc); "
                             "trang cũ được giữ nguyên [output-not-replaced]\n"
                             "Dựng trang thất bại; trang cũ trong output/ được giữ nguyên.\n")
    assert snapshot(site) == {"output/index.html": "bản trước".encode()}


def test_photo_workers_end_with_the_build_that_started_them(tmp_path):
    script = (
        "import os, sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from plugins.photos import pipeline\n"
        "def slow(*args):\n"
        # one write per worker: two workers' print() calls can interleave their pid and newline
        "    os.write(1, f'{os.getpid()}\\n'.encode())\n"
        "    time.sleep(600)\n"
        "pipeline.derive_into_cache = slow\n"
        "class Cache:\n"
        "    root = '.'\n"
        "pipeline.derive_missing({'a': 'a.jpg', 'b': 'b.jpg'}, None, Cache(), progress=False)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    worker = int(parent.stdout.readline())
    parent.kill()  # SIGKILL: nothing of the parent's own code runs
    parent.wait()
    deadline = time.monotonic() + 60  # a failure guard, not a measure
    while process_exists(worker):
        assert time.monotonic() < deadline, "the photo worker outlived its build"
        time.sleep(0.05)
