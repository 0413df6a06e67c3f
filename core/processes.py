"""Child processes that never outlive the build or publish that started them.

Worker pools call `start_worker` as their initializer: the kernel ends a worker when its parent
dies, even by SIGKILL. Publishing runs rsync and ssh with `run`, and the Nu HTML Checker with
`start`: each in its own process group, ended as a group when the publish is stopped (Ctrl+C,
SIGTERM) or fails.
"""

import ctypes
import os
import signal
import subprocess
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)


def end_with_parent() -> None:
    """Ask the kernel to send this process SIGTERM when its parent dies (Linux only)."""
    prctl = getattr(_libc, "prctl", None)
    if prctl is not None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def start_worker() -> None:
    """The initializer of a pool's worker: it ends with its parent, and SIGTERM or SIGINT end
    it, rather than running the handlers it inherited from the parent (`stoppable`'s)."""
    end_with_parent()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, signal.SIG_DFL)


class Stopped(Exception):
    """The process received SIGTERM or SIGINT; raised so that every `finally` runs."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


@contextmanager
def stoppable():
    """Turn SIGTERM and SIGINT into Stopped while the block runs, so that clean-up code runs and
    the children started with `run` end with it (main thread only)."""

    def stop(signum, frame):
        raise Stopped(signum)

    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@contextmanager
def signals_deferred():
    """Hold SIGTERM and SIGINT back while the block runs (steps that must happen together); they
    are delivered when it ends."""
    held = {signal.SIGTERM, signal.SIGINT}
    signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, held)


def start(command: list[str], **options) -> subprocess.Popen:
    """subprocess.Popen in a process group of its own, which the kernel ends if this process
    dies; the caller ends the group with `end_group` when it gives up on the child."""

    def child_setup():
        os.setpgid(0, 0)
        end_with_parent()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})

    return subprocess.Popen(command, preexec_fn=child_setup, **options)


def run(command: list[str], **options) -> subprocess.CompletedProcess:
    """subprocess.run in a process group of its own that ends with this process: on any exception
    here (Stopped included) the whole group (rsync and its ssh) is terminated, then killed."""
    process = start(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options)
    try:
        stdout, stderr = process.communicate()
    except BaseException:
        end_group(process)
        raise
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def end_group(process: subprocess.Popen) -> None:
    """Terminate a child's process group, then kill what is left of it after a grace period."""
    for signum, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, None)):
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue
