"""Tasks of Bản tin: the one entry point for editors and CI. Run `invoke --list` to see them.

Each task calls one function of bantin/ and says what it did and where the result is.
"""

import functools
import gc
import http.server
import logging
import os
import shlex
import shutil
import socket
import subprocess
import sys
from pathlib import Path

from invoke import task
from invoke.exceptions import Exit, ParseError

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from bantin.build import build as build_site  # noqa: E402
from bantin.build import describe, load_settings  # noqa: E402
from core.errors import BuildFailed  # noqa: E402
from bantin.legacy_import import format_report, has_errors, import_pages  # noqa: E402
from core.clock import ClockError  # noqa: E402
from core.clock import now as clock_now  # noqa: E402
from bantin.lint import fix_text, lint, nearest_field  # noqa: E402
from bantin.preview import PreviewSession, preview_handler  # noqa: E402
from core.processes import Stopped  # noqa: E402
from bantin.publish import PublishFailed  # noqa: E402
from bantin.publish import publish as publish_site  # noqa: E402
from bantin.publish import rollback as rollback_site  # noqa: E402
from bantin.site_checks import judge_site  # noqa: E402
from bantin.swap import site_lock  # noqa: E402
from plugins.i18n.catalogs import update_catalogs  # noqa: E402
from core.vietnamese import nfc, slugify  # noqa: E402
from core.fingerprint import CODE_FOLDERS  # noqa: E402
from core.header import header_text  # noqa: E402
from core.source import vietnamese_fields  # noqa: E402

DEV_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
# Debian's Chromium as the browser tests and `invoke lighthouse` run it, headless: without the
# sandbox (containers give it none), the GPU or /dev/shm, and fetching nothing on its own.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Debian packages the test suite needs, by the file that shows they are there: a real browser for
# the accessibility and keyboard tests, Java for the Nu HTML Checker, rsync and sshd for publishing.
TEST_APT_PACKAGES = {
    CHROMIUM: "chromium",
    "/usr/bin/java": "default-jre-headless",
    "/usr/bin/rsync": "rsync",
    "/usr/sbin/sshd": "openssh-server",  # a real ssh server on loopback for the deploy tests
}
# What `invoke lighthouse` needs besides chromium: Node.js and npm to install and run Lighthouse
# (Debian's nodejs 18 runs the pinned Lighthouse 12.8, which asks for Node >= 18.16).
# The editing desk (bantin/desk) installs its CMS with npm from the committed lockfile.
DESK = ROOT / "bantin" / "desk"
DESK_APT_PACKAGES = {
    "/usr/bin/node": "nodejs",
    "/usr/bin/npm": "npm",
}
LIGHTHOUSE_APT_PACKAGES = {
    CHROMIUM: "chromium",
    "/usr/bin/node": "nodejs",
    "/usr/bin/npm": "npm",
}


def shown(path: Path) -> str:
    """A path as the person at the terminal knows it: relative to the project when inside it."""
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def _build(settings_file: Path, strict: bool | None, overrides: dict | None = None) -> Path:
    """Build, print the findings, and stop with exit code 1 when the build failed."""
    try:
        result = build_site(settings_file, strict=strict, overrides=overrides, reuse_unchanged=True)
    except BuildFailed as failure:
        print(describe(failure.findings), file=sys.stderr)
        raise Exit("Dựng trang thất bại; trang cũ trong output/ được giữ nguyên.", code=1)
    if result.findings:
        print(describe(result.findings), file=sys.stderr)
    _report_summary(result)
    pages = sum(1 for _ in result.output.rglob("*.html"))
    print(f"Đã dựng trang: {shown(result.output)}/ ({pages} trang HTML)")
    return result.output


def _report_summary(result) -> None:
    """The sources left out, then one line per edition (a BuildResult or a preview Update)."""
    for source in result.skipped:
        print(f"Bỏ qua (có lỗi): {source}", file=sys.stderr)
    for line in result.summary:
        print(line)


