"""The editing desk's server, as the CMS speaks to it: `invoke livereload` on a copy of the
project in its own git repository, requests shaped as the CMS's proxy backend sends them
(decap-cms-backend-proxy, answered as decap-server does in git mode)."""

import base64
import http.client
import io
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from PIL import Image

from core.placeholder import make_placeholder
from bantin.build import load_settings
from conftest import DESK_BRANCH as BRANCH, ROOT, SETTINGS_FILE, desk_project, desk_running, git
from plugins.reader import markdown_for

ARTICLES = "content/articles"
REPORT = "content/articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021"
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}


class Desk:
    """The running desk: requests as the desk's page sends them."""

    def __init__(self, base: str, repo: Path):
        self.base = base
        self.repo = repo

    def post(self, route: str, body, headers: dict | None = None) -> tuple[int, object]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(
            self.base + route, data=data, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=120) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8")
            assert "Traceback" not in text
            return error.code, json.loads(text)

    def action(self, action: str, **params) -> tuple[int, object]:
        return self.post("/admin/api/v1", {"action": action,
                                           "params": {"branch": BRANCH, **params}})

    def ok(self, action: str, **params):
        status, answer = self.action(action, **params)
        assert status == 200, answer
        return answer

    def get(self, route: str) -> tuple[int, bytes, str]:
        try:
            with urllib.request.urlopen(self.base + route, timeout=60) as answer:
                return answer.status, answer.read(), answer.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers.get("Content-Type", "")


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    """`invoke livereload` over a copy of the project's content, committed in a new repository."""
    repo = tmp_path_factory.mktemp("desk")
    with desk_running(repo, desk_project(repo)) as base:
        yield Desk(base, repo)


def sample_articles() -> list[str]:
    return sorted(path.relative_to(ROOT).as_posix()
                  for path in (ROOT / ARTICLES).rglob("index*.md"))


def desk_path(path: str) -> str:
    return path[: -len("index.md")] + "index.vi.md" if path.endswith("/index.md") else path


def slug_of(path: str) -> str:
    """The CMS's entry slug of an article's file: `<year>/<folder>/index`."""
    return path[len(ARTICLES) + 1:].rsplit("/", 1)[0] + "/index"


def state(repo: Path) -> tuple:
    """Everything the desk could change: the files of content/, branches, HEAD, the index."""
    files = {path.relative_to(repo).as_posix(): path.read_bytes()
             for path in sorted((repo / "content").rglob("*")) if path.is_file()}
    return (files, git(repo, "for-each-ref"), git(repo, "rev-parse", "HEAD"),
            git(repo, "status", "--porcelain"))


def restyled(text: str) -> str:
    """The front matter written again in another YAML style (flow lists, every string quoted),
    as the CMS's own YAML writer may: the desk must read meaning, not layout."""
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    again = yaml.safe_dump(data, allow_unicode=True, sort_keys=True, default_style='"',
                           default_flow_style=True, width=60)
    return f"---\n{again}---\n{body}"


def photo_bytes(name: str, seed: int, folder: Path) -> bytes:
    return make_placeholder(folder / name, "Ảnh", size=(1200, 800), seed=seed).read_bytes()


def asset(folder: str, name: str, data: bytes) -> dict:
    return {"path": f"{folder}/{name}", "content": base64.b64encode(data).decode(),
            "encoding": "base64"}


def persist(desk: Desk, slug: str, files: dict[str, str], assets=(), status="draft"):
    return desk.action("persistEntry", dataFiles=[
        {"slug": slug, "path": path, "raw": raw} for path, raw in files.items()],
        assets=list(assets), options={"collectionName": "articles", "commitMessage":
                                      f"Create Articles “{slug}”", "useWorkflow": True,
                                      "status": status})


