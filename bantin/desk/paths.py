"""Which paths the desk accepts from the browser: every one is untrusted.

A path names a file of an article (`content/articles/<year>/<slug>/<name>`) or of a page
(`content/pages/<name>`), relative to the repository, in NFC, with no hidden, empty, `.` or `..`
step, no backslash or control character, and, symbolic links followed, inside its folder
(`core.source.photo_inside`, the rule the build reads photos by).
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from bantin.desk.entries import SUFFIX, desk_name, disk_name
from core.source import SOURCE_SUFFIXES, photo_inside

YEAR = re.compile(r"^\d{4}$")
MAX_PATH = 1000


class PathError(ValueError):
    """A path the desk refuses; the message names it, in Vietnamese."""


@dataclass(frozen=True)
class Place:
    collection: str  # "articles" or "pages"
    path: str  # on disk, relative to the repository: .../index.md
    desk: str  # as the CMS names it: .../index.vi.md
    folder: str  # the entry's folder (articles) or the pages' folder

    @property
    def is_data(self) -> bool:
        return self.path.endswith(SUFFIX)


class Paths:
    def __init__(self, settings: dict, repository: Path):
        self.repository = Path(repository).resolve()
        content = Path(settings["PATH"]).resolve()
        self.editions = list(settings["EDITIONS"])
        self.roots = {
            "articles": (content / settings["ARTICLE_PATHS"][0]).relative_to(self.repository).as_posix(),
            "pages": (content / settings["PAGE_PATHS"][0]).relative_to(self.repository).as_posix(),
        }
        # Folders the CMS lists photos of that hold no entry's photo: the articles' root (a new
        # article, before its folder exists) and the site's images (the "Tập tin" tab), which
        # the desk never changes.
        self.without_photos = {
            self.roots["articles"],
            (content / settings["STATIC_PATHS"][0]).relative_to(self.repository).as_posix(),
        }

    def absolute(self, path: str) -> Path:
        return self.repository / path

    def collection_of(self, folder: str) -> str:
        """The collection whose folder is `folder` (as the CMS sends it)."""
        for collection, root in self.roots.items():
            if str(folder).strip("/") == root:
                return collection
        raise PathError(f"Thư mục '{str(folder)[:80]}' không phải thư mục bài viết hay trang")

    def entry_folder(self, folder: str) -> str:
        """A folder the CMS lists photos of: an article's folder, or the pages' folder."""
        folder = checked(folder).rstrip("/")
        if folder == self.roots["pages"]:
            return folder
        root = self.roots["articles"]
        parts = folder.split("/")
        if not folder.startswith(root + "/") or len(parts) != len(root.split("/")) + 2 \
                or not YEAR.match(parts[-2]):
            raise PathError(f"'{folder[:80]}' không phải thư mục của một bài viết")
        self.inside(folder, root)
        return folder

    def place(self, path: str, data: bool | None = None) -> Place:
        """The file `path` names (CMS name or disk name), checked; `data` True for a text
        file of the entry, False for a photo, None for either."""
        path = checked(path)
        for collection, root in self.roots.items():
            if path.startswith(root + "/"):
                break
        else:
            raise PathError(f"'{path[:80]}' nằm ngoài thư mục bài viết (content/articles, "
                            "content/pages): bàn biên tập không đọc, không ghi ở đó")
        rest = path[len(root) + 1:].split("/")
        name = rest[-1]
        if collection == "articles" and (len(rest) != 3 or not YEAR.match(rest[0])):
            raise PathError(f"'{path[:80]}' không phải tệp của một bài viết "
                            "(content/articles/<năm>/<tên-bài>/<tệp>)")
        if collection == "pages" and len(rest) != 1:
            raise PathError(f"'{path[:80]}' không phải tệp của một trang (content/pages/<tệp>)")
        is_data = name.endswith(SOURCE_SUFFIXES)
        if data is not None and data != is_data:
            what = "tệp bài viết (.md)" if data else "ảnh"
            raise PathError(f"'{name[:80]}' không phải {what}")
        if is_data:
            disk = disk_name(name, self.editions)
            stem = disk[: -len(SUFFIX)] if disk.endswith(SUFFIX) else ""
            lang = stem.rsplit(".", 1)[1] if "." in stem else self.editions[0]
            if lang not in self.editions or (collection == "articles" and
                                               stem.split(".")[0] != "index"):
                raise PathError(f"'{name[:80]}' không phải tên tệp bài viết (index.md, "
                                "index.en.md)" if collection == "articles" else
                                f"'{name[:80]}' không phải tên tệp trang (ten-trang.md, "
                                "ten-trang.en.md)")
            name = disk
        folder = "/".join([root, *rest[:-1]])
        disk_path = f"{folder}/{name}"
        self.inside(disk_path, folder)
        return Place(collection, disk_path, self.desk_path(disk_path), folder)

    def desk_path(self, path: str) -> str:
        folder, _, name = path.rpartition("/")
        return f"{folder}/{desk_name(name, self.editions) or name}"

    def inside(self, path: str, folder: str) -> None:
        """Refuses a path that a symbolic link takes out of the content folder."""
        root = next(root for root in self.roots.values()
                    if path == root or path.startswith(root + "/"))
        relative = PurePosixPath(path).relative_to(root).as_posix() if path != root else "."
        if relative != "." and photo_inside(self.absolute(root), relative) is None:
            raise PathError(f"'{path[:80]}' trỏ ra ngoài thư mục bài viết (lối tắt): "
                            "bàn biên tập không đọc, không ghi ở đó")


def checked(path) -> str:
    """The shape every path must have, whatever it names."""
    if not isinstance(path, str) or not path or len(path) > MAX_PATH:
        raise PathError("Thiếu đường dẫn tệp, hoặc đường dẫn quá dài")
    shown = path[:80]
    if unicodedata.normalize("NFC", path) != path:
        raise PathError(f"Tên '{shown}' có chữ có dấu gõ ở dạng tách rời (NFD): hãy đổi tên tệp "
                        "(gõ lại tên) rồi tải lên lại")
    if "\\" in path or any(ord(char) < 32 or ord(char) == 127 for char in path):
        raise PathError(f"Tên '{shown!r}' có ký tự không dùng được trong tên tệp")
    parts = path.split("/")
    if path.startswith("/") or any(part in ("", ".", "..") for part in parts[:-1]) \
            or parts[-1] in ("", ".", ".."):
        raise PathError(f"Đường dẫn '{shown}' không hợp lệ: không được có '..', '/' ở đầu "
                        "hay bước trống")
    if any(part.startswith(".") for part in parts):
        raise PathError(f"Tên '{shown}' bắt đầu bằng dấu chấm (tệp ẩn): hãy đổi tên tệp")
    if any(part != part.strip() or any(char.isspace() for char in part) for part in parts):
        raise PathError(f"Tên '{shown}' có khoảng trắng: hãy đổi tên tệp, dùng gạch ngang "
                        "thay khoảng trắng (anh-hoi-nghi.jpg)")
    return path
