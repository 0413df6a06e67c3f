"""Warnings said through logging while a piece of work runs, counted or kept as findings."""

import logging
from contextlib import contextmanager

from core.errors import Finding


class WarningCounter(logging.Handler):
    """Counts the warnings and errors logged while it is attached, and keeps them as findings: a
    plugin's own finding as it is, any other message as a Pelican finding."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.findings: list[Finding] = []

    @property
    def count(self) -> int:
        return len(self.findings)

    def emit(self, record: logging.LogRecord) -> None:
        if isinstance(getattr(record, "finding", None), Finding):  # a plugin's own finding
            self.findings.append(record.finding)
            return
        message = " ".join(record.getMessage().split())
        self.findings.append(Finding("pelican", None, "pelican-" + record.levelname.lower(), message))


@contextmanager
def counting_warnings():
    """A WarningCounter attached to the root logger for the time of the `with` block."""
    counter = WarningCounter()
    root = logging.getLogger()
    root.addHandler(counter)
    try:
        yield counter
    finally:
        root.removeHandler(counter)
