"""The pack's stickers as the panel shows them, and the checks `validate` cannot make.

The export request itself comes from `studio.pack.pack_spec_from_library`; this module adds what
the panel needs beside it: each sticker's candidate and cut-out version (for previews and their
cache), whether its picture can be used at all, names, and splitting. Qt-free, so it is testable
without a window. Everything that touches the library runs on the UI
thread (the library's SQLite connection belongs to it); the spec that comes out holds only file
paths, so a worker thread can render it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from studio.library import Candidate, Cutout, Library, LibraryError, Pack, PackItem
from studio.pack import MaskedImage, PackSpec, Problem, RenderOptions, validate
from studio.pack.rules import TELEGRAM_RULES, kind_rules

# Problem field for a sticker whose picture cannot be used as it is (the panel offers a fix).
CUTOUT_FIELD = "cutout"
IMAGE_FIELD = "image"


@dataclass(frozen=True)
class StickerEntry:
    """One sticker of the pack as the panel shows it: the library item and its picture."""

    item: PackItem
    candidate: Candidate
    cutout: Cutout | None
    image: Path
    mask: Path | None

    @property
    def source(self) -> MaskedImage | Path:
        """What `studio.pack.load_source` reads: picture + mask, or the picture's own alpha."""
        return MaskedImage(self.image, self.mask) if self.mask is not None else self.image

    @property
    def render_key(self) -> tuple:
        """Changes whenever the pixels of this sticker change (a new cut-out version)."""
        return (self.candidate.id, self.cutout.id if self.cutout else None)


def options_of(pack: Pack) -> RenderOptions:
    return RenderOptions(
        outline_px=pack.outline_px, shadow=bool(pack.shadow), padding_px=pack.padding_px
    )


def load_entries(library: Library, pack_id: int) -> list[StickerEntry]:
    """The pack's stickers in order, with each one's current cut-out."""
    items = library.pack_items(pack_id)
    cutouts = library.current_cutouts([item.candidate_id for item in items])
    entries = []
    for item in items:
        try:
            candidate = library.candidate(item.candidate_id)
        except LibraryError:  # gone, or unreadable in a damaged library: not shown
            continue
        cutout = cutouts.get(item.candidate_id)
        entries.append(
            StickerEntry(
                item=item,
                candidate=candidate,
                cutout=cutout,
                image=library.abspath(candidate.image_path),
                mask=library.abspath(cutout.mask_path) if cutout else None,
            )
        )
    return entries


def describe(entries: list[StickerEntry], index: int) -> str:
    """How the panel names sticker `index`: by place and candidate number, 'sticker 3 (#17)'.

    Not by prompt: a pack often holds several stickers made from the same prompt.
    """
    if 0 <= index < len(entries):
        return f"sticker {index + 1} (#{entries[index].candidate.id})"
    return f"sticker {index + 1}"


class AlphaCache:
    """Whether an image file carries its own transparency, read once per file.

    A generated candidate is an RGB PNG: its mode says "no alpha" from the header alone, without
    decoding. Only files that do have an alpha channel are decoded, once.
    """

    def __init__(self) -> None:
        self._known: dict[Path, bool] = {}

    def has_alpha(self, path: Path) -> bool | None:
        """True/False, or None when the file cannot be read at all."""
        if path in self._known:
            return self._known[path]
        try:
            with Image.open(path) as image:
                if image.mode not in ("RGBA", "LA", "PA") and "transparency" not in image.info:
                    found = False
                else:
                    low, _ = image.convert("RGBA").getchannel("A").getextrema()
                    found = low < 255
        except (OSError, ValueError, SyntaxError):
            return None
        self._known[path] = found
        return found


