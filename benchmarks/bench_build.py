"""`invoke bench`: what users wait for, on a synthetic ten-year archive, against bare Pelican.

The corpus: N articles over ten years, one of them heavy (HEAVY_YEAR_ARTICLES), 2-4 photos each,
one in ten translated. One run on it measures, each in a child process (so its wall time
includes start-up, and its peak RSS is its own and its children's):
- bare Pelican (`simple` theme, no plugins, its own Markdown reader) building everything;
- this project's cold build (no output, empty caches but the derived photos);
- a rebuild with no change and one after one article's text changed, as new build processes
  (`invoke build`, CI with its caches restored: the corpus is a git repository, and the edit is
  committed and the content checked out afresh before the build, as CI does, so that no file
  keeps its time or inode);
- the same in the preview session an editor keeps open (`invoke livereload`), with the time the
  edited page was in place, and one photo replaced;
- `invoke publish` without a deploy target (strict build, every check), cold and after one edit
  (committed and checked out afresh, as CI publishes it).
Every time and peak is reported as a ratio to bare Pelican's, measured in the same run. Every
rebuilt output (publish included) is compared, file by file (SHA-256), with a clean build of the
same content: a rebuild that reuses anything stale shows up as a difference.

The corpus lives in benchmarks/work/ (git-ignored); results go to benchmarks/results/ as JSON.
Exit status 1 when a rebuilt output differs from the clean build or a build fails.
"""

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import unicodedata
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bantin.build import load_settings  # noqa: E402
from bantin.digest import site_digest  # noqa: E402
from core.placeholder import make_placeholder  # noqa: E402

WORK = ROOT / "benchmarks" / "work" / "build"
BUILD_SETTINGS = ROOT / "pelicanconf.py"
PUBLISH_SETTINGS = ROOT / "publishconf.py"
RESULTS = ROOT / "benchmarks" / "results"
# Targets of the issue, as ratios to bare Pelican's full build measured in the same run.
TARGETS = {"cold": 2.0, "nochange_build": 0.3, "article_edit_build": 0.5,
           "article_edit_publish": 1.0, "article_edit_page": 0.1, "article_edit": 0.5}
MEMORY_TARGET_MB = 1500  # the peak of any build or publish, at 10,000 articles
PHOTOS_PER_ARTICLE = (2, 4)  # fewest, most
PHOTO_POOL_SIZE = 24
PHOTO_SIZE = (1600, 1067)  # a photo as editors resize it for the web: every published width
TRANSLATED_SHARE = 0.1
YEARS = 10
LAST_YEAR = 2025
# One year far busier than the others (a congress year, an imported backlog): its year, field
# and month lists are the largest the site has to publish.
HEAVY_YEAR = 2019
HEAVY_YEAR_ARTICLES = 1000

