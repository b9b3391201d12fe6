"""What a pack export asks for: one complete request, built by the CLI or the pack panel.

A sticker's picture is a *source* rather than a decoded image, so a pack of 120 stickers does not
hold 120 full-size pictures in memory: it is loaded when that sticker is rendered.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from studio.pack.rules import PackKind


@dataclass(frozen=True)
class RenderOptions:
    """How every sticker of a pack is drawn (sizes in pixels of the 512 px sticker)."""

    outline_px: int = 0  # white stroke around the figure; 0 = none
    shadow: bool = False  # soft black drop shadow below and right
    padding_px: int = 0  # transparent margin inside the 512 px box


@dataclass(frozen=True)
class MaskedImage:
    """A picture and a separate cut-out mask (L, 255 = keep), as the library stores them."""

    image: Path
    mask: Path


# A sticker's picture: a PIL image, an image file (its own alpha is kept), a picture plus mask,
# or a function that returns the RGBA picture (the pack panel composes library records this way).
StickerSource = Image.Image | str | os.PathLike | MaskedImage | Callable[[], Image.Image]


@dataclass(frozen=True)
class StickerSpec:
    """One sticker: its picture, 1-20 emoji (each one emoji, ZWJ sequences whole), keywords."""

    source: StickerSource
    emoji_list: Sequence[str]
    keywords: Sequence[str] = ()
    label: str = ""  # how messages name it (a file name); defaults to "sticker N"


@dataclass(frozen=True)
class PackSpec:
    """A whole pack: title, set name, stickers in order, the render options for all, and the
    kind of Telegram set it becomes (`needs_repainting` only means something for emoji)."""

    title: str
    name: str
    stickers: Sequence[StickerSpec]
    options: RenderOptions = field(default_factory=RenderOptions)
    kind: PackKind = PackKind.STICKERS
    needs_repainting: bool = False

    def describe(self, index: int) -> str:
        """How a message refers to sticker `index` (0-based): 'sticker 3 (cat.png)'."""
        label = self.stickers[index].label if 0 <= index < len(self.stickers) else ""
        return f"sticker {index + 1} ({label})" if label else f"sticker {index + 1}"
