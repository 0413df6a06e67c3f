"""A build that takes up where the last one left off: after an edit of text alone, a new build
process (`invoke build`, `invoke publish`, CI) renders the pages that show the edited text on the
model the last build saved, instead of building the whole site again.

After a build has put its site in place, the model Pelican made of each edition (its articles,
pages, lists and the context they share; core.pelican_internals.generator_model) is pickled into
CACHE_PATH/model/<place>/, one file per edition, under a stamp (stamp.json) that records what it
was made from: everything the build read but the content (bantin.unchanged.setup_state), the
version of every content file (the id git gives its bytes for a file as committed, else its size,
time and inode), which editions hold each source, the findings, the pages' fingerprints, and the
state of the site it left (each file's path, size and time: a site restored from CI's cache keeps
them).

A later build of the same site with the same setup and the site as it was left compares the
content's versions with the model's. When every difference is the text or photos of sources the
model holds (bantin.text_edits), it checks those sources alone, loads the editions that hold
them, renders their pages and feeds into a folder of their own, and builds the new site as a copy
of the old one made of hard links, with those files put in its place and the search index
brought up to date. The copy then takes the old site's place as any build's does. Sources read
this way are noted in the stamp and read again by every later such build, until an ordinary
build saves a new model. Anything else (a source added, removed or left out for an error, a
title, date or field changed, more than MAX_SOURCES sources, an article waiting for its date,
another setup, a site changed since, a damaged model) takes an ordinary build.

The model is pickled: like the reader's cache, it is the project's own cache, and each file is
checked against the digest its stamp records before it is unpickled.
"""

import gc
import hashlib
import io
import json
import logging
import os
import pickle
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pelican import Pelican

from bantin import unchanged
from bantin.lint import ACROSS_FILES, display_path
from bantin.text_edits import move_into, render_text, sources_to_read
from core.checkout import committed_for, committed_id
from core.errors import Finding
from core.files import write_whole
from core.pelican_internals import (edition_contents, fresh_generators, generator_model,
                                    holds_contents, restore_model)
from core.record import RECORD_SETTING, record_of

logger = logging.getLogger(__name__)

# More sources to read again than this take an ordinary build, which reads them all at once.
MAX_SOURCES = 50
# The settings modules: a function defined there is found again by name in the new settings.
SETTINGS_MODULES = ("pelicanconf", "publishconf")
# Settings that name this build's folders: the model takes the new build's.
PLACES = unchanged.PLACE_SETTINGS | {RECORD_SETTING}


@dataclass
class Model:
    """What a build leaves for the next one to take up, saved once its site is in place."""

    setup: str
    versions: dict[str, str]
    editions: list[list] = field(default_factory=list)  # each edition's generators (a new model)
    stamp: dict | None = None  # the stamp taken up, and the sources read again (a resumed build)
    sources: set[str] = field(default_factory=set)
    aside: dict | None = None  # the new stamp of editions pickled ahead (pickle_ahead)


@dataclass
class Plan:
    """A build that can take up the saved model: the stamp, the findings of the build that
    saved it, and the sources to read again."""

    folder: Path
    stamp: dict
    findings: list[Finding]
    sources: set[str]


# What a stamp holds, by kind: one that is not so (damaged, of other code) is not taken up.
STAMP_KINDS = {"setup": str, "versions": dict, "holders": dict, "editions": dict, "updated": list,
               "findings": list, "skipped": list, "summary": list, "written": dict, "site": str}


def model_folder(settings: dict, site: Path) -> Path:
    place = hashlib.blake2b(str(Path(site).resolve()).encode(), digest_size=12).hexdigest()
    return Path(settings["CACHE_PATH"]) / "model" / place


