"""Typography with typogrify, as Pelican's TYPOGRIFY step does it, for the cached reader.

Curly quotes and dashes (right for Vietnamese), no widowed last word. Settings: READER_TYPOGRIFY
(on/off) and Pelican's own TYPOGRIFY_IGNORE_TAGS, TYPOGRIFY_OMIT_FILTERS ("caps" only knows ASCII
capitals and would style "HĐND" unlike "UBND") and TYPOGRIFY_DASHES.
"""

import smartypants
from typogrify.filters import typogrify

DASHES = {"oldschool": smartypants.Attr.set2, "oldschool_inverted": smartypants.Attr.set3}


def typography(html: str, settings: dict) -> str:
    if not settings["READER_TYPOGRIFY"] or not html:
        return html
    smartypants.Attr.default = DASHES.get(settings["TYPOGRIFY_DASHES"], smartypants.Attr.set1)
    smartypants.Attr.default |= smartypants.Attr.w  # &quot; entities become curly quotes too
    return typogrify(
        html,
        settings["TYPOGRIFY_IGNORE_TAGS"],
        **dict.fromkeys(settings["TYPOGRIFY_OMIT_FILTERS"], False),
    )
