"""The build: lint, Pelican, post-build steps, and a swap that never destroys the last good site.

Pelican runs in-process into a fresh staging folder beside output/. Only when the build succeeds
(in strict mode: with no error and no warning) does the staging folder replace output/, in one
step (bantin/swap.py). One build at a time: a second one waits for the site folder's lock, and
removes what killed builds left beside it. Pelican's own `--fatal` mode is not used because it
ends in a traceback; here every problem, a full disk included, is one line.
"""

import logging
import os
import shutil
import threading
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican, signals
from pelican.settings import read_settings

from bantin import resume, unchanged
from core.errors import BuildFailed, Finding
from core.logs import WarningCounter
from core.record import RECORD_SETTING, BuildRecord
from plugins.feeds.absolute import absolutise_feeds
from bantin.desk.online import write_desk
from bantin.headers import write_headers
from bantin.lint import lint
from bantin.precompress import precompress
from bantin.report import counting_editions, left_out_sources, summary_lines
from core.source import SEARCH_INDEX_FOLDER
from plugins.search.index import index_search
from plugins.sitemap.write import write_sitemap
from bantin.swap import (DISK_REFUSED, delete_in_background, remove_leftovers, replace_site,
                         site_lock, write_failed)
from plugins.editions import edition_overrides
from plugins.incremental import save_manifest

logger = logging.getLogger(__name__)

# Run in order on the staging folder once Pelican is done, while the search index (Pagefind, in
# processes of its own) is made beside them and the model is pickled for the next build.
# Precompression, for static hosting, comes last, on the final files, when the settings ask for
# it (publishing does).
POST_BUILD_STEPS = (absolutise_feeds, write_sitemap, write_headers, write_desk)
# What each step writes, to name it when the disk refuses a write that names no file.
STEP_WRITES = {
    index_search: "lập chỉ mục tìm kiếm (pagefind/)",
    absolutise_feeds: "ghi các nguồn tin (feeds/)",
    write_sitemap: "ghi sitemap.xml và robots.txt",
    write_headers: "ghi _headers",
    write_desk: "ghi bàn biên tập (admin/)",
    precompress: "nén sẵn các tệp (.gz, .br)",
}


@dataclass
class BuildResult:
    output: Path
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # sources left out of a preview build
    summary: list[str] = field(default_factory=list)  # one line per edition (bantin.report)
    record: BuildRecord = field(default_factory=BuildRecord)  # what the plugins wrote and listed
    model: resume.Model | None = None  # what the next build may take up (bantin/resume.py)


@dataclass
class Progress:
    """What the build is writing, to name it when the disk refuses a write that names no file."""

    doing: str = "ghi các trang"


def load_settings(settings_file: str | Path, overrides: dict | None = None) -> dict:
    """Pelican settings from a settings file, with overrides (e.g. OUTPUT_PATH, PATH)."""
    return read_settings(str(settings_file), override=overrides or {})


def build(
    settings_file: str | Path = "pelicanconf.py",
    output: str | Path | None = None,
    strict: bool | None = None,
    overrides: dict | None = None,
    previous: str | Path | None = None,
    reuse_unchanged: bool = False,
) -> BuildResult:
    """Build the site into `output` (default: the settings' OUTPUT_PATH), reusing the unchanged
    pages of `previous` (default: `output` itself). A caller that builds elsewhere and moves the
    site into `previous` afterwards calls `finish()` with the result once it is there.

    Raises BuildFailed, leaving `output` untouched, when strict and anything is wrong, or when
    Pelican itself fails. In preview mode broken sources are reported and left out.
    With `reuse_unchanged` (`invoke build`), a build into `output` with no input changed since
    the last one only repeats what that one said (bantin/unchanged.py). `invoke build` and
    publishing take up the model the last build of the site saved when only the text of some
    sources changed (bantin/resume.py), and save one for the next.
    """
    settings = load_settings(settings_file, overrides)
    strict = settings["STRICT"] if strict is None else strict
    output = Path(output or settings["OUTPUT_PATH"]).resolve()
    model = inputs = None
    if reuse_unchanged or previous is not None:  # not the preview session's own builds
        model = resume.Model(unchanged.setup_state(settings_file, settings, strict), {})
    if reuse_unchanged and previous is None:
        inputs = unchanged.inputs_state(model.setup, settings)
        replayed = unchanged.replay(settings, output, inputs)
        if replayed is not None:
            return BuildResult(output, *replayed)
    record = BuildRecord()
    settings = {**settings, RECORD_SETTING: record}  # the lint and post-build steps read it too
    previous = Path(previous).resolve() if previous else output

    with site_lock(previous):  # the site this build reads and (by default) replaces
        plan = None
        if model is not None:
            as_left = unchanged.SiteState(previous)  # walked while the content's versions are read
            model.versions = resume.content_versions(settings)
            plan = resume.plan(settings, previous, model.setup, model.versions, as_left)
            as_left.discard()
        findings = [] if plan is not None else checked_content(settings, strict)
        remove_leftovers(previous)
        staging = staging_path(output)
        shutil.rmtree(staging, ignore_errors=True)
        try:
            progress = Progress()
            try:
                made = None
                if plan is not None:
                    made = make_site_on_model(plan, model, settings_file, overrides, settings,
                                              staging, previous, progress)
                    if made is None:  # more than text changed: an ordinary build after all
                        findings = checked_content(settings, strict)
                if made is None:
                    made = make_site(findings, settings_file, overrides, settings, staging,
                                     previous, model, progress)
            except OSError as error:  # a full disk: one line, output/ stays as it was
                if error.errno not in DISK_REFUSED:
                    raise
                refused = write_failed(error, progress.doing, staging, output)
                raise BuildFailed([*findings, refused]) from None
            findings, skipped, summary = made
            if strict and any(finding.blocks_publishing for finding in findings):
                raise BuildFailed(findings)
            deleting = delete_in_background(replace_site(staging, output))
            try:  # what is recorded of the new site overlaps the old one's deletion
                result = BuildResult(output, findings, skipped, summary, record, model)
                state = unchanged.site_state(output) if previous == output else None
                if previous == output:
                    finish(result, settings, state=state)
                if inputs is not None:
                    unchanged.record(settings, output, inputs, result.findings, result.skipped,
                                     result.summary, state)
            finally:
                deleting.join()
        except BaseException:  # the new site never was put in place: nor is its model
            resume.discard_aside(settings, previous)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return result


