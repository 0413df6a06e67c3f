"""Titles are untrusted text: written with entities, they stay text in every place the theme
shows them (the <title>, headings, breadcrumbs, cards, sharing metadata), never markup."""

import json
import shutil

from bantin.build import build
from conftest import ROOT, add_article, parse_html

HOSTILE_TITLE = "Tin &lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"
SHOWN = "Tin </title><script>alert(1)</script> & “x”"  # typography curls the quotes


def test_a_title_written_with_entities_stays_text_everywhere(tmp_path):
    content = tmp_path / "content"
    (content / "articles").mkdir(parents=True)
    (content / "pages").mkdir()
    shutil.copytree(ROOT / "content" / "images", content / "images")
    add_article(content, "tieu-de-la", HOSTILE_TITLE, "2024-03-10 08:00", "Slug: tieu-de-la\n")
    output = tmp_path / "output"
    build(ROOT / "pelicanconf.py", output=output, strict=True,
          overrides={"PATH": str(content), "CACHE_PATH": str(tmp_path / "cache")})

    pages = [output / "tin/2024/tieu-de-la/index.html", output / "index.html",
             output / "linh-vuc/cong-doan/index.html"]
    for page in pages:
        soup = parse_html(page)
        scripts = [script for script in soup.find_all("script") if "alert" in script.text
                   and script.get("type") != "application/ld+json"]
        assert scripts == [], page
        for data in soup.find_all("script", type="application/ld+json"):
            json.loads(data.string)  # the title did not end the script early
        assert len(soup.find_all("title")) == 1, page
    article = parse_html(pages[0])
    assert article.title.text.startswith(SHOWN)
    assert article.find("meta", property="og:title")["content"].startswith(SHOWN)
    assert article.h1.text.strip().replace("\xa0", " ") == SHOWN  # no widow in headings
    data = json.loads(article.find("script", type="application/ld+json").string)
    assert data["headline"] == SHOWN
