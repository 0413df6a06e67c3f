"""Vietnamese typed in the pre-Unicode encodings TCVN3 (ABC) and VNI, found and converted.

Old documents were typed with 8-bit fonts (.VnTime for TCVN3, VNI-Times for VNI). Pasted into a
Unicode document, their bytes arrive as Windows-1252 characters: "Hội nghị" becomes "Héi nghÞ"
(TCVN3) or "Hoäi nghò" (VNI). Both the content lint and the legacy importer use this module.

Detection is by plausibility, not by a list of bad characters: a word counts as evidence when it
is not a Vietnamese syllable as it stands and becomes one once converted. Genuine Unicode text
(foreign names included) gives no such evidence, so it is left alone.
"""

import functools
import re
import unicodedata

# TCVN 5712:1993 (TCVN3), bytes 0xA1-0xFF, as the Windows-1252 characters they show as, mapped to
# the letters they stand for (the standard's table, as glibc's TCVN5712-1 decodes it). The
# standard's capitals in 0x01-0x17 and 0x80-0x9F are not taken: in Windows-1252 those bytes are
# quotes and dashes of ordinary text, and ABC fonts typed capitals with separate ".VnTimeH" fonts
# using the lowercase codes (see _restore_capitals). 0xB0-0xB4 (combining tones in the standard)
# are the degree sign and friends in real text, and are left alone too.
_TCVN3_BYTES = {
    0xA1: "Ă",
    0xA2: "Â",
    0xA3: "Ê",
    0xA4: "Ô",
    0xA5: "Ơ",
    0xA6: "Ư",
    0xA7: "Đ",
    0xA8: "ă",
    0xA9: "â",
    0xAA: "ê",
    0xAB: "ô",
    0xAC: "ơ",
    0xAD: "ư",
    0xAE: "đ",
    0xAF: "Ằ",
    0xB5: "à",
    0xB6: "ả",
    0xB7: "ã",
    0xB8: "á",
    0xB9: "ạ",
    0xBA: "Ẳ",
    0xBB: "ằ",
    0xBC: "ẳ",
    0xBD: "ẵ",
    0xBE: "ắ",
    0xBF: "Ẵ",
    0xC0: "Ắ",
    0xC1: "Ầ",
    0xC2: "Ẩ",
    0xC3: "Ẫ",
    0xC4: "Ấ",
    0xC5: "Ề",
    0xC6: "ặ",
    0xC7: "ầ",
    0xC8: "ẩ",
    0xC9: "ẫ",
    0xCA: "ấ",
    0xCB: "ậ",
    0xCC: "è",
    0xCD: "Ể",
    0xCE: "ẻ",
    0xCF: "ẽ",
    0xD0: "é",
    0xD1: "ẹ",
    0xD2: "ề",
    0xD3: "ể",
    0xD4: "ễ",
    0xD5: "ế",
    0xD6: "ệ",
    0xD7: "ì",
    0xD8: "ỉ",
    0xD9: "Ễ",
    0xDA: "Ế",
    0xDB: "Ồ",
    0xDC: "ĩ",
    0xDD: "í",
    0xDE: "ị",
    0xDF: "ò",
    0xE0: "Ổ",
    0xE1: "ỏ",
    0xE2: "õ",
    0xE3: "ó",
    0xE4: "ọ",
    0xE5: "ồ",
    0xE6: "ổ",
    0xE7: "ỗ",
    0xE8: "ố",
    0xE9: "ộ",
    0xEA: "ờ",
    0xEB: "ở",
    0xEC: "ỡ",
    0xED: "ớ",
    0xEE: "ợ",
    0xEF: "ù",
    0xF0: "Ỗ",
    0xF1: "ủ",
    0xF2: "ũ",
    0xF3: "ú",
    0xF4: "ụ",
    0xF5: "ừ",
    0xF6: "ử",
    0xF7: "ữ",
    0xF8: "ứ",
    0xF9: "ự",
    0xFA: "ỳ",
    0xFB: "ỷ",
    0xFC: "ỹ",
    0xFD: "ý",
    0xFE: "ỵ",
    0xFF: "Ố",
}
TCVN3_TABLE = {bytes([code]).decode("cp1252"): letter for code, letter in _TCVN3_BYTES.items()}

# VNI Windows: a base letter followed by a mark character; i, ỵ, ơ, ư and đ are single characters.
_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT = "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_VNI_TONES = {"ù": _ACUTE, "ø": _GRAVE, "û": _HOOK, "õ": _TILDE, "ï": _DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": _ACUTE, "à": _GRAVE, "å": _HOOK, "ã": _TILDE, "ä": _DOT}
_VNI_BREVE = {"ê": "", "é": _ACUTE, "è": _GRAVE, "ú": _HOOK, "ü": _TILDE, "ë": _DOT}
_VNI_SINGLE = {
    "í": "í",
    "ì": "ì",
    "æ": "ỉ",
    "ó": "ĩ",
    "ò": "ị",
    "î": "ỵ",
    "ñ": "đ",
    "ô": "ơ",
    "ö": "ư",
}