# --- Reading ---------------------------------------------------------------------------------------
def test_entries_by_folder_lists_every_sample_article_in_both_languages(desk):
    entries = desk.ok("entriesByFolder", folder=ARTICLES, extension="md", depth=3)
    listed = {entry["file"]["path"]: entry for entry in entries}
    assert set(listed) == {desk_path(path) for path in sample_articles()}
    assert any(path.endswith("/index.en.md") for path in listed)
    report = listed[f"{REPORT}/index.vi.md"]
    front = yaml.safe_load(report["data"].split("---\n")[1])
    assert front["title"].startswith("Hội nghị sơ kết")
    assert front["date"] == "2021-07-15 14:00" or len(front["date"]) == 16
    assert isinstance(front["tags"], list) and front["category"] == "Đoàn thanh niên"
    assert report["file"]["id"] and "Title:" not in report["data"]
    entry = desk.ok("getEntry", path=f"{REPORT}/index.en.md")
    assert yaml.safe_load(entry["data"].split("---\n")[1])["lang"] == "en"
    missing = desk.ok("entriesByFiles", files=[{"path": f"{ARTICLES}/2021/khong-co/index.vi.md"}])
    assert missing == [{"data": None, "file": {"path": f"{ARTICLES}/2021/khong-co/index.vi.md",
                                               "id": None}}]
    media = desk.ok("getMedia", mediaFolder=REPORT)
    assert {item["name"] for item in media} >= {"IMG_5760.jpg", "IMG_5764.jpg"}
    assert all(not item["name"].endswith(".md") for item in media)
    shown = media[0]
    assert base64.b64decode(shown["content"]) == (desk.repo / shown["path"]).read_bytes()
    # A new article (no folder yet) and the "Tập tin" tab ask for these: none holds an entry's
    # photo, and a refusal would keep the new article's editor loading for ever.
    assert desk.ok("getMedia", mediaFolder=ARTICLES) == []
    assert desk.ok("getMedia", mediaFolder="content/images") == []
    assert desk.action("getMedia", mediaFolder="content")[0] == 422


# --- Saving keeps the project's format ---------------------------------------------------------------
def test_saving_every_sample_article_unchanged_keeps_its_bytes(desk):
    before = state(desk.repo)
    by_entry: dict[str, list[str]] = {}
    for path in sample_articles():
        by_entry.setdefault(slug_of(path), []).append(path)
    for slug, paths in by_entry.items():
        files = {}
        for path in paths:
            text = desk.ok("getEntry", path=desk_path(path))["data"]
            files[desk_path(path)] = restyled(text)
        status, answer = persist(desk, slug, files)
        assert status == 200, answer
        for path in paths:
            saved = subprocess.run(["git", "show", f"cms/articles/{slug}:{path}"],
                                   cwd=desk.repo, capture_output=True, check=True).stdout
            assert saved == (desk.repo / path).read_bytes(), path
        desk.ok("deleteUnpublishedEntry", collection="articles", slug=slug)
    assert state(desk.repo) == before


