"""Publishes the editing desk at /admin/ when the settings name a git host (DESK_BACKEND), once,
with the default edition (bantin/desk/online.py). Without that setting /admin/ is never
published: the desk then lives only in the preview of `invoke livereload`."""

from pathlib import Path

from pelican import signals

from bantin.desk.online import write_desk
from plugins.assets import is_root_edition


def publish_desk(pelican) -> None:
    if is_root_edition(pelican.settings):
        write_desk(pelican.settings, Path(pelican.output_path))


def register() -> None:
    signals.finalized.connect(publish_desk)
