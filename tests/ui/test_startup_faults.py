"""The window starts on a damaged, read-only or unopenable library: it never crashes (no
exception escapes, nothing is logged as uncaught), keeps every readable candidate in the
gallery, and says what it found."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

import pytest
from ui_fixtures import FakeSegmenter, ready_check

import studio.library.db as db
from studio.library import Library
from studio.library.testing import (
    build_sample_library,
    flip_bytes,
    install,
    readable_candidate_ids,
)
from tests.jobs.scripted_backend import ScriptedBackend

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def damaged_cases(tmp_path_factory):
    """Damaged copies of a sample library, by what a start does with them."""
    from studio.paths import StudioPaths

    root = tmp_path_factory.mktemp("cases")
    paths = StudioPaths(root / "d", root / "c", root / "cfg", root / "l", root / "m").ensure()
    sample = build_sample_library(paths)
    cases: dict[str, list[bytes]] = {"recovered": [], "rows skipped": [], "opened as is": []}
    for seed in range(600):
        data = flip_bytes(sample, seed)
        install(paths, data)
        # What the window reads at start-up (the queue and the gallery): damage found there
        # starts the deep check. The pack tab reads its rows later, when it is first shown.
        with Library(paths) as lib:
            lib.jobs()
            lib.candidates()
            lib.current_cutouts()
            kind = (
                "recovered"
                if lib.recovery
                else ("rows skipped" if lib.unreadable else "opened as is")
            )
        if len(cases[kind]) < 2:
            cases[kind].append(data)
        if all(len(found) == 2 for found in cases.values()):
            break
    return cases, paths


def notices(window) -> str:
    from PySide6.QtWidgets import QMessageBox

    return "\n".join(box.text() for box in window.findChildren(QMessageBox))


def open_on(open_window, paths, data, media_from=None):
    install(paths, data, media_from)
    readable = readable_candidate_ids(paths.library_db)
    install(paths, data)
    window = open_window(
        backend_factory=ScriptedBackend,
        segmenter_factory=FakeSegmenter,
        model_checker=ready_check,
    )
    return window, readable


@pytest.mark.parametrize("kind", ["recovered", "rows skipped", "opened as is"])
def test_a_damaged_library_starts_with_its_readable_candidates(
    open_window, qtbot, paths, damaged_cases, kind, caplog
):
    cases, sample_paths = damaged_cases
    assert cases[kind], f"no seed gave '{kind}'"
    for data in cases[kind]:
        window, readable = open_on(open_window, paths, data, sample_paths)
        qtbot.wait(100)
        shown = {c.id for c in window.gallery.model.candidates()}
        assert len(readable - shown) <= 1  # (a garbled duplicate row may be dropped)
        window.pack_page.ensure()  # the pack and editor panels load from the library too
        for candidate_id in sorted(shown)[:3]:
            window.editor_page.ensure().open_candidate(candidate_id)
        if kind == "recovered":
            assert "damaged" in notices(window)
        if kind == "rows skipped":
            mark = paths.library_db.with_name("library.sqlite3" + db.REPAIR_MARK_SUFFIX)
            qtbot.waitUntil(mark.exists, timeout=10000)  # the deep check confirmed it
            shown_to = window
            qtbot.waitUntil(lambda w=shown_to: "deep check confirmed" in notices(w), timeout=5000)
            assert "could not be read" in notices(window)
        window.shutdown()
    assert not [r for r in caplog.records if "Uncaught" in r.getMessage()]


def test_a_read_only_library_opens_without_generation(open_window, qtbot, paths, monkeypatch):
    build_sample_library(paths)
    before = paths.library_db.read_bytes()

    def read_only(path):
        exc = __import__("sqlite3").OperationalError("attempt to write a readonly database")
        exc.sqlite_errorcode = 8
        raise exc

    monkeypatch.setattr(db, "connect", read_only)
    window = open_on(open_window, paths, before)[0]
    assert window.library.read_only
    assert "read-only" in window.last_notice.text()
    assert window.gallery.model.rowCount() == 48
    qtbot.waitUntil(lambda: window.model_check is not None, timeout=5000)
    assert not window.prompt_panel.generate_button.isEnabled()
    assert not window.queue.ready
    window.shutdown()
    assert paths.library_db.read_bytes() == before


def test_an_unopenable_library_is_a_dialog_not_a_crash(monkeypatch):
    import studio.ui.app as app
    import studio.ui.main_window as main_window
    from studio.library.db import LibraryUnavailable

    shown = []

    def unavailable(*args, **kwargs):
        raise LibraryUnavailable("cannot write: the disk is full; free some space")

    monkeypatch.setattr(main_window, "MainWindow", unavailable)
    monkeypatch.setattr(app.QMessageBox, "critical", lambda *args: shown.append(args[-1]))
    assert app.run_app() == 2
    assert shown and "disk is full" in shown[0]


START = textwrap.dedent(
    """
    from PySide6.QtCore import QTimer
    from studio.logs import setup_logging
    from studio.paths import studio_paths
    from studio.ui.app import create_application
    from studio.ui.main_window import MainWindow
    setup_logging(studio_paths().logs)
    app = create_application()
    window = MainWindow()
    window.show()
    window.start()
    QTimer.singleShot(1500, app.quit)
    app.exec()
    print("candidates", window.gallery.model.rowCount())
    window.shutdown()
    # End as the app does: a normal interpreter exit would tear torch down mid-import (the
    # worker may still be loading it) and print torch's own clean-up errors.
    from studio.ui.app import exit_now
    exit_now(window.busy_at_exit)
    """
)


@pytest.mark.slow  # two fresh interpreters with the whole window
def test_the_real_start_up_never_logs_an_uncaught_exception(paths, damaged_cases):
    cases, sample_paths = damaged_cases
    for kind in ("recovered", "rows skipped"):
        install(paths, cases[kind][0], sample_paths)
        result = subprocess.run(
            [sys.executable, "-c", START], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout.strip().startswith("candidates")
        log_text = (paths.logs / "studio.log").read_text(encoding="utf-8")
        assert "Uncaught exception" not in log_text
        logging.getLogger("studio").handlers.clear()
