"""Lighthouse (mobile) on the published site, served with compression as static hosts serve it:
`invoke lighthouse` builds the site as publishing does (precompressed .gz/.br copies), serves it
on 127.0.0.1 with `CompressedSiteHandler`, runs the pinned Lighthouse of package.json (installed by
`npm ci`) against Debian's chromium (as tasks.py runs it) on each page of PAGES, prints the four scores and says which
are under TARGETS. Slow (half a minute per page), so not part of `invoke test`.
"""

import functools
import http.server
import json
import mimetypes
import os
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
LIGHTHOUSE = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
# The pages the site is judged on, by path: home, a field, an article, search with a query, the
# English home.
PAGES = [
    "/",
    "/linh-vuc/doan-thanh-nien/",
    "/tin/2021/hoi-nghi-so-ket-6-thang-dau-nam-2021/",
    "/tim-kiem/?q=hi%E1%BA%BFn+m%C3%A1u",
    "/en/",
]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
# Content codings the site is precompressed in, best first, by file suffix.
ENCODINGS = [("br", ".br"), ("gzip", ".gz")]


class CompressedSiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as a static host with precompression does: the `.br` or `.gz` copy
    of a file when the browser accepts that coding (with `Vary: Accept-Encoding`), the file
    itself otherwise, 404.html for unknown addresses, and long caching for hashed assets."""

    def do_GET(self):
        self._serve(body=True)

    def do_HEAD(self):
        self._serve(body=False)

    def _file(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        root = Path(self.directory).resolve()
        target = (root / path.lstrip("/")).resolve()
        if root != target and root not in target.parents:
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _serve(self, body: bool) -> None:
        target = self._file()
        status = 200
        if target is None:
            target, status = Path(self.directory) / "404.html", 404
        accepted = {part.split(";")[0].strip() for part in
                    self.headers.get("Accept-Encoding", "").split(",")}
        coding, served = None, target
        for name, suffix in ENCODINGS:
            copy = target.with_name(target.name + suffix)
            if name in accepted and copy.is_file():
                coding, served = name, copy
                break
        data = served.read_bytes()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind += "; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Vary", "Accept-Encoding")
        if coding:
            self.send_header("Content-Encoding", coding)
        hashed = "/theme/" in self.path or "/pagefind/" in self.path
        self.send_header("Cache-Control",
                         "public, max-age=31536000, immutable" if hashed else "no-cache")
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format, *args):
        pass


def serve(site: Path, listener) -> http.server.ThreadingHTTPServer:
    """Serve `site` in a background thread on the already bound socket `listener`."""
    handler = functools.partial(CompressedSiteHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(listener.getsockname(), handler,
                                             bind_and_activate=False)
    server.socket.close()
    server.socket = listener
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def install() -> None:
    """The pinned Lighthouse of package-lock.json, into node_modules/ (once)."""
    if not LIGHTHOUSE.is_file():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)


def scores(url: str, report: Path, chromium: str, flags: list[str]) -> dict[str, int]:
    """Lighthouse's four scores (0-100) for `url`, mobile, in the `chromium` binary run with
    `flags`, its JSON report kept in `report`, and the machine's `benchmark` index that
    Lighthouse measured while loading it (its CPU throttling assumes a machine of about 1000 or
    more; a busy one scores performance lower)."""
    subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={report}",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={' '.join(flags)}"],
        check=True, env={**os.environ, "CHROME_PATH": chromium},
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    categories = result["categories"]
    return {**{name: round(categories[name]["score"] * 100) for name in CATEGORIES},
            "benchmark": round(result["environment"]["benchmarkIndex"])}


def below_target(result: dict[str, int]) -> list[str]:
    """The categories of one page's scores that miss TARGETS."""
    return [name for name in CATEGORIES if result[name] < TARGETS[name]]