def test_an_edit_changes_only_the_edited_lines(desk):
    slug = slug_of(f"{REPORT}/index.md")
    text = desk.ok("getEntry", path=f"{REPORT}/index.vi.md")["data"]
    _, front, body = text.split("---\n", 2)
    data = yaml.safe_load(front)
    data["title"] = "Hội nghị sơ kết công tác Đoàn 6 tháng đầu năm"
    data["tags"] = [*data["tags"], "sơ kết"]
    lines = body.split("\n")
    lines[0] = lines[0] + " Đã sửa."
    edited = "---\n" + yaml.safe_dump(data, allow_unicode=True) + "---\n" + "\n".join(lines)
    before = state(desk.repo)
    assert persist(desk, slug, {f"{REPORT}/index.vi.md": edited})[0] == 200
    assert state(desk.repo)[0] == before[0]  # nothing in content/ before publishing
    diff = git(desk.repo, "diff", "--unified=0", BRANCH, f"cms/articles/{slug}", "--",
               f"{REPORT}/index.md")
    removed = [line for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert [line.split(":")[0] for line in removed][:2] == ["-Title", "-Tags"]
    assert added[0] == "+Title: Hội nghị sơ kết công tác Đoàn 6 tháng đầu năm"
    assert added[1].endswith(", sơ kết") and len(removed) == len(added) == 3
    assert added[2].endswith(" Đã sửa.")
    desk.ok("deleteUnpublishedEntry", collection="articles", slug=slug)


# --- The editorial workflow ---------------------------------------------------------------------------
def test_a_new_article_goes_from_draft_to_review_to_ready_to_published(desk, tmp_path):
    folder = f"{ARTICLES}/2026/ngay-hoi-thanh-nien-khoe"
    slug = "2026/ngay-hoi-thanh-nien-khoe/index"
    first = photo_bytes("ngay-hoi-1.jpg", 1, tmp_path)
    second = photo_bytes("ngay-hoi-2.jpg", 2, tmp_path)
    vietnamese = ("---\ntitle: Ngày hội thanh niên khỏe\ndate: 2026-03-26 08:00\n"
                  "category: Đoàn thanh niên\ntags:\n  - thể thao\n  - 26/3\nauthor: Ban Tuyên giáo\n"
                  "summary: Đoàn viên các cơ quan tỉnh cùng chạy vì sức khỏe.\n"
                  "image: ngay-hoi-1.jpg\n---\nSáng 26/3, hơn 300 đoàn viên tham gia ngày hội.\n\n"
                  "![Đoàn viên xuất phát](ngay-hoi-1.jpg \"Đoàn viên xuất phát từ quảng trường.\")\n\n"
                  "![Trao giải](ngay-hoi-2.jpg \"Ban tổ chức trao giải cho các đội.\")\n")
    english = ("---\ntitle: A healthy youth day\ndate: 2026-03-26 08:00\n"
               "category: Đoàn thanh niên\nsummary: Union members ran for their health.\n---\n"
               "On the morning of 26 March, over 300 members joined the day.\n")
    main_before = git(desk.repo, "rev-parse", BRANCH)
    status, answer = persist(desk, slug, {f"{folder}/index.vi.md": vietnamese,
                                          f"{folder}/index.en.md": english},
                             [asset(folder, "ngay-hoi-1.jpg", first),
                              asset(folder, "ngay-hoi-2.jpg", second)])
    assert status == 200, answer
    branch = f"cms/articles/{slug}"
    assert git(desk.repo, "rev-parse", "--verify", branch).strip()
    assert git(desk.repo, "rev-parse", BRANCH) == main_before
    assert not (desk.repo / folder).exists()
    assert git(desk.repo, "status", "--porcelain") == ""
    assert f"articles/{slug}" in desk.ok("unpublishedEntries")

    entry = desk.ok("unpublishedEntry", collection="articles", slug=slug)
    assert entry["status"] == "draft" and entry["collection"] == "articles"
    assert {diff["path"] for diff in entry["diffs"]} == {
        f"{folder}/index.vi.md", f"{folder}/index.en.md", f"{folder}/ngay-hoi-1.jpg",
        f"{folder}/ngay-hoi-2.jpg"}
    assert all(diff["newFile"] and diff["binary"] == diff["path"].endswith(".jpg")
               for diff in entry["diffs"])
    assert desk.ok("unpublishedEntry", id=f"articles/{slug}")["slug"] == slug
    data = desk.ok("unpublishedEntryDataFile", collection="articles", slug=slug,
                   path=f"{folder}/index.vi.md", id=f"{folder}/index.vi.md")["data"]
    assert yaml.safe_load(data.split("---\n")[1])["slug"] == "ngay-hoi-thanh-nien-khoe"
    media = desk.ok("unpublishedEntryMediaFile", collection="articles", slug=slug,
                    path=f"{folder}/ngay-hoi-2.jpg", id=f"{folder}/ngay-hoi-2.jpg")
    assert base64.b64decode(media["content"]) == second and media["name"] == "ngay-hoi-2.jpg"
    assert git(desk.repo, "config", f"branch.{branch}.description").strip() == "decap-cms/draft"

    status, answer = desk.action("publishUnpublishedEntry", collection="articles", slug=slug)
    assert status == 409 and "Sẵn sàng" in answer["error"]
    for step in ("pending_review", "pending_publish"):
        desk.ok("updateUnpublishedEntryStatus", collection="articles", slug=slug, newStatus=step)
        assert desk.ok("unpublishedEntry", collection="articles", slug=slug)["status"] == step
    assert git(desk.repo, "rev-parse", BRANCH) == main_before
    desk.ok("publishUnpublishedEntry", collection="articles", slug=slug)

    source = (desk.repo / folder / "index.md").read_text(encoding="utf-8")
    assert source.startswith("Title: Ngày hội thanh niên khỏe\nDate: 2026-03-26 08:00\n"
                             "Category: Đoàn thanh niên\nTags: thể thao, 26/3\n")
    assert "\nSlug: ngay-hoi-thanh-nien-khoe\n" in source and "---" not in source
    assert "\n\n![Đoàn viên xuất phát](ngay-hoi-1.jpg" in source
    assert (desk.repo / folder / "index.en.md").read_text(encoding="utf-8").startswith(
        "Title: A healthy youth day\n")
    assert (desk.repo / folder / "ngay-hoi-2.jpg").read_bytes() == second
    assert git(desk.repo, "status", "--porcelain") == ""
    parents = git(desk.repo, "log", "-1", "--format=%P", BRANCH).split()
    assert parents[0] == main_before.strip() and len(parents) == 2
    assert branch not in git(desk.repo, "branch", "--list")
    check = subprocess.run([sys.executable, "-m", "invoke", "check", "--settings",
                            str(desk.repo / "settings.py")], cwd=ROOT, env=ENV,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "ngay-hoi" not in check.stdout


def test_publishing_waits_for_uncommitted_changes_in_the_entry_folder(desk):
    slug = slug_of(f"{REPORT}/index.md")
    text = desk.ok("getEntry", path=f"{REPORT}/index.en.md")["data"]
    assert persist(desk, slug, {f"{REPORT}/index.en.md": text + "\nOne more line.\n"},
                   status="pending_publish")[0] == 200
    source = desk.repo / REPORT / "index.en.md"
    original = source.read_bytes()
    source.write_bytes(original + b"\nEdited by hand.\n")
    before = state(desk.repo)
    status, answer = desk.action("publishUnpublishedEntry", collection="articles", slug=slug)
    assert status == 409 and "chưa lưu vào git" in answer["error"]
    assert state(desk.repo) == before
    source.write_bytes(original)
    desk.ok("publishUnpublishedEntry", collection="articles", slug=slug)
    assert source.read_bytes() == original + b"\nOne more line.\n"
    assert git(desk.repo, "status", "--porcelain") == ""


# --- Untrusted input -----------------------------------------------------------------------------------
HOSTILE_PATHS = [
    "../../etc/passwd",
    "/etc/passwd",
    f"{ARTICLES}/../../settings.py",
    f"{ARTICLES}/2021/x/../../../../settings.py",
    f"{ARTICLES}/2021/x/.an.jpg",
    f"{ARTICLES}/2021/x/anh\x00.jpg",
    f"{ARTICLES}/2021/x\\..\\..\\x.jpg",
    f"{ARTICLES}/2021/x/ha\u0300nh.jpg",  # NFD
    f"{ARTICLES}/2021/lien-ket/anh.jpg",  # a link out of content/
    "content/images/share.png",
    "settings.py",
]


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_hostile_paths_are_refused_in_vietnamese_and_nothing_is_written(desk, path, tmp_path):
    link = desk.repo / ARTICLES / "2021" / "lien-ket"
    if not link.is_symlink():
        link.symlink_to(tmp_path, target_is_directory=True)
    before = state(desk.repo)
    jpeg = photo_bytes("anh.jpg", 3, tmp_path)
    attempts = [
        desk.action("getEntry", path=path),
        desk.action("getMediaFile", path=path),
        desk.action("entriesByFiles", files=[{"path": path}]),
        persist(desk, "2021/x/index", {f"{ARTICLES}/2021/x/index.vi.md": "---\ntitle: X\n---\n"},
                [{"path": path, "content": base64.b64encode(jpeg).decode(), "encoding": "base64"}]),
        persist(desk, "2021/x/index", {path: "---\ntitle: X\n---\n"}),
    ]
    for status, answer in attempts:
        assert 400 <= status < 500 and set(answer) == {"error"}, answer
        assert any(char in answer["error"] for char in "ảệđơư"), answer  # Vietnamese
    assert state(desk.repo) == before
    assert not list(tmp_path.glob("*.md"))
    link.unlink()


def tiny_png(size: tuple[int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("1", size).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("name, make, sentence", [
    ("bai-phat-bieu.jpg", lambda folder: "Không phải ảnh.".encode(), "không phải là ảnh"),
    ("toan-canh.png", lambda folder: tiny_png((8000, 8000)), "quá lớn"),
    ("cat-do.jpg", lambda folder: photo_bytes("cat-do.jpg", 4, folder)[:5000], "bị hỏng"),
    ("d" * 250 + ".jpg", lambda folder: photo_bytes("dai.jpg", 5, folder), "quá dài"),
])
def test_bad_photos_are_refused_with_the_lints_sentence(desk, tmp_path, name, make, sentence):
    folder = f"{ARTICLES}/2026/anh-loi"
    before = state(desk.repo)
    status, answer = persist(desk, "2026/anh-loi/index",
                             {f"{folder}/index.vi.md": "---\ntitle: Ảnh lỗi\n---\nBài.\n"},
                             [asset(folder, name, make(tmp_path))])
    assert status == 422 and sentence in answer["error"], answer
    assert name[:40] in answer["error"]
    assert state(desk.repo) == before


def test_requests_that_are_not_the_desks_own_are_refused(desk):
    body = {"action": "info", "params": {"branch": BRANCH}}
    assert desk.post("/admin/api/v1", json.dumps(body).encode(),
                     {"Content-Type": "text/plain"})[0] == 403
    assert desk.post("/admin/api/v1", body, {"Origin": "http://example.com"})[0] == 403
    assert desk.post("/admin/api/v1", body, {"Host": "desk.example.com"})[0] == 403
    status, answer = desk.post("/admin/api/v1", b"{not json")
    assert status == 400 and "JSON" in answer["error"]
    status, answer = desk.action("rebaseEverything")
    assert status == 422 and "không có thao tác" in answer["error"]
    status, answer = desk.post("/admin/api/v1", {"action": "getEntry",
                                                 "params": {"branch": "khac", "path": "x"}})
    assert status == 422 and "nhánh" in answer["error"].lower()
    for action in ("persistMedia", "deleteFile", "deleteFiles"):
        status, answer = desk.action(action, path=f"{REPORT}/IMG_5760.jpg",
                                     paths=[f"{REPORT}/IMG_5760.jpg"],
                                     options={"commitMessage": "x"})
        assert status == 422 and "bản nháp" in answer["error"]
    assert (desk.repo / REPORT / "IMG_5760.jpg").is_file()
    status, answer = announced(desk, "/admin/api/lint", 9_000_000)
    assert status == 413 and "quá lớn" in answer["error"]
    info = desk.ok("info")
    assert info["type"] == "local_git" and info["publish_modes"] == ["editorial_workflow"]
    assert desk.ok("getDeployPreview", collection="articles", slug="x") is None


def announced(desk: Desk, route: str, length: int) -> tuple[int, dict]:
    """The answer to a request announcing a body of `length` bytes, before it is sent."""
    host, port = desk.base.rsplit("/", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest("POST", route)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(length))
    connection.endheaders()
    answer = connection.getresponse()
    result = answer.status, json.loads(answer.read())
    connection.close()
    return result


# --- Lint, preview, configuration --------------------------------------------------------------------
def test_lint_gives_the_projects_findings_with_the_files_lines(desk):
    text = desk.ok("getEntry", path=f"{REPORT}/index.vi.md")["data"]
    broken = text.replace("category: Đoàn thanh niên", "category: Doan thanh nien")
    broken = broken.replace("](IMG_5760.jpg", "](IMG_9999.jpg")
    status, answer = desk.post("/admin/api/lint", {"path": f"{REPORT}/index.vi.md", "raw": broken})
    assert status == 200
    findings = {finding["code"]: finding for finding in answer["findings"]}
    field = findings["unknown-field"]
    assert field["line"] == 3 and "Có phải là 'Đoàn thanh niên'" in field["message"]
    assert field["severity"] == "error"
    lines = (desk.repo / REPORT / "index.md").read_text(encoding="utf-8").splitlines()
    missing = findings["missing-photo"]
    assert "IMG_9999.jpg" in missing["message"] and "IMG_5760.jpg" in lines[missing["line"] - 1]
    clean = desk.post("/admin/api/lint", {"path": f"{REPORT}/index.vi.md", "raw": text})[1]
    assert clean["findings"] == []


def test_render_shows_figures_and_captions_with_photos_the_preview_serves(desk):
    text = desk.ok("getEntry", path=f"{REPORT}/index.vi.md")["data"]
    status, answer = desk.post("/admin/api/render", {"path": f"{REPORT}/index.vi.md", "raw": text})
    assert status == 200
    page = BeautifulSoup(answer["html"], "html.parser")
    figure = page.find("figure")
    assert figure.img and figure.figcaption.get_text().strip()
    assert "Title:" not in answer["html"] and "<h1" not in answer["html"]
    src = figure.img["src"]
    assert src.startswith("/admin/api/media/content/articles/2021/")
    status, data, kind = desk.get(src)
    assert status == 200 and kind == "image/jpeg"
    assert data == (desk.repo / REPORT / src.rsplit("/", 1)[1]).read_bytes()
    assert desk.get("/admin/api/media/settings.py")[0] == 404


def test_the_desks_markdown_needs_no_pelican_run_before_it():
    """The preview may start without running Pelican (nothing changed since the last build),
    and Pelican's reader is what fills MARKDOWN["extensions"]: the desk's rendering must not
    depend on it."""
    settings = load_settings(SETTINGS_FILE)
    settings["MARKDOWN"] = {key: value for key, value in settings["MARKDOWN"].items()
                            if key != "extensions"}
    html = markdown_for(settings, None).convert(
        "Title: Bài thử\n\nĐoạn *một*.\n\n![Mô tả](anh.jpg \"Chú thích\")\n")
    assert "Title" not in html and "<em>một</em>" in html
    assert "<figcaption>Chú thích</figcaption>" in html


def test_the_configuration_is_served_for_the_desk(desk):
    status, data, kind = desk.get("/admin/config.yml")
    assert status == 200 and kind.startswith("text/yaml")
    config = yaml.safe_load(data)
    assert config["backend"]["proxy_url"] == "/admin/api/v1"
    assert config["publish_mode"] == "editorial_workflow"


def test_the_desk_works_on_whichever_branch_is_checked_out(desk):
    """An organisation whose branch is not "main" (or an editor on a branch of their own) gets
    a desk on that branch, not a refusal they cannot act on."""
    git(desk.repo, "switch", "-q", "-c", "ban-tin")
    try:
        config = yaml.safe_load(desk.get("/admin/config.yml")[1])
        assert config["backend"]["branch"] == "ban-tin"
        status, answer = desk.post("/admin/api/v1", {"action": "entriesByFolder", "params": {
            "branch": "ban-tin", "folder": ARTICLES, "extension": "md", "depth": 3}})
        assert status == 200 and answer
    finally:
        git(desk.repo, "switch", "-q", BRANCH)
        git(desk.repo, "branch", "-q", "-D", "ban-tin")
    assert yaml.safe_load(desk.get("/admin/config.yml")[1])["backend"]["branch"] == BRANCH


def test_a_translation_the_editor_never_wrote_is_not_saved(desk):
    """The CMS sends every language's file, the copied fields (date, field, address) filled in
    the untouched one: that file must not become an empty English article."""
    folder = f"{ARTICLES}/2026/chi-tieng-viet"
    slug = "2026/chi-tieng-viet/index"
    copied = "---\ndate: 2026-03-20 08:00\ncategory: Công đoàn\nslug: chi-tieng-viet\n---\n"
    status, answer = persist(desk, slug, {
        f"{folder}/index.vi.md": copied.replace("---\ndate", "---\ntitle: Chỉ tiếng Việt\ndate")
        + "Bài chỉ có tiếng Việt.\n",
        f"{folder}/index.en.md": copied})
    assert status == 200, answer
    entry = desk.ok("unpublishedEntry", collection="articles", slug=slug)
    assert {diff["path"] for diff in entry["diffs"]} == {f"{folder}/index.vi.md"}
    desk.ok("deleteUnpublishedEntry", collection="articles", slug=slug)