def _listening_socket(port) -> socket.socket:
    """A socket bound to 127.0.0.1:`port`, taken before anything is built, so that a port in
    use is said at once, in one sentence. (`port` is the text typed: the tasks' default is a
    string so that invoke does not convert it itself and fail with a traceback.)"""
    number = int(port) if str(port).isdigit() else 0
    if not 0 < number < 65536:
        raise Exit(f"Cổng '{port}' không hợp lệ: hãy ghi một số, ví dụ --port 8001.", code=2)
    try:
        return socket.create_server(("127.0.0.1", number))
    except PermissionError:
        raise Exit(f"Không được dùng cổng {number} (cổng dưới 1024 cần quyền quản trị): "
                   "hãy chọn cổng khác, ví dụ --port 8001.", code=1) from None
    except OSError:
        raise Exit(f"Cổng {number} đang được dùng (có thể một bản xem trước khác đang chạy): "
                   f"hãy dừng chương trình đó hoặc chọn cổng khác, ví dụ --port {number + 1}.",
                   code=1) from None


@task(help={"strict": "fail on any warning, as publishing does", "settings": "settings file"})
def build(c, strict=False, settings=str(DEV_SETTINGS)):
    """Build the site into output/ (lint first; broken articles are left out unless --strict)."""
    try:
        _build(Path(settings), strict or None)
    finally:
        _ending()


def _ending() -> None:
    """The task ends the process: what its build left in memory (a whole site's objects) is
    given back by the system, not walked first by Python's last garbage collection (half a
    second at 2,000 articles)."""
    gc.freeze()


