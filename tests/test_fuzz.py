"""Fuzzing with Hypothesis: whatever an editor pastes, the lint answers with findings (never an
exception), the Markdown extensions never raise, and a file the lint accepts is read by the reader.
"""

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hypothesis_settings, strategies as st
from markdown import Markdown

from bantin.build import load_settings
from core.errors import Finding
from bantin.lint import lint_file
from plugins.reader.figures import FiguresExtension
from plugins.reader import ArticleReader
from plugins.reader.links import ArticleLinksExtension

ROOT = Path(__file__).resolve().parent.parent
FUZZ = hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

VIETNAMESE = "Đđăâêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ"
MOJIBAKE = "®¸µ¶·¹¨»¾¼½ÆÞÕÖäöøñù"
MARKDOWN_SIGNS = "![]()\"'*_`#>-\\<>&{}|:\n "
text = st.text(
    alphabet=st.sampled_from(VIETNAMESE + MOJIBAKE + MARKDOWN_SIGNS + "abcdeghiklmnopqrstuvxy0123456789"),
    max_size=80,
)
nfd_text = text.map(lambda value: unicodedata.normalize("NFD", value))
words = st.one_of(text, nfd_text)
image = st.builds(
    lambda alt, src, title: f'![{alt}]({src}{f" {chr(34)}{title}{chr(34)}" if title else ""})',
    words, st.sampled_from(["anh.jpg", "IMG_5760.jpg", "../anh.jpg", "khong co.jpg", "", "<a b.jpg>"]),
    st.one_of(st.none(), words),
)
link = st.builds(
    lambda label, href: f"[{label}]({href})",
    words, st.sampled_from(["../bai/index.md", "https://example.org/", "#muc", "index.md", ""]),
)
body = st.lists(st.one_of(words, image, link), max_size=8).map("\n\n".join)
metadata_key = st.one_of(
    st.sampled_from(["Title", "Date", "Category", "Tags", "Summary", "Slug", "Lang", "Status",
                     "Author", "Translation", "Template", "Nguon"]),
    st.text(alphabet="abcXYZ _-:", min_size=1, max_size=8),
)
metadata_value = st.one_of(
    words,
    st.sampled_from(["2021-07-15 14:00", "2999-01-01", "15/07/2021", "2021-02-30", "Đoàn thanh niên",
                     "Công đoàn", "en", "vi", "fr", "draft", "published"]),
)
document = st.builds(
    lambda pairs, gap, content: "\n".join(f"{k}: {v}" for k, v in pairs) + gap + content,
    st.lists(st.tuples(metadata_key, metadata_value), max_size=8),
    st.sampled_from(["\n\n", "\n", ""]),
    body,
)
encoded = st.one_of(
    document.map(lambda value: value.encode("utf-8")),
    document.map(lambda value: value.encode("utf-16")),
    document.map(lambda value: value.encode("cp1258", errors="ignore")),
    document.map(lambda value: b"\xef\xbb\xbf" + value.encode("utf-8")),
    st.binary(max_size=300),
)


@pytest.fixture(scope="module")
def content():
    """A content folder with one article folder that each example rewrites."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "content"
        article = root / "articles" / "2021" / "bai-thu"
        article.mkdir(parents=True)
        (root / "pages").mkdir()
        (article / "anh.jpg").write_bytes((ROOT / "content" / "articles" / "2021" /
                                           "hoi-nghi-so-ket-6-thang-dau-nam-2021" / "IMG_5760.jpg").read_bytes())
        settings = load_settings(ROOT / "pelicanconf.py", {"PATH": str(root)})
        yield article / "index.md", settings


@FUZZ
@given(raw=encoded)
def test_the_lint_answers_any_file_with_findings(content, raw):
    path, settings = content
    path.write_bytes(raw)
    _, findings = lint_file(path, "article", settings)
    assert all(isinstance(finding, Finding) and finding.message for finding in findings)
    assert all(str(finding).startswith("content/articles/2021/bai-thu/index.md") for finding in findings)


@FUZZ
@given(source=st.one_of(body, document))
def test_the_markdown_extensions_never_raise(source):
    md = Markdown(extensions=["extra", "smarty", FiguresExtension(), ArticleLinksExtension()],
                  output_format="html5")
    assert isinstance(md.convert(source), str)


@FUZZ
@given(caption=text.filter(lambda value: value.strip() and "\n" not in value))
def test_a_lone_photo_always_becomes_a_figure(caption):
    md = Markdown(extensions=[FiguresExtension()], output_format="html5")
    html = md.convert(f"![{caption}](anh.jpg)")
    if "]" not in caption and "[" not in caption and "\\" not in caption:
        assert html.startswith("<figure>") and "<figcaption>" in html


@FUZZ
@given(source=document)
def test_a_file_the_lint_accepts_is_read_without_error(content, source):
    path, settings = content
    path.write_text(source, encoding="utf-8")
    _, findings = lint_file(path, "article", settings)
    if any(finding.is_error for finding in findings):
        return
    html, metadata = ArticleReader(settings).read(str(path))
    assert isinstance(html, str) and "title" in metadata