def content_versions(settings: dict) -> dict[str, str]:
    """The version of every file of the content: git's id of its bytes for a file as committed
    (core.checkout), else its size, modification time and inode."""
    committed = committed_for(settings)
    versions = {}
    for folder, _, names in os.walk(settings["PATH"]):
        for name in names:
            path = os.path.join(folder, name)
            try:
                stat = os.stat(path, follow_symlinks=False)
            except OSError:
                continue
            versions[path] = (committed_id(path, stat, committed)
                              or f"{stat.st_size}:{stat.st_mtime_ns}:{stat.st_ino}")
    return versions


# --- Taking the model up -----------------------------------------------------------------------
def plan(settings: dict, site: Path, setup: str, versions: dict[str, str],
         state: unchanged.SiteState) -> Plan | None:
    """The sources to read again on the model saved for `site` (whose `state` is being taken),
    or None when this build must be an ordinary one."""
    folder = model_folder(settings, site)
    try:
        stamp = json.loads((folder / "stamp.json").read_text(encoding="utf-8"))
        if not all(isinstance(stamp.get(key), kind) for key, kind in STAMP_KINDS.items()):
            return None
        findings = [Finding(**finding) for finding in stamp["findings"]]
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    if stamp["setup"] != setup:
        return None
    known = stamp["versions"]
    changed = {path for path in versions.keys() | known.keys()
               if versions.get(path) != known.get(path)}
    sources = sources_to_read(changed, stamp["holders"], known.__contains__)
    if sources is None:
        return None
    sources |= {source for source in stamp["updated"] if source in stamp["holders"]}
    if len(sources) > MAX_SOURCES or state.digest() != stamp["site"]:
        return None
    return Plan(folder, stamp, findings, sources)


def pages_folder(staging: Path) -> Path:
    """Where the pages showing the edited text are rendered before they join the site."""
    return staging.with_name(f"{staging.name}-pages")


def take_up(plan: Plan, editions: list[dict], settings: dict, staging: Path,
            previous: Path) -> tuple[list[Finding], list[str]] | None:
    """Build the site into `staging` from the `previous` site and the saved model: the sources
    of `plan` read again on the editions that hold them (`editions`: each edition's Pelican
    settings, in EDITIONS order, writing into a folder of their own beside `staging`). Returns
    the build's findings and the site's files that changed, or None, with `staging` removed,
    when an ordinary build is needed."""
    record = record_of(settings)
    record.written.update(plan.stamp["written"])
    record.converted_ahead = record.photos_prefetched = True  # nothing else is read
    langs = {lang for source in plan.sources for lang in plan.stamp["holders"][source]}
    pages = pages_folder(staging)
    copy = LinkCopy(previous, staging)  # made on another core while the pages are rendered
    try:
        loaded = [load_edition(plan, edition) for edition in editions
                  if edition["DEFAULT_LANG"] in langs]
        if any(generators is None for generators in loaded):
            return None
        holders = {source: [(generator, content) for generators in loaded
                            for generator in generators
                            for content in edition_contents(generator)
                            if content.source_path == source]
                   for source in plan.sources}
        if any(not held for held in holders.values()):
            return None
        found = render_text(plan.sources, holders, loaded, settings, pages)
        if not copy.wait() or found is None:
            return None
        written = move_into(pages, staging)
    finally:
        copy.wait()
        shutil.rmtree(pages, ignore_errors=True)
    shown = {display_path(Path(source), settings) for source in plan.sources}
    kept = [finding for finding in plan.findings
            if str(finding.path) not in shown or finding.code in ACROSS_FILES]
    return sorted(kept + found, key=lambda f: (str(f.path), f.line or 0)), written


def load_edition(plan: Plan, settings: dict) -> list | None:
    """The generators of articles and pages of one edition, made afresh for `settings` and
    given the saved model; None when the model cannot be used."""
    entry = plan.stamp["editions"].get(settings["DEFAULT_LANG"])
    if entry is None:
        return None
    try:
        data = (plan.folder / entry["file"]).read_bytes()
    except OSError:
        return None
    if hashlib.blake2b(data, digest_size=20).hexdigest() != entry["digest"]:
        return None
    generators = [generator for generator in fresh_generators(Pelican(settings))
                  if holds_contents(generator)]
    try:
        models = _ModelUnpickler(io.BytesIO(data), generators).load()
    except Exception as error:  # a model of other code: an ordinary build makes a new one
        logger.debug("model not taken up: %r", error)
        return None
    if len(models) != len(generators):
        return None
    for generator, model in zip(generators, models):
        restore_model(generator, model)
    context = generators[0].context
    context.update((key, settings[key]) for key in PLACES if key in settings)
    return generators


