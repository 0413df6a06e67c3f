"""The build benchmark's harness: it runs end to end on a tiny corpus, its corpus is spread like
the bulletin's, and its byte-identical check does catch outputs that differ. Its timings are not
checked here (they are the benchmark's)."""

import json
import unicodedata
from collections import Counter

from bantin.digest import site_digest
from benchmarks.bench_build import HEAVY_YEAR, KINDS, differences, generate_corpus, main


def test_harness_runs_on_a_tiny_corpus(tmp_path, capsys):
    status = main(["--n", "24", "--runs", "1", "--work", str(tmp_path / "work"),
                   "--results", str(tmp_path / "results")])

    printed = capsys.readouterr().out
    (result_file,) = (tmp_path / "results").glob("bench-build-24-*.json")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    summary = result["summary"]
    assert set(summary["seconds"]) == set(KINDS) >= {
        "bare", "cold", "nochange_build", "article_edit_build", "nochange", "article_edit",
        "article_edit_page", "cold_publish", "article_edit_publish"}
    assert all(seconds > 0 for seconds in summary["seconds"].values())
    assert all(megabytes > 0 for megabytes in summary["peak_rss_mb"].values())
    assert set(summary["ratios"]) == set(summary["memory_ratios"]) == set(KINDS) - {"bare"}
    assert summary["seconds"]["article_edit_page"] <= summary["seconds"]["article_edit"]
    # The preview saw no change, then rendered only what changed.
    assert summary["preview_updates"] == {"nochange": ["none"], "article_edit": ["pages"],
                                          "photo_edit": ["pages"]}
    (run,) = result["runs"]
    assert set(run["identical"]) == {"nochange_build", "article_edit_build", "nochange",
                                     "article_edit", "photo_edit", "article_edit_publish"}
    assert len(result["load_average"]) == 3
    assert "every rebuilt output byte-identical to a clean build: yes" in printed
    assert summary["identical"] and status == 0


def test_builds_only_measures_the_new_build_processes_alone(tmp_path, capsys):
    """The large-N mode: bare Pelican and the three new build processes, compared byte for byte,
    and neither a preview nor a publish."""
    status = main(["--n", "12", "--runs", "1", "--work", str(tmp_path / "work"),
                   "--results", str(tmp_path / "results"), "--builds-only"])

    printed = capsys.readouterr().out
    (result_file,) = (tmp_path / "results").glob("bench-build-12-*.json")
    summary = json.loads(result_file.read_text(encoding="utf-8"))["summary"]
    assert set(summary["seconds"]) == {"bare", "cold", "nochange_build", "article_edit_build"}
    assert set(summary["targets"]) == {"cold", "nochange_build", "article_edit_build"}
    assert "preview" not in printed and "publish" not in printed
    assert "every rebuilt output byte-identical to a clean build: yes" in printed
    assert summary["identical"] and status == 0


def test_corpus_is_nfc_vietnamese_spread_over_ten_years_with_one_heavy_year(tmp_path):
    folders = generate_corpus(tmp_path, 240)

    assert len(folders) == 240
    texts = [(folder / "index.md").read_text(encoding="utf-8") for folder in folders]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    photos = Counter(len(list(folder.glob("IMG_*.jpg"))) for folder in folders)
    assert set(photos) == {2, 3, 4}
    translated = sum((folder / "index.en.md").exists() for folder in folders)
    assert 10 <= translated <= 40
    years = Counter(int(folder.parent.name) for folder in folders)
    assert len(years) == 10 and years[HEAVY_YEAR] == 120
    assert max(count for year, count in years.items() if year != HEAVY_YEAR) <= 14
    months = Counter(text.split("Date: ", 1)[1][:7] for text in texts)
    assert len(months) == 120, "every month of the ten years has news"


def test_differences_reports_changed_and_missing_files_but_not_pagefind_order(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for tree in (first, second):
        (tree / "tin").mkdir(parents=True)
        (tree / "index.html").write_text("<p>giống nhau</p>", encoding="utf-8")
    assert differences(second, site_digest(first)) == []

    (first / "tin" / "bai.html").write_text("<p>cũ</p>", encoding="utf-8")
    (second / "tin" / "bai.html").write_text("<p>mới</p>", encoding="utf-8")
    (second / "only-here.html").write_text("", encoding="utf-8")

    assert differences(second, site_digest(first)) == ["only-here.html", "tin/bai.html"]

    for tree, order in ((first, "ab"), (second, "ba")):
        part = tree / "pagefind" / "vi" / "tin-2021"
        (part / "filter").mkdir(parents=True)
        (part / "filter" / "vi_1.pf_filter").write_text(order, encoding="utf-8")
        (part / "pagefind.vi_3.pf_meta").write_text(order, encoding="utf-8")
        (part / "fragment").mkdir()
        (part / "fragment" / "vi_2.pf_fragment").write_text(order, encoding="utf-8")
    assert differences(second, site_digest(first)) == [
        "only-here.html", "pagefind/vi/tin-2021/fragment/vi_2.pf_fragment", "tin/bai.html"]
