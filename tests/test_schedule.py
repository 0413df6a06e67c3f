"""Scheduled news: an article dated in the future is information for `invoke check`, is absent
from everything a build or a publication makes until its date, and appears once the clock
(BANTIN_NOW, the project's one clock) reaches it, without any change to the content."""

import gzip
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, add_article, run_task, task_environment

SCHEDULED = "tin/2027/le-ra-quan-thanh-nien-tinh-nguyen/"
SCHEDULED_EN = "en/news/2027/volunteer-youth-launch/"
BEFORE, AT = "2027-01-15 07:59", "2027-01-15 08:00"
PHOTO = ROOT / "content" / "articles" / "2023" / "toa-dam-nu-can-bo-tre-voi-chuyen-doi-so" / "IMG_7702.jpg"


@pytest.fixture
def planned(new_site) -> Path:
    """A small site: one published article and one scheduled for 08:00 on 15/01/2027, with a
    photo and an English translation."""
    content = new_site / "content"
    add_article(content, "dai-hoi-cong-doan", "Đại hội Công đoàn", "2026-11-20 09:00")
    source = add_article(content, "le-ra-quan-thanh-nien-tinh-nguyen",
                         "Lễ ra quân thanh niên tình nguyện", "2027-01-15 08:00",
                         body="Sáng nay, lễ ra quân.\n\n![Đoàn viên ra quân](IMG_7702.jpg)")
    shutil.copy(PHOTO, source.parent)
    (source.parent / "index.en.md").write_text(
        "Title: Volunteer youth launch\nDate: 2027-01-15 08:00\nCategory: Công đoàn\n\n"
        "This morning.\n", encoding="utf-8")
    return new_site


def invoke(now: str, *args: str) -> subprocess.CompletedProcess:
    """A task run as if it were `now` (BANTIN_NOW), deploying nowhere."""
    return run_task(*args, env=task_environment(BANTIN_NOW=now, BANTIN_DEPLOY=""))


def published_text(output: Path) -> str:
    """Every published file that can mention an article, search index fragments included."""
    texts = []
    for path in output.rglob("*"):
        if path.suffix in (".html", ".xml", ".txt"):
            texts.append(path.read_text(encoding="utf-8"))
        elif path.suffix == ".pf_fragment":
            texts.append(gzip.decompress(path.read_bytes()).decode("utf-8"))
    return "\n".join(texts)


def test_check_says_when_the_article_will_appear_and_exits_0(planned):
    result = invoke(BEFORE, "check", "--settings", str(planned / "settings.py"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert ("content/articles/2027/le-ra-quan-thanh-nien-tinh-nguyen/index.md:2: "
            "Bài sẽ đăng lúc 08:00, Thứ Sáu, 15/01/2027") in result.stdout
    assert "[scheduled]" in result.stdout and "Traceback" not in result.stderr
    after = invoke(AT, "check", "--settings", str(planned / "settings.py"))
    assert (after.returncode, after.stdout) == (0, "")


def test_a_strict_build_leaves_the_article_out_until_its_date(planned):
    output = planned / "output"
    result = invoke(BEFORE, "build", "--strict", "--settings", str(planned / "settings.py"))
    assert result.returncode == 0, result.stderr
    assert "Bài sẽ đăng lúc 08:00" in result.stderr
    assert (output / "tin" / "2026" / "dai-hoi-cong-doan" / "index.html").is_file()
    text = published_text(output)
    for trace in ("le-ra-quan-thanh-nien-tinh-nguyen", "Lễ ra quân", "volunteer-youth-launch",
                  "Volunteer youth", "IMG_7702", "2027"):
        assert trace not in text, trace
    assert not list(output.rglob("*IMG_7702*")) and not (output / "nhap").exists()

    result = invoke(AT, "build", "--strict", "--settings", str(planned / "settings.py"))
    assert result.returncode == 0, result.stderr
    assert (output / SCHEDULED / "index.html").is_file()
    assert (output / SCHEDULED_EN / "index.html").is_file()
    assert list((output / SCHEDULED).glob("IMG_7702*.webp"))
    text = published_text(output)
    home = (output / "index.html").read_text(encoding="utf-8")
    assert f"/{SCHEDULED}" in home
    assert f"/{SCHEDULED}" in (output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert f"/{SCHEDULED}" in (output / "sitemap.xml").read_text(encoding="utf-8")
    assert f'"url":"/{SCHEDULED}"' in text


def test_publish_succeeds_without_the_scheduled_article(planned):
    result = invoke(BEFORE, "publish", "--settings", str(planned / "publish.py"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert (planned / "output" / "tin" / "2026" / "dai-hoi-cong-doan" / "index.html").is_file()
    assert not (planned / "output" / SCHEDULED).exists()


def test_a_date_without_time_is_midnight_vietnam_time(planned):
    add_article(planned / "content", "ngay-khong-gio", "Ngày không giờ", "2026-11-21")
    assert invoke("2026-11-20 23:59", "check", "--settings",
                  str(planned / "settings.py")).stdout.count("Bài sẽ đăng lúc 00:00, Thứ Bảy, "
                                                              "21/11/2026") == 1
    result = invoke("2026-11-21 00:00", "build", "--strict", "--settings",
                    str(planned / "settings.py"))
    assert result.returncode == 0, result.stderr
    page = (planned / "output" / "tin" / "2026" / "ngay-khong-gio" / "index.html").read_text(
        encoding="utf-8")
    assert 'datetime="2026-11-21T00:00:00+07:00"' in page


def test_a_wrong_clock_is_one_sentence(planned):
    result = invoke("ngày mai", "check", "--settings", str(planned / "settings.py"))
    assert result.returncode == 1
    assert "BANTIN_NOW='ngày mai' không phải ngày giờ" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_link_to_a_scheduled_article_waits_with_it(planned):
    """Until its date, a published article may not link to the scheduled one: check and a
    strict build say so at the same line; a link from an article scheduled no earlier is fine."""
    add_article(planned / "content", "bao-truoc", "Báo trước lễ ra quân", "2026-12-01 08:00",
                body="Xem [lễ ra quân](../../2027/le-ra-quan-thanh-nien-tinh-nguyen/index.md).")
    expected = ("content/articles/2026/bao-truoc/index.md:5: Liên kết tới "
                "'../../2027/le-ra-quan-thanh-nien-tinh-nguyen/index.md', bài hẹn giờ đăng lúc 08:00, "
                "Thứ Sáu, 15/01/2027")
    check = invoke(BEFORE, "check", "--settings", str(planned / "settings.py"))
    assert check.returncode == 1 and expected in check.stdout
    build = invoke(BEFORE, "build", "--strict", "--settings", str(planned / "settings.py"))
    assert build.returncode == 1 and expected in build.stderr
    assert invoke(AT, "build", "--strict", "--settings",
                  str(planned / "settings.py")).returncode == 0
