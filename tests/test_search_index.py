"""The search index in parts: one Pagefind bundle per year of each edition's articles and one
for its pages, listed in pagefind/parts.json; a rebuild indexes again only the parts whose pages
changed, from a cache that is never trusted blindly."""

import errno
import json
import os
from collections import Counter
from pathlib import Path

import pytest

from bantin.build import build
from bantin.digest import site_digest
from core.errors import BuildFailed
from conftest import SETTINGS_FILE, places
from core.files import FileMemo
from plugins.search import index as search_index

REPORT = "content/articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md"


def bundle_files(site: Path) -> dict[str, str]:
    return {path: digest for path, digest in site_digest(site).items()
            if path.startswith("pagefind/")}


def cache_entries(cache: Path) -> list[Path]:
    """The cached bundles (the pages' memo, beside them, is not one)."""
    return sorted(path for path in (cache / "search").glob("*/*") if path.is_file())


@pytest.fixture
def builds(workplace, monkeypatch):
    """The workplace, run(output, cache) building it strictly, and the parts Pagefind indexed."""
    indexed = []
    real = search_index.run_pagefind

    def spy(site, part, work):
        indexed.append(part.place)
        return real(site, part, work)

    monkeypatch.setattr(search_index, "run_pagefind", spy)

    def run(output: str = "output", cache: str = "cache") -> Path:
        indexed.clear()
        target = workplace / output
        build(SETTINGS_FILE, output=target, strict=True,
              overrides={**places(workplace), "CACHE_PATH": str(workplace / cache)})
        return target

    return workplace, run, indexed


def test_each_year_of_each_edition_and_each_editions_pages_are_a_part(site):
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    years = sorted({path.parent.parent.name for path in (site / "tin").glob("*/*/index.html")},
                   reverse=True)
    assert parts["vi"] == [f"tin-{year}" for year in years] + ["_"]
    assert parts["en"][-1] == "en" and all(part.startswith("en-news-") for part in parts["en"][:-1])
    articles = Counter(path.parent.parent.name for path in (site / "tin").glob("*/*/index.html"))
    for lang, names in parts.items():
        for position, name in enumerate(names):
            bundle = site / "pagefind" / lang / name
            entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
            assert list(entry["languages"]) == [lang]  # one language per part, never mixed
            if lang == "vi" and name != "_":
                assert entry["languages"]["vi"]["page_count"] == articles[name[len("tin-"):]]
            # Only the first part of a language carries Pagefind's script and WebAssembly.
            assert (bundle / "pagefind.js").is_file() == (position == 0)
            assert any(bundle.glob("wasm.*.pagefind")) == (position == 0)
            assert not any(bundle.glob("pagefind-*ui*"))


def test_editing_one_article_indexes_only_its_part_and_matches_a_clean_build(builds):
    workplace, run, indexed = builds
    output = run()
    parts = json.loads((output / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    every_part = {f"{lang}/{name}" for lang, names in parts.items() for name in names}
    assert sorted(indexed) == sorted(every_part)  # the first build indexes every part once

    source = workplace / REPORT
    source.write_text(source.read_text(encoding="utf-8") + "\nChỉ mục tìm kiếm cập nhật.\n",
                      encoding="utf-8")
    output = run()
    assert indexed == ["vi/tin-2021"]
    assert bundle_files(output) == bundle_files(run(output="clean", cache="clean-cache"))
    assert sorted(indexed) == sorted(every_part)  # a clean cache: every part indexed again


def test_an_index_that_fails_before_pagefind_runs_fails_the_build_in_one_sentence(
        builds, monkeypatch):
    """The build's last steps wait for the index to find its pages; an index that fails before
    that (a full disk, say) ends the waiting too: one sentence naming the step, the site kept."""
    workplace, run, _ = builds
    site = run()
    kept = site_digest(site)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(search_index, "searchable_parts", disk_full)
    (workplace / "content" / "pages" / "moi.md").write_text("Title: Trang mới\n\nNội dung.\n",
                                                          encoding="utf-8")
    with pytest.raises(BuildFailed) as failure:
        run()
    (refused,) = failure.value.findings
    assert "lập chỉ mục tìm kiếm" in str(refused) and "Traceback" not in str(refused)
    assert site_digest(site) == kept


def test_damaged_cache_entries_are_indexed_again(builds):
    workplace, run, indexed = builds
    clean = bundle_files(run())
    entries = cache_entries(workplace / "cache")
    for entry in entries[::2]:
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2])  # cut short
    for entry in entries[1::2]:
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF  # one byte flipped, the pickle still loads
        entry.write_bytes(bytes(data))

    output = run()
    assert sorted(indexed) == sorted(path.name.rsplit("-", 1)[0].replace("-", "/", 1)
                                     for path in entries)
    assert bundle_files(output) == clean
    output = run()
    assert indexed == []  # the entries were written again, whole