# --- A small vocabulary, enough for text that reads and tokenises like the bulletin's ----------
SUBJECTS = [
    "Ban Thường vụ Đoàn Khối", "Đảng ủy Khối các cơ quan tỉnh", "Công đoàn viên chức tỉnh",
    "Hội Cựu chiến binh Khối", "Ban Nữ công", "Chi đoàn Sở Tài chính", "Đoàn viên thanh niên",
    "Chi bộ Sở Giáo dục và Đào tạo", "Câu lạc bộ thể thao Khối", "Ban Chấp hành Công đoàn",
]
VERBS = [
    "tổ chức", "phát động", "triển khai", "tổng kết", "hưởng ứng", "phối hợp thực hiện",
    "đánh giá kết quả", "trao tặng", "biểu dương", "tập huấn về",
]
OBJECTS = [
    "phong trào thi đua yêu nước", "chương trình hiến máu tình nguyện", "hội nghị học tập nghị quyết",
    "giải bóng đá nam thanh niên", "lớp bồi dưỡng nhận thức về Đảng", "hoạt động chuyển đổi số",
    "tháng thanh niên", "chiến dịch tình nguyện hè", "ngày hội văn hóa dân gian",
    "công tác an sinh xã hội", "phong trào phụ nữ tích cực học tập", "đợt sinh hoạt chính trị",
]
DETAILS = [
    "với sự tham gia của đông đảo cán bộ, đoàn viên", "tại hội trường Khối các cơ quan tỉnh",
    "nhằm nâng cao nhận thức và trách nhiệm của tuổi trẻ", "trong không khí sôi nổi, đoàn kết",
    "góp phần hoàn thành thắng lợi nhiệm vụ chính trị", "theo đúng kế hoạch đã đề ra",
    "được các cơ sở Đoàn hưởng ứng tích cực", "gắn với việc học tập và làm theo tư tưởng Hồ Chí Minh",
]
TITLE_ENDINGS = ["năm {year}", "giai đoạn {year}-{next}", "quý {quarter}/{year}", "đợt {quarter} năm {year}"]
TAGS = [
    "hiến máu", "tình nguyện", "chuyển đổi số", "thể thao", "nghị quyết", "phát triển đảng viên",
    "an sinh xã hội", "tháng thanh niên", "bình đẳng giới", "cựu chiến binh", "văn nghệ", "học tập",
    "thi đua", "khen thưởng", "đoàn viên ưu tú", "công đoàn cơ sở", "phụ nữ", "thiếu nhi",
]
AUTHORS = ["Nguyễn Thị Hương", "Trần Văn Minh", "Lê Thu Trang", "Phạm Quốc Đạt",
           "Đoàn Khối các cơ quan tỉnh", "Vũ Hoàng Yến"]
ENGLISH_WORDS = (
    "the youth union held a meeting with members from provincial agencies to review the year's "
    "work and launch new volunteer campaigns for blood donation digital transformation and sport"
).split()


def sentence(rnd: random.Random) -> str:
    text = f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {rnd.choice(DETAILS)}."
    return text[0].upper() + text[1:]


def english_sentence(rnd: random.Random) -> str:
    words = [rnd.choice(ENGLISH_WORDS) for _ in range(rnd.randrange(10, 20))]
    return " ".join(words).capitalize() + "."


def article_text(rnd, title, date, field, tags, author, slug, photos, lang="vi") -> str:
    """The Markdown of one article: metadata, paragraphs, its photos as figures between them."""
    line = english_sentence if lang == "en" else sentence
    paragraphs = [" ".join(line(rnd) for _ in range(rnd.randrange(3, 6)))
                  for _ in range(rnd.randrange(4, 9))]
    for position, photo in enumerate(photos):
        caption = line(rnd).rstrip(".")
        paragraphs.insert(1 + 2 * position, f"![{caption}]({photo})")
    if rnd.random() < 0.3:
        paragraphs.insert(2, "\n".join(f"- {line(rnd).rstrip('.')};" for _ in range(3)))
    header = (f"Title: {title}\nDate: {date:%Y-%m-%d %H:%M}\nCategory: {field}\n"
              f"Tags: {', '.join(tags)}\nAuthor: {author}\nSummary: {line(rnd)}\nSlug: {slug}\n")
    if lang != "vi":
        header += f"Lang: {lang}\n"
    return unicodedata.normalize("NFC", header + "\n" + "\n\n".join(paragraphs) + "\n")


def photo_pool(folder: Path) -> list[Path]:
    """Placeholder photos every article draws from; shared keys keep the photo cache small."""
    folder.mkdir(parents=True, exist_ok=True)
    return [
        path if path.exists() else make_placeholder(path, "", PHOTO_SIZE, seed)
        for seed, path in enumerate(folder / f"pool-{index:02}.jpg" for index in range(PHOTO_POOL_SIZE))
    ]


