"""TCVN3 and VNI text: the tables against known spellings, real sentences round-tripped, and no
false alarms on genuine Unicode text."""

import shutil
import subprocess
import unicodedata

import pytest

from core.legacy_encodings import (
    TCVN3_TABLE,
    VNI_TABLE,
    convert_legacy,
    find_legacy_encoding,
    is_syllable,
)

SENTENCES = [
    "Hội nghị sơ kết công tác đoàn và phong trào thanh niên 6 tháng đầu năm 2021",
    "Chiều ngày 15/7/2021, Đoàn Khối các cơ quan tỉnh tổ chức hội nghị.",
    "Đặc biệt, trước tình hình diễn biến phức tạp của dịch bệnh, các cơ sở đoàn đã hỗ trợ người dân.",
    "Tập thể được Trung ương Đoàn và Tỉnh đoàn khen thưởng vì có thành tích xuất sắc.",
    "Thanh niên tình nguyện hiến máu, tặng quà thương binh, nạn nhân chất độc da cam.",
    "Ông Đinh Đức Trung chủ trì; ủy viên Ban Chấp hành nhiệm kỳ 2017 - 2022 dự.",
    "Quyết tâm xây dựng tổ chức cơ sở đoàn vững mạnh, khuyến khích đổi mới, sáng tạo.",
]


def encode(text: str, table: dict[str, str]) -> str:
    """Unicode to legacy spelling, the reverse of a table (what an old keyboard driver typed)."""
    reverse = {letter: spelling for spelling, letter in table.items()}
    return "".join(reverse.get(char, char) for char in unicodedata.normalize("NFC", text))


@pytest.mark.parametrize(
    ("legacy", "encoding", "unicode"),
    [
        ("Héi nghÞ", "TCVN3", "Hội nghị"),
        ("§oµn thanh niªn", "TCVN3", "Đoàn thanh niên"),
        ("B¶o Th¾ng, B¸t X¸t", "TCVN3", "Bảo Thắng, Bát Xát"),
        ("ViÖt Nam", "TCVN3", "Việt Nam"),
        ("Hoäi nghò", "VNI", "Hội nghị"),
        ("Ñoaøn thanh nieân", "VNI", "Đoàn thanh niên"),
        ("Xin chaøo caùc baïn", "VNI", "Xin chào các bạn"),
        ("ñöôïc tröôøng", "VNI", "được trường"),
        ("ÑOAØN THANH NIEÂN", "VNI", "ĐOÀN THANH NIÊN"),
    ],
)
def test_known_spellings_convert(legacy, encoding, unicode):
    assert find_legacy_encoding(legacy) == encoding
    assert convert_legacy(legacy, encoding) == unicode


@pytest.mark.parametrize("encoding", ["TCVN3", "VNI"])
@pytest.mark.parametrize("sentence", SENTENCES)
def test_sentences_round_trip(sentence, encoding):
    table = TCVN3_TABLE if encoding == "TCVN3" else VNI_TABLE
    legacy = encode(sentence, table)
    assert legacy != sentence
    assert find_legacy_encoding(legacy) == encoding
    assert convert_legacy(legacy, encoding) == sentence


@pytest.mark.skipif(shutil.which("iconv") is None, reason="glibc iconv is not installed")
@pytest.mark.parametrize("sentence", SENTENCES[:4])
def test_tcvn3_agrees_with_glibc(sentence):
    """An independent encoder: glibc's TCVN5712-1, its bytes read as Windows-1252 like a paste."""
    encoded = subprocess.run(
        ["iconv", "-f", "UTF-8", "-t", "TCVN5712-1"],
        input=sentence.encode(),
        capture_output=True,
        check=True,
    ).stdout
    pasted = encoded.decode("cp1252")
    assert find_legacy_encoding(pasted) == "TCVN3"
    assert convert_legacy(pasted, "TCVN3") == sentence


def test_tcvn3_capitals_from_vntimeh_fonts():
    assert convert_legacy("HéI NGHÞ S¥ KÕT", "TCVN3") == "HỘI NGHỊ SƠ KẾT"
    assert convert_legacy("Hµ Nam", "TCVN3") == "Hà Nam"


@pytest.mark.parametrize(
    "text",
    SENTENCES
    + [
        "Café Müller, José Peña, naïve, «Xin chào», Björk, Noël, © 2021",
        "Seán Ó Ríordáin, Ó Dálaigh",
        "Nhiệt độ 30°C ± 2; UBND, HĐND, THPT, Covid-19",
        "Tôi là cô giáo ở Hà Nội, có một ước mơ",
        "",
    ],
)
def test_unicode_text_is_not_flagged(text):
    assert find_legacy_encoding(text) is None


def test_unicode_words_survive_in_a_mixed_paragraph():
    mixed = "Hội nghị đã diễn ra sôi nổi. Héi nghÞ s¬ kÕt"
    assert convert_legacy(mixed, "TCVN3") == "Hội nghị đã diễn ra sôi nổi. Hội nghị sơ kết"


def test_output_is_nfc():
    assert unicodedata.is_normalized("NFC", convert_legacy("Hoäi nghò", "VNI"))


def test_unknown_encoding_is_refused():
    with pytest.raises(ValueError):
        convert_legacy("abc", "VISCII")


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("nghiêng", True),
        ("khuỷu", True),
        ("được", True),
        ("héi", False),
        ("nghÞ", False),
        ("hộịi", False),
        ("xyz", False),
        ("kÕt", False),
        ("Kết", True),
        ("KẾT", True),
    ],
)
def test_syllable_spelling(word, expected):
    assert is_syllable(word) is expected
