"""A fresh checkout (CI) keeps the caches: what git knows of the committed content stands for
its bytes, so a build after `git checkout` neither converts articles nor hashes photos again,
while a file that differs from what git committed is never taken for it."""

import os
import shutil
from pathlib import Path

import pytest

from bantin.build import build
from bantin.digest import site_digest
from conftest import SETTINGS_FILE, git, places
from core.checkout import committed_files
from plugins.photos import library as photo_library
from plugins.reader.cache import ReaderCache

REPORT = "articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md"


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "content")
    git(repo, "-c", "user.email=bientap@example.org", "-c", "user.name=Biên tập", "commit",
        "-q", "-m", message)


def fresh_checkout(repo: Path) -> None:
    """As CI checks the repository out: every file of content/ new, with a new time and inode."""
    shutil.rmtree(repo / "content")
    git(repo, "checkout", "--", "content")


@pytest.fixture
def repository(workplace):
    git(workplace, "init", "-q")
    commit(workplace, "Nội dung mẫu")
    return workplace


@pytest.fixture
def work_done(monkeypatch):
    """The conversions stored and the photos hashed by the builds of the test."""
    done = {"converted": 0, "hashed": 0}
    store, cache_key = ReaderCache.store, photo_library.cache_key

    def storing(self, key, value):
        done["converted"] += 1
        return store(self, key, value)

    def hashing(source, settings):
        done["hashed"] += 1
        return cache_key(source, settings)

    monkeypatch.setattr(ReaderCache, "store", storing)
    monkeypatch.setattr(photo_library, "cache_key", hashing)
    return done


def run(repo: Path, output: str = "output", cache: str = "cache") -> Path:
    target = repo / output
    build(SETTINGS_FILE, output=target, strict=True,
          overrides={**places(repo), "CACHE_PATH": str(repo / cache),
                     "PHOTO_CACHE_PATH": str(repo / cache / "photos")})
    return target


def test_after_a_fresh_checkout_nothing_is_converted_or_hashed_again(repository, work_done):
    run(repository)
    assert work_done["converted"] > 10 and work_done["hashed"] > 5

    source = repository / "content" / REPORT
    source.write_text(source.read_text(encoding="utf-8") + "\nCập nhật từ CI.\n", encoding="utf-8")
    commit(repository, "Sửa một bài")
    fresh_checkout(repository)
    work_done.update(converted=0, hashed=0)
    output = run(repository)

    # The edited article, and its English translation beside it (a file in its folder changed).
    assert work_done == {"converted": 2, "hashed": 0}
    assert "Cập nhật từ&nbsp;CI." in (output / "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html").read_text(encoding="utf-8")
    assert site_digest(output) == site_digest(run(repository, "clean", "clean-cache"))


def test_a_photo_changed_after_checkout_is_hashed_and_published_anew(repository, work_done):
    run(repository)
    photo = next((repository / "content" / "articles" / "2021").rglob("*.jpg"))
    data = bytearray(photo.read_bytes())
    replaced = photo.with_name("replaced.tmp")
    shutil.copyfile(photo, replaced)
    with open(replaced, "r+b") as file:  # the same size, other pixels' bytes near the end
        file.seek(len(data) - 200)
        file.write(bytes(b ^ 0x55 for b in data[-200:-10]))
    os.replace(replaced, photo)  # a new file, not committed
    work_done.update(converted=0, hashed=0)
    output = run(repository)

    assert work_done["hashed"] == 1 and work_done["converted"] >= 1
    assert site_digest(output) == site_digest(run(repository, "clean", "clean-cache"))


def test_only_clean_tracked_files_of_the_projects_own_repository_count(repository, tmp_path):
    content = repository / "content"
    committed = committed_files(content)
    report = str(content / REPORT)
    assert committed[report][0] == git(repository, "rev-parse", f"HEAD:content/{REPORT}").strip()

    (content / REPORT).write_text("sửa mà chưa lưu vào git\n", encoding="utf-8")
    untracked = content / "articles" / "moi.md"
    untracked.write_text("Title: Mới\n", encoding="utf-8")
    flagged = next(content.rglob("*.jpg"))
    git(repository, "update-index", "--assume-unchanged", str(flagged.relative_to(repository)))
    linked = content / "lien-ket.md"
    linked.symlink_to(content / REPORT)
    git(repository, "add", str(linked.relative_to(repository)))

    committed = committed_files(content)
    assert report not in committed and str(untracked) not in committed
    assert str(flagged) not in committed and str(linked) not in committed
    assert len(committed) > 10

    # Content inside a repository that is not the project's (a parent's) is not trusted.
    inner = repository / "subproject"
    shutil.copytree(content, inner / "content")
    assert committed_files(inner / "content") == {}
    assert committed_files(tmp_path / "elsewhere") == {}
