"""The desk's web side: tornado handlers mounted in the preview server under /admin/.

`desk_handlers(settings)` gives the routes, `desk_app(settings)` a tornado application of them
alone (tests), `preview_server(settings)` livereload's Server with them before the site's files.
Requests that change anything must come from the desk's own page: JSON (so that a page of
another site cannot send one without the browser asking first, which is never answered), to a
host that is this machine, from this origin; bodies are limited in size; a refusal is JSON
`{"error": "<one Vietnamese sentence>"}`, never a traceback.
"""

import json
import logging
import mimetypes
from pathlib import Path

from tornado import web
from tornado.ioloop import IOLoop

from bantin.desk.api import Desk, DeskError
from bantin.desk.config import admin_config

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
ADMIN = HERE / "admin"
VENDOR = HERE / "node_modules" / "decap-cms" / "dist"
LOCAL_HOSTS = ("127.0.0.1", "localhost")
UNEXPECTED = ("Bàn biên tập gặp lỗi không mong đợi; chi tiết ở cửa sổ đang chạy "
              "'invoke livereload'")


class _Desk(web.RequestHandler):
    """What every desk answer shares: no livereload script, no caching, JSON errors."""

    async def _execute(self, transforms, *args, **kwargs):
        return await super()._execute([], *args, **kwargs)  # livereload would reload the desk

    def set_default_headers(self) -> None:
        self.set_header("Cache-Control", "no-store")
        self.set_header("X-Content-Type-Options", "nosniff")

    def fail(self, status: int, message: str) -> None:
        self.clear()
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": message}, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs) -> None:
        messages = {404: "Không có địa chỉ này trên bàn biên tập",
                    405: "Địa chỉ này không nhận kiểu yêu cầu đó"}
        message = messages.get(status_code, UNEXPECTED if status_code >= 500 else
                               "Yêu cầu không hợp lệ")
        self.fail(status_code, message)