@task(help={"port": "port on 127.0.0.1 (default 8000)", "settings": "settings file"})
def serve(c, port="8000", settings=str(DEV_SETTINGS)):
    """Build the site, then serve output/ on http://127.0.0.1:8000 (--port for another)."""
    listener = _listening_socket(port)
    output = _build(Path(settings), None)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(listener.getsockname(), handler,
                                             bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    print(f"Xem trang tại http://127.0.0.1:{port}/ (Ctrl+C để dừng)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("Đã dừng.")


@task(help={"port": "port on 127.0.0.1 (default 8000)", "settings": "settings file"})
def livereload(c, port="8000", settings=str(DEV_SETTINGS)):
    """Preview: rebuild when content, theme or plugins change and reload the browser; an article
    with an error shows the error at its address, and /_loi/ lists every finding."""
    from bantin.desk.server import preview_server

    listener = _listening_socket(port)  # held while building, so that nothing else takes it
    settings_file = Path(settings)
    settings = load_settings(settings_file)
    preview = {"CONTENT_SECURITY_POLICY": settings["LIVERELOAD_CONTENT_SECURITY_POLICY"]}
    session = PreviewSession(settings_file, preview)  # the site stays in memory between edits
    first = session.build()
    if not _report_update(first):
        raise Exit("Dựng trang thất bại.", code=1)

    def rebuild():  # only the pages an edit changes are rendered again; search catches up after
        with site_lock(session.output):  # after any build or publish running now
            _report_update(session.update(background_search=True))

    _install_desk()
    server = preview_server(settings)  # the editing desk at /admin/, then the site
    server.SFH = preview_handler(session)  # error pages and /_loi/ before output/'s files
    for watched in (settings["PATH"], settings["THEME"], *CODE_FOLDERS, settings_file):
        server.watch(str(watched), rebuild)
    # The watcher polls every file it watches twice a second: the desk's CMS packages under
    # bantin/ (26,000 files, never edited) would keep a core busy while nothing changes.
    server.watcher.ignore_dirs("node_modules", "__pycache__")
    print(f"Xem trước tại http://127.0.0.1:{port}/ — trang tự tải lại khi bạn lưu tệp; "
          f"lỗi và cảnh báo ở http://127.0.0.1:{port}/_loi/; bàn biên tập ở "
          f"http://127.0.0.1:{port}/admin/")
    # livereload's own progress lines are English ("Serving on", "Running task"): the lines
    # above say the same in Vietnamese; its warnings and errors still show.
    logging.getLogger("livereload").addFilter(lambda record: record.levelno >= logging.WARNING)
    listener.close()
    server.serve(host="127.0.0.1", port=int(port), root=str(session.output))


def _report_update(update) -> bool:
    """Print a preview update's findings and what it did; False when the build failed."""
    if update.findings:
        print(describe(update.findings), file=sys.stderr)
    _report_summary(update)
    if update.kind == "pages":
        print(f"Đã cập nhật {len(update.written)} tệp trong {update.pages_seconds:.1f} giây")
    elif update.failed:
        print("Dựng trang thất bại; trang cũ trong output/ được giữ nguyên.", file=sys.stderr)
        return False
    elif update.kind == "build":
        print(f"Đã dựng lại trang trong {update.seconds:.1f} giây")
    return True


NEW_USAGE = 'Cách dùng: invoke new "Tiêu đề bài viết" --field "Đoàn thanh niên"'
# Editors' tasks answer a wrong command line with their usage in Vietnamese, not the parser's
# English ("'new' did not receive required positional arguments...").
USAGES = {"new": NEW_USAGE}
_parser_message = ParseError.__str__


def _usage_for_editors(error: ParseError) -> str:
    return USAGES.get(getattr(error.context, "name", None)) or _parser_message(error)


ParseError.__str__ = _usage_for_editors


@task(help={"title": "the article's title, in Vietnamese", "field": "its field, e.g. 'Đoàn thanh niên'",
            "settings": "settings file"})
def new(c, title, field, settings=str(DEV_SETTINGS)):
    """Create an article folder with its index.md: `invoke new "Tiêu đề" --field "Công đoàn"`."""
    if not field.strip() or not title.strip():
        raise Exit(NEW_USAGE, 1)
    settings = load_settings(settings)
    names = {name.casefold(): name for name in vietnamese_fields(settings)}
    if field.strip().casefold() not in names:
        close = nearest_field(field, settings)
        hint = f" Có phải là '{close}'?" if close else ""
        raise Exit(f"Lĩnh vực '{field}' không có.{hint} Chọn một trong: "
                   + ", ".join(names.values()), 1)
    title = " ".join(nfc(title).split())
    slug = slugify(title)
    if not slug:
        raise Exit(f"Tiêu đề '{title}' không cho ra được địa chỉ: cần có chữ hoặc số.", 1)
    try:
        now = clock_now(settings)
    except ClockError as error:
        raise Exit(describe(error.findings), 1)
    folder = Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0] / f"{now:%Y}" / slug
    if folder.exists():
        raise Exit(f"Đã có bài viết ở {folder}: hãy chọn tiêu đề khác.", 1)
    folder.mkdir(parents=True)
    shown = folder.relative_to(Path(settings["PATH"]).parent)
    # The Slug line keeps the address when the title is edited later.
    (folder / "index.md").write_text(header_text([
        ("Title", title), ("Date", f"{now:%Y-%m-%d %H:%M}"),
        ("Category", names[field.strip().casefold()]), ("Slug", slug),
        ("Tags", ""), ("Author", ""), ("Summary", "")]), encoding="utf-8")
    print(f"Đã tạo {shown}/index.md — viết nội dung vào tệp này và chép ảnh "
          "vào cùng thư mục.")


@task(
    name="import-legacy",
    help={
        "source": "a saved portal page (.html/.aspx/.txt) or a folder of them; more after --",
        "into": "articles folder (default: content/articles)",
        "force": "overwrite articles changed since they were imported",
        "settings": "settings file",
    },
)
def import_legacy(c, source, into="", force=False, settings=str(DEV_SETTINGS)):
    """Import pages of the old portal: `invoke import-legacy trang-cu/ [-- them.html ...]`."""
    settings = load_settings(settings)
    sources = [Path(source), *(Path(extra) for extra in shlex.split(c.remainder))]
    target = Path(into) if into else Path(settings["PATH"]) / settings["ARTICLE_PATHS"][0]
    try:
        outcomes, findings = import_pages(sources, target, settings, force=force)
    except ValueError as error:  # LEGACY_FIELD_MAP names a field that FIELDS lacks
        raise Exit(str(error), 1)
    print(format_report(outcomes, findings))
    if has_errors(outcomes, findings):
        raise Exit("Có trang không nhập được; xem các dòng báo lỗi ở trên.", 1)


@task(help={"fix": "rewrite text as NFC and convert lines pasted in TCVN3/VNI", "settings": "settings file"})
def check(c, fix=False, settings=str(DEV_SETTINGS)):
    """Lint the content: one line per problem, `path:line: message [code]`; exit 1 on errors."""
    settings = load_settings(settings)
    if fix:
        for path in fix_text(settings):
            print(f"Đã sửa chữ (NFC, mã cũ TCVN3/VNI): {path}")
    try:
        findings = lint(settings)
    except ClockError as error:
        raise Exit(describe(error.findings), 1)
    if findings:
        print(describe(findings))
    blocking = [finding for finding in findings if finding.blocks_publishing]
    if blocking:  # the verdict of `invoke publish`, which stops on warnings too
        raise Exit(f"Còn {len(blocking)} điều phải sửa: bài chưa xuất bản được cho đến khi "
                   "'invoke check' không còn báo gì.", code=1)


@task
def clean(c, settings=str(DEV_SETTINGS)):
    """Remove output/, leftover staging folders and caches (OUTPUT_PATH, CACHE_PATH,
    PHOTO_CACHE_PATH)."""
    settings = load_settings(settings)
    output = Path(settings["OUTPUT_PATH"])
    for path in [output, Path(settings["CACHE_PATH"]), Path(settings["PHOTO_CACHE_PATH"]),
                 *output.parent.glob(f"{output.name}.*")]:
        if path.exists():
            shutil.rmtree(path)
            print(f"Đã xóa {shown(path)}")


def _install_test_system_packages(packages: dict = TEST_APT_PACKAGES) -> None:
    """Install the Debian packages the tests need when they are missing (root or sudo)."""
    missing = [package for path, package in packages.items() if not Path(path).exists()]
    if not missing:
        return
    prefix = [] if os.geteuid() == 0 else ["sudo"]
    print(f"Cài gói Debian cho kiểm thử: {' '.join(missing)}")
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, "apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run([*prefix, "apt-get", "install", "-y", "-qq", *missing], check=True, env=environment)


def _install_desk() -> None:
    """Install the desk's pinned CMS (npm ci from bantin/desk/package-lock.json, no install
    scripts run) when it is missing or older than the lockfile, and Node.js and npm from Debian
    first when they are missing."""
    installed = DESK / "node_modules" / ".package-lock.json"
    lockfile = DESK / "package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lockfile.stat().st_mtime:
        return
    _install_test_system_packages(DESK_APT_PACKAGES)
    print("Cài bàn biên tập (Decap CMS, theo bantin/desk/package-lock.json)...")
    result = subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund",
                             "--loglevel=error"], cwd=DESK)
    if result.returncode:
        raise Exit("Không cài được bàn biên tập: 'npm ci' trong bantin/desk thất bại "
                   "(xem dòng báo lỗi ở trên).", code=1)