def article_dates(count: int, rnd: random.Random) -> list[datetime]:
    """When `count` articles appeared: HEAVY_YEAR_ARTICLES (at most half) in HEAVY_YEAR, the
    others evenly over every month of the other years, each on a working day and hour."""
    heavy = min(HEAVY_YEAR_ARTICLES, count // 2)
    years = range(LAST_YEAR - YEARS + 1, LAST_YEAR + 1)
    quiet_months = [(year, month) for year in years if year != HEAVY_YEAR for month in range(1, 13)]
    heavy_months = [(HEAVY_YEAR, month) for month in range(1, 13)]
    months = ([heavy_months[i * 12 // heavy] for i in range(heavy)] +
              [quiet_months[i * len(quiet_months) // (count - heavy)] for i in range(count - heavy)])
    return [datetime(year, month, 1 + rnd.randrange(28), 7 + rnd.randrange(10), rnd.randrange(60))
            for year, month in months]


def generate_corpus(root: Path, count: int, seed: int = 9) -> list[Path]:
    """Write `count` articles (PHOTOS_PER_ARTICLE photos each, ~10% with an English translation)
    under root/content. Returns the article folders. The site's own pages and images are copied
    so the theme's links resolve."""
    rnd = random.Random(seed)
    pool = photo_pool(root / "pool")
    content = root / "content"
    shutil.rmtree(content, ignore_errors=True)
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    shutil.copytree(ROOT / "content" / "images", content / "images")
    fields = load_settings(ROOT / "pelicanconf.py")["FIELDS"]
    folders = []
    for index, date in enumerate(article_dates(count, rnd)):
        field = fields[index % len(fields)]
        ending = rnd.choice(TITLE_ENDINGS).format(year=date.year, next=date.year + 1,
                                                  quarter=rnd.randrange(1, 5))
        title = f"{rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} {ending}"
        slug = f"bai-{index:05}"
        folder = content / "articles" / f"{date:%Y}" / slug
        folder.mkdir(parents=True)
        names = []
        for number, source in enumerate(rnd.sample(pool, rnd.randint(*PHOTOS_PER_ARTICLE))):
            name = f"IMG_{index:05}_{number}.jpg"
            os.link(source, folder / name)  # an edit must replace the file, never write through
            names.append(name)
        tags = rnd.sample(TAGS, rnd.randrange(1, 4))
        author = rnd.choice(AUTHORS)
        (folder / "index.md").write_text(
            article_text(rnd, title, date, field["vi"], tags, author, slug, names), encoding="utf-8")
        if rnd.random() < TRANSLATED_SHARE:
            english_title = english_sentence(rnd).rstrip(".")[:80]
            (folder / "index.en.md").write_text(
                article_text(rnd, english_title, date, field["en"], ["youth union"], author, slug,
                             names, lang="en"), encoding="utf-8")
        folders.append(folder)
    shutil.rmtree(root / ".git", ignore_errors=True)
    git(root, "init", "-q")
    commit_corpus(root, "corpus")
    return folders


def git(root: Path, *arguments: str) -> None:
    subprocess.run(["git", "-c", "user.email=bench@example.org", "-c", "user.name=bench",
                    *arguments], cwd=root, check=True, capture_output=True)


def commit_corpus(root: Path, message: str) -> None:
    git(root, "add", "-A", "content")
    git(root, "commit", "-q", "--allow-empty", "-m", message)


def ci_checkout(root: Path, message: str) -> None:
    """What CI does before it builds: the edit committed, then the content checked out into a
    fresh work tree (every file written anew: new times, new inodes)."""
    commit_corpus(root, message)
    shutil.rmtree(root / "content")
    git(root, "checkout", "--", "content")


# --- Builds, each in a child process ---------------------------------------------------------
# Every child writes its peak RSS in kB to BENCH_PEAK_FILE as it exits: its own high-water mark
# (VmHWM of its own memory, not the figure wait4 gives, which starts from this process's size as
# it was when the child was spawned) or its largest child's (Pagefind, the Nu HTML Checker).
PEAK = textwrap.dedent("""
    import atexit, os, resource
    def _write_peak():
        with open("/proc/self/status", encoding="ascii") as status:
            own = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        with open(os.environ["BENCH_PEAK_FILE"], "w", encoding="ascii") as peak:
            peak.write(str(max(own, children)))
    atexit.register(_write_peak)
""")

BARE_BUILD = PEAK + textwrap.dedent("""
    import runpy, sys
    sys.argv = ["pelican", "-q", "-s", {settings!r}]
    runpy.run_module("pelican", run_name="__main__", alter_sys=True)
""")

PROJECT_BUILD = PEAK + textwrap.dedent("""
    import gc, json, sys
    sys.path.insert(0, {root!r})
    from bantin.build import build, describe
    overrides = json.loads({overrides!r})
    result = build({settings!r}, {output!r}, strict=False, overrides=overrides,
                   reuse_unchanged=True)  # as `invoke build`
    errors = [finding for finding in result.findings if finding.is_error]
    gc.freeze()  # and as it ends (tasks._ending)
    if errors:
        sys.exit(describe(errors))
""")

# The preview session of `invoke livereload` in a child process: one ordinary build (untimed),
# then one update per line read; each update's figures as one line of JSON.
PREVIEW_SESSION = PEAK + textwrap.dedent("""
    import json, sys, time
    sys.path.insert(0, {root!r})
    from bantin.preview import PreviewSession
    answers, sys.stdout = sys.stdout, sys.stderr  # Pelican prints its summary on stdout
    session = PreviewSession({settings!r}, json.loads({overrides!r}))
    session.build()
    print("ready", file=answers, flush=True)
    for line in sys.stdin:
        started = time.perf_counter()
        update = session.update()
        wall = time.perf_counter() - started
        print(json.dumps({{"kind": update.kind, "seconds": update.seconds or wall,
                          "pages_seconds": update.pages_seconds or wall,
                          "errors": [str(f) for f in update.findings if f.is_error]}}),
              file=answers, flush=True)
""")

# `invoke publish` without a deploy target: the strict build and every check of check-site.
PROJECT_PUBLISH = PEAK + textwrap.dedent("""
    import gc, json, os, sys
    sys.path.insert(0, {root!r})
    os.environ["BANTIN_DEPLOY"] = ""
    from bantin.build import describe
    from bantin.publish import PublishFailed, publish
    try:
        publish({settings!r}, json.loads({overrides!r}))
    except PublishFailed as failure:
        sys.exit(failure.step + ":\\n" + describe(failure.findings))
    finally:
        gc.freeze()  # as `invoke publish` ends (tasks._ending)
""")

BARE_SETTINGS = textwrap.dedent("""
    PATH = {content!r}
    OUTPUT_PATH = {output!r}
    THEME = "simple"
    PLUGINS = []
    TIMEZONE = "Asia/Ho_Chi_Minh"
    DEFAULT_LANG = "vi"
    ARTICLE_PATHS = ["articles"]
    PAGE_PATHS = ["pages"]
    STATIC_PATHS = ["images", "articles"]  # photos are published too, as the project does
    ARTICLE_URL = "tin/{{date:%Y}}/{{slug}}/"
    ARTICLE_SAVE_AS = ARTICLE_URL + "index.html"
    ARTICLE_TRANSLATION_ID = "slug"
""")


def run_child(command: list[str]) -> dict:
    """Run a build process (a PEAK script); its wall time and peak RSS."""
    with tempfile.TemporaryFile() as log, tempfile.NamedTemporaryFile() as peak:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log,
                                   env={**os.environ, "BENCH_PEAK_FILE": peak.name})
        process.wait()
        seconds = time.perf_counter() - start
        if process.returncode:
            log.seek(0)
            raise RuntimeError("a build failed:\n" + log.read().decode("utf-8", "replace")[-4000:])
        return {"seconds": seconds, "peak_rss_mb": read_peak(peak.name)}


def read_peak(path: str) -> float:
    return int(Path(path).read_text(encoding="ascii")) / 1024


def project_overrides(root: Path, cache: Path) -> dict:
    return {"PATH": str(root / "content"), "CACHE_PATH": str(cache),
            "PHOTO_CACHE_PATH": str(root / "photo-cache")}


def project_publish(root: Path, output: Path, cache: Path) -> dict:
    overrides = {**project_overrides(root, cache), "OUTPUT_PATH": str(output)}
    script = PROJECT_PUBLISH.format(root=str(ROOT), settings=str(PUBLISH_SETTINGS),
                                    overrides=json.dumps(overrides))
    return run_child([sys.executable, "-c", script])


def project_build(root: Path, output: Path, cache: Path, settings: Path = BUILD_SETTINGS) -> dict:
    script = PROJECT_BUILD.format(root=str(ROOT), settings=str(settings),
                                  output=str(output),
                                  overrides=json.dumps(project_overrides(root, cache)))
    return run_child([sys.executable, "-c", script])


class PreviewChild:
    """A preview session (bantin/preview.py) in a child process, as `invoke livereload` keeps
    one: `update()` after each edit returns the session's own figures for it."""

    def __init__(self, root: Path, output: Path):
        overrides = {**project_overrides(root, root / "pelican-cache"), "OUTPUT_PATH": str(output)}
        script = PREVIEW_SESSION.format(root=str(ROOT), settings=str(ROOT / "pelicanconf.py"),
                                        overrides=json.dumps(overrides))
        self.log = tempfile.TemporaryFile()
        self.peak = tempfile.NamedTemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=self.log,
                                        env={**os.environ, "BENCH_PEAK_FILE": self.peak.name})
        if self.process.stdout.readline().strip() != "ready":
            self.fail()

    def update(self) -> dict:
        self.process.stdin.write("update\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.fail()
        figures = json.loads(line)
        if figures["errors"]:
            raise RuntimeError("a preview update failed:\n" + "\n".join(figures["errors"]))
        return figures

    def close(self) -> float:
        """End the session; its peak RSS in MB (its first build included)."""
        self.process.stdin.close()
        self.process.wait()
        self.log.close()
        with self.peak:
            return read_peak(self.peak.name)

    def fail(self):
        self.process.kill()
        self.log.seek(0)
        raise RuntimeError("the preview session failed:\n" +
                           self.log.read().decode("utf-8", "replace")[-4000:])


def bare_pelican_build(root: Path, output: Path) -> dict:
    shutil.rmtree(output, ignore_errors=True)
    settings = root / "bare_pelicanconf.py"
    settings.write_text(BARE_SETTINGS.format(content=str(root / "content"), output=str(output)),
                        encoding="utf-8")
    return run_child([sys.executable, "-c", BARE_BUILD.format(settings=str(settings))])


def clean_project_build(root: Path, output: Path) -> dict:
    """From nothing but the warm photo cache: no output, no content cache."""
    shutil.rmtree(output, ignore_errors=True)
    shutil.rmtree(root / "pelican-cache", ignore_errors=True)
    return project_build(root, output, root / "pelican-cache")


def edit_article(folder: Path, run: int) -> None:
    """An editor's correction: one sentence added to the article's last paragraph."""
    source = folder / "index.md"
    text = source.read_text(encoding="utf-8").rstrip("\n")
    source.write_text(f"{text} Bản tin cập nhật lần {run + 1}.\n", encoding="utf-8")


def replace_photo(folder: Path, run: int) -> None:
    """An editor drops a new version of a photo over the old one (a new file, not the pool's)."""
    photo = sorted(folder.glob("IMG_*.jpg"))[0]
    photo.unlink()
    make_placeholder(photo, f"lần {run + 1}", PHOTO_SIZE, seed=1000 + run)


def clean_digest(root: Path, settings: Path = BUILD_SETTINGS) -> dict[str, str]:
    """The digest (site_digest) of a build of the current content from nothing."""
    reference, reference_cache = root / "output-clean", root / "pelican-cache-clean"
    for folder in (reference, reference_cache):
        shutil.rmtree(folder, ignore_errors=True)
    project_build(root, reference, reference_cache, settings)
    digest = site_digest(reference)
    for folder in (reference, reference_cache):
        shutil.rmtree(folder, ignore_errors=True)
    return digest


def differences(output: Path, reference: dict[str, str]) -> list[str]:
    """Relative paths where `output` differs from the reference digest (missing or other bytes)."""
    found = site_digest(output)
    return sorted(path for path in found.keys() | reference.keys()
                  if found.get(path) != reference.get(path))


def one_run(root: Path, folders: list[Path], run: int, builds_only: bool = False) -> dict:
    """Every case of KINDS once (with `builds_only`, the new build processes alone), on the
    corpus as the previous run left it; every rebuilt output compared with a clean build of the
    same content."""
    output, bare_output, published = root / "output", root / "output-bare", root / "output-publish"
    cache = root / "pelican-cache"
    edited = folders[len(folders) // 2]
    edits = iter(range(10 * run, 10 * run + 10))
    figures, diffs = {"bare": bare_pelican_build(root, bare_output)}, {}
    shutil.rmtree(bare_output, ignore_errors=True)

    # New build processes, as `invoke build` and CI with its caches restored.
    figures["cold"] = clean_project_build(root, output)
    reference = site_digest(output)
    figures["nochange_build"] = project_build(root, output, cache)
    diffs["nochange_build"] = differences(output, reference)
    edit_article(edited, next(edits))
    ci_checkout(root, "one article edited")
    figures["article_edit_build"] = project_build(root, output, cache)
    reference = clean_digest(root)
    diffs["article_edit_build"] = differences(output, reference)
    if builds_only:
        figures["identical"] = {kind: paths[:20] for kind, paths in diffs.items()}
        return figures

    # The preview session `invoke livereload` keeps open (its first build untimed).
    session = PreviewChild(root, output)
    figures["nochange"] = session.update()
    diffs["nochange"] = differences(output, reference)
    for kind, edit in (("article_edit", edit_article), ("photo_edit", replace_photo)):
        edit(edited, next(edits))
        figures[kind] = session.update()
        diffs[kind] = differences(output, clean_digest(root))
    session_peak = session.close()
    for kind in ("nochange", "article_edit", "photo_edit"):
        figures[kind]["peak_rss_mb"] = session_peak
    figures["article_edit_page"] = {"seconds": figures["article_edit"]["pages_seconds"],
                                    "peak_rss_mb": session_peak}

    # `invoke publish` (no deploy): cold, then after one edit with the caches it left.
    shutil.rmtree(published, ignore_errors=True)
    shutil.rmtree(cache, ignore_errors=True)
    figures["cold_publish"] = project_publish(root, published, cache)
    edit_article(edited, next(edits))
    ci_checkout(root, "one article edited before publishing")
    figures["article_edit_publish"] = project_publish(root, published, cache)
    diffs["article_edit_publish"] = differences(published, clean_digest(root, PUBLISH_SETTINGS))
    shutil.rmtree(published, ignore_errors=True)
    figures["identical"] = {kind: paths[:20] for kind, paths in diffs.items()}
    return figures


def machine() -> dict:
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name")),
                 platform.processor())
    return {"cores": os.cpu_count(), "cpu": model, "python": platform.python_version()}


KINDS = {
    "bare": "bare Pelican, full build",
    "cold": "cold build (caches empty but photos)",
    "nochange_build": "no change, new build process",
    "article_edit_build": "one article edited, new process",
    "nochange": "no change, preview",
    "article_edit": "one article edited, preview",
    "article_edit_page": "... its page in place",
    "photo_edit": "one photo replaced, preview",
    "cold_publish": "publish, cold (build + checks)",
    "article_edit_publish": "publish after one article edit",
}


def summarise(runs: list[dict]) -> dict:
    kinds = [kind for kind in KINDS if kind in runs[0]]
    seconds = {kind: statistics.median(run[kind]["seconds"] for run in runs) for kind in kinds}
    memory = {kind: max(run[kind]["peak_rss_mb"] for run in runs) for kind in kinds}
    ratios = {kind: seconds[kind] / seconds["bare"] for kind in kinds if kind != "bare"}
    memory_ratios = {kind: memory[kind] / memory["bare"] for kind in kinds if kind != "bare"}
    identical = all(not diff for run in runs for diff in run["identical"].values())
    peak = max(memory.values())
    return {"seconds": seconds, "peak_rss_mb": memory, "ratios": ratios,
            "memory_ratios": memory_ratios,
            "preview_updates": {kind: sorted({run[kind]["kind"] for run in runs})
                                for kind in ("nochange", "article_edit", "photo_edit")
                                if kind in kinds},
            "targets": {kind: {"target": TARGETS[kind], "met": ratios[kind] <= TARGETS[kind]}
                        for kind in TARGETS if kind in kinds},
            "memory_target": {"target_mb": MEMORY_TARGET_MB, "peak_mb": peak,
                              "met": peak <= MEMORY_TARGET_MB},
            "identical": identical}


def report(summary: dict, count: int, runs: list[dict], load: tuple[float, ...]) -> str:
    lines = [f"{count} articles, median of {len(runs)} run(s), load average at the start "
             f"{load[0]:.2f} on {os.cpu_count()} cores:"]
    for kind, name in KINDS.items():
        if kind not in summary["seconds"]:
            continue
        line = f"  {name:38} {summary['seconds'][kind]:8.2f} s"
        if kind in summary["ratios"]:
            line += f" {summary['ratios'][kind]:6.2f}x"
        else:
            line += "   1x   "
        if kind != "article_edit_page":
            line += f"   peak {summary['peak_rss_mb'][kind]:6.0f} MB"
            if kind in summary["memory_ratios"]:
                line += f" {summary['memory_ratios'][kind]:5.2f}x"
        if kind in TARGETS:
            target = summary["targets"][kind]
            line += f"   target <= {target['target']}x: {'met' if target['met'] else 'MISSED'}"
        lines.append(line)
    memory = summary["memory_target"]
    lines.append(f"  highest peak memory {memory['peak_mb']:.0f} MB (target at 10,000 articles "
                 f"<= {memory['target_mb']} MB)")
    if summary["preview_updates"]:
        lines.append("  preview updates: " + ", ".join(
            f"{kind} -> {'/'.join(kinds)}" for kind, kinds in summary["preview_updates"].items()))
    if summary["identical"]:
        lines.append("  every rebuilt output byte-identical to a clean build: yes")
    else:
        lines.append("  every rebuilt output byte-identical to a clean build: NO, differences:")
        for run in runs:
            for kind, paths in run["identical"].items():
                lines += [f"    {kind}: {path}" for path in paths]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="number of articles")
    parser.add_argument("--runs", type=int, default=3, help="runs; medians are reported")
    parser.add_argument("--work", type=Path, default=WORK, help="folder for the corpus and outputs")
    parser.add_argument("--results", type=Path, default=RESULTS, help="folder for the JSON results")
    parser.add_argument("--builds-only", action="store_true",
                        help="only the new build processes (no preview, no publish): for large N")
    options = parser.parse_args(argv)
    root = options.work.resolve()
    started = time.perf_counter()
    print(f"Generating {options.n} articles in {root} ...", flush=True)
    folders = generate_corpus(root, options.n)
    print("Warming the photo cache (untimed build) ...", flush=True)
    clean_project_build(root, root / "output")
    load = os.getloadavg()
    if load[0] > (os.cpu_count() or 1):
        print(f"Note: load average {load[0]:.1f} on {os.cpu_count()} cores: other work shares "
              "the machine, and the builds that use both cores lose the most.", flush=True)
    options.results.mkdir(parents=True, exist_ok=True)
    result_file = options.results / f"bench-build-{options.n}-{datetime.now():%Y%m%d-%H%M%S}.json"
    runs = []
    for run in range(options.runs):
        print(f"Run {run + 1}/{options.runs} (load average {os.getloadavg()[0]:.1f}) ...", flush=True)
        runs.append(one_run(root, folders, run, options.builds_only))
        summary = summarise(runs)  # written after every run: a long benchmark keeps what it did
        result_file.write_text(json.dumps(
            {"articles": options.n, "machine": machine(), "load_average": load,
             "summary": summary, "runs": runs, "total_seconds": time.perf_counter() - started},
            indent=2, ensure_ascii=False), encoding="utf-8")
        print(report(summary, options.n, runs, load), flush=True)
    print(f"Results: {result_file} (whole benchmark {time.perf_counter() - started:.0f} s)")
    return 0 if summary["identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