def picture_problems(entries: list[StickerEntry], alpha: AlphaCache) -> list[Problem]:
    """Stickers whose picture is missing or has no transparent background yet."""
    problems = []
    for index, entry in enumerate(entries):
        if not entry.image.is_file():
            problems.append(
                Problem(IMAGE_FIELD, "its picture file is missing; remove it from the pack", index)
            )
            continue
        if entry.mask is not None:
            if not entry.mask.is_file():
                problems.append(
                    Problem(
                        CUTOUT_FIELD,
                        "its cut-out mask file is missing; cut it out again in the mask editor",
                        index,
                    )
                )
            continue
        has_alpha = alpha.has_alpha(entry.image)
        if has_alpha is None:
            problems.append(
                Problem(IMAGE_FIELD, "its picture cannot be read; remove it from the pack", index)
            )
        elif not has_alpha:
            problems.append(
                Problem(
                    CUTOUT_FIELD,
                    "it has no cut-out yet; open it in the mask editor (double-click) to cut "
                    "out its background",
                    index,
                )
            )
    return problems


def pack_problems(spec: PackSpec, entries: list[StickerEntry], alpha: AlphaCache) -> list[Problem]:
    """Every rule the pack breaks (studio.pack.validate) and every unusable picture."""
    problems = validate(spec)
    problems += picture_problems(entries, alpha)
    # Sticker problems in sticker order, after the pack-wide ones, so the list reads top-down.
    return sorted(problems, key=lambda p: -1 if p.sticker is None else p.sticker)


# Russian letters in Latin, so a Russian title can give a valid set name ("Котики" -> "kotiki").
_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch _ y _ e yu ya".split(),
        strict=True,
    )
)


def name_from_title(title: str) -> str:
    """A valid set name made from a title: Latin letters, digits, single underscores."""
    latin = "".join(_TRANSLIT.get(c, c) for c in title.lower())
    latin = re.sub(r"[^a-z0-9]+", "_", latin)
    latin = re.sub(r"_+", "_", latin).strip("_")
    latin = re.sub(r"^[0-9_]+", "", latin)  # a name starts with a letter
    limit = TELEGRAM_RULES["name"]["max_chars"]
    return latin[:limit].rstrip("_") or "stickers"


def split_names(title: str, name: str, parts: int) -> list[tuple[str, str]]:
    """Title and set name for each part of a pack split in `parts`: 'Cats (2)', 'cats_2'."""
    rule_title = TELEGRAM_RULES["title"]["max_chars"]
    rule_name = TELEGRAM_RULES["name"]["max_chars"]
    out = []
    for part in range(1, parts + 1):
        if part == 1:
            out.append((title, name))
            continue
        tail = f" ({part})"
        new_title = title.strip()[: rule_title - len(tail)] + tail
        suffix = f"_{part}"
        base = name.rstrip("_")[: rule_name - len(suffix)].rstrip("_")
        out.append((new_title, (base or "pack") + suffix))
    return out


def split_pack(library: Library, pack_id: int) -> list[int]:
    """Move stickers beyond the set limit into new packs of at most that many; returns all ids.

    New items are added before the old ones are removed, so an interruption can duplicate a
    sticker but never lose one.
    """
    pack = library.pack(pack_id)
    limit = kind_rules(pack.kind)["max_stickers"]
    items = library.pack_items(pack_id)
    chunks = [items[i : i + limit] for i in range(0, len(items), limit)]
    if len(chunks) <= 1:
        return [pack_id]
    ids = [pack_id]
    for (title, name), chunk in zip(
        split_names(pack.title, pack.name, len(chunks))[1:], chunks[1:], strict=True
    ):
        new = library.create_pack(title, name)
        library.update_pack(
            new.id,
            outline_px=pack.outline_px,
            shadow=pack.shadow,
            padding_px=pack.padding_px,
            kind=pack.kind,
            needs_repainting=pack.needs_repainting,
        )
        for item in chunk:
            library.add_pack_item(new.id, item.candidate_id, item.emoji_list, item.keywords)
        for item in chunk:
            library.remove_pack_item(item.id)
        ids.append(new.id)
    return ids
