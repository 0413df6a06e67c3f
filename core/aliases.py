"""What an `Aliases:` value may say: the site paths an article or page keeps answering at. Read
by the lint, which refuses a bad one, and by the redirects plugin, which publishes the rest."""

import re
from pathlib import PurePosixPath

# Characters an alias may not hold: spaces, quotes and angle brackets (they would break the map
# files and the page), and the query or fragment of an address, which hosts do not match on.
NOT_IN_ALIAS = re.compile(r"[\s\"'<>\\?#,\x00-\x1f\x7f]")


def parse_aliases(value) -> list[str]:
    """The site paths of an `Aliases:` value, in order, without blanks."""
    return [alias.strip() for alias in str(value or "").split(",") if alias.strip()]


def alias_problem(alias: str) -> str | None:
    """Why `alias` cannot be an address of this site, in Vietnamese; None when it can."""
    if "://" in alias or alias.startswith("//"):
        return "có cả tên miền: chỉ ghi phần đường dẫn sau tên miền, bắt đầu bằng '/'"
    if not alias.startswith("/"):
        return "phải bắt đầu bằng '/'"
    if NOT_IN_ALIAS.search(alias):
        return "có dấu cách, dấu nháy, '?', '#' hoặc ký tự không dùng được trong địa chỉ"
    if any(part in (".", "..") for part in alias.split("/")):
        return "có đoạn '.' hoặc '..'"
    if alias == "/":
        return "là trang chủ"
    return None


def site_path(path: str) -> str:
    """One spelling per address: '/tin-cu/bai' and '/tin-cu/bai/index.html' are '/tin-cu/bai/'."""
    path = "/" + path.lstrip("/")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    if not path.endswith("/") and PurePosixPath(path).suffix == "":
        path += "/"
    return path
