"""The window's one background-task helper: results, progress and failures reach the UI thread;
a cancel reaches the running function."""

from __future__ import annotations

import errno
import threading

import pytest

from studio.errors import StudioError
from studio.ui.tasks import TaskRunner

pytestmark = pytest.mark.gui


@pytest.fixture
def runner(qtbot):
    tasks = TaskRunner(threads=2)
    yield tasks
    tasks.close(5_000)


def test_result_and_progress_arrive_in_the_ui_thread(runner, qtbot):
    main = threading.get_ident()
    seen: list[tuple[str, object, bool]] = []

    def work(control):
        for step in range(3):
            control.report(step)
        return threading.get_ident()

    runner.submit(
        work,
        on_progress=lambda v: seen.append(("progress", v, threading.get_ident() == main)),
        on_result=lambda v: seen.append(("result", v != main, threading.get_ident() == main)),
    )
    qtbot.waitUntil(lambda: any(kind == "result" for kind, _, _ in seen), timeout=5_000)
    assert [v for kind, v, _ in seen if kind == "progress"] == [0, 1, 2]
    assert ("result", True, True) in seen  # computed elsewhere, delivered in the UI thread
    assert all(in_ui for _, _, in_ui in seen)
    assert not runner.busy


def test_cancel_reaches_the_running_function(runner, qtbot):
    started, stopped_by_cancel = threading.Event(), threading.Event()
    outcome: list[str] = []

    def work(control):
        started.set()
        while not control.should_stop():
            threading.Event().wait(0.01)
        stopped_by_cancel.set()
        return "finished anyway"

    task = runner.submit(
        work,
        on_result=lambda _v: outcome.append("result"),
        on_cancelled=lambda: outcome.append("cancelled"),
    )
    assert started.wait(5)
    task.cancel()
    assert stopped_by_cancel.wait(5)  # the function itself saw the cancel
    qtbot.waitUntil(lambda: bool(outcome), timeout=5_000)
    assert outcome == ["cancelled"]  # its late result is not taken for a success


def test_a_task_cancelled_before_it_starts_never_runs(qtbot):
    runner = TaskRunner(threads=1)
    gate, ran = threading.Event(), []
    runner.submit(lambda _c: gate.wait(5))
    cancelled = []
    waiting = runner.submit(lambda _c: ran.append(True), on_cancelled=lambda: cancelled.append(1))
    waiting.cancel()
    gate.set()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=5_000)
    assert ran == []
    runner.close(5_000)


def test_check_raises_at_a_step_boundary(runner, qtbot):
    outcome: list[str] = []
    steps: list[int] = []
    submitted = threading.Event()  # the worker may start before submit() returns the task
    task = None

    def work(control):
        assert submitted.wait(5)
        for step in range(1000):
            control.check()
            steps.append(step)
            if step == 2:
                task.cancel()
        return "never"

    task = runner.submit(work, on_cancelled=lambda: outcome.append("cancelled"))
    submitted.set()
    qtbot.waitUntil(lambda: bool(outcome), timeout=5_000)
    assert steps == [0, 1, 2]


def _failure_of(runner, qtbot, exc: BaseException, what: str = "the import"):
    failures = []

    def work(_control):
        raise exc

    runner.submit(work, on_error=failures.append, what=what)
    qtbot.waitUntil(lambda: bool(failures), timeout=5_000)
    return failures[0]


def test_a_user_problem_is_said_plainly(runner, qtbot):
    failure = _failure_of(runner, qtbot, StudioError("The pack has no stickers; add some."))
    assert failure.user_problem and failure.message == "The pack has no stickers; add some."
    disk = OSError(errno.ENOSPC, "No space left on device", "/media/x.png")
    failure = _failure_of(runner, qtbot, disk)
    assert failure.user_problem
    assert failure.message.startswith("The import failed: cannot write /media/x.png")
    assert "free some space" in failure.message and "unexpected" not in failure.message


def test_a_bug_is_logged_with_its_traceback_and_named_unexpected(runner, qtbot, caplog):
    failure = _failure_of(runner, qtbot, KeyError("row"), what="the deep check")
    assert not failure.user_problem
    assert failure.message.startswith("The deep check stopped on an unexpected problem (KeyError")
    assert "see the log" in failure.message
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


def test_close_cancels_waits_and_delivers_nothing_after(qtbot):
    runner = TaskRunner(threads=1)
    started, saw_stop = threading.Event(), threading.Event()
    delivered: list[object] = []

    def work(control):
        started.set()
        while not control.should_stop():
            threading.Event().wait(0.005)
        saw_stop.set()
        return 1

    runner.submit(work, on_result=delivered.append, on_cancelled=lambda: delivered.append("c"))
    later = runner.submit(lambda _c: 2, on_result=delivered.append)
    assert started.wait(5)
    assert runner.close(5_000)
    assert saw_stop.is_set()
    qtbot.wait(50)
    assert delivered == []
    assert later.cancel_requested


def test_a_script_ends_cleanly_while_a_task_outlives_its_runner():
    # Destroying a pool waits for its threads while holding the interpreter lock, which the
    # running Python task needs: a script once hung at exit (and its late result had no
    # receiver: "Error calling Python override of QRunnable::run()").
    import subprocess
    import sys
    import textwrap

    code = textwrap.dedent(
        """
        import time
        from PySide6.QtCore import QObject
        from PySide6.QtWidgets import QApplication
        from studio.ui.tasks import TaskRunner
        app = QApplication([])
        owner = QObject()
        runner = TaskRunner(owner, threads=1)
        runner.submit(lambda _c: [time.sleep(0.05) for _ in range(20)])
        time.sleep(0.1)
        print("stopped", runner.close(50))
        del owner, runner
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "stopped False"
    assert "Error calling Python override" not in out.stderr
