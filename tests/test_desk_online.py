"""The desk online: /admin/ is published only when the settings name a git host, and then with
that host's configuration, the CMS's bundle under hashed names and nothing from elsewhere."""

import json
import re

import pytest
import yaml
from bs4 import BeautifulSoup

from bantin.build import build
from bantin.desk.config import DeskSettingError, admin_config
from bantin.site_checks import check_sizes
from tests.conftest import SETTINGS_FILE, run_task, settings_file

GITLAB = {"name": "gitlab", "repo": "doankhoi/bantin", "auth_type": "pkce", "app_id": "abc123"}


def test_without_a_git_host_admin_is_never_published(site):
    assert not (site / "admin").exists()


@pytest.fixture(scope="module")
def online_site(tmp_path_factory):
    output = tmp_path_factory.mktemp("online") / "output"
    build(SETTINGS_FILE, output=output, strict=True, overrides={"DESK_BACKEND": GITLAB})
    return output


def test_a_git_host_publishes_the_desk_with_its_backend(online_site, settings):
    admin = online_site / "admin"
    config = yaml.safe_load((admin / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"] == {"branch": "main", **GITLAB}
    assert config["publish_mode"] == "editorial_workflow"
    assert config["collections"][0]["fields"][2]["options"] == [f["vi"] for f in settings["FIELDS"]]
    page = BeautifulSoup((admin / "index.html").read_text(encoding="utf-8"), "html.parser")
    scripts = [tag["src"] for tag in page.find_all("script", src=True)]
    styles = [tag["href"] for tag in page.find_all("link", rel="stylesheet")]
    # the translation to the project's files first: it holds the CMS back until it is in place
    assert [re.sub(r"[0-9a-f]{8}", "#", script) for script in scripts] == [
        "online.#.js", "vendor-#/decap-cms.js", "desk.#.js"]
    written = json.loads(page.find("script", id="bantin-desk-online").string)
    assert written["backend"] == "gitlab" and written["editions"] == ["vi", "en"]
    assert written["timezone"] == settings["TIMEZONE"]
    assert re.fullmatch(r"desk\.[0-9a-f]{8}\.css", styles[0])
    for address in [*scripts, *styles]:
        assert (admin / address).is_file(), address
    assert not list(admin.rglob("*.map"))
    policy = page.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "connect-src 'self' https://gitlab.com blob:;" in policy
    assert not check_sizes(online_site, settings)


def test_the_english_edition_does_not_publish_a_second_desk(online_site):
    assert not (online_site / "en" / "admin").exists()


@pytest.mark.parametrize("backend", [
    {"name": "bitbucket", "repo": "a/b"}, {"name": "gitea", "repo": "a/b"}, {"name": "github"},
    "github",
])
def test_an_unusable_git_host_is_one_sentence(backend, settings):
    with pytest.raises(DeskSettingError, match="DESK_BACKEND"):
        admin_config({**settings, "DESK_BACKEND": backend}, online=True)


def test_the_local_desk_uses_the_preview_proxy_whatever_the_host(settings):
    config = yaml.safe_load(admin_config({**settings, "DESK_BACKEND": GITLAB}))
    assert config["backend"] == {"name": "proxy", "proxy_url": "/admin/api/v1", "branch": "main"}


def test_a_build_with_an_unusable_git_host_says_so_in_one_sentence(tmp_path):
    """Decap's gitea backend has no editorial workflow: naming it stops a strict build (as
    publishing runs it) with the setting's sentence, never a traceback, and output/ is not
    replaced."""
    settings = settings_file(tmp_path / "settings.py", OUTPUT_PATH=tmp_path / "output",
                             CACHE_PATH=tmp_path / "cache",
                             DESK_BACKEND={"name": "gitea", "repo": "doankhoi/bantin"})
    result = run_task("build", "--strict", "--settings", str(settings))
    assert result.returncode != 0
    assert "pelicanconf.py: DESK_BACKEND phải là dict có 'name' (một trong github, gitlab, " \
           "forgejo)" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert not (tmp_path / "output" / "index.html").exists()
