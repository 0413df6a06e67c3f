"""The metadata header of a source (core/header.py): read, written and rewritten line by line."""

from core.header import header_text, read_header, rewrite_header

ARTICLE = (
    "Title: Hội nghị Ban Chấp hành\n"
    "Date:   2021-07-15 14:00\n"  # spaced as an editor typed it
    "X-Nguon: bản in\n"
    "Tags: hội nghị,\n"
    "    ban chấp hành\n"
    "Category: Đoàn thanh niên\n"
    "\n"
    "Title: không phải thông tin, đây là nội dung\n"
)


def test_the_header_ends_at_the_first_blank_line_and_keeps_line_numbers():
    header = read_header(ARTICLE)
    assert header.starts
    assert header.values["title"] == (1, "Hội nghị Ban Chấp hành")
    assert header.values["category"] == (6, "Đoàn thanh niên")
    assert header.names["x-nguon"] == "X-Nguon"
    assert header.value("slug") == ""


def test_a_header_written_reads_back_the_same_values():
    text = header_text([("Title", "Đoàn Khối"), ("Tags", ""), ("Slug", "doan-khoi")]) + "Nội dung\n"
    assert text.startswith("Title: Đoàn Khối\nTags:\nSlug: doan-khoi\n\n")
    header = read_header(text)
    assert {key: value for key, (_, value) in header.values.items()} == {
        "title": "Đoàn Khối", "tags": "", "slug": "doan-khoi"}


def test_a_rewrite_changes_only_the_lines_whose_value_changed_and_appends_new_keys():
    rewritten = rewrite_header(ARTICLE, {
        "Title": "Hội nghị Ban Chấp hành lần thứ 5",  # changed
        "Date": "2021-07-15 14:00",                   # the same: the line stays as written
        "Summary": "Tóm tắt",                         # new
    })
    before, after = ARTICLE.splitlines(), rewritten.splitlines()
    assert after[0] == "Title: Hội nghị Ban Chấp hành lần thứ 5"
    assert after[1:6] == before[1:6]  # unknown key, continuation and order kept
    assert after[6] == "Summary: Tóm tắt"
    assert after[7:] == before[6:]  # the blank line and the text, whatever they say
    assert read_header(rewritten).value("summary") == "Tóm tắt"


def test_a_rewrite_keeps_the_windows_line_ends_of_a_file():
    text = "Title: Cũ\r\nDate: 2021-07-15\r\n\r\nNội dung\r\n"
    assert rewrite_header(text, {"Title": "Mới"}) == "Title: Mới\r\nDate: 2021-07-15\r\n\r\nNội dung\r\n"


def test_a_text_without_a_header_gets_one_above_it():
    assert rewrite_header("Nội dung\n", {"Title": "Bài mới"}) == "Title: Bài mới\n\nNội dung\n"
    assert not read_header("Nội dung\n").starts


def test_a_rewritten_value_takes_the_place_of_its_continuation_lines():
    rewritten = rewrite_header(ARTICLE, {"Tags": "hội nghị, ban chấp hành"})
    assert rewritten == ARTICLE  # the same value, written over two lines: nothing changes
    rewritten = rewrite_header(ARTICLE, {"Tags": "hội nghị"})
    assert rewritten.splitlines()[3:5] == ["Tags: hội nghị", "Category: Đoàn thanh niên"]


def test_a_new_key_takes_the_line_ending_of_the_file():
    text = "Title: Cũ\r\n\r\nNội dung\r\n"
    assert rewrite_header(text, {"Summary": "Tóm tắt"}) == \
        "Title: Cũ\r\nSummary: Tóm tắt\r\n\r\nNội dung\r\n"
