"""Where styles live: `<data folder>/styles/NAME.style.safetensors`, and their training
checkpoints beside them until training finishes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from studio.engine.styles.stylefile import STYLE_SUFFIX, StyleFile, read_style
from studio.errors import StudioError
from studio.paths import studio_paths

CHECKPOINT_SUFFIX = ".training.ckpt"
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


def load_style(name: str) -> StyleFile:
    """A saved style by name; a missing one names the ones there are."""
    path = style_path(name)
    if not path.exists():
        known = ", ".join(e.name for e in list_styles()) or "none yet"
        raise StudioError(f"no style named {name!r} (styles: {known}); see `style list`")
    return read_style(path)