@task(help={"args": "extra pytest arguments, e.g. '-k figures'"})
def test(c, args=""):
    """Install what the tests need (Chromium and the desk's CMS when missing), run every test."""
    _install_test_system_packages()
    _install_desk()
    result = c.run(f"{sys.executable} -m pytest {args}", warn=True, pty=False)
    if result.exited:
        raise Exit(code=result.exited)


@task(help={"settings": "settings file"})
def i18n(c, settings=str(DEV_SETTINGS)):
    """Extract the theme's interface strings (Babel), update each language's catalog, check them."""
    written, findings = update_catalogs(load_settings(settings))
    for path in written:
        print(f"Đã cập nhật {shown(Path(path))}")
    if findings:
        print(describe(findings), file=sys.stderr)
        raise Exit(f"Còn {len(findings)} chuỗi giao diện cần dịch hoặc sửa trong danh mục.", code=1)
    print("Mọi danh mục đã dịch đủ.")


@task(help={"output": "folder of the built site (default: the settings' OUTPUT_PATH)",
            "settings": "settings the site was built with (for SITEURL and SIZE_BUDGETS)"})
def check_site(c, output="", settings=str(DEV_SETTINGS)):
    """Check a built site: links, #anchors, images, alt texts, size budgets, valid HTML."""
    loaded = load_settings(settings)
    folder = Path(output or loaded["OUTPUT_PATH"])
    checked = judge_site(folder, loaded)
    findings = checked.findings
    print(checked.summary())
    if findings:
        print(describe(findings), file=sys.stderr)
    if any(finding.is_error for finding in findings):
        raise Exit(f"Trang trong {folder} chưa đạt kiểm tra ({len(findings)} lỗi).", code=1)
    print(f"Trang trong {folder} đạt mọi kiểm tra.")


