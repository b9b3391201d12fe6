"""User settings that are not window state: which model folder, device and precision to use,
and where to generate (this device, every GPU of this machine, or a Ray cluster).

A small JSON file at `studio_paths().settings_file`, written atomically. Qt-free, so the CLI and
the window read the same choices. Window geometry lives in QSettings instead.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path

from studio.cluster.where import InvalidWhere, Where
from studio.fileio import atomic_write_json
from studio.paths import studio_paths

log = logging.getLogger(__name__)

DEVICES = ("cuda", "cpu")
PRECISIONS = ("fp16", "bf16", "int8", "fp32")


@dataclass(frozen=True)
class Settings:
    """None means "the default": the studio's own models folder, the best device and precision."""

    models_dir: str | None = None
    device: str | None = None
    precision: str | None = None
    where: str | None = None  # "local" (None), "gpus" or "ray://HOST:PORT": studio.cluster.where

    @property
    def models_path(self) -> Path:
        """The folder the model files are read from."""
        if self.models_dir:
            return Path(self.models_dir).expanduser()
        return studio_paths().models

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)


def _clean(raw: dict) -> Settings:
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known and (v is None or isinstance(v, str))}
    if values.get("device") not in (None, *DEVICES):
        values["device"] = None
    if values.get("precision") not in (None, *PRECISIONS):
        values["precision"] = None
    try:
        Where.parse(values.get("where"))
    except InvalidWhere:
        values["where"] = None
    return Settings(**values)


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings; defaults when the file is missing or unreadable (a damaged settings
    file must never keep the app from starting: it is logged and ignored)."""
    path = path or studio_paths().settings_file
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        log.warning("Ignoring unreadable settings file %s: %s", path, exc)
        return Settings()
    if not isinstance(raw, dict):
        log.warning("Ignoring settings file %s: not a JSON object", path)
        return Settings()
    return _clean(raw)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically."""
    atomic_write_json(path or studio_paths().settings_file, asdict(settings))
