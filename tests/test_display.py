"""Without a display the window is refused with one line instead of Qt aborting."""

from __future__ import annotations

import pytest

from studio.cli import main
from studio.display import display_problem


def test_linux_needs_a_display_or_a_qt_platform():
    assert "needs a display" in display_problem({}, "linux")
    assert "xvfb-run -a .venv/bin/sticker-studio" in display_problem({}, "linux")
    assert display_problem({"DISPLAY": ":0"}, "linux") is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "win32") is None and display_problem({}, "darwin") is None


def test_the_window_command_says_so_and_exits_2(monkeypatch, capsys):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr("sys.platform", "linux")
    import studio.ui.app

    def must_not_open():
        pytest.fail("the window was opened without a display")

    monkeypatch.setattr(studio.ui.app, "run_app", must_not_open)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the window needs a display") and err.count("\n") == 1
