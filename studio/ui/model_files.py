"""Which model files are there: asked of the engine's `ModelStore` off the UI thread (importing
the engine imports torch, which the window never waits for)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ModelCheck:
    folder: Path
    files: list[Any] = field(default_factory=list)  # engine ModelFileStatus records
    error: str | None = None  # the engine could not be used at all
    model_id: str = "emojich"  # a folder's studio-model.json may name another model
    # The files generation needs (the U-Net is for cut-outs, which have a fallback).
    generation_keys: tuple[str, ...] = ("dalle", "vqgan", "tokenizer")

    @property
    def missing(self) -> list[str]:
        """Files generation needs that are not there."""
        return [f.filename for f in self.files if f.key in self.generation_keys and not f.present]

    @property
    def ready(self) -> bool:
        return self.error is None and not self.missing


def check_model_files(folder: Path) -> ModelCheck:
    """Blocking: run it in the background. Never raises for an ordinary problem."""
    try:
        from studio.engine import ModelStore
        from studio.engine.store import GENERATION_KEYS
    except Exception as exc:  # a broken install (torch missing, engine not built)
        log.exception("Cannot import the engine's model store")
        return ModelCheck(folder, error=f"The generation engine cannot be loaded ({exc}).")
    try:
        files = list(ModelStore(folder).status())
        return ModelCheck(
            folder, files, model_id=_model_id(folder), generation_keys=GENERATION_KEYS
        )
    except Exception as exc:  # an unreadable folder, permissions
        log.warning("Cannot check the model folder %s: %s", folder, exc)
        return ModelCheck(folder, error=f"Cannot read the model folder {folder}: {exc}")


def human_size(n_bytes: int | None) -> str:
    if n_bytes is None:
        return "—"
    size = float(n_bytes)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


def _model_id(folder: Path) -> str:
    """The id jobs record: "emojich", or what the folder's studio-model.json calls its model."""
    try:
        described = json.loads((folder / "studio-model.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "emojich"
    value = described.get("id") if isinstance(described, dict) else None
    return str(value) if value else "emojich"
