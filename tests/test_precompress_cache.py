"""Precompressed copies come from a cache keyed by the file's bytes: a rebuild compresses only
the files that changed, and a stale entry can never be served for new bytes."""

import brotli

from bantin import precompress as module


def test_unchanged_files_are_not_compressed_again_and_changed_ones_are(tmp_path, monkeypatch):
    site, settings = tmp_path / "site", {"CACHE_PATH": str(tmp_path / "cache")}
    site.mkdir()
    page = site / "index.html"
    page.write_text("<p>Đoàn thanh niên</p>" * 50, encoding="utf-8")
    module.precompress(site, settings)

    calls = []
    real = dict(module.COMPRESSORS)
    monkeypatch.setattr(module, "COMPRESSORS", {
        suffix: (lambda data, compress=compress, suffix=suffix: calls.append(suffix) or compress(data))
        for suffix, compress in real.items()
    })
    module.precompress(site, settings)
    assert calls == []

    page.write_text("<p>Công đoàn</p>" * 50, encoding="utf-8")
    module.precompress(site, settings)
    assert sorted(calls) == [".br", ".gz"]
    assert brotli.decompress((site / "index.html.br").read_bytes()) == page.read_bytes()
