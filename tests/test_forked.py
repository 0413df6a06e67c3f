"""Work shared out to forked workers (core/forked.py): results in order, what workers log said
by the parent, their failures raised in the parent; and a pool's worker ends when told
(core/processes.py)."""

import errno
import logging
import os
import signal
import time
from multiprocessing import get_context

import pytest

from core.errors import Finding
from core.forked import WorkerLost, forked_map
from core.logs import counting_warnings
from core.processes import start_worker, stoppable

logger = logging.getLogger(__name__)


def test_results_come_back_in_order_from_other_processes():
    parent = os.getpid()
    results = forked_map(lambda number: (number * number, os.getpid()), 12, 2)
    assert [square for square, _ in results] == [number * number for number in range(12)]
    assert parent not in {pid for _, pid in results}


def test_what_a_worker_logs_is_said_by_the_parent():
    def work(number):
        logger.warning("phần %d xong", number)
        if number == 2:
            logger.error("lỗi", extra={"finding": Finding("content/a.md", 3, "photo-cache", "Ảnh hỏng")})
        return number

    with counting_warnings() as counter:
        assert forked_map(work, 4, 2) == [0, 1, 2, 3]
    said = [finding.message for finding in counter.findings if finding.code == "pelican-warning"]
    assert said == [f"phần {number} xong" for number in range(4)]  # in the order of the shares
    assert any(finding.code == "photo-cache" and finding.line == 3 for finding in counter.findings)


def test_a_worker_failure_is_raised_in_the_parent_with_its_errno():
    def work(number):
        if number == 3:
            raise OSError(errno.ENOSPC, "No space left on device", "/site/trang.html")
        return number

    with pytest.raises(OSError) as raised:
        forked_map(work, 8, 2)
    assert raised.value.errno == errno.ENOSPC
    assert raised.value.filename == "/site/trang.html"


def test_a_worker_that_dies_is_said_in_one_sentence():
    def work(number):
        if number == 1:
            os._exit(9)
        return number

    with pytest.raises(WorkerLost) as lost:
        forked_map(work, 4, 2)
    assert "tiến trình phụ dừng đột ngột" in str(lost.value)


def test_a_pool_worker_ends_on_sigterm_whatever_handler_it_inherited():
    """A worker forked while publishing inherits `stoppable`'s handler, which raises instead of
    ending the process; start_worker puts SIGTERM's own back."""

    def worker():
        with stoppable():
            start_worker()
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(10)

    process = get_context("fork").Process(target=worker)
    process.start()
    process.join(20)
    assert process.exitcode == -signal.SIGTERM
