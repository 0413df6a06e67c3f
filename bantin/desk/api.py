"""The desk's answers: the CMS's proxy protocol in git mode, the lint and the preview.

Each action takes the parameters the CMS's proxy backend sends (decap-server's, git mode) and
answers with the same shapes; entries are read from the working tree (what the editor sees in
content/), drafts from their branches. What differs from decap-server, on purpose:
- file names and text are the project's (bantin/desk/entries.py);
- saving is always a draft on a branch `cms/<collection>/<slug>` made from objects and a temporary
  index, one commit on top of the checked-out branch (saving again replays the draft on top of it,
  as decap-server's rebase does); its status is the branch's description
  (`branch.<name>.description`, "decap-cms/<status>"), as decap-server keeps it;
- publishing needs the status "pending_publish" ("Sẵn sàng"), merges the draft into the
  checked-out branch and writes that entry's files, and only them, into the working tree; it is
  refused while those files have changes not committed, or when the branch changed them since the
  draft was saved;
- anything that would change the checked-out branch without review (the "simple" mode, media
  stored or deleted outside an entry, deleting a published entry) is refused;
- photos are checked as the lint checks them before anything is written.
"""

import base64
import binascii
import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup

from bantin.desk.entries import SUFFIX, EntryError, from_desk, parse_desk, to_desk
from bantin.desk.paths import Paths, PathError, Place, checked
from bantin.desk.repo import Repository
from bantin.lint import PhotoChecks, check_photo, lint_source
from core.source import is_local_photo
from core.vietnamese import nfc, slugify
from plugins.reader import markdown_for
from plugins.reader.typography import typography

logger = logging.getLogger(__name__)

BRANCH_PREFIX = "cms"
LABEL_PREFIX = "decap-cms/"
STATUSES = {"draft": "Bản nháp", "pending_review": "Chờ duyệt", "pending_publish": "Sẵn sàng"}
MEDIA_URL = "/admin/api/media/"