def checked_content(settings: dict, strict: bool) -> list[Finding]:
    """The lint's findings; in strict mode, BuildFailed with them when one blocks publishing,
    before any work (what `invoke check` reports)."""
    findings = lint(settings)
    if strict and any(finding.blocks_publishing for finding in findings):
        raise BuildFailed(findings)
    return findings


def make_site(findings: list[Finding], settings_file: str | Path, overrides: dict | None,
              settings: dict, staging: Path, previous: Path, model: resume.Model | None,
              progress: Progress) -> tuple[list[Finding], list[str], list[str]]:
    """An ordinary build into `staging`: Pelican, then the post-build steps. The findings (the
    lint's, given, first), the sources left out and the summary; each edition's generators go
    to `model`, to be saved once the site is in place."""
    record = settings[RECORD_SETTING]
    excluded = excluded_sources(findings, settings)
    left_out = left_out_sources(findings, settings)
    counts: dict[str, tuple[int, int]] = {}
    said = {(str(finding.path), finding.line, finding.code) for finding in findings}
    with counting_editions(counts):
        findings += [finding for finding in run_pelican(
                         settings_file, overrides, staging, excluded, previous, record,
                         model.editions if model is not None else None)
                     if (str(finding.path), finding.line, finding.code) not in said]
    pagefind_running = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as indexing:  # Pagefind's processes meanwhile
        indexed = indexing.submit(index_search, staging, settings, pagefind_running)
        while not pagefind_running.wait(0.1) and not indexed.done():
            pass  # the index's own Python work first, not slowed by the steps'
        resume.pickle_ahead(model, settings, previous)
        others = []
        for step in POST_BUILD_STEPS:
            progress.doing = STEP_WRITES[step]
            others += step(staging, settings)
        progress.doing = STEP_WRITES[index_search]
        findings += indexed.result() + others
    if settings["PRECOMPRESS"]:  # last: on the final files, the index's included
        progress.doing = STEP_WRITES[precompress]
        findings += precompress(staging, settings)
    return findings, [source.shown for source in left_out], summary_lines(counts, left_out)


