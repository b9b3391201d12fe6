"""The one store of window state: geometry, docks, the open tab, the gallery's order, the last
export folder, the Telegram user id to publish for. An INI file in the studio's config folder
(beside settings.toml), so that a portable STUDIO_HOME carries it and tests never touch the
user's own. Nothing in the window uses a default `QSettings()` (that writes outside it)."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from studio.paths import StudioPaths


def window_settings(paths: StudioPaths) -> QSettings:
    """The window-state store of the studio at `paths`."""
    return QSettings(str(paths.config / "window.ini"), QSettings.Format.IniFormat)