class DeskError(Exception):
    """An answer other than success: HTTP status and one Vietnamese sentence."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def refuse(message: str) -> DeskError:
    return DeskError(422, message)


class Desk:
    """One project's desk: its settings, its repository, one operation at a time."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.repo = Repository.holding(Path(settings["PATH"]))
        self.paths = Paths(settings, self.repo.root)
        self.zone = ZoneInfo(settings["TIMEZONE"])
        self.lock = threading.Lock()
        self.actions = {
            "info": self.info, "entriesByFolder": self.entries_by_folder,
            "entriesByFiles": self.entries_by_files, "getEntry": self.get_entry,
            "unpublishedEntries": self.unpublished_entries,
            "unpublishedEntry": self.unpublished_entry,
            "unpublishedEntryDataFile": self.unpublished_entry_data_file,
            "unpublishedEntryMediaFile": self.unpublished_entry_media_file,
            "deleteUnpublishedEntry": self.delete_unpublished_entry,
            "persistEntry": self.persist_entry,
            "updateUnpublishedEntryStatus": self.update_status,
            "publishUnpublishedEntry": self.publish, "getMedia": self.get_media,
            "getMediaFile": self.get_media_file, "persistMedia": self.refused_outside_entry,
            "deleteFile": self.refused_outside_entry, "deleteFiles": self.refused_outside_entry,
            "getDeployPreview": self.deploy_preview,
        }

    # --- The protocol -------------------------------------------------------------------------
    def handle(self, body) -> object:
        """The answer to one request body `{action, params}`; DeskError for a refusal."""
        if not isinstance(body, dict):
            raise refuse("Yêu cầu phải là một đối tượng JSON {action, params}")
        action = body.get("action")
        if action not in self.actions:
            raise refuse(f"Bàn biên tập không có thao tác '{str(action)[:40]}'")
        params = body.get("params") or {}
        if not isinstance(params, dict):
            raise refuse("'params' phải là một đối tượng JSON")
        with self.lock:
            if action != "info":
                self.branch(params)
            try:
                return self.actions[action](params)
            except PathError as error:
                raise refuse(str(error)) from None
            except EntryError as error:
                raise refuse(str(error)) from None

    def branch(self, params: dict) -> str:
        """The checked-out branch, which the CMS must name (decap-server: `branch`)."""
        current = self.repo.current_branch()
        if current is None:
            raise DeskError(409, "Kho git không ở trên nhánh nào (HEAD tách rời): hãy "
                                 "'git switch main' rồi mở lại bàn biên tập")
        if params.get("branch") != current:
            raise refuse(f"Nhánh '{str(params.get('branch'))[:40]}' không phải nhánh đang mở "
                         f"của kho ('{current}'): hãy đặt branch: {current} trong cấu hình")
        return current

    def info(self, params: dict) -> dict:
        return {"repo": self.repo.root.name, "publish_modes": ["editorial_workflow"],
                "type": "local_git"}

    def entries_by_folder(self, params: dict) -> list[dict]:
        collection = self.paths.collection_of(params.get("folder"))
        extension = str(params.get("extension") or "md").lstrip(".")
        depth = params.get("depth")
        if not isinstance(depth, int) or not 1 <= depth <= 8:
            raise refuse("'depth' phải là số từ 1 đến 8")
        root = self.paths.roots[collection]
        found = []
        for path in sorted(walk(self.paths.absolute(root), depth)):
            relative = path.relative_to(self.paths.repository).as_posix()
            if not relative.endswith(f".{extension}"):
                continue
            try:
                place = self.paths.place(self.paths.desk_path(relative), data=True)
            except PathError:
                continue  # not an entry's file (the lint speaks of it)
            if place.path == relative:
                entry = self.working_entry(place)
                if entry["data"] is not None:
                    found.append(entry)
        return found

    def entries_by_files(self, params: dict) -> list[dict]:
        files = params.get("files")
        if not isinstance(files, list) or not all(isinstance(item, dict) for item in files):
            raise refuse("'files' phải là danh sách {path}")
        return [self.working_entry(self.paths.place(item.get("path"), data=True),
                                   item.get("label")) for item in files]

    def get_entry(self, params: dict) -> dict:
        return self.working_entry(self.paths.place(params.get("path"), data=True))

    def unpublished_entries(self, params: dict) -> list[str]:
        return [branch[len(BRANCH_PREFIX) + 1:] for branch in self.repo.branches(BRANCH_PREFIX)]

    def unpublished_entry(self, params: dict) -> dict:
        key = params.get("id")
        if key:
            collection, _, slug = str(key).partition("/")
        else:
            collection, slug = params.get("collection"), params.get("slug")
        branch = self.draft_branch(collection, slug)
        tip = self.repo.commit_of(branch)
        if tip is None:
            raise DeskError(404, "Bài này không có bản nháp")
        prefix = params.get("cmsLabelPrefix") or LABEL_PREFIX
        label = self.repo.config(f"branch.{branch}.description") or ""
        base = self.repo.parent(tip)
        diffs = []
        for path, blob in sorted(self.repo.changes(base, tip).items()):
            if blob is None:
                continue
            shown = self.paths.desk_path(path)
            diffs.append({"oldPath": shown, "newPath": shown,
                          "status": "modified" if self.repo.blobs(base, path) else "added",
                          "newFile": not self.repo.blobs(base, path), "path": shown, "id": shown,
                          "binary": not path.endswith(SUFFIX)})
        return {"collection": collection, "slug": slug,
                "status": label[len(prefix):] if label.startswith(prefix) else label,
                "diffs": diffs, "updatedAt": self.repo.commit_time(tip)}

    def unpublished_entry_data_file(self, params: dict) -> dict:
        branch = self.draft_branch(params.get("collection"), params.get("slug"))
        place = self.paths.place(params.get("path"), data=True)
        raw = self.draft_file(branch, place.path)
        return {"data": None if raw is None else to_desk(raw)}

    def unpublished_entry_media_file(self, params: dict) -> dict:
        branch = self.draft_branch(params.get("collection"), params.get("slug"))
        place = self.paths.place(params.get("path"), data=False)
        raw = self.draft_file(branch, place.path)
        if raw is None:
            raise DeskError(404, f"Bản nháp không có ảnh '{place.desk}'")
        return media_file(place.desk, raw)

    def delete_unpublished_entry(self, params: dict) -> dict:
        branch = self.draft_branch(params.get("collection"), params.get("slug"))
        if self.repo.commit_of(branch) is not None:
            self.repo.delete_branch(branch)
        return {"message": f"deleted branch: {branch}"}

    def update_status(self, params: dict) -> dict:
        branch = self.draft_branch(params.get("collection"), params.get("slug"))
        status = params.get("newStatus")
        if status not in STATUSES:
            raise refuse(f"Trạng thái '{str(status)[:40]}' không có: dùng một trong "
                         + ", ".join(STATUSES))
        if self.repo.commit_of(branch) is None:
            raise DeskError(404, "Bài này không có bản nháp")
        label = (params.get("cmsLabelPrefix") or LABEL_PREFIX) + status
        self.repo.set_config(f"branch.{branch}.description", label)
        return {"message": f"{branch} description was updated to {label}"}

    def get_media(self, params: dict) -> list[dict]:
        if str(params.get("mediaFolder") or "").strip("/") in self.paths.without_photos:
            return []
        folder = self.paths.entry_folder(params.get("mediaFolder"))
        absolute = self.paths.absolute(folder)
        found = []
        for path in sorted(absolute.iterdir()) if absolute.is_dir() else ():
            relative = path.relative_to(self.paths.repository).as_posix()
            try:
                place = self.paths.place(relative, data=False)
            except PathError:
                continue
            if path.is_file() and not path.is_symlink():
                found.append(media_file(place.desk, path.read_bytes()))
        return found

    def get_media_file(self, params: dict) -> dict:
        place = self.paths.place(params.get("path"), data=False)
        path = self.paths.absolute(place.path)
        if not path.is_file():
            raise DeskError(404, f"Không có ảnh '{place.desk}'")
        return media_file(place.desk, path.read_bytes())

    def refused_outside_entry(self, params: dict) -> None:
        raise refuse("Bàn biên tập chỉ lưu và xóa ảnh, bài cùng với bản nháp của một bài, qua "
                     "duyệt: hãy mở bài, chèn hoặc bỏ ảnh trong bài rồi lưu")

    def deploy_preview(self, params: dict) -> None:
        return None

    # --- Drafts -------------------------------------------------------------------------------
    def draft_branch(self, collection, slug) -> str:
        """`cms/<collection>/<slug>`, the CMS's name for an entry's draft, checked."""
        if collection not in self.paths.roots or not isinstance(slug, str) or not slug:
            raise refuse("Thiếu hoặc sai 'collection' / 'slug' của bài")
        checked(slug)
        branch = f"{BRANCH_PREFIX}/{collection}/{slug}"
        if not self.repo.valid_branch_name(branch):
            raise refuse(f"'{slug[:80]}' không làm được tên bản nháp")
        return branch

    def draft_file(self, branch: str, path: str) -> bytes | None:
        tip = self.repo.commit_of(branch)
        blob = self.repo.blobs(tip, path).get(path) if tip else None
        return None if blob is None else self.repo.read(blob)

    def persist_entry(self, params: dict) -> dict:
        options = params.get("options")
        if not isinstance(options, dict) or options.get("useWorkflow") is not True:
            raise refuse("Bàn biên tập chỉ lưu bài thành bản nháp chờ duyệt (editorial workflow)")
        files = params.get("dataFiles") or ([params["entry"]] if params.get("entry") else [])
        assets = params.get("assets") or []
        if not files or not isinstance(files, list) or not isinstance(assets, list) \
                or not all(isinstance(item, dict) for item in files + assets):
            raise refuse("Thiếu nội dung bài (dataFiles) hoặc ảnh (assets) không đúng dạng")
        collection = options.get("collectionName")
        branch = self.draft_branch(collection, files[0].get("slug"))
        head_branch = self.repo.current_branch()
        head = self.repo.commit_of(head_branch)
        tip = self.repo.commit_of(branch)
        texts = {}
        for item in files:
            place = self.paths.place(item.get("path"), data=True)
            if item.get("newPath") not in (None, item.get("path")):
                raise refuse("Địa chỉ (thư mục) của bài đã lưu không đổi được")
            if place.collection != collection or not isinstance(item.get("raw"), str):
                raise refuse(f"'{place.desk}' không thuộc mục '{collection}' hoặc thiếu nội dung")
            if not self.unwritten_translation(branch, place, item["raw"]):
                texts[place] = item["raw"]
        folders = {place.folder for place in texts}
        if len(folders) != 1 or (collection == "pages" and len({self.page_stem(place)
                                                                   for place in texts}) != 1):
            raise refuse("Các tệp của một bài phải nằm cùng một thư mục")
        folder = folders.pop()
        photos = self.checked_photos(assets, folder)
        changes: dict[str, str | None] = {}
        if tip is not None:  # the draft so far, replayed on the branch as it is now
            changes.update(self.repo.changes(self.repo.parent(tip), tip))
            for path in [path for path in changes if not path.endswith(SUFFIX)]:
                if path not in photos:  # a photo taken out of the entry in the desk
                    del changes[path]
        new_entry = not any(self.paths.absolute(place.path).exists() or
                            self.repo.blobs(head, place.path) for place in texts)
        if new_entry and collection == "articles":
            name = folder.rsplit("/", 1)[1]
            if slugify(name) != name:
                raise refuse(f"Tên thư mục bài '{name[:80]}' không đúng quy tắc địa chỉ: hãy để "
                             f"'{slugify(name) or 'ten-bai'}'")
        limit = self.settings["MAX_SOURCE_BYTES"]
        for place, raw in texts.items():
            original = self.draft_file(branch, place.path) if tip else None
            if original is None and self.paths.absolute(place.path).is_file():
                original = self.paths.absolute(place.path).read_bytes()
            defaults = {"slug": folder.rsplit("/", 1)[1] if collection == "articles"
                        else self.page_stem(place)}
            data = from_desk(raw, original, self.zone, defaults)
            if len(data) > limit:
                raise refuse(f"{place.path}: tệp quá lớn ({len(data) // 1_000_000} MB, tối đa "
                             f"{limit // 1_000_000} MB): hãy chia nhỏ bài viết")
            changes[place.path] = self.repo.store(data)
        for path, data in photos.items():
            changes[path] = self.repo.store(data)
        message = nfc(" ".join(str(options.get("commitMessage") or f"Bản nháp {branch}").split()))
        commit = self.repo.commit(self.repo.tree(head, changes), [head], message[:500])
        self.repo.move_branch(branch, commit, tip)
        if tip is None:
            status = options.get("status") or "draft"
            if status not in STATUSES:
                status = "draft"
            prefix = params.get("cmsLabelPrefix") or LABEL_PREFIX
            self.repo.set_config(f"branch.{branch}.description", prefix + status)
        return {"message": "entry persisted"}

    def unwritten_translation(self, branch: str, place: Place, raw: str) -> bool:
        """Whether `raw` is another language's file the editor never wrote: the CMS sends one
        for every language, holding the fields it copies from the default language (date,
        field, address) but no title and no text, which would publish an empty translation."""
        if place.desk != place.path:  # the default language's file (index.md as index.vi.md)
            return False
        if self.draft_file(branch, place.path) is not None \
                or self.paths.absolute(place.path).exists():
            return False
        data, body = parse_desk(raw)
        return not data.get("title") and not body.strip()

    def page_stem(self, place: Place) -> str:
        name = place.path.rsplit("/", 1)[1][: -len(SUFFIX)]
        return name.rsplit(".", 1)[0] if "." in name else name

    def checked_photos(self, assets: list[dict], folder: str) -> dict[str, bytes]:
        """The photos sent with an entry, decoded and checked as the lint checks a photo (its
        name, its place, then the photo pipeline's verdict): path -> bytes. Nothing is written
        into the project before every one passes."""
        photos = {}
        for asset in assets:
            place = self.paths.place(asset.get("path"), data=False)
            if place.folder != folder:
                raise refuse(f"Ảnh '{place.desk}' phải nằm trong thư mục của bài ({folder})")
            if asset.get("encoding") != "base64" or not isinstance(asset.get("content"), str):
                raise refuse(f"Ảnh '{place.desk}' phải gửi dạng base64")
            try:
                photos[place.path] = base64.b64decode(asset["content"], validate=True)
            except (binascii.Error, ValueError):
                raise refuse(f"Ảnh '{place.desk}' không giải mã được (base64 hỏng)") from None
        scratch = Path(self.settings["CACHE_PATH"]) / "desk"
        scratch.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=scratch, prefix="photos-") as work:
            checks = PhotoChecks(self.settings)
            findings = []
            for path, data in photos.items():
                name = path.rsplit("/", 1)[1]
                (Path(work) / name).write_bytes(data)
                findings += check_photo(Path(work), name, path, None, self.settings, checks)
            findings += checks.findings()
        if findings:
            raise refuse(" ".join(f"{finding.path}: {finding.message}" for finding in findings))
        return photos

    def publish(self, params: dict) -> dict:
        current = self.branch(params)
        collection, slug = params.get("collection"), params.get("slug")
        branch = self.draft_branch(collection, slug)
        tip = self.repo.commit_of(branch)
        if tip is None:
            raise DeskError(404, "Bài này không có bản nháp")
        label = self.repo.config(f"branch.{branch}.description") or ""
        if label.rsplit("/", 1)[-1] != "pending_publish":
            raise DeskError(409, "Bài chưa duyệt xong: chuyển bài sang cột 'Sẵn sàng' rồi mới "
                                 "đăng được")
        head = self.repo.commit_of(current)
        base = self.repo.parent(tip)
        theirs = self.repo.changes(base, tip)
        scope = sorted({path.rsplit("/", 1)[0] if collection == "articles" else path
                        for path in theirs})
        dirty = self.repo.dirty(scope) if scope else []
        if dirty:
            raise DeskError(409, "Thư mục của bài có thay đổi chưa lưu vào git ("
                                 + ", ".join(dirty[:5]) + "): hãy commit hoặc bỏ các thay đổi "
                                 "đó rồi đăng lại")
        ours = self.repo.changes(base, head)
        clashes = [path for path in theirs if path in ours and ours[path] != theirs[path]]
        if clashes:
            raise DeskError(409, "Bài đã được sửa trên nhánh " + current + " sau khi lưu nháp ("
                                 + ", ".join(clashes[:5]) + "): hãy mở bản nháp, lưu lại rồi đăng")
        merged = self.repo.commit(self.repo.tree(head, theirs), [head, tip],
                                  f"Merge branch '{branch}'")
        self.write_published(self.repo.changes(head, merged), current, merged, head)
        self.repo.delete_branch(branch)
        return {"message": f"branch {branch} merged to {current}"}

    def write_published(self, changes: dict[str, str | None], branch: str, merged: str,
                        head: str) -> None:
        """The merged entry's files into the working tree, each written whole under a hidden
        name beside it then renamed, the branch moved only once every file is ready."""
        ready = {}
        try:
            for path, blob in changes.items():
                if blob is None:
                    continue
                target = self.paths.absolute(self.paths.place(path).path)
                target.parent.mkdir(parents=True, exist_ok=True)
                handle, partial = tempfile.mkstemp(dir=target.parent, prefix=".desk-")
                with os.fdopen(handle, "wb") as output:
                    output.write(self.repo.read(blob))
                os.chmod(partial, 0o644)
                ready[partial] = target
            self.repo.move_branch(branch, merged, head)
        except BaseException:
            for partial in ready:
                Path(partial).unlink(missing_ok=True)
            raise
        for partial, target in ready.items():
            os.replace(partial, target)
        for path, blob in changes.items():
            if blob is None:
                self.paths.absolute(path).unlink(missing_ok=True)
        self.repo.refresh_index(sorted(changes))

    # --- Reading ------------------------------------------------------------------------------
    def working_entry(self, place: Place, label=None) -> dict:
        """An entry's file in the working tree as decap-server gives it: text and id (its hash),
        both null when there is none."""
        path = self.paths.absolute(place.path)
        data = None
        try:
            if path.is_file() and path.stat().st_size <= self.settings["MAX_SOURCE_BYTES"]:
                data = to_desk(path.read_bytes())
        except (OSError, UnicodeDecodeError):
            data = None  # the lint says what is wrong with it
        file = {"path": place.desk, "id": None if data is None else sha256(data.encode())}
        if label is not None:
            file["label"] = label
        return {"data": data, "file": file}

    def source_text(self, place: Place, raw: str) -> bytes:
        """The file the desk would save for the CMS's text `raw` (or the project's own text)."""
        if not raw.lstrip("\ufeff").startswith("---"):
            return raw.encode()
        original = None
        branch = self.branch_of(place)
        if branch:
            original = self.draft_file(branch, place.path)
        path = self.paths.absolute(place.path)
        if original is None and path.is_file():
            original = path.read_bytes()
        slug = place.folder.rsplit("/", 1)[1] if place.collection == "articles" \
            else self.page_stem(place)
        return from_desk(raw, original, self.zone, {"slug": slug})

    def branch_of(self, place: Place) -> str | None:
        """The draft branch an article's file belongs to, if it has one."""
        if place.collection != "articles":
            return None
        root = self.paths.roots["articles"]
        slug = place.folder[len(root) + 1:] + "/index"
        branch = f"{BRANCH_PREFIX}/articles/{slug}"
        return branch if self.repo.commit_of(branch) else None

    # --- Lint, preview, photos for the preview ---------------------------------------------------
    def lint(self, body) -> dict:
        place, raw = self.text_request(body)
        with self.lock:
            data = self.source_text(place, raw)
            branch = self.branch_of(place)
            in_draft = set(self.repo.blobs(self.repo.commit_of(branch), place.folder)) \
                if branch else set()
        kind = "article" if place.collection == "articles" else "page"
        _, findings = lint_source(data, self.paths.absolute(place.path), kind, self.settings)
        shown = []
        for finding in findings:
            missing = finding.code in ("missing-photo", "photo-missing")
            if missing and any(finding.message.find(f"'{Path(path).name}'") >= 0 or
                               finding.message.find(f"“{Path(path).name}”") >= 0
                               for path in in_draft):
                continue  # saved with the draft, checked when it was sent
            shown.append({"line": finding.line, "message": finding.message,
                          "code": finding.code, "severity": finding.severity})
        return {"findings": shown}

    def render(self, body) -> dict:
        place, raw = self.text_request(body)
        with self.lock:
            data = self.source_text(place, raw)
        md = markdown_for(self.settings, None)
        html = typography(md.convert(nfc(data.decode("utf-8-sig"))), self.settings)
        page = BeautifulSoup(html, "html.parser")
        for image in page.find_all("img"):
            src = str(image.get("src") or "")
            if is_local_photo(src):
                image["src"] = MEDIA_URL + quote(f"{place.folder}/{unquote(src)}")
        return {"html": str(page)}

    def text_request(self, body) -> tuple[Place, str]:
        if not isinstance(body, dict) or not isinstance(body.get("raw"), str):
            raise refuse("Yêu cầu phải là {path, raw}")
        try:
            return self.paths.place(body.get("path"), data=True), body["raw"]
        except PathError as error:
            raise refuse(str(error)) from None

    def photo(self, path: str) -> tuple[str, bytes]:
        """A photo for the desk's preview: from the entry's draft if it has one, else from the
        working tree. Returns its name and bytes."""
        try:
            place = self.paths.place(unquote(path), data=False)
        except PathError as error:
            raise DeskError(404, str(error)) from None
        with self.lock:
            branch = self.branch_of(place)
            data = self.draft_file(branch, place.path) if branch else None
        if data is None:
            file = self.paths.absolute(place.path)
            if not file.is_file():
                raise DeskError(404, f"Không có ảnh '{place.desk}'")
            data = file.read_bytes()
        return place.path.rsplit("/", 1)[1], data


def media_file(path: str, data: bytes) -> dict:
    """A photo as decap-server sends it."""
    return {"id": sha256(data), "content": base64.b64encode(data).decode(), "encoding": "base64",
            "path": path, "name": path.rsplit("/", 1)[1]}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def walk(folder: Path, depth: int):
    """Files down to `depth` levels under `folder`, as decap-server lists them, without
    following links or entering hidden folders."""
    if depth <= 0 or not folder.is_dir() or folder.is_symlink():
        return
    for entry in os.scandir(folder):
        if entry.name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            yield from walk(Path(entry.path), depth - 1)
        elif entry.is_file(follow_symlinks=False):
            yield Path(entry.path)

