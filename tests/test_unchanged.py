"""`invoke build` with nothing changed does nothing, and repeats what the last build said; any
change to the content, the settings or the output, or an article waiting for its date, builds."""


import pytest

import bantin.build
import core.fingerprint
from bantin.build import build
from bantin.unchanged import CLOCK_FINDINGS
from bantin.digest import site_digest
from conftest import SETTINGS_FILE, add_article, places

REPORT = "articles/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/index.md"


@pytest.fixture
def builds(workplace, monkeypatch):
    """The workplace and run(**overrides), which builds it into its output/ as `invoke build`
    does and says whether Pelican ran."""
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


def test_a_second_build_with_nothing_changed_does_nothing_and_repeats_the_findings(builds):
    tmp_path, run = builds
    add_article(tmp_path / "content", "bai-hong", "Bài hỏng", "2022-05-01 08:00",
                "Category: Không có lĩnh vực này\n")  # an error: left out of the build
    first, ran = run()
    assert ran and first.skipped and any(finding.is_error for finding in first.findings)
    built = site_digest(tmp_path / "output")

    second, ran = run()
    assert not ran
    assert [str(f) for f in second.findings] == [str(f) for f in first.findings]
    assert second.skipped == first.skipped
    assert site_digest(tmp_path / "output") == built


def test_an_edit_is_built_and_matches_a_clean_build(builds):
    tmp_path, run = builds
    run()
    before = site_digest(tmp_path / "output")
    source = tmp_path / "content" / REPORT
    source.write_text(source.read_text(encoding="utf-8") + "\nĐoạn mới.\n", encoding="utf-8")
    run()  # on the saved model (tests/test_resume.py): the pages showing the text
    assert site_digest(tmp_path / "output") != before
    clean = tmp_path / "clean"
    build(SETTINGS_FILE, output=clean, strict=False,
          overrides={"PATH": str(tmp_path / "content"), "CACHE_PATH": str(tmp_path / "c2")})
    assert site_digest(tmp_path / "output") == site_digest(clean)
    assert run()[1] is False


def test_a_damaged_output_or_other_settings_build_again(builds):
    tmp_path, run = builds
    run()
    page = tmp_path / "output" / "gioi-thieu" / "index.html"
    page.unlink()
    assert run()[1] and page.exists()
    assert run(SITEURL="https://bantin.example")[1]
    assert run(SITEURL="https://bantin.example")[1] is False
    assert run()[1]


def test_an_article_waiting_for_its_date_builds_every_time(builds):
    tmp_path, run = builds
    add_article(tmp_path / "content", "bai-sap-dang", "Bài sắp đăng", "2999-01-01 08:00")
    result, ran = run()
    assert ran and any(finding.code in CLOCK_FINDINGS for finding in result.findings)
    assert run()[1], "on its date it appears, though no file changed"


def test_the_code_fingerprint_reads_the_projects_code_not_npm_packages_or_bytecode(
        tmp_path, monkeypatch):
    monkeypatch.setattr(core.fingerprint, "ROOT", tmp_path)
    monkeypatch.setattr(core.fingerprint, "CODE_FOLDERS", (tmp_path / "bantin",))
    fingerprint = core.fingerprint._code_fingerprint.__wrapped__  # uncached
    (tmp_path / "bantin").mkdir()
    (tmp_path / "bantin" / "one.py").write_text("A = 1\n")
    before = fingerprint(())
    for skipped in ("desk/node_modules/some-package", "__pycache__"):
        (tmp_path / "bantin" / skipped).mkdir(parents=True)
        (tmp_path / "bantin" / skipped / "two.py").write_text("B = 2\n")
    assert fingerprint(()) == before
    (tmp_path / "bantin" / "desk" / "three.py").write_text("C = 3\n")
    assert fingerprint(()) != before, "the project's own code counts, wherever it sits"