class LinkCopy:
    """A copy of a site whose files are hard links to the site's (no byte is written), made by
    `cp -al` in a process of its own while the caller works."""

    def __init__(self, site: Path, copy: Path):
        shutil.rmtree(copy, ignore_errors=True)
        self.copy = copy
        self.process = subprocess.Popen(
            ["cp", "-al", "--", str(site), str(copy)], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL) if site.is_dir() else None
        self.made: bool | None = None

    def wait(self) -> bool:
        """Whether the copy is complete (False where the file system cannot link: then nothing
        of it is left)."""
        if self.made is None:
            self.made = self.process is not None and self.process.wait() == 0
            if not self.made:
                shutil.rmtree(self.copy, ignore_errors=True)
        return self.made


# --- Saving it ---------------------------------------------------------------------------------
def save(model: Model, result, settings: dict, site: Path, state: str) -> None:
    """Save what the build (`result`, bantin.build.BuildResult) that made `site`, now in place
    and in `state` (unchanged.site_state), leaves for the next: a new model after an ordinary
    build, the stamp brought up to date after one that took the model up. A site that changes
    with the clock alone saves none."""
    folder = model_folder(settings, site)
    stamp_path = folder / "stamp.json"
    if unchanged.depends_on_clock(result.findings):
        stamp_path.unlink(missing_ok=True)
        discard_aside(settings, site)
        return
    if model.stamp is not None:
        stamp = dict(model.stamp)
        stamp["updated"] = sorted(set(stamp["updated"]) | model.sources)
    else:
        stamp_path.unlink(missing_ok=True)  # the files it names are about to be replaced
        if model.aside is not None:
            stamp = model.aside
            try:
                for entry in stamp["editions"].values():
                    os.replace(folder / (entry["file"] + aside_suffix()), folder / entry["file"])
            except OSError:  # gone: the next build is an ordinary one
                return
        else:
            stamp = new_stamp(model, folder)
        if stamp is None:
            return
    stamp.update(findings=unchanged.as_json(result.findings), skipped=result.skipped,
                 summary=result.summary, written=result.record.written, site=state)
    write_whole(stamp_path, json.dumps(stamp))


def pickle_ahead(model: Model | None, settings: dict, site: Path) -> None:
    """Pickle a new model ahead, beside the saved one (which still describes the site in place
    at `site`), while the build's last steps run: save() puts it in place once the new site is
    there; discard_aside() removes it when the new site never is."""
    if model is None or model.stamp is not None or not model.editions or model.aside is not None:
        return
    model.aside = new_stamp(model, model_folder(settings, site), aside_suffix())


def discard_aside(settings: dict, site: Path) -> None:
    """Remove what this process pickled ahead for `site` and did not put in place."""
    for leftover in model_folder(settings, site).glob(f"*{aside_suffix()}"):
        leftover.unlink(missing_ok=True)


@contextmanager
def set_aside(model: Model | None, settings: dict, site: Path):
    """The new model pickled ahead (pickle_ahead), and its editions let go of: what runs inside
    (a publication's checks of every page) then does not hold every article's model as well.
    What is left of it when the new site never was put in place is removed on leaving."""
    if model is None or model.stamp is not None or not model.editions:
        yield
        return
    pickle_ahead(model, settings, site)
    model.editions = []
    gc.collect()  # the articles' objects refer to each other
    try:
        yield
    finally:
        discard_aside(settings, site)


def aside_suffix() -> str:
    return f".aside-{os.getpid()}"


