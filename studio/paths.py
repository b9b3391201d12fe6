"""Where the studio keeps things: one module, over platformdirs.

`STUDIO_HOME=/some/dir` puts everything (data, cache, config, logs, models) under that folder:
the portable mode, and what every test uses. Paths are computed on each call so that a change of
the environment (a test's temporary home) takes effect without restarting the process.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_DIR_NAME = "StickerStudio"
HOME_ENV = "STUDIO_HOME"


@dataclass(frozen=True)
class StudioPaths:
    data: Path
    cache: Path
    config: Path
    logs: Path
    models: Path

    @property
    def library_db(self) -> Path:
        """The SQLite library file."""
        return self.data / "library.sqlite3"

    @property
    def media(self) -> Path:
        """Images and masks the library rows point at (paths in the database are relative to
        `data`, so a moved data folder keeps working)."""
        return self.data / "media"

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    def ensure(self) -> StudioPaths:
        """Create every folder; returns self for chaining."""
        for folder in (self.data, self.cache, self.config, self.logs, self.models, self.media):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def studio_paths() -> StudioPaths:
    """The folders in force now: under `$STUDIO_HOME` when set, else the platform's own."""
    home = os.environ.get(HOME_ENV)
    if home:
        root = Path(home).expanduser().resolve()
        return StudioPaths(
            data=root / "data",
            cache=root / "cache",
            config=root / "config",
            logs=root / "logs",
            models=root / "models",
        )
    data = Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))
    return StudioPaths(
        data=data,
        cache=Path(platformdirs.user_cache_dir(APP_DIR_NAME, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False)),
        logs=Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False)),
        models=data / "models",
    )


def is_frozen() -> bool:
    """True inside a PyInstaller build."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def resources_dir() -> Path:
    """The shipped `resources/` folder (icons, styles, our cut-out weights).

    In a PyInstaller build it sits in the unpacked bundle; from a source checkout (the project is
    installed editable) it is the repository's top-level folder.
    """
    if is_frozen():
        return Path(sys._MEIPASS) / "resources"  # type: ignore[attr-defined]
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    """A file under `resources/`."""
    return resources_dir().joinpath(*parts)
