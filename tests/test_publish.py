"""`invoke publish`: the sample site goes out only after every check, and a failure changes nothing."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from bantin.publish import DeployTarget, PublishFailed, publish, rsync_command
from conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent
PUBLISH_SETTINGS = ROOT / "publishconf.py"
CONFERENCE_REPORT = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html"


@pytest.fixture
def workplace(tmp_path, monkeypatch):
    """A copy of the content, an output/ and an rsync target holding a previous site."""
    for name in [name for name in os.environ if name.startswith("BANTIN_")]:
        monkeypatch.delenv(name)
    shutil.copytree(ROOT / "content", tmp_path / "content")
    for folder in ("output", "target"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_text("bản trước")
    monkeypatch.setenv("BANTIN_DEPLOY", "rsync")
    monkeypatch.setenv("BANTIN_RSYNC_TARGET", str(tmp_path / "target"))
    return tmp_path


def overrides(workplace: Path) -> dict:
    return {"PATH": str(workplace / "content"), "OUTPUT_PATH": str(workplace / "output")}


def test_the_sample_site_is_checked_and_sent_to_the_rsync_target(workplace):
    (workplace / "target" / "bai-da-xoa.html").write_text("cũ")
    target = publish(PUBLISH_SETTINGS, overrides(workplace))
    assert target.kind == "rsync"
    published = snapshot(workplace / "target")
    assert CONFERENCE_REPORT in published
    assert "bai-da-xoa.html" not in published  # deleted after the transfer
    assert {"_headers", "index.html.gz", "index.html.br", "404.html"} <= set(published)
    assert published == snapshot(workplace / "output")
    assert sorted(path.name for path in workplace.iterdir()) == ["content", "output", "target"]


def test_a_site_that_fails_a_check_is_not_published(workplace):
    (workplace / "content" / "pages" / "hong.md").write_text(
        "Title: Trang hỏng\n\n<p><a href=\"/khong-co-trang-nay/\">Liên kết hỏng</a></p>\n",
        encoding="utf-8",
    )
    before = snapshot(workplace)
    with pytest.raises(PublishFailed) as failure:
        publish(PUBLISH_SETTINGS, overrides(workplace))
    assert failure.value.step == "kiểm tra trang"
    assert [finding.code for finding in failure.value.findings] == ["broken-link"]
    assert "/khong-co-trang-nay/" in failure.value.findings[0].message
    assert snapshot(workplace) == before


def test_a_failed_transfer_leaves_output_as_it_was(workplace, monkeypatch):
    monkeypatch.setenv("BANTIN_RSYNC_TARGET", "bantin@may-chu.invalid:/srv/bantin/")
    before = snapshot(workplace)
    with pytest.raises(PublishFailed) as failure:
        publish(PUBLISH_SETTINGS, overrides(workplace))
    assert failure.value.step == "rsync"
    assert [finding.code for finding in failure.value.findings] == ["deploy-failed"]
    assert snapshot(workplace) == before


def test_github_pages_gets_the_site_as_a_commit_on_its_branch(workplace, monkeypatch):
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
    command = rsync_command(tmp_path / "site", target, tmp_path)
    assert {"--checksum", "--delete-after", "--delay-updates"} <= set(command)
    assert command[-2:] == [f"{tmp_path / 'site'}/", "bantin@may-chu.example:/srv/bantin/"]
    ssh = command[command.index("--rsh") + 1]
    assert "StrictHostKeyChecking=yes" in ssh and "BatchMode=yes" in ssh
    key = tmp_path / "ssh-key"
    assert f"-i {key}" in ssh and "BEGIN OPENSSH PRIVATE KEY" not in ssh
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert (tmp_path / "known_hosts").read_text() == "may-chu.example ssh-ed25519 AAAA\n"


def test_the_task_prints_what_failed_and_exits_1_without_a_traceback():
    environment = {**os.environ, "BANTIN_DEPLOY": "ftp"}
    result = subprocess.run(
        [sys.executable, "-m", "invoke", "publish"],
        cwd=ROOT, env=environment, capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "BANTIN_DEPLOY: BANTIN_DEPLOY phải là rsync hoặc github-pages" in result.stderr
    assert "Không xuất bản: bước cấu hình thất bại" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_second_publish_reuses_the_pages_the_first_one_put_in_output(workplace, monkeypatch):
    settings = {**overrides(workplace), "CACHE_PATH": str(workplace / "cache")}
    publish(PUBLISH_SETTINGS, settings)
    output = workplace / "output"
    reused = []
    original_read_text = Path.read_text

    def spy(self, *args, **kwargs):  # a reused page is read back from the current output/
        if self.suffix == ".html" and output in self.parents:
            reused.append(self)
        return original_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", spy)
    publish(PUBLISH_SETTINGS, settings)
    monkeypatch.undo()
    assert output / CONFERENCE_REPORT in reused
    assert len(reused) == len(list(output.rglob("*.html")))