def new_stamp(model: Model, folder: Path, suffix: str = "") -> dict | None:
    """Pickle each edition's model into `folder` (each file's name followed by `suffix`); the
    stamp naming them, or None when one cannot be pickled."""
    if not model.editions:  # let go of by set_aside, which could not pickle it
        return None
    editions, holders = {}, {}
    for generators in model.editions:
        content_generators = [generator for generator in generators if holds_contents(generator)]
        if not content_generators:
            continue
        lang = content_generators[0].settings["DEFAULT_LANG"]
        name = f"{lang}.pickle"
        digest = pickle_whole(folder / (name + suffix), content_generators)
        if digest is None:
            return None
        editions[lang] = {"file": name, "digest": digest}
        for generator in content_generators:  # the edition that shows a source's text
            for content in edition_contents(generator):
                if content.lang == lang:
                    holders.setdefault(content.source_path, []).append(lang)
    return {"setup": model.setup, "versions": model.versions, "holders": holders,
            "editions": editions, "updated": []}


# --- Pickling an edition's model ---------------------------------------------------------------
class _Digesting(io.RawIOBase):
    """A file being written that digests what is written to it."""

    def __init__(self, file):
        self.file, self.digest = file, hashlib.blake2b(digest_size=20)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.digest.update(data)
        return self.file.write(data)


def pickle_whole(path: Path, generators: list) -> str | None:
    """Pickle the model of an edition's `generators` into `path` as it is made (never whole in
    memory), the file renamed into place once complete; its digest, or None when the model
    cannot be pickled."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        with open(partial, "wb") as file:
            target = _Digesting(file)
            buffered = io.BufferedWriter(target, 1 << 20)
            _ModelPickler(buffered, generators).dump(
                [generator_model(generator) for generator in generators])
            buffered.flush()
    except Exception as error:  # something of a plugin that cannot be kept: no model
        logger.debug("model not saved: %r", error)
        partial.unlink(missing_ok=True)
        return None
    partial.replace(path)
    return target.digest.hexdigest()


def shared_objects(generators: list) -> dict[int, tuple]:
    """What the model refers to but a new process makes anew, by identity: the edition's
    settings and the objects they hold, its templates' globals and filters, the generators with
    their template environment and readers."""
    first = generators[0]
    known = {id(first.settings): ("settings",)}
    for key, value in first.settings.items():
        if not isinstance(value, (str, bytes, int, float, bool, type(None))):
            known.setdefault(id(value), ("setting", key))
    for name, value in first.env.globals.items():
        known.setdefault(id(value), ("global", name))
    for name, value in first.env.filters.items():
        known.setdefault(id(value), ("filter", name))
    for index, generator in enumerate(generators):
        known.update({id(generator): ("generator", index), id(generator.env): ("env", index),
                      id(generator.readers): ("readers", index)})
    return known


class _ModelPickler(pickle.Pickler):
    def __init__(self, file, generators: list):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.known = shared_objects(generators)

    def persistent_id(self, obj):
        name = self.known.get(id(obj))
        if name is not None:
            return name
        if callable(obj) and getattr(obj, "__module__", None) in SETTINGS_MODULES:
            return ("settings-function", obj.__qualname__)
        return None


class _ModelUnpickler(pickle.Unpickler):
    def __init__(self, file, generators: list):
        super().__init__(file)
        self.generators = generators

    def persistent_load(self, name):
        kind, *rest = name
        first = self.generators[0]
        if kind == "settings":
            return first.settings
        if kind == "setting":
            return first.settings[rest[0]]
        if kind == "global":
            return first.env.globals[rest[0]]
        if kind == "filter":
            return first.env.filters[rest[0]]
        if kind in ("generator", "env", "readers"):
            generator = self.generators[rest[0]]
            return generator if kind == "generator" else getattr(generator, kind)
        if kind == "settings-function":
            for value in first.settings.values():
                if callable(value) and getattr(value, "__qualname__", None) == rest[0]:
                    return value
        raise pickle.UnpicklingError(f"unknown object {name!r}")