@task(help={"settings": "publishing settings file"})
def publish(c, settings=str(PUBLISH_SETTINGS)):
    """Build with publishconf.py, check, then deploy (BANTIN_DEPLOY) and replace output/."""
    try:
        target = publish_site(settings, report=print)
    except PublishFailed as failure:
        print(describe(failure.findings), file=sys.stderr)
        raise Exit(f"Không xuất bản: bước {failure.step} thất bại; trang đang phát hành và "
                   "output/ được giữ nguyên.", code=1)
    except Stopped as stop:
        raise Exit("Đã dừng xuất bản; trang đang phát hành và output/ là cùng một bản "
                   "(bản cũ, hoặc bản mới nếu đã kịp chuyển).", code=128 + stop.signum)
    finally:
        _ending()
    print(f"Đã xuất bản: {target}.")


@task(help={"settings": "publishing settings file"})
def rollback(c, settings=str(PUBLISH_SETTINGS)):
    """Switch the rsync target back to the release before the current one (output/ is unchanged)."""
    try:
        release = rollback_site(settings)
    except PublishFailed as failure:
        print(describe(failure.findings), file=sys.stderr)
        raise Exit("Không quay lại được; trang đang phát hành được giữ nguyên.", code=1)
    except Stopped as stop:
        raise Exit("Đã dừng; trang đang phát hành được giữ nguyên.", code=128 + stop.signum)
    print(f"Đã quay lại bản {release}: người đọc đang thấy bản này.")


@task(help={"photos": "how many 6 MP photos to process (default 16)"})
def bench_photos(c, photos=16):
    """Benchmark the photo pipeline against a plain Pillow loop, and a cached second run."""
    from benchmarks.bench_photos import main

    code = main(int(photos))
    if code:
        raise Exit(code=code)


@task(help={"n": "number of synthetic articles (default 2000)", "runs": "runs, medians reported (default 3)",
            "builds_only": "only the new build processes, no preview or publish (for large N)"})
def bench(c, n=2000, runs=3, builds_only=False):
    """Benchmark what users wait for on a synthetic archive, against bare Pelican: cold,
    no-change and one-edit builds, the preview, publish; peak memory; checks that rebuilds equal
    a clean build byte for byte."""
    from benchmarks.bench_build import main

    code = main(["--n", str(n), "--runs", str(runs), *(["--builds-only"] if builds_only else [])])
    if code:
        raise Exit(code=code)


@task
def lighthouse(c):
    """Lighthouse (mobile) on the published site served with compression, on home, a field, an
    article, search and the English home: prints the four scores of each page and fails under
    target (performance 98, the other three 100). Slow; not part of `invoke test`."""
    from benchmarks.lighthouse import PAGES, TARGETS, below_target, install, scores, serve

    _install_test_system_packages(LIGHTHOUSE_APT_PACKAGES)
    install()
    work = ROOT / "benchmarks" / "work" / "lighthouse"
    listener = socket.create_server(("127.0.0.1", 0))
    site = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        result = build_site(PUBLISH_SETTINGS, output=work / "output", strict=True,
                            overrides={"SITEURL": site})
    except BuildFailed as failure:
        print(describe(failure.findings), file=sys.stderr)
        raise Exit("Dựng trang thất bại.", code=1)
    server = serve(result.output, listener)
    failed = []
    try:
        print(f"{'page':<50} perf  a11y  best   seo  machine  "
              f"(target {'/'.join(map(str, TARGETS.values()))})")
        for number, path in enumerate(PAGES):
            got = scores(site + path, work / f"report-{number}.json", CHROMIUM,
                         ["--headless=new", *CHROMIUM_FLAGS])
            print(f"{path:<50} " + "  ".join(f"{value:>4}" for value in got.values()))
            if got["benchmark"] < 1000:
                print("  (máy đang bận: chỉ số máy dưới 1000, điểm tốc độ thấp hơn thực tế)")
            failed += [f"{path} {name} {got[name]}" for name in below_target(got)]
    finally:
        server.shutdown()
    print(f"Báo cáo đầy đủ: {shown(work)}/report-*.json")
    if failed:
        raise Exit("Dưới mục tiêu: " + "; ".join(failed), code=1)
