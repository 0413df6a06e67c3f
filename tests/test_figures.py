"""The figures extension on its own: Markdown in, HTML out."""

import markdown
import pytest
from bs4 import BeautifulSoup

from plugins.reader.figures import FiguresExtension


def render(source: str) -> BeautifulSoup:
    md = markdown.Markdown(extensions=["extra", "smarty", FiguresExtension()], output_format="html5")
    return BeautifulSoup(md.convert(source), "html.parser")


def test_lone_image_becomes_figure_with_alt_as_caption():
    html = render("![Toàn cảnh hội nghị](IMG_5760.jpg)")
    figure = html.find("figure")
    assert figure.img["src"] == "IMG_5760.jpg"
    assert figure.figcaption.get_text() == "Toàn cảnh hội nghị"
    assert figure.img["alt"] == ""  # said once, by the caption
    assert html.find("p") is None


def test_title_is_the_caption_and_alt_stays_a_description():
    html = render('![Đại biểu giơ tay biểu quyết](IMG_1.jpg "Biểu quyết thông qua nghị quyết")')
    assert html.figure.img["alt"] == "Đại biểu giơ tay biểu quyết"
    assert html.figure.figcaption.get_text() == "Biểu quyết thông qua nghị quyết"
    assert not html.figure.img.has_attr("title")


def test_caption_renders_inline_markdown_with_links():
    html = render('![Ảnh hội nghị](a.jpg "Hội nghị. *Ảnh: [Nguyễn Văn A](https://example.vn/a)*")')
    caption = html.figure.figcaption
    assert caption.em.a["href"] == "https://example.vn/a"
    assert caption.get_text() == "Hội nghị. Ảnh: Nguyễn Văn A"


def test_image_in_running_text_stays_inline():
    html = render("Biểu tượng ![logo](logo.png) của Đoàn.")
    assert html.find("figure") is None
    assert html.p.img["alt"] == "logo"


@pytest.mark.parametrize("source", [
    "![a](x.jpg) trailing text",
    "[![a](x.jpg)](https://example.vn)",
    "![a](x.jpg)\n![b](y.jpg)",
])
def test_paragraph_with_more_than_one_image_or_text_is_not_a_figure(source):
    assert render(source).find("figure") is None


def test_figures_inside_blockquotes_and_nested_brackets():
    html = render("> ![Ảnh [tư liệu] năm 2020](old.jpg)")
    assert html.blockquote.figure.figcaption.get_text() == "Ảnh [tư liệu] năm 2020"


def test_vietnamese_caption_keeps_tone_marks_and_quotes_are_curly():
    html = render('![x](a.jpg "Lễ ra quân \\"Chủ nhật xanh\\" – Đoàn Khối")')
    assert html.figure.figcaption.get_text() == "Lễ ra quân \u201cChủ nhật xanh\u201d – Đoàn Khối"


def test_image_without_alt_or_caption_has_no_empty_figcaption():
    html = render("![](a.jpg)")
    assert html.figure.figcaption is None
