"""Incremental rebuilds: only the pages an edit changes are rendered again, and the result is
byte-identical to a clean build of the same content."""

import os
import shutil
import threading
from concurrent.futures.process import _ExecutorManagerThread
from pathlib import Path

import pytest

from bantin.build import build
from bantin.digest import site_digest
from core.errors import BuildFailed
from core.pelican_internals import edition_contents
from conftest import ROOT, SETTINGS_FILE, add_article, places
import plugins.incremental
import plugins.reader.ahead
from plugins.incremental import load_manifest, shares_of
from plugins.reader import ArticleReader

REPORT = "content/articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md"
REPORT_PAGE = "tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.html"
def html_pages(folder: Path) -> list[str]:
    return [path.relative_to(folder).as_posix() for path in folder.rglob("*.html")]


@pytest.fixture
def builds(workplace):
    """The workplace and run(output, cache), a strict build of it into those of its folders."""

    def run(output: str = "output", cache: str = "cache") -> Path:
        target = workplace / output
        build(SETTINGS_FILE, output=target, strict=True,
              overrides={**places(workplace), "CACHE_PATH": str(workplace / cache)})
        return target

    return workplace, run


def test_editing_an_article_body_renders_only_its_page_and_matches_a_clean_build(
    builds, monkeypatch
):
    tmp_path, run = builds
    output = run()
    before = {page: (output / page).read_bytes() for page in html_pages(output)}

    source = tmp_path / REPORT
    source.write_text(source.read_text(encoding="utf-8") + "\nBản tin cập nhật.\n",
                      encoding="utf-8")
    reused = []
    original_read_text = Path.read_text
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # every page written here, where the spy is

    def spy(self, *args, **kwargs):  # a reused page is read back from the previous output
        if self.suffix == ".html" and output.name in self.parts:
            reused.append(self.relative_to(output).as_posix())
        return original_read_text(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", spy)
    output = run()
    monkeypatch.undo()
    assert not list(tmp_path.glob("output.*"))  # the old site is deleted by the time build returns

    changed = {page for page in html_pages(output)
               if (output / page).read_bytes() != before.get(page)}
    assert changed == {REPORT_PAGE}
    assert REPORT_PAGE not in reused
    assert len(reused) == len(before) - 1  # every other page came from the previous build
    assert "Bản tin cập&nbsp;nhật." in (output / REPORT_PAGE).read_text(encoding="utf-8")
    assert site_digest(output) == site_digest(run(output="clean", cache="clean-cache"))


def test_changing_a_title_renders_the_listings_again(builds):
    tmp_path, run = builds
    output = run()
    source = tmp_path / REPORT
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Title: Hội nghị sơ kết", "Title: Hội nghị toàn thể sơ kết"), encoding="utf-8")
    output = run()
    home = (output / "index.html").read_text(encoding="utf-8")
    field = (output / "linh-vuc/doan-thanh-nien/index.html").read_text(encoding="utf-8")
    assert "Hội nghị toàn thể sơ kết" in home and "Hội nghị toàn thể sơ kết" in field
    assert site_digest(output) == site_digest(run(output="clean", cache="clean-cache"))


def test_a_changed_template_renders_every_page_again(builds):
    tmp_path, run = builds
    output = run()
    manifest = load_manifest(tmp_path / "cache", output)
    theme = tmp_path / "theme"
    shutil.copytree(ROOT / "theme", theme)
    footer = theme / "templates" / "partials" / "footer.html"
    footer.write_text(footer.read_text(encoding="utf-8") + "<!-- đổi -->\n", encoding="utf-8")
    build(SETTINGS_FILE, output=output, strict=True, overrides={
        "PATH": str(tmp_path / "content"), "CACHE_PATH": str(tmp_path / "cache"),
        "THEME": str(theme)})
    after = load_manifest(tmp_path / "cache", output)
    assert after.keys() == manifest.keys()
    assert all(after[page][0] != manifest[page][0] for page in after)
    assert "<!-- đổi -->" in (output / REPORT_PAGE).read_text(encoding="utf-8")


def test_a_previous_page_changed_by_hand_is_rendered_again(builds):
    _, run = builds
    output = run()
    page = output / REPORT_PAGE
    page.write_text("hỏng", encoding="utf-8")
    os.utime(page, ns=(1, 1))
    output = run()
    assert "Hội nghị sơ kết" in page.read_text(encoding="utf-8")


def test_articles_of_the_same_minute_are_listed_in_one_fixed_order(tmp_path):
    """Pelican reads sources in no fixed order; equal dates must not make two builds differ."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    slugs = ["bai-f", "bai-c", "bai-a", "bai-e", "bai-b", "bai-d"]
    for slug in slugs:
        add_article(content, slug, f"Tin {slug}", "2024-05-01 08:00")
    output = tmp_path / "output"
    build(SETTINGS_FILE, output=output, strict=True,
          overrides={"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache")})
    home = (output / "index.html").read_text(encoding="utf-8")
    positions = [home.index(f"tin/2024/tin-{slug}/") for slug in sorted(slugs)]
    assert positions == sorted(positions)


def test_sources_converted_ahead_on_every_core_give_the_same_site(workplace, monkeypatch):
    """On a clean build the workers convert every source (Pelican then converts none itself), and
    the site is the one Pelican gives converting each source itself."""
    content = workplace / "content"
    for number in range(40):  # enough sources for the workers to start
        add_article(content, f"tin-{number}", f"Tin số {number}", f"2024-05-01 08:{number:02d}",
                    body=f"Nội dung “số” {number} của Đoàn.")
    converted_here = []
    convert = ArticleReader.convert

    def counting(self, source_path):  # counts in this process only: workers have their own list
        converted_here.append(source_path)
        return convert(self, source_path)

    monkeypatch.setattr(ArticleReader, "convert", counting)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    threads_when_writing = []
    write_held = plugins.incremental.ParallelWriter.write_held

    def writing(writer, contents):  # the workers' pool is gone: the pages may be rendered forked
        threads_when_writing.append([thread for thread in threading.enumerate()
                                     if isinstance(thread, _ExecutorManagerThread)])
        return write_held(writer, contents)

    monkeypatch.setattr(plugins.incremental.ParallelWriter, "write_held", writing)
    overrides = {"PATH": str(content)}

    ahead = build(SETTINGS_FILE, output=workplace / "ahead", strict=True,
                  overrides={**overrides, "CACHE_PATH": str(workplace / "cache-ahead")}).output
    assert converted_here == []
    assert threads_when_writing and not any(threads_when_writing)

    def no_workers(*args, **kwargs):
        raise AssertionError("workers started although every conversion is in the cache")

    with monkeypatch.context() as patched:  # the next build finds every conversion ready
        patched.setattr("plugins.reader.ahead.ProcessPoolExecutor", no_workers)
        build(SETTINGS_FILE, output=workplace / "ahead", strict=True,
              overrides={**overrides, "CACHE_PATH": str(workplace / "cache-ahead")})
    assert converted_here == []

    monkeypatch.setattr("plugins.reader.ahead.MIN_SOURCES", 10**6)
    one_by_one = build(SETTINGS_FILE, output=workplace / "one-by-one", strict=True,
                       overrides={**overrides, "CACHE_PATH": str(workplace / "cache-one")}).output
    assert len(set(converted_here)) == len(list(content.rglob("*.md")))
    assert site_digest(ahead) == site_digest(one_by_one)


def test_a_conversion_worker_that_dies_leaves_its_sources_to_the_reader(workplace, monkeypatch):
    """A worker killed while converting (out of memory, say) costs time, not the build: the
    reader converts what the workers did not, and the site is the one a build without workers
    makes."""
    content = workplace / "content"
    for number in range(40):
        add_article(content, f"tin-{number}", f"Tin số {number}", f"2024-05-01 08:{number:02d}",
                    body=f"Nội dung “số” {number} của Đoàn.")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    convert = ArticleReader.convert
    build_process, died = os.getpid(), workplace / "died"

    def dying(reader, source_path):  # the first worker to convert dies
        if os.getpid() != build_process and not died.exists():
            died.touch()
            os._exit(1)
        return convert(reader, source_path)

    monkeypatch.setattr(ArticleReader, "convert", dying)
    overrides = {"PATH": str(content)}
    survived = build(SETTINGS_FILE, output=workplace / "survived", strict=True,
                     overrides={**overrides, "CACHE_PATH": str(workplace / "cache-survived")})
    assert died.exists()
    monkeypatch.setattr(plugins.reader.ahead, "MIN_SOURCES", 10**6)
    here = build(SETTINGS_FILE, output=workplace / "here", strict=True,
                 overrides={**overrides, "CACHE_PATH": str(workplace / "cache-here")})
    assert site_digest(survived.output) == site_digest(here.output)
    assert [str(finding) for finding in survived.findings] == [
        str(finding) for finding in here.findings]


def test_addresses_worked_out_once_are_the_ones_pelican_works_out(workplace):
    """Each article's and page's address is worked out once, when the model is made: by then
    nothing it depends on (status, language, slug, date, field) changes any more, in either
    edition, translations and drafts included."""
    add_article(workplace / "content", "ban-nhap", "Bản nháp", metadata="Status: draft\n")
    result = build(SETTINGS_FILE, output=workplace / "output", strict=False,
                   overrides=places(workplace), reuse_unchanged=True)
    contents = [content for generators in result.model.editions for generator in generators
                for content in edition_contents(generator)]
    assert {content.lang for content in contents} == {"vi", "en"}
    assert any(content.status == "draft" for content in contents)
    for content in contents:
        worked_out = content._expand_settings("url" if content.in_default_lang else "lang_url")
        assert content.override_url == worked_out, content.source_path


def test_shares_keep_the_pages_of_one_name_together_and_deal_out_the_last_ones():
    """The generator writes its costly list pages last: dealt out in turn, every share gets
    some of them, and the pages of one name stay in one share, in their order."""
    held = [(f"tin/{number}/index.html", "article", number) for number in range(40)]
    held += [(f"linh-vuc/{number}/index.html", "category", number) for number in range(8)]
    held += [("index.html", "index", "first"), ("index.html", "index", "second")]
    shares = shares_of(held, 8)
    assert len(shares) == 8
    assert sorted(page for share in shares for page in share) == sorted(held)
    assert all(sum(page[1] == "category" for page in share) == 1 for share in shares)
    (home,) = [share for share in shares if any(page[1] == "index" for page in share)]
    assert [page[2] for page in home if page[1] == "index"] == ["first", "second"]
    assert len(shares_of(held[:3], 8)) == 3


def test_pages_rendered_on_every_core_give_the_same_site(workplace, monkeypatch):
    """On a clean build the article pages are rendered by forked workers; the site, the pages
    recorded for the next build, the sitemap's entries and the findings are those of a build
    that renders every page itself."""
    content = workplace / "content"
    for number in range(80):  # enough pages for two workers
        add_article(content, f"tin-{number}", f"Tin số {number}", f"2024-05-01 08:{number % 60:02d}",
                    body=f"Nội dung “số” {number} của Đoàn.")
    plan = add_article(content, "ke-hoach", "Kế hoạch năm", "2020-06-01 08:00",  # in no feed
                       body="Đoàn viên ra quân. " * 40  # the link beyond the summary
                       + "\n\nXem [kế hoạch]({attach}ke-hoach.pdf) của Đoàn.")
    (plan.parent / "ke-hoach.pdf").write_bytes(b"%PDF-1.4 ke hoach\n")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    # The suite's own web server runs in a thread of this process, idle in its loop: forking
    # beside it is safe here, though the build does not fork beside threads it cannot know.
    can_fork = plugins.incremental.can_fork
    monkeypatch.setattr(plugins.incremental, "can_fork", lambda: True)
    forks_made = []
    forked_map = plugins.incremental.forked_map

    def counting(work, shares, workers):
        forks_made.append((shares, workers))
        return forked_map(work, shares, workers)

    monkeypatch.setattr(plugins.incremental, "forked_map", counting)

    def run(name):
        return build(SETTINGS_FILE, output=workplace / name, strict=False,
                     overrides={"PATH": str(content), "CACHE_PATH": str(workplace / f"cache-{name}")})

    in_workers = run("in-workers")
    assert forks_made and all(workers == 2 and shares > 2 for shares, workers in forks_made)
    monkeypatch.setattr(plugins.incremental, "can_fork", can_fork)
    forked = len(forks_made)
    waiting = threading.Event()
    thread = threading.Thread(target=waiting.wait)  # as the preview session's server
    thread.start()
    try:
        beside_a_thread = run("beside-a-thread")
    finally:
        waiting.set()
        thread.join()
    assert len(forks_made) == forked  # with another thread, every page is written here
    monkeypatch.setattr(plugins.incremental, "MIN_PAGES", 10**6)
    forks_made.clear()
    here = run("here")
    assert forks_made == []
    assert site_digest(beside_a_thread.output) == site_digest(here.output)
    assert site_digest(in_workers.output) == site_digest(here.output)
    assert in_workers.record.written == here.record.written
    assert in_workers.record.sitemap == here.record.sitemap
    assert sorted(map(str, in_workers.findings)) == sorted(map(str, here.findings))
    assert len(in_workers.record.written) > 160  # both editions' pages, from the workers too
    # An attached file moves beside the article that attaches it, which the workers render.
    attached = in_workers.output / "tin" / "2020" / "ke-hoach-nam" / "ke-hoach.pdf"
    assert attached.read_bytes() == b"%PDF-1.4 ke hoach\n"
    page = (in_workers.output / "tin" / "2020" / "ke-hoach-nam" / "index.html").read_text(encoding="utf-8")
    assert "/tin/2020/ke-hoach-nam/ke-hoach.pdf\"" in page


def test_a_worker_that_dies_fails_the_build_in_one_line_and_keeps_the_site(workplace, monkeypatch):
    """A rendering worker killed mid-way (out of memory, say) fails the build with one finding;
    the site built before stays as it was and nothing is left beside it."""
    content = workplace / "content"
    for number in range(80):
        add_article(content, f"tin-{number}", f"Tin số {number}", f"2024-05-01 08:{number % 60:02d}")
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(plugins.incremental, "can_fork", lambda: True)  # the suite's server thread
    overrides = {"PATH": str(content), "CACHE_PATH": str(workplace / "cache")}
    site = build(SETTINGS_FILE, output=workplace / "output", strict=True, overrides=overrides).output
    before = site_digest(site)
    write_share = plugins.incremental.ParallelWriter.write_share

    def dying(self, number):
        if number == 1:
            os._exit(9)
        return write_share(self, number)

    monkeypatch.setattr(plugins.incremental.ParallelWriter, "write_share", dying)
    add_article(content, "tin-moi", "Tin mới", "2024-05-02 08:00")
    with pytest.raises(BuildFailed) as failed:
        build(SETTINGS_FILE, output=site, strict=True, overrides=overrides)
    (finding,) = failed.value.findings
    assert finding.code == "build-crashed" and "\n" not in str(finding)
    assert "tiến trình phụ dừng đột ngột" in finding.message
    assert site_digest(site) == before
    assert not list(workplace.glob("output.*"))  # no staging folder left