def make_site_on_model(plan: resume.Plan, model: resume.Model, settings_file: str | Path,
                       overrides: dict | None, settings: dict, staging: Path, previous: Path,
                       progress: Progress) -> tuple[list[Finding], list[str], list[str]] | None:
    """The site built into `staging` from the `previous` one and the saved model, when only the
    text of the sources of `plan` changed (bantin/resume.py); None when an ordinary build is
    needed (nothing is left in `staging` then)."""
    common = {**(overrides or {}), **excluded_sources(plan.findings, settings),
              "PREVIOUS_OUTPUT_PATH": str(previous), RECORD_SETTING: settings[RECORD_SETTING]}
    base = load_settings(settings_file, common)
    pages = resume.pages_folder(staging)
    editions = [load_settings(settings_file, {**common, **edition_overrides(base, lang, pages)})
                for lang in base["EDITIONS"]]
    try:
        taken = resume.take_up(plan, editions, settings, staging, previous)
    except Exception as error:  # whatever went wrong, an ordinary build says it properly
        if isinstance(error, OSError) and error.errno in DISK_REFUSED:
            raise  # a full disk, say: the build names the file
        logger.debug("model not taken up: %r", error)
        taken = None
    if taken is None:
        shutil.rmtree(staging, ignore_errors=True)
        return None
    findings, written = taken
    if any(path.endswith(".html") for path in written):
        progress.doing = STEP_WRITES[index_search]
        findings += index_search(staging, settings)
    if settings["PRECOMPRESS"]:
        progress.doing = STEP_WRITES[precompress]
        index = (staging / SEARCH_INDEX_FOLDER).rglob("*")
        precompress(staging, settings, only=written + [
            path.relative_to(staging).as_posix() for path in index])
    model.stamp, model.sources = plan.stamp, plan.sources
    return findings, plan.stamp["skipped"], plan.stamp["summary"]


def finish(result: BuildResult, settings: dict, site: Path | None = None,
           state: str | None = None) -> None:
    """The one end of a build whose site is in place at `site` (default: where it was built;
    `state`, its unchanged.site_state when known): the pages it wrote are recorded, for the
    next build to reuse (plugins/incremental), and the model it leaves is saved, for the next
    build to take up (bantin/resume.py)."""
    site = Path(site or result.output)
    save_manifest(settings["CACHE_PATH"], site, result.record.written)
    if result.model is not None:
        resume.save(result.model, result, settings, site, state or unchanged.site_state(site))


def staging_path(output: Path) -> Path:
    """Where this process builds the site before it replaces `output`: beside it, so that the
    final renames stay on one file system."""
    return output.with_name(f"{output.name}.staging-{os.getpid()}")


def excluded_sources(findings: list[Finding], settings: dict) -> dict[str, list[str]]:
    """Settings that leave out every source with an error: article folders, page files."""
    content = Path(settings["PATH"])
    article_roots = [content / folder for folder in settings["ARTICLE_PATHS"]]
    folders, files = set(), set()
    for finding in findings:
        if not finding.is_error:
            continue
        source = Path(settings["PATH"]).parent / finding.path
        if any(root in source.parents for root in article_roots):
            folders.add(str(source.parent.relative_to(content)))
        else:
            files.add(source.name)
    return {
        "ARTICLE_EXCLUDES": sorted(set(settings["ARTICLE_EXCLUDES"]) | folders),
        "IGNORE_FILES": sorted(set(settings["IGNORE_FILES"]) | files),
    }


def run_pelican(
    settings_file: str | Path, overrides: dict | None, staging: Path, excluded: dict,
    previous: Path, record: BuildRecord | None = None, keep: list | None = None,
) -> list[Finding]:
    """Run Pelican once per edition (EDITIONS) into `staging`, the default edition at its root
    and the others in their folders, reusing unchanged pages of the `previous` output
    (plugins/incremental) and noting what the plugins write in `record` (a fresh one when none
    is given); each edition's generators are added to `keep`, when given. Warnings and errors
    become findings, each reported once."""
    recorder = WarningCounter()
    root_logger = logging.getLogger()
    root_logger.addHandler(recorder)
    if keep is not None:
        signals.all_generators_finalized.connect(keep.append, weak=False)
    try:
        common = {**(overrides or {}), **excluded, "PREVIOUS_OUTPUT_PATH": str(previous),
                  RECORD_SETTING: record or BuildRecord()}
        base = load_settings(settings_file, common)
        for lang in base["EDITIONS"]:
            edition = edition_overrides(base, lang, staging)
            Pelican(load_settings(settings_file, {**common, **edition})).run()
    except Exception as error:  # a template or plugin failure: one line, never a traceback
        if isinstance(error, OSError) and error.errno in DISK_REFUSED:
            raise  # a full disk, say: the build names the file
        if os.environ.get("BANTIN_DEBUG"):
            traceback.print_exc()
        raise BuildFailed([*recorder.findings, Finding(
            "pelican", None, "build-crashed", f"Pelican dừng lại: {type(error).__name__}: {error}"
        )]) from None
    finally:
        root_logger.removeHandler(recorder)
        if keep is not None:
            signals.all_generators_finalized.disconnect(keep.append)
    unique = {str(finding): finding for finding in recorder.findings}  # sources are read per edition
    return list(unique.values())


def describe(findings: list[Finding]) -> str:
    """Findings as lines for a terminal, errors first."""
    ordered = sorted(findings, key=lambda finding: not finding.is_error)
    return "\n".join(str(finding) for finding in ordered)
