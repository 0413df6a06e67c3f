"""Saved pages of the SharePoint 2010/2013 publishing portal.

A publishing page is a page layout filled with field controls, inside the master page's chrome
(ribbon `s4-ribbonrow`/`ms-designer-ribbon`, `suiteBar`, skip links, top and quick-launch
navigation, `s4-workspace`). What belongs to the article:

- the page content, a RichHtmlField (PublishingPageContent) rendered as
  `<div id="..._RichHtmlField" class="ms-rtestate-field">`, inside `.article-content` (2013
  article layouts) or `.pageContent` (2010);
- the title (`<title>`, else the title area `#pageTitle`), the date line (`.date-line`,
  ArticleStartDate), the by-line (`.by-line`, ArticleByLine), the page image with its caption
  (`.captioned-image`), keywords (`<meta name="keywords">`);
- the field the page is filed under, named by the portal as "Tin theo lĩnh vực <field>".

Only these are read; everything else of the page is chrome and is never looked at. Inside the
body, scripts, styles, hidden elements, editor markers and tracking pixels are dropped; what the
site cannot show (embedded frames, web parts, forms) is reported.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag, UnicodeDammit

from core.legacy_encodings import convert_legacy
from bantin.legacy_import.addresses import page_aliases
from bantin.legacy_import.dates import find_date
from bantin.legacy_import.markdown import code_block, escape, has_scheme, link_target
from bantin.legacy_import.page import (
    FIELD_MENTION,
    LegacyPage,
    Photo,
    Text,
    attach_captions,
    normalize,
    quoted,
)
from bantin.legacy_import.paths import url_path
from core.vietnamese import nfc

BODY_CONTAINERS = (".article-content", ".pageContent", "#ctl00_PlaceHolderMain_PageContent")
DATE_FIELDS = (".date-line", ".dateLine", "[id$='ArticleStartDate']", "[id*='ArticleStartDate_']")
BYLINE_FIELDS = (".by-line", ".byLine", "[id*='ArticleByLine']")
TITLE_AREAS = ("#pageTitle", "#DeltaPlaceHolderPageTitleInTitleArea", ".ms-pagetitle")
# Elements whose content is foreign to an article, dropped without a word.
FOREIGN = {
    "script",
    "style",
    "noscript",
    "link",
    "meta",
    "input",
    "button",
    "select",
    "textarea",
    "template",
    "svg",
}
# Elements the site cannot show: reported, so an editor can redo them by hand.
UNPLACEABLE = {"iframe", "object", "embed", "video", "audio", "form", "canvas", "applet", "map"}
BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "aside",
    "main",
    "center",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "dl",
    "table",
    "blockquote",
    "pre",
    "hr",
    "figure",
    "figcaption",
    "address",
} | UNPLACEABLE
HEADING_LEVELS = {"h1": 2, "h2": 2, "h3": 3, "h4": 4, "h5": 4, "h6": 4}
TRACKERS = re.compile(
    r"spacer\.gif|blank\.gif|pixel|/_layouts/|analytics|doubleclick|counter", re.IGNORECASE
)
_CAPTION_STYLE = re.compile(r"text-align\s*:\s*center|font-style\s*:\s*italic", re.IGNORECASE)
_FIELD_MENTION_LEVELS = 4
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def _line(tag: Tag) -> int | None:
    return getattr(tag, "sourceline", None)


def _is_hidden(tag: Tag) -> bool:
    return (
        tag.has_attr("hidden")
        or bool(_HIDDEN_STYLE.search(tag.get("style", "")))
        or tag.get("id", "").startswith("ms-rterangecursor")  # the editor's selection markers
    )


def _is_tracker(img: Tag) -> bool:
    tiny = img.get("width") in ("0", "1") or img.get("height") in ("0", "1")
    return tiny or bool(TRACKERS.search(img.get("src", "")))


def _is_portal_link(href: str) -> bool:
    """Links into the old portal (its pages, lists, layouts) lead nowhere once it is gone."""
    try:
        parts = urlsplit(href)
    except ValueError:  # a malformed address leads nowhere either
        return True
    if parts.scheme in ("mailto", "tel"):
        return False
    if parts.scheme in ("http", "https"):
        return bool(re.search(r"\.aspx$|/_layouts/|/Lists/|/Pages/", parts.path, re.IGNORECASE))
    return not href.startswith("#")


def _inner_markdown(block: Text) -> str:
    """A block's Markdown inside a quote or a list item, where a blank line ends it: a code
    block is written there as escaped text, line by line, since a fence would not hold."""
    if block.kind != "code":
        return block.markdown
    return "  \n".join(escape(line) for line in block.plain.splitlines() if line.strip())


class BodyReader:
    """Turns the rich-text body into Markdown blocks and photos, in order."""

    def __init__(self, page: LegacyPage):
        self.page = page
        self.blocks: list[Text | Photo] = []
        self.inline: list[str] = []  # Markdown of the paragraph being gathered
        self.inline_plain: list[str] = []
        self.inline_line: int | None = None
        self.inline_caption_like = False

    # -- paragraphs -------------------------------------------------------------------------
    def flush(self) -> None:
        markdown = normalize("".join(self.inline)).strip()
        plain = normalize("".join(self.inline_plain)).strip()
        if plain:
            if encoding := self.page.legacy_encoding(plain, self.inline_line):
                plain, markdown = (
                    convert_legacy(plain, encoding),
                    convert_legacy(markdown, encoding),
                )
            markdown = re.sub(r" *\n *", "  \n", markdown)  # <br> becomes a Markdown line break
            self.blocks.append(
                Text(markdown, plain, caption_like=self.inline_caption_like, line=self.inline_line)
            )
        self.inline, self.inline_plain = [], []
        self.inline_line, self.inline_caption_like = None, False

    def add_inline(self, markdown: str, plain: str, tag: Tag | None) -> None:
        if not self.inline and tag is not None:
            self.inline_line = _line(tag)
        self.inline.append(markdown)
        self.inline_plain.append(plain)

    # -- walking ------------------------------------------------------------------------------
    def read(self, container: Tag) -> list[Text | Photo]:
        self.children(container)
        self.flush()
        return attach_captions(self.blocks)

    def children(self, tag: Tag) -> None:
        for child in tag.children:
            self.node(child)

    def node(self, node) -> None:
        if isinstance(node, NavigableString):
            if type(node) is not NavigableString:  # comments, CDATA, doctype, script text
                return
            text = re.sub(r"\s+", " ", str(node))
            if text.strip() or self.inline:
                self.add_inline(escape(text), text, node.parent)
            return
        name = node.name
        if name in FOREIGN or _is_hidden(node):
            return
        if "ms-rte-wpbox" in node.get("class", []) or name in UNPLACEABLE:
            self.unplaceable(node)
            return
        if name == "img":
            self.image(node)
        elif name == "br":
            self.add_inline("\n", "\n", node)
        elif name in BLOCKS:
            self.flush()
            self.block(node)
            self.flush()
        else:
            self.inline_element(node)

    def block(self, tag: Tag) -> None:
        name = tag.name
        if name in HEADING_LEVELS:
            text = self.page.clean(tag.get_text(" "), _line(tag)).strip()
            if text:
                hashes = "#" * HEADING_LEVELS[name]
                self.blocks.append(
                    Text(f"{hashes} {escape(text)}", text, "heading", line=_line(tag))
                )
        elif name in ("ul", "ol"):
            self.list_block(tag)
        elif name == "table":
            self.table(tag)
        elif name == "blockquote":
            self.nested(tag, "quote", "> ")
        elif name == "pre":
            code = tag.get_text()
            if code.strip():
                self.blocks.append(
                    Text(code_block(code.strip("\n")), code, "code", line=_line(tag))
                )
        elif name == "hr":
            self.blocks.append(Text("* * *", "", "rule", line=_line(tag)))
        else:
            self.inline_caption_like = bool(_CAPTION_STYLE.search(tag.get("style", ""))) or (
                "caption" in " ".join(tag.get("class", [])).lower()
            )
            self.children(tag)

    def nested(self, tag: Tag, kind: str, prefix: str) -> None:
        """A quote: its own blocks, each line prefixed."""
        inner = BodyReader(self.page)
        blocks = inner.read(tag)
        texts = [block for block in blocks if isinstance(block, Text)]
        if texts:
            markdown = "\n>\n".join(
                "\n".join(prefix + line for line in _inner_markdown(block).splitlines())
                for block in texts
            )
            plain = "\n".join(block.plain for block in texts)
            self.blocks.append(Text(markdown, plain, kind, line=_line(tag)))
        self.blocks.extend(block for block in blocks if isinstance(block, Photo))

    def list_block(self, tag: Tag, depth: int = 0) -> None:
        lines, plains = [], []
        for number, item in enumerate(tag.find_all("li", recursive=False), start=1):
            marker = f"{number}." if tag.name == "ol" else "-"
            sublists = item.find_all(["ul", "ol"], recursive=False)
            for sublist in sublists:
                sublist.extract()
            parts = BodyReader(self.page).read(item)
            texts = [block for block in parts if isinstance(block, Text)]
            text = " ".join(_inner_markdown(block).replace("  \n", " ") for block in texts)
            plain = " ".join(block.plain for block in texts)
            self.blocks.extend(block for block in parts if isinstance(block, Photo))
            lines.append("    " * depth + f"{marker} {text}")
            plains.append(plain)
            for sublist in sublists:
                nested = BodyReader(self.page)
                nested.list_block(sublist, depth + 1)
                for block in nested.blocks:
                    if isinstance(block, Text):
                        lines.append(block.markdown)
                        plains.append(block.plain)
                    else:
                        self.blocks.append(block)
        if lines:
            self.blocks.append(Text("\n".join(lines), "\n".join(plains), "list", line=_line(tag)))

    def table(self, tag: Tag) -> None:
        rows = [row for row in tag.find_all("tr") if row.find_parent("table") is tag]
        cells = [row.find_all(["td", "th"], recursive=False) for row in rows]
        # A one-column table holding a photo and, below it, its caption: the portal's figure.
        images = tag.find_all("img")
        if len(images) == 1 and all(len(row) == 1 for row in cells) and len(cells) <= 3:
            photo = self.image(images[0])
            caption = " ".join(row[0].get_text(" ") for row in cells if not row[0].find("img"))
            if photo is not None:
                photo.caption = self.page.clean(caption, _line(tag)).strip()
            return
        if not cells or not any(cells):
            return
        for image in images:
            self.image(image)
            image.decompose()
        spans = any(
            cell.has_attr("colspan") or cell.has_attr("rowspan") for row in cells for cell in row
        )
        nested_blocks = any(cell.find(list(BLOCKS - {"p", "div"})) for row in cells for cell in row)
        text_rows = [
            [self.page.clean(cell.get_text(" "), _line(cell)).strip() for cell in row]
            for row in cells
        ]
        plain = "\n".join(" | ".join(row) for row in text_rows)
        if spans or nested_blocks:
            self.blocks.append(Text(self.html_table(cells), plain, "table", line=_line(tag)))
            return
        width = max(len(row) for row in text_rows)
        text_rows = [row + [""] * (width - len(row)) for row in text_rows]
        header, *body = [
            "| " + " | ".join(escape(cell) for cell in row) + " |"
            for row in text_rows
        ]  # the first row heads the table, as it did on the portal's pages
        lines = [header, "| " + " | ".join("---" for _ in range(width)) + " |", *body]
        self.blocks.append(Text("\n".join(lines), plain, "table", line=_line(tag)))

    def html_table(self, cells: list[list[Tag]]) -> str:
        """A table Markdown cannot draw (merged cells), kept as bare HTML: text and spans only."""
        rows = []
        for row in cells:
            parts = []
            for cell in row:
                attributes = "".join(
                    f' {name}="{int(cell[name])}"'
                    for name in ("colspan", "rowspan")
                    if cell.has_attr(name) and str(cell[name]).isdigit()
                )
                text = self.page.clean(cell.get_text(" "), _line(cell)).strip()
                text = text.replace("&", "&amp;").replace("<", "&lt;")
                parts.append(f"<{cell.name}{attributes}>{text}</{cell.name}>")
            rows.append("<tr>" + "".join(parts) + "</tr>")
        return "<table>\n" + "\n".join(rows) + "\n</table>"

    def inline_element(self, tag: Tag) -> None:
        name = tag.name
        wrap = {"strong": "**", "b": "**", "em": "*", "i": "*"}.get(name)
        if name in ("sup", "sub"):
            text = self.page.clean(tag.get_text()).strip()
            if text:
                self.add_inline(f"<{name}>{escape(text)}</{name}>", text, tag)
            return
        if name == "a" and tag.get("href"):
            self.link(tag)
            return
        if wrap and tag.get_text().strip() and not tag.find("img"):
            text = tag.get_text()
            leading = " " if text[:1].isspace() else ""
            trailing = " " if text[-1:].isspace() else ""
            inner = BodyReader(self.page)
            inner.children(tag)
            markdown = "".join(inner.inline).strip()
            plain = "".join(inner.inline_plain).strip()
            self.blocks.extend(inner.blocks)
            self.add_inline(
                f"{leading}{wrap}{markdown}{wrap}{trailing}", f"{leading}{plain}{trailing}", tag
            )
            return
        self.children(tag)

    def link(self, tag: Tag) -> None:
        href = tag["href"].strip()
        text = re.sub(r"\s+", " ", tag.get_text(" ")).strip()
        if tag.find("img"):
            self.children(tag)  # a linked photo: the photo is what matters
            return
        if not text:
            return
        target = link_target(href)
        if target is not None and not _is_portal_link(target):
            self.add_inline(f"[{escape(text)}]({target})", text, tag)
            return
        if target is None and has_scheme(href):
            self.page.finding(
                _line(tag),
                "legacy-unsafe-link",
                f"Liên kết «{quoted(href, 80)}» không phải địa chỉ web (http, https), thư điện tử hay "
                f"số điện thoại nên đã bỏ, giữ lại chữ «{text[:40]}».",
            )
        else:
            self.page.finding(
                _line(tag),
                "legacy-portal-link",
                f"Liên kết tới cổng cũ ({quoted(href, 80)}) đã bỏ, giữ lại chữ «{text[:40]}»; "
                "cần trỏ lại nếu bài đích đã được chuyển sang.",
            )
        self.add_inline(escape(text), text, tag)

    def image(self, img: Tag) -> Photo | None:
        src = img.get("src", "").strip()
        if not src or _is_tracker(img) or src.startswith("data:"):
            return None
        alt = self.page.clean(img.get("alt", ""), _line(img)).strip()
        name = Path(url_path(src) or "").name
        if alt.lower() == name.lower() or re.fullmatch(r"[\w\-. ]+\.(jpe?g|png|gif)", alt, re.I):
            alt = ""  # the portal's default alt was the file name, which says nothing
        self.flush()
        photo = Photo(reference=src, alt=alt, line=_line(img))
        self.blocks.append(photo)
        return photo

    def unplaceable(self, tag: Tag) -> None:
        what = tag.name if tag.name in UNPLACEABLE else "web part"
        source = tag.get("src") or tag.get("data") or ""
        where = f" ({quoted(source, 80)})" if source else ""
        self.page.finding(
            _line(tag),
            "legacy-unplaceable",
            f"Không đưa được phần tử {what}{where} vào bài; cần xem trang cũ và làm lại bằng tay.",
        )


def _first_text(soup: BeautifulSoup, selectors: tuple[str, ...]) -> tuple[str, Tag] | None:
    for selector in selectors:
        for tag in soup.select(selector):
            text = re.sub(r"\s+", " ", tag.get_text(" ")).strip()
            if text:
                return text, tag
    return None


def find_body(soup: BeautifulSoup) -> Tag | None:
    """The page content field: the rich-text field inside the layout's content area, else the
    largest rich-text field of the page that is not an image caption."""
    for selector in BODY_CONTAINERS:
        for container in soup.select(selector):
            field = container.select_one(".ms-rtestate-field") or container
            if field.get_text(strip=True) or field.find("img"):
                return field
    fields = [
        field
        for field in soup.select(".ms-rtestate-field")
        if not field.find_parent(class_=["ms-rtestate-field", "captioned-image", "caption"])
    ]
    return max(fields, key=lambda field: len(field.get_text(strip=True)), default=None)


def find_field_name(soup: BeautifulSoup, body: Tag) -> str | None:
    """The field named by "Tin theo lĩnh vực <field>" outside the body; the name is often a link
    of its own, so the mention is read with the elements around it, a few levels up."""
    for mention in soup.find_all(string=re.compile("lĩnh vực", re.IGNORECASE)):
        if body in mention.parents or mention.parent.name in ("script", "style", "title"):
            continue
        for element in [mention.parent, *mention.parent.parents][:_FIELD_MENTION_LEVELS]:
            text = "\n".join(part.strip() for part in element.stripped_strings)
            if match := FIELD_MENTION.search(nfc(text)):
                return normalize(match["field"]).strip()
    return None


def decode_html(raw: bytes) -> str:
    """The page's text in NFC, decoded as its charset says (Windows-1258 writes tone marks as
    separate combining characters): every search of the page then sees one spelling."""
    return nfc(UnicodeDammit(raw, is_html=True).unicode_markup or "")


def read_html_page(path: Path) -> LegacyPage:
    page = LegacyPage(source=path)
    markup = decode_html(path.read_bytes())
    soup = BeautifulSoup(markup, "html.parser")
    body = find_body(soup)
    if body is None:
        page.finding(
            None,
            "legacy-no-body",
            "Không tìm thấy nội dung bài (trường nội dung trang ms-rtestate-field) trong trang.",
            "error",
        )
        return page

    title_tag = soup.title
    title = re.sub(r"\s+", " ", title_tag.get_text()).strip() if title_tag else ""
    if not title and (found := _first_text(soup, TITLE_AREAS)):
        title = found[0].split(" > ")[-1]
    page.title = page.clean(title, _line(title_tag) if title_tag else None).strip()

    for image_area in soup.select(".captioned-image"):
        reader = BodyReader(page)
        for img in image_area.select("img"):
            reader.image(img)
        caption = _first_text(image_area, (".caption",))
        if reader.blocks and caption:
            reader.blocks[-1].caption = page.clean(caption[0], _line(caption[1])).strip()
        page.blocks.extend(reader.blocks)
    page.blocks.extend(BodyReader(page).read(body))
    if not any(isinstance(block, Text) for block in page.blocks):
        page.finding(None, "legacy-no-body", "Nội dung bài trên trang trống.", "error")
        return page
    if not page.title:
        heading = next(
            (b for b in page.blocks if isinstance(b, Text) and b.kind == "heading"), None
        )
        page.title = heading.plain if heading else ""
    # The title repeated at the head of the body is the layout's, not the article's.
    page.blocks = [
        block
        for index, block in enumerate(page.blocks)
        if not (index < 2 and isinstance(block, Text) and block.plain == page.title)
    ]
    if not page.title:
        page.finding(None, "legacy-no-title", "Trang không có tiêu đề.", "error")

    if byline := _first_text(soup, BYLINE_FIELDS):
        page.author = page.clean(byline[0]).strip()
    keywords = soup.find("meta", attrs={"name": re.compile("^keywords$", re.I)})
    if keywords and keywords.get("content"):
        page.tags = [
            page.clean(tag).strip() for tag in re.split(r"[,;]", keywords["content"]) if tag.strip()
        ]

    page.field_name = find_field_name(soup, body)
    page.aliases = page_aliases(soup, markup, path)

    candidates = []
    if date_line := _first_text(soup, DATE_FIELDS):
        candidates.append(date_line[0])
    candidates += [block.plain for block in page.blocks if isinstance(block, Text)][:3]
    for text in candidates:
        if found := find_date(text):
            page.date = found[0]
            break
    return page
