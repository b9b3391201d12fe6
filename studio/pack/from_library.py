"""A library pack as a `PackSpec`: what the pack panel hands to `export_pack`.

File paths are resolved here, on the caller's thread, so the export can run on a worker thread
without touching the library (each thread opens its own `Library`).
"""

from __future__ import annotations

from studio.library import Library
from studio.pack.rules import PackKind
from studio.pack.spec import MaskedImage, PackSpec, RenderOptions, StickerSpec


def pack_spec_from_library(library: Library, pack_id: int) -> PackSpec:
    """The pack `pack_id` with its stickers in order, each its candidate's image cut out by its
    newest mask (or the image alone when it has no cut-out yet), and the pack's render options.
    """
    pack = library.pack(pack_id)
    items = library.pack_items(pack_id)
    cutouts = library.current_cutouts([item.candidate_id for item in items])
    stickers = []
    for item in items:
        candidate = library.candidate(item.candidate_id)
        image = library.abspath(candidate.image_path)
        cutout = cutouts.get(item.candidate_id)
        source = MaskedImage(image, library.abspath(cutout.mask_path)) if cutout else image
        label = (candidate.prompt or "")[:40] or f"candidate {candidate.id}"
        stickers.append(StickerSpec(source, list(item.emoji_list), list(item.keywords), label))
    options = RenderOptions(
        outline_px=pack.outline_px, shadow=pack.shadow, padding_px=pack.padding_px
    )
    return PackSpec(
        pack.title,
        pack.name,
        stickers,
        options,
        kind=PackKind(pack.kind),
        needs_repainting=pack.needs_repainting,
    )