@web.stream_request_body
class JsonHandler(_Desk):
    """POST of a JSON body, answered by `answer(body)` in a worker thread."""

    def initialize(self, desk: Desk, limit: int) -> None:
        self.desk = desk
        self.limit = limit
        self.chunks: list[bytes] = []
        self.size = 0

    def prepare(self) -> None:
        if self.request.method != "POST":
            return
        problem = foreign(self.request)
        if problem:
            self.fail(403, problem)
            return
        length = self.request.headers.get("Content-Length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            self.fail(413, f"Yêu cầu quá lớn (tối đa {self.limit // 1_000_000} MB): hãy gửi "
                           "ít ảnh hơn mỗi lần hoặc thu nhỏ ảnh")
            return
        self.request.connection.set_max_body_size(self.limit)

    def data_received(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size <= self.limit:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if self.size > self.limit:
            return self.fail(413, f"Yêu cầu quá lớn (tối đa {self.limit // 1_000_000} MB)")
        try:
            body = json.loads(b"".join(self.chunks).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return self.fail(400, "Nội dung yêu cầu không phải JSON hợp lệ")
        try:
            result = await IOLoop.current().run_in_executor(None, self.answer, body)
        except DeskError as error:
            return self.fail(error.status, error.message)
        except Exception:  # noqa: BLE001 (the editor gets one sentence, the log the details)
            logger.exception("Bàn biên tập: lỗi khi trả lời %s", self.request.path)
            return self.fail(500, UNEXPECTED)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(result, ensure_ascii=False))

    def answer(self, body):
        raise NotImplementedError


class ProxyHandler(JsonHandler):
    """POST /admin/api/v1: the CMS's proxy protocol."""

    def answer(self, body):
        return self.desk.handle(body)


class LintHandler(JsonHandler):
    """POST /admin/api/lint {path, raw} -> {findings: [{line, message, code, severity}]}."""

    def answer(self, body):
        return self.desk.lint(body)


class RenderHandler(JsonHandler):
    """POST /admin/api/render {path, raw} -> {html}."""

    def answer(self, body):
        return self.desk.render(body)


class PhotoHandler(_Desk):
    """GET /admin/api/media/<path>: an entry's photo (its draft's first) for the preview."""

    def initialize(self, desk: Desk) -> None:
        self.desk = desk

    async def get(self, path: str) -> None:
        problem = foreign(self.request, reading=True)
        if problem:
            return self.fail(403, problem)
        try:
            name, data = await IOLoop.current().run_in_executor(None, self.desk.photo, path)
        except DeskError as error:
            return self.fail(error.status, error.message)
        self.set_header("Content-Type", self.content_type(name))
        self.finish(data)

    @staticmethod
    def content_type(name: str) -> str:
        guessed = mimetypes.guess_type(name)[0] or ""
        return guessed if guessed.startswith("image/") else "application/octet-stream"


class ConfigHandler(_Desk):
    """GET /admin/config.yml: the CMS's configuration, made from the settings."""

    def initialize(self, settings: dict, desk: Desk) -> None:
        self.site_settings = settings  # tornado's handlers have their own `settings`
        self.desk = desk

    def get(self) -> None:
        """The branch is the one checked out now, so the desk follows `git switch`; a detached
        HEAD keeps "main" and the desk's requests say what to do."""
        self.set_header("Content-Type", "text/yaml; charset=utf-8")
        branch = self.desk.repo.current_branch() or "main"
        self.finish(admin_config(self.site_settings, branch=branch))


class FilesHandler(web.StaticFileHandler):
    """The desk's page and the CMS's bundle: files, without livereload's script."""

    async def _execute(self, transforms, *args, **kwargs):
        return await super()._execute([], *args, **kwargs)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Cache-Control", "no-cache")


def foreign(request, reading: bool = False) -> str | None:
    """Why a request is not from the desk's own page on this machine, or None. A page of
    another site could otherwise make the editor's browser save or publish (the desk has no
    login), or, through a name that points at 127.0.0.1, read it."""
    host = request.host.rsplit(":", 1)[0] if not request.host.startswith("[") else request.host
    if host not in LOCAL_HOSTS:
        return "Bàn biên tập chỉ mở tại http://127.0.0.1 trên máy này"
    origin = request.headers.get("Origin")
    if origin is not None and origin != f"{request.protocol}://{request.host}":
        return "Yêu cầu đến từ một trang khác, không phải bàn biên tập: bị từ chối"
    if request.headers.get("Sec-Fetch-Site") not in (None, "same-origin", "none"):
        return "Yêu cầu đến từ một trang khác, không phải bàn biên tập: bị từ chối"
    if not reading and not request.headers.get("Content-Type", "").startswith("application/json"):
        return "Yêu cầu phải gửi dạng JSON (Content-Type: application/json)"
    return None


def desk_handlers(settings: dict) -> list[tuple]:
    """The desk's routes, for a tornado application on 127.0.0.1."""
    desk = Desk(settings)
    proxy_limit = settings["DESK_MAX_REQUEST_BYTES"]
    text_limit = settings["MAX_SOURCE_BYTES"] * 4  # the text, JSON-escaped
    return [
        (r"/admin/api/v1", ProxyHandler, {"desk": desk, "limit": proxy_limit}),
        (r"/admin/api/lint", LintHandler, {"desk": desk, "limit": text_limit}),
        (r"/admin/api/render", RenderHandler, {"desk": desk, "limit": text_limit}),
        (r"/admin/api/media/(.+)", PhotoHandler, {"desk": desk}),
        (r"/admin/config\.yml", ConfigHandler, {"settings": settings, "desk": desk}),
        (r"/admin/vendor/(.*)", FilesHandler, {"path": str(VENDOR)}),
        (r"/admin", web.RedirectHandler, {"url": "/admin/"}),
        (r"/admin/(.*)", FilesHandler, {"path": str(ADMIN), "default_filename": "index.html"}),
    ]


def desk_app(settings: dict) -> web.Application:
    """The desk alone, without the site (its tests)."""
    return web.Application(desk_handlers(settings))


def preview_server(settings: dict):
    """livereload's Server answering /admin/ with the desk before the site's own files. Without
    a git repository around the content, the preview runs alone and says why."""
    from livereload import Server

    from bantin.desk.repo import GitError

    try:
        handlers = desk_handlers(settings)
    except GitError:
        print("Bàn biên tập không mở: thư mục nội dung không nằm trong một kho git "
              "(git init, git commit) — trang xem trước vẫn chạy.")
        handlers = []

    class PreviewServer(Server):
        def get_web_handlers(self, script):
            return handlers + super().get_web_handlers(script)

    return PreviewServer()
