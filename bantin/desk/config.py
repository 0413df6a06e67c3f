"""The CMS's configuration (/admin/config.yml), made from the settings so that fields, languages
and folders are those of the site."""

from pathlib import Path

import yaml


def admin_config(settings: dict) -> str:
    """config.yml for the desk: the proxy backend of the preview, drafts reviewed before they
    are published, articles in their year's folder with their photos beside them, Vietnamese
    and English versions side by side."""
    editions = list(settings["EDITIONS"])
    articles = f"{Path(settings['PATH']).name}/{settings['ARTICLE_PATHS'][0]}"
    fields = [entry[editions[0]] for entry in settings["FIELDS"]]
    config = {
        "backend": {"name": "proxy", "proxy_url": "/admin/api/v1", "branch": "main"},
        "publish_mode": "editorial_workflow",
        "locale": "vi",
        "media_folder": "",
        "public_folder": "",
        "i18n": {"structure": "multiple_files", "locales": editions,
                 "default_locale": editions[0]},
        "collections": [{
            "name": "articles", "label": "Bài viết", "folder": articles, "create": True,
            "path": "{{year}}/{{slug}}/index", "extension": "md", "format": "frontmatter",
            "i18n": True, "sortable_fields": ["date", "title"],
            "fields": [
                {"name": "title", "label": "Tiêu đề", "widget": "string", "i18n": True},
                {"name": "date", "label": "Ngày giờ đăng", "widget": "datetime",
                 "format": "YYYY-MM-DD HH:mm", "i18n": "duplicate"},
                {"name": "category", "label": "Lĩnh vực", "widget": "select",
                 "options": fields, "i18n": "duplicate"},
                {"name": "tags", "label": "Thẻ", "widget": "list", "required": False,
                 "i18n": True},
                {"name": "author", "label": "Tác giả", "widget": "string", "required": False,
                 "i18n": True},
                {"name": "summary", "label": "Tóm tắt", "widget": "text", "required": False,
                 "i18n": True},
                {"name": "image", "label": "Ảnh chia sẻ", "widget": "image", "required": False,
                 "i18n": "duplicate"},
                {"name": "body", "label": "Nội dung", "widget": "markdown", "i18n": True},
            ],
        }],
    }
    return yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