def test_old_entries_of_a_part_are_pruned(tmp_path):
    site = tmp_path / "site"
    page = site / "tin" / "2021" / "bai" / "index.html"
    page.parent.mkdir(parents=True)
    for round_ in range(search_index.KEPT_PER_PART + 3):
        page.write_text(f'<html lang="vi"><body><main data-pagefind-body><h1>Bài {round_}</h1>'
                        "</main></body></html>", encoding="utf-8")
        assert search_index.index_search(site, {"CACHE_PATH": str(tmp_path / "cache")}) == []
    names = [path.name for path in cache_entries(tmp_path / "cache")]
    assert len(names) == search_index.KEPT_PER_PART
    assert all(name.startswith("vi-tin-2021-") for name in names)
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    assert parts == {"vi": ["tin-2021"]}
    assert not list(site.glob("pagefind.*"))  # no working folder left in the site


def test_a_page_that_only_quotes_the_marker_is_not_indexed(tmp_path):
    """Article text is escaped, so writing about `data-pagefind-body` cannot make a listing
    that quotes it an indexed page."""
    site = tmp_path / "site"
    listing = site / "linh-vuc" / "doan" / "index.html"
    listing.parent.mkdir(parents=True)
    listing.write_text('<html lang="vi"><body><p>&lt;div data-pagefind-body&gt;</p></body></html>',
                       encoding="utf-8")
    assert search_index.searchable_parts(site) == []


def test_a_busy_year_is_shared_out_and_an_added_page_indexes_one_share(tmp_path, monkeypatch):
    monkeypatch.setattr(search_index, "PAGES_PER_PART", 4)
    indexed = []
    real = search_index.run_pagefind
    monkeypatch.setattr(search_index, "run_pagefind",
                        lambda site, part, work: indexed.append(part.name) or real(site, part, work))
    site, settings = tmp_path / "site", {"CACHE_PATH": str(tmp_path / "cache")}

    def add(number: int) -> None:
        page = site / "tin" / "2019" / f"bai-{number}" / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html lang="vi"><body><main data-pagefind-body><h1>Bài số {number}'
                        "</h1></main></body></html>", encoding="utf-8")

    for number in range(10):
        add(number)
    assert search_index.index_search(site, settings) == []
    parts = json.loads((site / "pagefind" / "parts.json").read_text(encoding="utf-8"))
    assert parts == {"vi": ["tin-2019.3", "tin-2019.2", "tin-2019.1"]}
    counts = [json.loads((site / "pagefind" / "vi" / name / "pagefind-entry.json").read_text(
        encoding="utf-8"))["languages"]["vi"]["page_count"] for name in parts["vi"]]
    assert sum(counts) == 10 and all(counts)  # each page in one share

    indexed.clear()
    add(10)  # still three shares: the pages already there keep theirs
    assert search_index.index_search(site, settings) == []
    assert len(indexed) == 1


def test_a_page_whose_file_is_unchanged_is_not_read_again(tmp_path):
    """A publication after an edit builds its site as hard links to the last one: the index
    reads only the pages whose files are new. Proven by a page changed behind its back (its
    language, same size, its time put back): what was learnt of it stands until its file
    changes."""
    site = tmp_path / "site"
    page = site / "tin" / "2021" / "bai" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text('<html lang="vi"><body><main data-pagefind-body><h1>Bài</h1></main></body>'
                    "</html>", encoding="utf-8")
    old = page.stat().st_mtime_ns - 10**10  # old enough to be kept
    os.utime(page, ns=(old, old))
    memo = tmp_path / "pages.json"
    first = search_index.searchable_parts(site, FileMemo(memo))
    assert [part.place for part in first] == ["vi/tin-2021"]
    page.write_bytes(page.read_bytes().replace(b'lang="vi"', b'lang="en"'))
    os.utime(page, ns=(old, old))
    unread = search_index.searchable_parts(site, FileMemo(memo))
    assert [(part.place, part.key) for part in unread] == [(part.place, part.key) for part in first]
    os.utime(page, ns=(old + 10**9, old + 10**9))  # another time: read again, and kept
    assert [part.place for part in search_index.searchable_parts(site, FileMemo(memo))] == [
        "en/tin-2021"]
    _, payload = json.loads(memo.read_text(encoding="utf-8"))
    assert json.loads(payload)["tin/2021/bai/index.html"][1][0] == "en"
    memo.write_text(memo.read_text(encoding="utf-8").replace("en", "vi"), encoding="utf-8")
    assert [part.place for part in search_index.searchable_parts(site, FileMemo(memo))] == [
        "en/tin-2021"]  # a memo altered in any way counts as absent
