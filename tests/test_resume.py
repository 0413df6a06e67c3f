"""A build after an edit of text alone takes up the model the last build saved: it renders the
pages that show the edited text, and the site it leaves is byte for byte that of a clean build.
Anything more than text, a damaged model, or a site changed since takes an ordinary build."""

import errno
import json
import shutil

import pytest

import bantin.build
from bantin import resume, unchanged
from bantin.build import build
from bantin.digest import site_digest
from core.errors import BuildFailed
from conftest import (ROOT, SETTINGS_FILE, add_article, camera_jpeg, git, places, run_task,
                      settings_file, snapshot)

REPORT = "articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md"
REPORT_PAGE = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html"


@pytest.fixture
def builds(workplace, monkeypatch):
    """The workplace and run(**overrides), which builds it into its output/ as `invoke build`
    does and says whether Pelican ran the whole build."""
    base = places(workplace)
    runs = []
    real_run = bantin.build.run_pelican

    def counting_run(*args, **kwargs):
        runs.append(1)
        return real_run(*args, **kwargs)

    monkeypatch.setattr(bantin.build, "run_pelican", counting_run)

    def run(**overrides):
        before = len(runs)
        result = build(SETTINGS_FILE, output=workplace / "output", strict=False,
                       overrides={**base, **overrides}, reuse_unchanged=True)
        return result, len(runs) > before

    return workplace, run


def clean_digest(workplace, name="clean") -> dict[str, str]:
    """The site a build from nothing makes of the workplace's content."""
    build(SETTINGS_FILE, output=workplace / name, strict=False,
          overrides={"PATH": str(workplace / "content"), "CACHE_PATH": str(workplace / f"{name}-cache")})
    return site_digest(workplace / name)


def add_sentence(source, sentence="Đoạn mới thêm sau khi đăng.") -> None:
    source.write_text(source.read_text(encoding="utf-8") + f"\n{sentence}\n", encoding="utf-8")


def stamp(workplace) -> dict:
    (folder,) = (workplace / "cache" / "model").iterdir()
    return json.loads((folder / "stamp.json").read_text(encoding="utf-8"))


def test_an_edit_of_text_renders_its_pages_on_the_saved_model(builds):
    workplace, run = builds
    first, ran = run()
    assert ran
    source = workplace / "content" / REPORT
    add_sentence(source)
    second, ran = run()
    assert not ran  # taken up: no Pelican run over the whole content
    assert "Đoạn mới thêm sau khi" in (workplace / "output" / REPORT_PAGE).read_text("utf-8")
    assert [str(f) for f in second.findings] == [str(f) for f in first.findings]
    assert second.summary == first.summary
    assert stamp(workplace)["updated"] == [str(source)]
    assert site_digest(workplace / "output") == clean_digest(workplace)


def test_edits_one_after_another_and_an_edit_undone_match_clean_builds(builds):
    workplace, run = builds
    run()
    report = workplace / "content" / REPORT
    original = report.read_bytes()
    page = workplace / "content" / "pages" / "gioi-thieu.md"
    add_sentence(report)
    assert run()[1] is False
    add_sentence(page, "Trang giới thiệu có thêm một câu.")
    assert run()[1] is False
    assert site_digest(workplace / "output") == clean_digest(workplace, "clean-1")
    report.write_bytes(original)  # back to the text the model was made from
    assert run()[1] is False
    assert site_digest(workplace / "output") == clean_digest(workplace, "clean-2")


