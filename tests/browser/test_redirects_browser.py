"""An old address (Aliases:) takes a real browser to the article, with or without JavaScript, and
the redirect page breaks no rule of the site's Content-Security-Policy."""

import shutil

import pytest

from bantin.build import build
from browser.conftest import serving
from conftest import ROOT, SETTINGS_FILE, add_article

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def moved_site(tmp_path_factory):
    """A small site whose article lists an old address, served on a free port of 127.0.0.1."""
    work = tmp_path_factory.mktemp("aliases")
    content = work / "content"
    (content / "pages").mkdir(parents=True)
    shutil.copytree(ROOT / "content" / "images", content / "images")
    add_article(content, "dai-hoi-doan-khoi", "Đại hội Đoàn Khối", "2026-05-10 08:00",
                metadata="Aliases: /tin-cu/dai-hoi/\n")
    output = work / "output"
    build(SETTINGS_FILE, output=output, strict=True,
          overrides={"PATH": str(content), "CACHE_PATH": str(work / "cache")})
    with serving(output) as url:
        yield url


@pytest.mark.parametrize("javascript", [True, False])
def test_the_old_address_leads_to_the_article(browser, moved_site, javascript):
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    problems = []
    page.on("console", lambda message: message.type in ("error", "warning")
            and problems.append(message.text))
    page.add_init_script("""document.addEventListener('securitypolicyviolation', event =>
        console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));""")
    page.goto(f"{moved_site}/tin-cu/dai-hoi/")
    page.wait_for_url(f"{moved_site}/tin/2026/dai-hoi-doan-khoi/")
    assert "Đại hội Đoàn" in page.locator("h1").inner_text()
    assert not [text for text in problems if "CSP" in text or "Content Security Policy" in text]
    context.close()
