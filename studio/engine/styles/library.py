"""Where styles live: `<data folder>/styles/NAME.style.safetensors`, and their training
checkpoints beside them until training finishes. Torch-free: the window lists styles and reads
their recipes (the safetensors header is JSON) without importing it."""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio.errors import StudioError
from studio.paths import studio_paths

if TYPE_CHECKING:
    from studio.engine.styles.stylefile import StyleFile

STYLE_SUFFIX = ".style.safetensors"
CHECKPOINT_SUFFIX = ".training.ckpt"
# A safetensors header is a JSON object; a style's is a few hundred kilobytes at most.
_MAX_HEADER = 64 * 1024**2
_NAME = re.compile(r"^[\w][\w .-]{0,63}$")


@dataclass(frozen=True)
class StyleEntry:
    name: str
    path: Path
    size_bytes: int


def styles_dir() -> Path:
    return studio_paths().data / "styles"


def check_style_name(name: str) -> str:
    """The name, or a `StudioError` saying what a name may hold."""
    if not _NAME.match(name) or name.strip() != name:
        raise StudioError(
            f"bad style name {name!r}: use up to 64 letters, digits, spaces, '.', '-' or '_'"
        )
    return name


def style_path(name: str) -> Path:
    return styles_dir() / f"{check_style_name(name)}{STYLE_SUFFIX}"


def checkpoint_path(name: str) -> Path:
    return styles_dir() / f"{check_style_name(name)}{CHECKPOINT_SUFFIX}"


def list_styles() -> list[StyleEntry]:
    """The saved styles, by name."""
    folder = styles_dir()
    if not folder.is_dir():
        return []
    return sorted(
        (
            StyleEntry(p.name.removesuffix(STYLE_SUFFIX), p, p.stat().st_size)
            for p in folder.glob(f"*{STYLE_SUFFIX}")
        ),
        key=lambda e: e.name.lower(),
    )


def read_style_info(path: str | Path) -> dict[str, Any]:
    """A style file's `info` (recipe, data list, losses) from its header alone; `StudioError`
    when the file is not a readable style."""
    path = Path(path)
    try:
        with open(path, "rb") as handle:
            (length,) = struct.unpack("<Q", handle.read(8))
            if length > _MAX_HEADER:
                raise ValueError("header too large")
            header = json.loads(handle.read(length))
        return json.loads(header.get("__metadata__", {}).get("info", "{}"))
    except (OSError, ValueError, struct.error, AttributeError) as exc:
        raise StudioError(f"{path} is not a readable style file: {exc}") from None


def load_style(name: str) -> StyleFile:
    """A saved style by name; a missing one names the ones there are."""
    from studio.engine.styles.stylefile import read_style

    path = style_path(name)
    if not path.exists():
        known = ", ".join(e.name for e in list_styles()) or "none yet"
        raise StudioError(f"no style named {name!r} (styles: {known}); see `style list`")
    return read_style(path)
