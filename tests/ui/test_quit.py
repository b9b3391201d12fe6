"""Quitting is instant: closing the window ends the process within about a second, even while
work that cannot be interrupted runs in the background (importing torch, loading a model); and
SIGTERM, SIGINT and SIGHUP quit the same way, through the window's shutdown."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from typing import NamedTuple

import pytest

pytestmark = pytest.mark.gui

# Runs the real `run_app`, with a window whose background work blocks for a long time in
# calls that check no stop flag: the device probe (as importing torch does), the cut-out
# model's first load, and the model-file check.
CHILD = textwrap.dedent(
    """
    import os, signal, sys, time
    from pathlib import Path
    sys.path[:0] = [sys.argv[1], str(Path(sys.argv[1]).parents[1])]  # tests/ui, the repo
    from PySide6.QtCore import QTimer
    from ui_fixtures import fill_library, ready_check

    import studio.ui.main_window as main_window
    from tests.jobs.scripted_backend import ScriptedBackend
    from studio.library import CandidateStatus, Library

    BLOCK_S = 20.0

    class SlowProbe(ScriptedBackend):
        def probe(self):
            time.sleep(BLOCK_S)
            return super().probe()

    def slow_segmenter():
        time.sleep(BLOCK_S)

    def slow_check(folder):
        time.sleep(BLOCK_S)
        return ready_check(folder)

    with Library() as library:
        kept = fill_library(library, [1.0, 2.0])
        library.set_status(kept, CandidateStatus.KEPT)

    Window = main_window.MainWindow

    def make_window():
        window = Window(backend_factory=SlowProbe, segmenter_factory=slow_segmenter,
                        model_checker=slow_check)

        shutdown = window.shutdown

        def shutdown_seen():
            print("shutdown", flush=True)
            shutdown()

        window.shutdown = shutdown_seen  # what `run_app` connects to aboutToQuit

        def close():
            print("closing", time.time(), flush=True)
            if sys.argv[2] == "close":
                window.close()
            else:  # the system asks the app to stop
                os.kill(os.getpid(), getattr(signal, sys.argv[2]))

        QTimer.singleShot(1500, close)  # all three have started blocking by then
        return window

    main_window.MainWindow = make_window
    from studio.ui.app import run_app
    run_app()
    """
)


class Run(NamedTuple):
    returncode: int
    closing: float | None  # when the child closed its window or sent itself the signal
    ended: float
    printed: list[str]
    stderr: str


def run_child(how: str) -> Run:
    """Run the app in a child that stops by `how` ("close" or a signal's name) after 1.5 s."""
    from pathlib import Path

    fixtures = str(Path(__file__).parent)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, fixtures, how],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = child.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # it did not stop at all
        child.kill()
        out, err = child.communicate()
    ended = time.time()
    printed = out.splitlines()
    closing = next((float(line.split()[1]) for line in printed if line.startswith("closing")), None)
    return Run(child.returncode, closing, ended, printed, err)


def test_the_process_ends_within_a_second_of_closing(tmp_path, studio_home):
    run = run_child("close")
    assert run.closing is not None, run.stderr
    print(f"closed to ended: {run.ended - run.closing:.2f} s")
    assert run.returncode == 0, run.stderr
    # One second is the aim (the window waits 0.8 s at most); the margin is for a loaded
    # machine's process teardown. Before, the process lived until the blocked calls returned.
    took = run.ended - run.closing
    assert took < 2.5, f"the process ended {took:.1f} s after closing"


@pytest.mark.parametrize("name", ["SIGTERM", "SIGINT", "SIGHUP"])
def test_a_signal_quits_through_the_shutdown(tmp_path, studio_home, name):
    # Before, SIGTERM and SIGHUP ended the process by their default action (status -15, -1)
    # without the shutdown, and SIGINT did nothing while the window was idle: Python's handler
    # waits for Python code to run on the main thread.
    run = run_child(name)
    assert run.closing is not None, run.stderr
    assert run.returncode == 0, (run.returncode, run.stderr)
    assert "shutdown" in run.printed
    took = run.ended - run.closing
    assert took < 2.5, f"the process ended {took:.1f} s after the signal"


def test_the_signals_are_given_back(qapp):
    from studio.ui.quit_signals import QUIT_SIGNALS, QuitOnSignals

    before = {number: signal.getsignal(number) for number in QUIT_SIGNALS}
    quitter = QuitOnSignals(qapp)
    assert all(signal.getsignal(number) is not before[number] for number in QUIT_SIGNALS)
    quitter.uninstall()
    assert {number: signal.getsignal(number) for number in QUIT_SIGNALS} == before
