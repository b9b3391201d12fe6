"""Telegram sticker packs: the rules as data, sticker rendering, WebP encoding, export.

Qt-free. The CLI (`sticker-studio pack build`) and the window's pack panel both build a
`PackSpec`, check it with `validate`, and write it with `export_pack`; the mask editor's preview
draws with `render_sticker`.
"""

from studio.imageio import ImageLoadError
from studio.pack.encode import EncodedImage, EncodingError, encode_webp, shrink_webp
from studio.pack.export import (
    ExportCancelled,
    ExportProgress,
    ExportResult,
    StickerReport,
    export_pack,
)
from studio.pack.from_library import pack_spec_from_library
from studio.pack.imageload import (
    apply_mask,
    has_transparency,
    load_rgba,
    load_source,
    to_rgba,
)
from studio.pack.manifest import ExportedPack, ExportedSticker, ManifestError, read_pack
from studio.pack.publish import ExportError
from studio.pack.render import EmptySticker, render_for_kind, render_sticker, render_thumbnail
from studio.pack.rules import TELEGRAM_RULES, PackKind, kind_rules, sticker_file_name
from studio.pack.spec import MaskedImage, PackSpec, RenderOptions, StickerSource, StickerSpec
from studio.pack.validate import (
    InvalidEmoji,
    PackInvalid,
    Problem,
    count_problems,
    emoji_problems,
    ensure_valid,
    keyword_problems,
    name_problems,
    split_emoji,
    title_problems,
    validate,
)
from studio.pack.verify import check_export, verify_export, verify_zip

__all__ = [
    "ExportedPack",
    "ExportedSticker",
    "ManifestError",
    "PackKind",
    "check_export",
    "count_problems",
    "kind_rules",
    "read_pack",
    "render_for_kind",
    "shrink_webp",
    "apply_mask",
    "TELEGRAM_RULES",
    "EmptySticker",
    "EncodedImage",
    "EncodingError",
    "ExportCancelled",
    "ExportError",
    "ExportProgress",
    "ExportResult",
    "ImageLoadError",
    "InvalidEmoji",
    "MaskedImage",
    "PackInvalid",
    "PackSpec",
    "Problem",
    "RenderOptions",
    "StickerReport",
    "StickerSource",
    "StickerSpec",
    "emoji_problems",
    "encode_webp",
    "ensure_valid",
    "export_pack",
    "has_transparency",
    "keyword_problems",
    "load_rgba",
    "load_source",
    "name_problems",
    "pack_spec_from_library",
    "render_sticker",
    "render_thumbnail",
    "split_emoji",
    "sticker_file_name",
    "title_problems",
    "to_rgba",
    "validate",
    "verify_export",
    "verify_zip",
]
