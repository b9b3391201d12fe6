"""Which model files are there: asked of the engine's `ModelStore` off the UI thread (importing
the engine imports torch, which the window never waits for)."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

TRANSLATOR_KEY = "translator"  # the model store's name for the translator's file set


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

    @property
    def translator_ready(self) -> bool:
        """All the optional translator's files are there."""
        parts = [f for f in self.files if f.key == TRANSLATOR_KEY]
        return bool(parts) and all(f.present for f in parts)

    def rows(self) -> list[FileRow]:
        """One row per file, except a file set of several files (the translator), which is one
        row for its folder: present, incomplete or absent as a whole."""
        rows: list[FileRow] = []
        sets: dict[str, list[Any]] = {}
        for f in self.files:
            sets.setdefault(f.key, []).append(f)
        for key, parts in sets.items():
            if len(parts) == 1:
                f = parts[0]
                status = "present" if f.present else ("missing" if f.required else "optional")
                rows.append(
                    FileRow(
                        f.filename,
                        key,
                        status,
                        f.present,
                        f.required,
                        f.size_bytes,
                        f.expected_size,
                    )
                )
                continue
            have = [f for f in parts if f.present]
            if len(have) == len(parts):
                status = "present"
            elif have:
                status = f"incomplete ({len(have)} of {len(parts)} files)"
            else:
                status = "missing" if parts[0].required else "optional"
            folder = parts[0].filename.split("/")[0] + "/"
            rows.append(
                FileRow(
                    folder,
                    key,
                    status,
                    len(have) == len(parts),
                    parts[0].required,
                    sum(f.size_bytes or 0 for f in have) if have else None,
                    None,
                )
            )
        return rows


@dataclass(frozen=True)
class FileRow:
    """A line of the model manager's table."""

    name: str
    part: str
    status: str
    present: bool
    required: bool
    size_bytes: int | None
    expected_size: int | None


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
