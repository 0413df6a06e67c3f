"""Content-hashed theme assets, one copy for every edition, so browsers may cache CSS, JS and
icons forever and the English pages reuse what the Vietnamese ones already downloaded.

Templates write ``{{ asset_url("css/site.css") }}`` and get ``/theme/css/site.3f2a9c1b.css``
(after the default edition's SITEURL, whichever edition is rendered): the theme's file under a
name that changes whenever its published content does. CSS and JavaScript are published
minified (rcssmin, rjsmin), in preview and publishing alike, so that what is previewed is what
is published; the sources in the theme stay readable. The files come from ASSET_PATHS (theme
folders); Pelican's own plain copy is off (THEME_STATIC_PATHS is empty), so that nothing is
published twice. An unknown asset name stops the build instead of leaving a dead link.
"""

import hashlib
from pathlib import Path, PurePosixPath

import rcssmin
import rjsmin
from pelican import signals

HASH_LENGTH = 8
# How each kind of text file is made smaller; every other file is published as it is.
MINIFIERS = {
    ".css": lambda text: rcssmin.cssmin(text),
    ".js": lambda text: rjsmin.jsmin(text),
}


class UnknownAsset(LookupError):
    """A template asked for a file the theme does not ship."""


def _source_dirs(settings: dict) -> list[Path]:
    """The theme's asset folders, in order (a file of a later one wins)."""
    theme = Path(settings["THEME"])
    return [theme / entry for entry in settings["ASSET_PATHS"]]


def find_source(settings: dict, name: str) -> Path:
    """The file a template means by `name` ("css/site.css")."""
    for folder in reversed(_source_dirs(settings)):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise UnknownAsset(f"asset_url: the theme has no static file {name!r}")


def published_bytes(source: Path) -> bytes:
    """What the site serves for `source`: minified CSS and JS, every other file as it is."""
    minify = MINIFIERS.get(source.suffix)
    if minify is None:
        return source.read_bytes()
    return minify(source.read_text(encoding="utf-8")).encode("utf-8")


def hashed_name(name: str, content: bytes) -> str:
    """`css/site.css` -> `css/site.3f2a9c1b.css`, the hash taken from the published bytes."""
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def root_siteurl(settings: dict) -> str:
    """The default edition's SITEURL, where the one copy of the assets lives."""
    urls = settings.get("EDITION_URLS")
    return urls[settings["EDITIONS"][0]]["SITEURL"] if urls else settings["SITEURL"]


def is_root_edition(settings: dict) -> bool:
    """True for the run that builds the default edition (the one that publishes the assets)."""
    editions = settings.get("EDITIONS")
    return not editions or settings.get("DEFAULT_LANG") == editions[0]


def asset_url(settings: dict, name: str) -> str:
    """URL of the hashed copy of the theme file `name`, the same from every edition."""
    source = find_source(settings, name)
    hashed = hashed_name(name, published_bytes(source))
    return f"{root_siteurl(settings)}/{settings['THEME_STATIC_DIR']}/{hashed}"


def add_template_global(generator) -> None:
    settings = generator.settings
    urls: dict[str, str] = {}  # every page asks for the same few files; the theme does not
                               # change while a generator lives

    def cached_asset_url(name: str) -> str:
        if name not in urls:
            urls[name] = asset_url(settings, name)
        return urls[name]

    generator.env.globals["asset_url"] = cached_asset_url


def write_hashed_copies(pelican) -> None:
    """Publish every theme asset, once, under its hashed name in the default edition's folder."""
    settings = pelican.settings
    if not is_root_edition(settings):
        return
    target = Path(pelican.output_path) / settings["THEME_STATIC_DIR"]
    for folder in _source_dirs(settings):
        if not folder.is_dir():
            continue
        for source in sorted(folder.rglob("*")):
            if source.is_file():
                content = published_bytes(source)
                destination = target / hashed_name(source.relative_to(folder).as_posix(), content)
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_bytes(content)


def register() -> None:
    signals.generator_init.connect(add_template_global)
    signals.finalized.connect(write_hashed_copies)
