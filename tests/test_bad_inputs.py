"""The bad-input suite: each broken article or asset an editor can push makes `invoke publish` print
the documented `path:line: message [code]` and exit 1, and leaves the last good site where it was.

Every case runs the real task in a subprocess on a copy of the sample content, as CI would.
"""

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from conftest import snapshot

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = "content/articles/2021/bai-thu/index.md"
PHOTO = "content/articles/2021/bai-thu/anh.jpg"


def article(*, title="Bài thử", date="2021-08-01 08:00", field="Đoàn thanh niên",
            extra="", body="Nội dung bài thử.") -> str:
    return (f"Title: {title}\nDate: {date}\nCategory: {field}\nSummary: Tóm tắt bài thử.\n"
            f"{extra}\n{body}\n")


# (case, files to add: path -> text or bytes, expected "path:line" or path, code, words of the message)
CASES = [
    ("bad date", {ARTICLE: article(date="15/07/2021")}, f"{ARTICLE}:2", "bad-date", "15/07/2021"),
    ("missing metadata", {ARTICLE: "Title: Bài thử\nDate: 2021-08-01\n\nNội dung.\n"},
     ARTICLE, "missing-metadata", "Category"),
    ("unknown field", {ARTICLE: article(field="Thể dục")}, f"{ARTICLE}:3", "unknown-field", "Thể dục"),
    ("unknown metadata", {ARTICLE: article(extra="Nguon: Báo Hà Nam\n")},
     f"{ARTICLE}:5", "unknown-metadata", "Nguon"),
    ("malformed metadata", {ARTICLE: article(extra="Tác giả Nguyễn Văn A\n")},
     f"{ARTICLE}:5", "malformed-metadata", None),
    ("future date", {ARTICLE: article(date="2999-01-01 08:00")}, f"{ARTICLE}:2", "future-date", "2999"),
    ("duplicate slug", {ARTICLE: article(extra="Slug: hoi-nghi-so-ket-6-thang-dau-nam-2021\n")},
     "content/articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md:7", "duplicate-slug",
     ARTICLE),
    ("missing photo", {ARTICLE: article(body="![Toàn cảnh hội nghị](khong-co.jpg)")},
     f"{ARTICLE}:6", "missing-photo", "khong-co.jpg"),
    ("broken photo file", {ARTICLE: article(body="![Toàn cảnh hội nghị](anh.jpg)"),
                           PHOTO: b"\xff\xd8 not a photo"},
     f"{ARTICLE}:6", "photo-not-image", "anh.jpg"),
    ("link to a missing article", {ARTICLE: article(body="Xem [bài cũ](../khong-co/index.md).")},
     f"{ARTICLE}:6", "broken-link", "khong-co"),
    ("NFD text", {ARTICLE: article(body=unicodedata.normalize("NFD", "Đoàn viên tình nguyện."))},
     f"{ARTICLE}:6", "not-nfc", None),
    ("TCVN3 mojibake", {ARTICLE: article(body="Héi nghÞ s¬ kÕt c«ng t¸c ®oµn.")},
     f"{ARTICLE}:6", "legacy-encoding", "Hội nghị sơ kết"),
    ("VNI mojibake", {ARTICLE: article(body="Hoäi nghò sô keát coâng taùc ñoaøn.")},
     f"{ARTICLE}:6", "legacy-encoding", "Hội nghị sơ kết"),
    ("Windows-1258 file",
     {ARTICLE: "Title: Đoàn thanh niên\nDate: 2021-08-01\nCategory: Đoàn thanh niên\n\nĐoàn.\n".encode("cp1258")},
     f"{ARTICLE}:1", "encoding", "UTF-8"),
    ("UTF-16 file", {ARTICLE: article().encode("utf-16")}, ARTICLE, "encoding-utf16", "UTF-8"),
    ("empty file", {ARTICLE: b""}, ARTICLE, "empty-file", None),
    ("10 MB paragraph", {ARTICLE: article(body="Đoàn viên tình nguyện " * 450_000)},
     ARTICLE, "file-too-large", None),
]


@pytest.fixture
def workplace(tmp_path):
    """Sample content, a settings file pointing at it, and a previous site in output/ and target/."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    (tmp_path / "caidat.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom publishconf import *\n"
        f"PATH = {str(tmp_path / 'content')!r}\nOUTPUT_PATH = {str(tmp_path / 'output')!r}\n",
        encoding="utf-8",
    )
    for folder in ("output", "target"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "index.html").write_text("bản tốt gần nhất", encoding="utf-8")
    return tmp_path


def run_publish(workplace: Path) -> subprocess.CompletedProcess:
    environment = {name: value for name, value in os.environ.items() if not name.startswith("BANTIN_")}
    environment.update(BANTIN_DEPLOY="rsync", BANTIN_RSYNC_TARGET=str(workplace / "target"))
    return subprocess.run(
        [sys.executable, "-m", "invoke", "publish", "--settings", str(workplace / "caidat.py")],
        cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("case, files, where, code, words", CASES, ids=[case[0] for case in CASES])
def test_publish_refuses_bad_input_and_keeps_the_last_good_site(
    workplace, case, files, where, code, words
):
    for name, data in files.items():
        path = workplace / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    before = {folder: snapshot(workplace / folder) for folder in ("output", "target")}

    result = run_publish(workplace)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert "Không xuất bản" in result.stderr
    lines = [
        line for line in result.stderr.splitlines()
        if line.startswith(where + ":") and line.endswith(f"[{code}]")
    ]
    assert lines, f"no `{where}: ... [{code}]` line in:\n{result.stderr}"
    if words:
        assert any(words in line for line in lines), lines
    assert {folder: snapshot(workplace / folder) for folder in ("output", "target")} == before
    assert sorted(path.name for path in workplace.iterdir()) == [
        ".output.lock", "caidat.py", "content", "output", "target"]


def test_the_same_workplace_publishes_when_nothing_is_wrong(workplace):
    result = run_publish(workplace)
    assert result.returncode == 0, result.stderr
    assert "Đã xuất bản: rsync tới" in result.stdout
    published = snapshot(workplace / "target" / "current")  # the release readers see
    assert "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html" in published
    assert published == snapshot(workplace / "output")
