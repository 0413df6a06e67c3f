"""The desk's Decap CMS configuration (`/admin/config.yml`), made from the settings so that the
desk offers exactly the site's fields and languages and never a free-text field name.

Locally the desk talks to the preview server's proxy (`/admin/api/v1`, same origin, no login);
online (`DESK_BACKEND` in the settings) it talks to the git host named there.
"""

import yaml

# Git hosts whose Decap backends log editors in and keep the editorial workflow as pull/merge
# requests. Decap's "gitea" backend has no editorial workflow, so Gitea is not offered.
ONLINE_BACKENDS = ("github", "gitlab", "forgejo")
LOCAL_BACKEND = {"name": "proxy", "proxy_url": "/admin/api/v1"}
# The frontmatter keys the desk writes; the desk API maps them to the metadata header lines.
DATE_FORMAT = "YYYY-MM-DD HH:mm"


class DeskSettingError(ValueError):
    """DESK_BACKEND names no host the desk can use: one Vietnamese sentence for the maintainer,
    reported as a finding of pelicanconf.py (bantin/desk/online.py)."""


def online_backend(settings: dict) -> dict | None:
    """The git host of the published desk, or None when the desk stays local (the default)."""
    backend = settings.get("DESK_BACKEND")
    if not backend:
        return None
    if not isinstance(backend, dict) or backend.get("name") not in ONLINE_BACKENDS \
            or not backend.get("repo"):
        raise DeskSettingError(
            "DESK_BACKEND phải là dict có 'name' (một trong "
            + ", ".join(ONLINE_BACKENDS) + ") và 'repo' (chủ/tên kho), ví dụ "
            "{'name': 'github', 'repo': 'doankhoi/bantin'}.")
    return {"branch": "main", **backend}


def admin_config(settings: dict, online: bool = False, branch: str = "main") -> str:
    """Decap's configuration as YAML: the preview's local proxy on the checked-out `branch`, or
    the settings' git host when `online` (the published `/admin/`)."""
    backend = online_backend(settings) if online else {**LOCAL_BACKEND, "branch": branch}
    if backend is None:
        raise DeskSettingError("Chưa có DESK_BACKEND nên bàn biên tập không "
                               "được xuất bản.")
    languages = list(settings.get("EDITIONS", {})) or [settings["DEFAULT_LANG"]]
    default = settings["DEFAULT_LANG"]
    locales = [default, *(lang for lang in languages if lang != default)]
    fields = [entry[default] for entry in settings["FIELDS"]]
    articles = settings["ARTICLE_PATHS"][0]
    config = {
        "backend": backend,
        "publish_mode": "editorial_workflow",
        "locale": "vi",
        # Decap needs a site-wide media folder; the desk lists none in its "Tập tin" tab (the
        # site's own images are the maintainer's): an article's photos stay beside it.
        "media_folder": f"content/{settings['STATIC_PATHS'][0]}",
        "public_folder": f"/{settings['STATIC_PATHS'][0]}",
        "site_url": settings.get("SITEURL") or "/",
        "display_url": settings.get("SITEURL") or "/",
        "show_preview_links": False,
        "search": True,
        "i18n": {"structure": "multiple_files", "locales": locales, "default_locale": default},
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [{
            "name": "articles",
            "label": "Bài viết",
            "label_singular": "bài viết",
            "description": "Mỗi bài là một thư mục: index.md (tiếng Việt), index.en.md (tiếng "
                           "Anh, nếu có) và các ảnh của bài.",
            "folder": f"content/{articles}",
            "path": "{{year}}/{{slug}}/index",
            "slug": "{{fields.slug}}",
            "create": True,
            "delete": False,
            # Online the browser writes the host's files itself (admin/online.js); locally the
            # preview's server turns front matter into the header (entries.py).
            "format": "bantin-header" if online else "frontmatter",
            "extension": "md",
            "media_folder": "",
            "public_folder": "",
            "identifier_field": "title",
            "summary": "{{title}} · {{category}} · {{date}}",
            "sortable_fields": [{"field": "date", "default_sort": "desc"}, "title", "category"],
            "view_groups": [{"label": "Lĩnh vực", "field": "category"}],
            "view_filters": [{"label": name, "field": "category", "pattern": f"^{name}$"}
                             for name in fields],
            "i18n": True,
            "editor": {"preview": True},
            "fields": [
                {"name": "title", "label": "Tiêu đề", "widget": "string", "i18n": True,
                 "hint": "Tiêu đề bài viết như người đọc thấy; địa chỉ của bài được làm từ "
                         "tiêu đề khi lưu lần đầu."},
                {"name": "date", "label": "Ngày giờ đăng", "widget": "datetime",
                 "format": DATE_FORMAT, "date_format": "DD/MM/YYYY", "time_format": "HH:mm",
                 "i18n": "duplicate",
                 "hint": "Giờ Việt Nam. Bài có ngày trong tương lai sẽ tự xuất hiện vào đúng "
                         "ngày giờ đó."},
                {"name": "category", "label": "Lĩnh vực", "widget": "select", "options": fields,
                 "i18n": "duplicate", "hint": "Chọn lĩnh vực của bài."},
                {"name": "tags", "label": "Thẻ", "widget": "list", "required": False,
                 "i18n": True, "hint": "Các từ khóa, cách nhau bằng dấu phẩy."},
                {"name": "author", "label": "Tác giả", "widget": "string", "required": False,
                 "i18n": True},
                {"name": "summary", "label": "Tóm tắt", "widget": "text", "required": False,
                 "i18n": True,
                 "hint": "Một hai câu hiện dưới tiêu đề trong danh sách bài và khi chia sẻ."},
                {"name": "image", "label": "Ảnh chia sẻ", "widget": "bantin-share-photo",
                 "required": False, "i18n": "duplicate",
                 "hint": "Ảnh hiện khi bài được chia sẻ lên Facebook, Zalo: chọn một trong các "
                         "ảnh của bài (để trống: ảnh đầu tiên trong bài)."},
                {"name": "slug", "label": "Địa chỉ bài", "widget": "bantin-slug",
                 "i18n": "duplicate",
                 "hint": "Làm từ tiêu đề theo quy tắc của trang; giữ nguyên sau khi bài được "
                         "lưu để liên kết cũ không hỏng."},
                {"name": "body", "label": "Nội dung", "widget": "markdown",
                 "modes": ["rich_text", "raw"], "i18n": True,
                 "editor_components": ["bantin-figure"],
                 # article text is untrusted: Decap's own preview (online) drops its scripts
                 "sanitize_preview": True,
                 "buttons": ["bold", "italic", "link", "heading-two", "heading-three", "quote",
                             "bulleted-list", "numbered-list"],
                 "hint": "Chèn ảnh bằng nút \"+\" → \"Ảnh có chú thích\": mỗi ảnh một đoạn, có "
                         "mô tả và chú thích."},
            ],
        }],
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100)
