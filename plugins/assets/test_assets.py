"""Hashed asset names follow the file's content; unknown names fail loudly."""

from types import SimpleNamespace

import pytest

from plugins.assets import UnknownAsset, asset_url, write_hashed_copies


@pytest.fixture
def theme(tmp_path):
    static = tmp_path / "theme" / "static" / "css"
    static.mkdir(parents=True)
    (static / "site.css").write_text("body { color: black; }")
    return tmp_path / "theme"


def settings_for(theme, **extra):
    return {"THEME": str(theme), "ASSET_PATHS": ["static"], "THEME_STATIC_DIR": "theme",
            "SITEURL": "", **extra}


def test_name_carries_a_hash_of_the_content(theme):
    settings = settings_for(theme)
    first = asset_url(settings, "css/site.css")
    assert first.startswith("/theme/css/site.") and first.endswith(".css")
    assert asset_url(settings, "css/site.css") == first
    (theme / "static" / "css" / "site.css").write_text("body { color: navy; }")
    assert asset_url(settings, "css/site.css") != first


def test_unknown_asset_stops_the_build(theme):
    with pytest.raises(UnknownAsset, match="css/missing.css"):
        asset_url(settings_for(theme), "css/missing.css")


def test_hashed_copies_are_minified(theme, tmp_path):
    settings = settings_for(theme)
    output = tmp_path / "output"
    write_hashed_copies(SimpleNamespace(settings=settings, output_path=str(output)))
    copy = output / asset_url(settings, "css/site.css").lstrip("/")
    assert copy.read_text() == "body{color:black}"


def test_other_editions_name_the_default_editions_copy_and_write_none(theme, tmp_path):
    urls = {"vi": {"SITEURL": "https://example.vn"}, "en": {"SITEURL": "https://example.vn/en"}}
    english = settings_for(theme, SITEURL="https://example.vn/en", EDITIONS=["vi", "en"],
                           DEFAULT_LANG="en", EDITION_URLS=urls)
    assert asset_url(english, "css/site.css").startswith("https://example.vn/theme/css/site.")
    output = tmp_path / "output" / "en"
    write_hashed_copies(SimpleNamespace(settings=english, output_path=str(output)))
    assert not output.exists()