@pytest.mark.parametrize("change", ["title", "new article", "error", "template"])
def test_more_than_text_takes_an_ordinary_build(builds, change):
    workplace, run = builds
    run()
    source = workplace / "content" / REPORT
    text = source.read_text(encoding="utf-8")
    if change == "title":
        source.write_text(text.replace("Title: ", "Title: Đã sửa: ", 1), encoding="utf-8")
    elif change == "new article":
        add_article(workplace / "content", "bai-moi", "Bài mới", "2022-03-01 08:00")
    elif change == "error":
        source.write_text(text.replace("Category: ", "Category: Không có ", 1), encoding="utf-8")
    else:
        add_sentence(source)
        shutil.copytree(bantin.build.load_settings(SETTINGS_FILE)["THEME"], workplace / "theme")
        base = workplace / "theme" / "templates" / "base.html"
        base.write_text(base.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        result, ran = run(THEME=str(workplace / "theme"))
        assert ran
        return
    result, ran = run()
    assert ran
    if change == "error":
        assert any(finding.is_error for finding in result.findings) and result.skipped
    assert site_digest(workplace / "output") == clean_digest(workplace)


def test_a_damaged_model_or_a_site_changed_since_take_an_ordinary_build(builds):
    workplace, run = builds
    run()
    source = workplace / "content" / REPORT
    (folder,) = (workplace / "cache" / "model").iterdir()
    model = folder / "vi.pickle"
    data = bytearray(model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    model.write_bytes(bytes(data))
    add_sentence(source)
    assert run()[1]  # the damaged model is refused, and a new one saved
    assert site_digest(workplace / "output") == clean_digest(workplace, "clean-1")

    add_sentence(source, "Câu thứ hai.")
    (workplace / "output" / "gioi-thieu" / "index.html").write_text("sửa tay", encoding="utf-8")
    assert run()[1]
    assert site_digest(workplace / "output") == clean_digest(workplace, "clean-2")


@pytest.mark.parametrize("damage", ["cut", "other kinds", "missing finding fields"])
def test_a_damaged_stamp_takes_an_ordinary_build(builds, damage):
    workplace, run = builds
    run()
    (folder,) = (workplace / "cache" / "model").iterdir()
    stamp_file = folder / "stamp.json"
    text = stamp_file.read_text(encoding="utf-8")
    if damage == "cut":
        stamp_file.write_text(text[: len(text) // 2], encoding="utf-8")
    elif damage == "other kinds":
        stamp_file.write_text(json.dumps({**json.loads(text), "holders": []}), encoding="utf-8")
    else:
        stamp_file.write_text(json.dumps({**json.loads(text), "findings": [{"line": 1}]}),
                              encoding="utf-8")
    add_sentence(workplace / "content" / REPORT)
    assert run()[1]
    assert site_digest(workplace / "output") == clean_digest(workplace)
    assert run(SITEURL="https://bantin.example")[1]  # another setup: the model is not taken up


def test_a_failure_while_taking_up_leaves_an_ordinary_build_to_do_it(builds, monkeypatch):
    workplace, run = builds
    run()
    add_sentence(workplace / "content" / REPORT)

    def broken(*args, **kwargs):
        raise RuntimeError("hỏng giữa chừng")

    monkeypatch.setattr(resume, "move_into", broken)
    assert run()[1]
    assert site_digest(workplace / "output") == clean_digest(workplace)
    assert not [path for path in workplace.iterdir() if ".staging-" in path.name]


def test_the_new_model_is_pickled_beside_the_index_and_dropped_when_the_build_fails(
        builds, monkeypatch):
    """An ordinary build pickles its model while the search index is made, beside the saved
    one: once the site is in place it takes the saved one's place; a build that fails after
    it (here the disk refuses the last step) leaves the saved model as it was, nothing beside."""
    workplace, run = builds
    run()
    models = workplace / "cache" / "model"
    kept = snapshot(models)
    add_article(workplace / "content", "bai-moi", "Bài mới")  # a new source: an ordinary build
    seen = []

    def refused(staging, settings):
        seen.append(sorted(path.name for path in models.rglob("*")))
        raise OSError(errno.ENOSPC, "No space left on device")

    steps = bantin.build.POST_BUILD_STEPS
    monkeypatch.setattr(bantin.build, "POST_BUILD_STEPS", (*steps, refused))
    monkeypatch.setattr(bantin.build, "STEP_WRITES", {**bantin.build.STEP_WRITES,
                                                      refused: "ghi bước cuối"})
    with pytest.raises(BuildFailed) as failure:
        run()
    (looking,) = seen
    assert {name.split(".aside-")[0] for name in looking if ".aside-" in name} == {
        "vi.pickle", "en.pickle"}
    assert "ghi bước cuối" in str(failure.value.findings[-1])
    assert snapshot(models) == kept

    monkeypatch.setattr(bantin.build, "POST_BUILD_STEPS", steps)
    result, ran = run()
    assert ran and not [path for path in models.rglob("*") if ".aside-" in path.name]
    assert stamp(workplace)["editions"] == result.model.aside["editions"]
    add_sentence(workplace / "content" / REPORT)
    assert run()[1] is False, "the model saved is whole: an edit of text takes it up"
    assert site_digest(workplace / "output") == clean_digest(workplace)


def test_a_site_that_changes_with_the_clock_keeps_no_model_nor_one_pickled_ahead(builds):
    workplace, run = builds
    add_article(workplace / "content", "bai-sap-dang", "Bài sắp đăng", "2999-01-01 08:00")
    result, ran = run()
    assert ran and unchanged.depends_on_clock(result.findings)
    assert not list((workplace / "cache" / "model").rglob("*.pickle*"))


def test_a_replaced_photo_is_published_on_the_saved_model(builds):
    workplace, run = builds
    folder = add_article(workplace / "content", "anh-moi", "Bài có ảnh", "2022-04-01 08:00",
                         body="![Ảnh hội trường](anh.jpg)").parent
    camera_jpeg(folder / "anh.jpg")
    run()
    photo = folder / "anh.jpg"
    photo.unlink()
    camera_jpeg(photo, orientation=3)  # the same name and size, other pixels
    assert run()[1] is False
    assert site_digest(workplace / "output") == clean_digest(workplace)


def test_the_site_being_replaced_is_never_written_through_its_links(workplace):
    """Publishing builds the new site beside output/ from hard links to its files: until the new
    site takes its place, output/ keeps every byte, whatever the build writes."""
    base = {**places(workplace), "PRECOMPRESS": True}
    build(SETTINGS_FILE, output=workplace / "output", strict=False, overrides=base,
          reuse_unchanged=True)
    before = snapshot(workplace / "output")
    add_sentence(workplace / "content" / REPORT)
    result = build(SETTINGS_FILE, output=workplace / "site", strict=False,
                   overrides=base, previous=workplace / "output")
    assert result.model.stamp is not None  # taken up
    assert snapshot(workplace / "output") == before
    assert "Đoạn mới thêm" in (workplace / "site" / REPORT_PAGE).read_text(encoding="utf-8")
    assert (workplace / "site" / (REPORT_PAGE + ".gz")).stat().st_ino != (
        workplace / "output" / (REPORT_PAGE + ".gz")).stat().st_ino


def test_ci_after_one_edit_takes_the_model_up_in_a_new_process(tmp_path):
    """As CI does: the edit committed, the content checked out afresh, the caches and output/
    restored as copies (new inodes, the same times), then `invoke build` in a new process."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    git(tmp_path, "init", "-q")
    commit = ("-c", "user.email=bientap@example.org", "-c", "user.name=Biên tập", "commit",
              "-q", "-m")
    git(tmp_path, "add", "content")
    git(tmp_path, *commit, "Nội dung mẫu")
    settings = settings_file(tmp_path / "settings.py", **places(tmp_path))
    assert run_task("build", "--settings", str(settings)).returncode == 0
    add_sentence(tmp_path / "content" / REPORT)
    git(tmp_path, "add", "content")
    git(tmp_path, *commit, "Sửa một bài")
    shutil.rmtree(tmp_path / "content")
    git(tmp_path, "checkout", "--", "content")
    for folder in ("output", "cache"):  # restored from CI's cache: new files, times kept
        shutil.copytree(tmp_path / folder, tmp_path / f"{folder}-restored", copy_function=shutil.copy2)
        shutil.rmtree(tmp_path / folder)
        (tmp_path / f"{folder}-restored").rename(tmp_path / folder)
    done = run_task("build", "--settings", str(settings))
    assert done.returncode == 0, done.stderr
    assert stamp(tmp_path)["updated"] == [str(tmp_path / "content" / REPORT)]
    assert site_digest(tmp_path / "output") == clean_digest(tmp_path)
