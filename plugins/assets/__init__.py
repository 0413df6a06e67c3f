"""Content-hashed theme assets, so browsers may cache CSS, JS and icons forever.

Templates write ``{{ SITEURL }}/{{ asset_url("css/site.css") }}`` and get
``theme/css/site.3f2a9c1b.css``: the theme's static file under a name that changes whenever
its content does. After the build, a copy under that name sits next to Pelican's plain copy
in ``THEME_STATIC_DIR``. An unknown asset name stops the build instead of leaving a dead link.
"""

import hashlib
import shutil
from pathlib import Path, PurePosixPath

from pelican import signals

HASH_LENGTH = 8


class UnknownAsset(LookupError):
    """A template asked for a file the theme does not ship."""


def _source_dirs(settings: dict) -> list[Path]:
    """The theme's static folders, in the order Pelican copies them (later ones win)."""
    theme = Path(settings["THEME"])
    return [theme / entry for entry in settings["THEME_STATIC_PATHS"]]


def find_source(settings: dict, name: str) -> Path:
    """The file a template means by `name` ("css/site.css"), as Pelican would publish it."""
    for folder in reversed(_source_dirs(settings)):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise UnknownAsset(f"asset_url: the theme has no static file {name!r}")


def hashed_name(name: str, source: Path) -> str:
    """`css/site.css` -> `css/site.3f2a9c1b.css`, the hash taken from the file's bytes."""
    digest = hashlib.sha256(source.read_bytes()).hexdigest()[:HASH_LENGTH]
    path = PurePosixPath(name)
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


def asset_url(settings: dict, name: str) -> str:
    """Site-relative URL of the hashed copy of the theme file `name`."""
    hashed = hashed_name(name, find_source(settings, name))
    return f"{settings['THEME_STATIC_DIR']}/{hashed}"


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
    """Publish every theme static file under its hashed name as well."""
    settings = pelican.settings
    target = Path(pelican.output_path) / settings["THEME_STATIC_DIR"]
    for folder in _source_dirs(settings):
        if not folder.is_dir():
            continue
        for source in sorted(folder.rglob("*")):
            if source.is_file():
                name = source.relative_to(folder).as_posix()
                destination = target / hashed_name(name, source)
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, destination)


def register() -> None:
    signals.generator_init.connect(add_template_global)
    signals.finalized.connect(write_hashed_copies)
