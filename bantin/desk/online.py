"""The desk published at /admin/ of the site when the settings name a git host (DESK_BACKEND):
its page, its configuration for that host and the CMS's bundle, under names that carry a hash of
their content, written once per build as a post-build step (bantin.build). Without DESK_BACKEND
nothing of the desk is ever published."""

import hashlib
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

from bantin.desk.config import DeskSettingError, admin_config, online_backend
from bantin.lint import KNOWN_NAMES, photo_name_max
from core.errors import Finding
from plugins.photos.derive import ACCEPTED_NAMES

DESK = Path(__file__).resolve().parent
ADMIN = DESK / "admin"
BUNDLE = DESK / "node_modules" / "decap-cms" / "dist"
# The hosts' APIs the desk talks to from the editor's browser when the settings give no api_root.
DEFAULT_API = {"github": "https://api.github.com", "gitlab": "https://gitlab.com/api/v4"}
HASH_LENGTH = 8


class DeskNotInstalled(RuntimeError):
    """The CMS's bundle is missing: one Vietnamese sentence saying how to install it."""


def _digest(*contents: bytes) -> str:
    digest = hashlib.sha256()
    for content in contents:
        digest.update(content)
    return digest.hexdigest()[:HASH_LENGTH]


def api_origin(backend: dict) -> str:
    """Origin of the host's API, the one other origin the published desk may reach."""
    address = backend.get("api_root") or DEFAULT_API.get(backend["name"]) \
        or backend.get("base_url", "")
    parts = urlsplit(address)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme == "https" and parts.netloc else ""


def bundle_files() -> list[Path]:
    """The CMS's script and the parts it loads on demand (not the source maps)."""
    main = BUNDLE / "decap-cms.js"
    if not main.is_file():
        raise DeskNotInstalled("Chưa cài bàn biên tập (bantin/desk/node_modules): chạy "
                               "'npm ci --ignore-scripts' trong bantin/desk, hoặc 'invoke "
                               "livereload' một lần, rồi dựng lại trang.")
    return [main, *sorted(BUNDLE.glob("*.decap-cms.js")), *sorted(BUNDLE.glob("*.wasm"))]


def page_settings(settings: dict, backend: dict) -> str:
    """What online.js needs to write files as the project does, as the page's JSON (a data
    block, which the page's policy lets no script run from)."""
    editions = list(settings.get("EDITIONS", {})) or [settings["DEFAULT_LANG"]]
    default = settings["DEFAULT_LANG"]
    data = {
        "backend": backend["name"],
        "editions": [default, *(lang for lang in editions if lang != default)],
        "keys": list(KNOWN_NAMES),
        "timezone": settings["TIMEZONE"],
        "photo_name_max": photo_name_max(settings),
        "photo_max_pixels": settings["PHOTO_MAX_PIXELS"],
        "photo_formats": ACCEPTED_NAMES,
    }
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'<script type="application/json" id="bantin-desk-online">{text}</script>'


def write_desk(output: Path, settings: dict) -> list[Finding]:
    """Write <output>/admin/ for the git host of DESK_BACKEND; nothing without it."""
    try:
        backend = online_backend(settings)
    except DeskSettingError as error:
        return [Finding("pelicanconf.py", None, "desk-backend", str(error))]
    if backend is None:
        return []
    try:
        files = bundle_files()
    except DeskNotInstalled as error:
        return [Finding("bantin/desk/package-lock.json", None, "desk-missing", str(error))]
    output = Path(output)
    target = output / "admin"
    vendor = f"vendor-{_digest(*(path.read_bytes() for path in files))}"
    (target / vendor).mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, target / vendor / path.name)
    names = {"vendor/decap-cms.js": f"{vendor}/decap-cms.js"}
    for name in ("online.js", "desk.js", "desk.css"):
        content = (ADMIN / name).read_bytes()
        stem, suffix = name.rsplit(".", 1)
        names[name] = f"{stem}.{_digest(content)}.{suffix}"
        (target / names[name]).write_bytes(content)
    page = (ADMIN / "index.html").read_text(encoding="utf-8")
    page = page.replace('<script src="vendor/decap-cms.js">', page_settings(settings, backend)
                        + '\n  <script src="online.js"></script>\n  <script src="vendor/decap-cms.js">')
    for plain, hashed in names.items():
        page = page.replace(f'"{plain}"', f'"{hashed}"')
    origin = api_origin(backend)
    if origin:
        page = re.sub(r"connect-src 'self'", f"connect-src 'self' {origin}", page)
        page = re.sub(r"img-src 'self'", f"img-src 'self' {origin}", page)
    (target / "index.html").write_text(page, encoding="utf-8")
    (target / "config.yml").write_text(admin_config(settings, online=True), encoding="utf-8")
    return []
