"""Reading an exported pack folder back as data: what a publisher sends to Telegram.

The export writes `manifest.json` in the shape of the Bot API's `InputSticker`; this module reads
it (after `verify_export` found the folder sound) into typed records, each sticker with the hash
of its picture, so a publisher can tell a changed picture from an unchanged one.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from studio.errors import StudioError
from studio.pack.rules import TELEGRAM_RULES, PackKind, kind_rules
from studio.pack.verify import verify_export


class ManifestError(StudioError):
    """The folder is not an exported pack that can be published as it is."""


@dataclass(frozen=True)
class ExportedSticker:
    """One sticker of an exported pack: its file, the picture's hash, emoji and keywords."""

    index: int  # 0-based place in the pack
    file: Path
    content_hash: str  # sha256 of the file's bytes
    emoji_list: tuple[str, ...]
    keywords: tuple[str, ...]

    @property
    def label(self) -> str:
        """How messages name it: 'sticker 2 (002.webp)'."""
        return f"sticker {self.index + 1} ({self.file.name})"


@dataclass(frozen=True)
class ExportedPack:
    """An exported pack folder, read back."""

    folder: Path
    title: str
    name: str
    kind: PackKind
    needs_repainting: bool
    stickers: tuple[ExportedSticker, ...]
    thumbnail: Path
    thumbnail_hash: str

    @property
    def sticker_type(self) -> str:
        """The Bot API's `sticker_type`: 'regular' or 'custom_emoji'."""
        return kind_rules(self.kind)["sticker_type"]


def _hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_pack(folder: str | os.PathLike) -> ExportedPack:
    """Read and check the exported pack in `folder`; raises `ManifestError` naming the problem."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ManifestError(f"{folder} is not a folder; give an exported pack folder")
    manifest_path = folder / TELEGRAM_RULES["set"]["manifest_file"]
    if not manifest_path.is_file():
        raise ManifestError(
            f"{folder} has no {manifest_path.name}; export the pack first "
            "(sticker-studio pack build ... --out DIR)"
        )
    problems = verify_export(folder)
    if problems:
        more = f" (and {len(problems) - 1} more; see sticker-studio pack check)"
        raise ManifestError(
            f"{folder} does not follow Telegram's rules: {problems[0]}"
            + (more if len(problems) > 1 else "")
        )
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ManifestError(f"{manifest_path} cannot be read: {exc}") from None
    stickers = tuple(
        ExportedSticker(
            index=index,
            file=folder / entry["file"],
            content_hash=_hash(folder / entry["file"]),
            emoji_list=tuple(entry["emoji_list"]),
            keywords=tuple(entry["keywords"]),
        )
        for index, entry in enumerate(manifest["stickers"])
    )
    thumbnail = folder / manifest["thumbnail"]
    return ExportedPack(
        folder=folder,
        title=manifest["title"],
        name=manifest["name"],
        kind=PackKind.from_sticker_type(manifest["sticker_type"]),
        needs_repainting=bool(manifest.get("needs_repainting", False)),
        stickers=stickers,
        thumbnail=thumbnail,
        thumbnail_hash=_hash(thumbnail),
    )