def _vni_table() -> dict[str, str]:
    """Every VNI spelling (lower and upper case) mapped to its Unicode letter."""
    table = dict(_VNI_SINGLE)
    toned_bases = {
        "a": "a",
        "e": "e",
        "o": "o",
        "u": "u",
        "y": "y",
        "ô": "o" + _HORN,
        "ö": "u" + _HORN,
    }
    for spelling, base in toned_bases.items():
        for mark, tone in _VNI_TONES.items():
            table[spelling + mark] = base + tone
    for base in "aeo":
        for mark, tone in _VNI_CIRCUMFLEX.items():
            table[base + mark] = base + _CIRCUMFLEX + tone
    for mark, tone in _VNI_BREVE.items():
        table["a" + mark] = "a" + _BREVE + tone
    table.update({spelling.upper(): letter.upper() for spelling, letter in table.items()})
    return {spelling: unicodedata.normalize("NFC", letter) for spelling, letter in table.items()}


VNI_TABLE = _vni_table()

TABLES = {"TCVN3": TCVN3_TABLE, "VNI": VNI_TABLE}
_PATTERNS = {
    name: re.compile("|".join(sorted(map(re.escape, table), key=len, reverse=True)))
    for name, table in TABLES.items()
}

# A "word" for this module: letters, plus the Latin-1 symbols TCVN3 text is made of.
_WORD = re.compile(r"[A-Za-z\u00a1-\u00ff\u0100-\u01b0\u1ea0-\u1ef9]+")
# Text typed in a legacy encoding is made of ASCII and Windows-1252's upper half only.
_LEGACY_ALPHABET = re.compile(r"[\x00-\x7f\u00a0-\u00ff]+")

_TONE_MARKS = {_ACUTE, _GRAVE, _HOOK, _TILDE, _DOT}
_INITIALS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnprstvx]"
_NUCLEI = (
    "iêu|yêu|oai|oay|oao|oeo|uây|uôi|ươi|ươu|uyê|uya|uyu|"
    "ai|ao|au|ay|âu|ây|eo|êu|ia|iê|iu|oa|oă|oe|oi|oo|ôi|ơi|ua|uâ|uê|ui|uô|uơ|uy|ưa|ưi|ươ|ưu|yê|"
    "[aăâeêioôơuưy]"
)
_FINALS = "ch|ng|nh|[cmnpt]"
_SYLLABLE = re.compile(rf"(?:{_INITIALS})?(?:{_NUCLEI})(?:{_FINALS})?")


@functools.lru_cache(maxsize=1 << 16)  # a language of a few thousand syllables, met again and again
def is_syllable(word: str) -> bool:
    """Whether `word` is spelt like a Vietnamese syllable: initial, vowels, final, one tone, and
    capitals only as a first letter or throughout ("kÕt" is TCVN3 for "kết", not a word)."""
    if not (word.islower() or word.isupper() or word[1:].islower() or len(word) == 1):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(char in _TONE_MARKS for char in decomposed) > 1:
        return False
    toneless = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(toneless) is not None


def _restore_capitals(original: str, converted: str) -> str:
    """TCVN3 capitals were typed with ".VnTimeH" fonts over lowercase codes: "HéI" is "HỘI"."""
    ascii_letters = [char for char in original if char.isascii() and char.isalpha()]
    if len(ascii_letters) >= 2 and all(char.isupper() for char in ascii_letters):
        return converted.upper()
    return converted


def _convert_word(word: str, encoding: str) -> str:
    converted = _PATTERNS[encoding].sub(lambda match: TABLES[encoding][match[0]], word)
    if encoding == "TCVN3":
        converted = _restore_capitals(word, converted)
    return unicodedata.normalize("NFC", converted)


def convert_legacy(text: str, encoding: str) -> str:
    """`text` with its TCVN3 or VNI words turned into Unicode (NFC).

    Words holding a character no legacy encoding produces (such as "ộ") are Unicode already and
    kept. When the text has such words, it is a Unicode paragraph with legacy text pasted in, and
    only the words that are not Vietnamese as they stand are converted ("sôi" stays "sôi")."""
    if encoding not in TABLES:
        raise ValueError(f"unknown legacy encoding {encoding!r}")
    text = unicodedata.normalize("NFC", text)
    mixed = any(_LEGACY_ALPHABET.fullmatch(word) is None for word in _WORD.findall(text))

    def convert(match: re.Match) -> str:
        word = match[0]
        if _LEGACY_ALPHABET.fullmatch(word) is None or (mixed and is_syllable(word)):
            return word
        return _convert_word(word, encoding)

    return unicodedata.normalize("NFC", _WORD.sub(convert, text))


def find_legacy_encoding(text: str) -> str | None:
    """ "TCVN3" or "VNI" when `text` reads as Vietnamese only once converted from it, else None."""
    # The doubtful words: accented, made of legacy characters only, and not Vietnamese as written.
    doubtful = [
        word
        for word in _WORD.findall(unicodedata.normalize("NFC", text))
        if len(word) >= 2
        and not word.isascii()
        and _LEGACY_ALPHABET.fullmatch(word)
        and not is_syllable(word)
    ]
    best, best_evidence = None, 0
    for encoding in TABLES:
        evidence = 0
        for word in doubtful:
            converted = _convert_word(word, encoding)
            evidence += converted != word and is_syllable(converted)
        # Most doubtful words must come out as Vietnamese: a stray foreign name proves nothing.
        if evidence > best_evidence and evidence * 2 >= len(doubtful):
            best, best_evidence = encoding, evidence
    return best
