"""Whether the window can open here: on Linux it needs a display (X11 or Wayland).

Without one, Qt aborts the process with a message that suggests reinstalling; the studio says
what is missing instead, before Qt is imported.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def display_problem(
    environ: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """One line saying why the window cannot open, or None when it can (or Qt decides)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None  # Windows and macOS always have their own display
    if environ.get("QT_QPA_PLATFORM") or environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"):
        return None
    return (
        "the window needs a display, and none is set (DISPLAY or WAYLAND_DISPLAY): run it in a "
        "desktop session, through `ssh -X`, or with a virtual one: "
        "`xvfb-run -a .venv/bin/sticker-studio`; the commands (`--help`) need none"
    )
