"""The build benchmark's harness: it runs end to end on a tiny corpus, and its byte-identical
check does catch outputs that differ. Its timings are not checked here (they are the benchmark's)."""

import json
import unicodedata

from benchmarks.bench_build import compare_trees, generate_corpus, main


def test_harness_runs_on_a_tiny_corpus(tmp_path, capsys):
    status = main(["--n", "20", "--runs", "1", "--work", str(tmp_path / "work"),
                   "--results", str(tmp_path / "results")])

    printed = capsys.readouterr().out
    (result_file,) = (tmp_path / "results").glob("bench-build-20-*.json")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    summary = result["summary"]
    assert set(summary["seconds"]) == {"full", "bare", "article_edit", "photo_edit",
                                       "article_edit_build", "photo_edit_build"}
    assert all(seconds > 0 for seconds in summary["seconds"].values())
    assert all(megabytes > 0 for megabytes in summary["peak_rss_mb"].values())
    assert 0 < summary["article_page_visible_seconds"] <= summary["seconds"]["article_edit"]
    assert summary["preview_updates"] == ["pages"]  # the preview rendered only what changed
    assert "every rebuilt output byte-identical to a clean build: yes" in printed
    assert summary["identical"] and status == 0


def test_corpus_is_nfc_vietnamese_with_photos_and_some_translations(tmp_path):
    folders = generate_corpus(tmp_path, 40)

    assert len(folders) == 40
    texts = [(folder / "index.md").read_text(encoding="utf-8") for folder in folders]
    assert all(unicodedata.is_normalized("NFC", text) for text in texts)
    assert all(len(list(folder.glob("IMG_*.jpg"))) == 3 for folder in folders)
    assert any((folder / "index.en.md").exists() for folder in folders)
    years = {folder.parent.name for folder in folders}
    assert len(years) == 10


def test_compare_trees_reports_changed_and_missing_files_but_not_pagefind_order(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    for tree in (first, second):
        (tree / "tin").mkdir(parents=True)
        (tree / "index.html").write_text("<p>giống nhau</p>", encoding="utf-8")
    assert compare_trees(first, second) == []

    (first / "tin" / "bai.html").write_text("<p>cũ</p>", encoding="utf-8")
    (second / "tin" / "bai.html").write_text("<p>mới</p>", encoding="utf-8")
    (second / "only-here.html").write_text("", encoding="utf-8")

    assert compare_trees(first, second) == ["only-here.html", "tin/bai.html"]

    for tree, order in ((first, "ab"), (second, "ba")):
        (tree / "pagefind" / "filter").mkdir(parents=True)
        (tree / "pagefind" / "filter" / "vi_1.pf_filter").write_text(order, encoding="utf-8")
        (tree / "pagefind" / "fragment").mkdir()
        (tree / "pagefind" / "fragment" / "vi_2.pf_fragment").write_text(order, encoding="utf-8")
    assert compare_trees(first, second) == [
        "only-here.html", "pagefind/fragment/vi_2.pf_fragment", "tin/bai.html"]
