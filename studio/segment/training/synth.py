"""Synthetic training images: emoji glyphs with true alpha, composited like Emojich output.

Glyphs come from an installed colour emoji font (Noto Color Emoji, Debian
`fonts-noto-color-emoji`), rendered with their real alpha, so the ground truth is exact. Each
sample is drawn from a seeded generator, so sample `i` of seed `s` is the same on every run and
training can resume anywhere.
"""

from __future__ import annotations

import hashlib
import io
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from studio.errors import StudioError
from studio.segment import contour

NOTO_FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/noto/NotoColorEmoji.ttf",
    "/usr/share/fonts/google-noto-emoji/NotoColorEmoji.ttf",
    "/System/Library/Fonts/NotoColorEmoji.ttf",
)
# Noto Color Emoji is a CBDT bitmap font with a single strike at 109 px.
NOTO_STRIKE = 109
HELD_OUT_BUCKETS = 10  # one bucket in ten is the held-out split


class GlyphSourceMissing(StudioError):
    """The emoji art the training or evaluation needs is not installed."""


def find_noto_font() -> Path:
    """Path of Noto Color Emoji, or a GlyphSourceMissing saying how to install it."""
    for candidate in NOTO_FONT_CANDIDATES:
        if Path(candidate).is_file():
            return Path(candidate)
    raise GlyphSourceMissing(
        "Noto Color Emoji is not installed; install the fonts-noto-color-emoji package "
        "(apt-get install fonts-noto-color-emoji) and try again"
    )


def emoji_sequences() -> list[str]:
    """Every fully-qualified emoji sequence the `emoji` package knows, in a stable order."""
    import emoji

    qualified = emoji.STATUS["fully_qualified"]
    return sorted(e for e, data in emoji.EMOJI_DATA.items() if data.get("status") == qualified)


def base_form(sequence: str) -> str:
    """The sequence without skin-tone modifiers and variation selectors, so that all variants of
    one design land in the same split."""
    return "".join(
        ch for ch in sequence if not ("\U0001f3fb" <= ch <= "\U0001f3ff" or ch == "\ufe0f")
    )


def is_held_out(sequence: str) -> bool:
    """True for the held-out tenth of the designs (by a hash of the base form)."""
    digest = hashlib.sha1(base_form(sequence).encode("utf-8")).digest()
    return digest[0] % HELD_OUT_BUCKETS == 0


def _keeps_variant(sequence: str) -> bool:
    """Keep every design once and about one skin-tone variant in five: otherwise people emoji
    (five tones each) would outweigh everything else."""
    if base_form(sequence) == sequence.replace("\ufe0f", ""):
        return True
    return hashlib.sha1(sequence.encode("utf-8")).digest()[1] % 5 == 0


def render_font_glyphs(
    font_path: Path, sequences: Iterable[str], size: int = NOTO_STRIKE
) -> dict[str, np.ndarray]:
    """Render each sequence as straight-alpha RGBA uint8 (h,w,4), cropped to its alpha.

    Sequences the font does not draw as one glyph (missing, or split into several glyphs) are
    skipped: their ground truth would be wrong.
    """
    font = ImageFont.truetype(str(font_path), size, layout_engine=ImageFont.Layout.RAQM)
    glyphs: dict[str, np.ndarray] = {}
    for sequence in sequences:
        left, top, right, bottom = font.getbbox(sequence)
        if right - left <= 0 or bottom - top <= 0 or right - left > 1.35 * size * 1.25:
            continue
        canvas = Image.new("RGBA", (right - left + 8, bottom - top + 8), (0, 0, 0, 0))
        ImageDraw.Draw(canvas).text((4 - left, 4 - top), sequence, font=font, embedded_color=True)
        rgba = _unpremultiply(np.asarray(canvas))
        alpha = rgba[..., 3]
        ys, xs = np.nonzero(alpha)
        if len(ys) < 0.05 * size * size:
            continue
        crop = rgba[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        if crop.shape[1] > 1.6 * crop.shape[0] or crop.shape[0] > 1.6 * crop.shape[1]:
            continue  # several glyphs side by side: the font lacks this sequence
        glyphs[sequence] = np.ascontiguousarray(crop)
    return glyphs


def _unpremultiply(rgba: np.ndarray) -> np.ndarray:
    """Straight-alpha RGBA uint8 from the premultiplied colour Pillow leaves where it draws a
    colour font's bitmap onto a transparent canvas (an edge pixel of a red apple at alpha 64 comes
    out as (64, 20, 6)). Composited as if straight, those edges gain a dark fringe that generated
    art does not have."""
    colour = rgba[..., :3].astype(np.float32)
    alpha = rgba[..., 3:].astype(np.float32)
    straight = np.where(alpha > 0, colour * 255.0 / np.maximum(alpha, 1.0), 0.0)
    out = rgba.copy()
    out[..., :3] = np.clip(straight + 0.5, 0, 255).astype(np.uint8)
    return out


def noto_glyphs(split: str) -> list[np.ndarray]:
    """Noto Color Emoji glyphs of one split: "train", "held_out" or "all"."""
    return [glyph for _, glyph in named_noto_glyphs(split)]


def named_noto_glyphs(split: str) -> list[tuple[str, np.ndarray]]:
    """`noto_glyphs` with each glyph's name (`sequence_name`), in the same order."""
    if split not in ("train", "held_out", "all"):
        raise ValueError(f"unknown split {split!r}")
    sequences = [
        s
        for s in emoji_sequences()
        if (split == "all" or is_held_out(s) == (split == "held_out")) and _keeps_variant(s)
    ]
    glyphs = render_font_glyphs(find_noto_font(), sequences)
    return [(sequence_name(s), glyphs[s]) for s in sequences if s in glyphs]


def sequence_name(sequence: str) -> str:
    """An emoji sequence named as design files name it: its code points in lower-case hex joined
    by "-" ("1f469-200d-1f373"), so that one emoji has one name in every style."""
    return "-".join(f"{ord(ch):x}" for ch in sequence)


DESIGN_SUFFIXES = (".svg", ".png", ".webp")


def default_designs_folder() -> Path:
    """Where `scripts/bootstrap --eval-data` puts the other emoji designs, one folder each."""
    from studio.paths import studio_paths

    return studio_paths().cache / "eval-emoji"


def unseen_designs_folder() -> Path:
    """Where `scripts/bootstrap --eval-data` puts designs of styles no network is trained on
    (EmojiOne 2.2, FxEmoji, Streamline Emojis), one folder each: how the cut-out holds on styles
    it never saw (`evaluate --unseen`). Kept apart so that reads of the trained styles stay as
    they were."""
    from studio.paths import studio_paths

    return studio_paths().cache / "unseen-emoji"


def design_folders(root: Path) -> list[Path]:
    """The design folders under `root`, sorted; none when it does not exist."""
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def design_sequence(path: Path) -> str:
    """The emoji sequence a design file draws, from its name: code points in hex joined by "-"
    or "_" ("1f469-200d-1f373.svg", "1F600.svg", "emoji_u1f600.png"); the bare name when it is
    not one."""
    stem = path.stem.lower().removeprefix("emoji_u")
    try:
        return "".join(chr(int(part, 16)) for part in stem.replace("_", "-").split("-"))
    except (ValueError, OverflowError):
        return path.stem


def design_files(folder: Path, split: str = "all") -> list[Path]:
    """The design files of a folder in one split ("train", "held_out" or "all"), sorted. The
    split follows the sequence (`is_held_out`), as for Noto, so the held-out tenth is the same
    emoji in every design and no test picture's emoji was seen in any style."""
    if split not in ("train", "held_out", "all"):
        raise ValueError(f"unknown split {split!r}")
    files = sorted(p for p in folder.rglob("*") if p.suffix.lower() in DESIGN_SUFFIXES)
    if not files:
        raise GlyphSourceMissing(
            f"no .svg, .png or .webp emoji under {folder}; run scripts/bootstrap --eval-data"
        )
    if split == "all":
        return files
    keep = []
    for path in files:
        sequence = design_sequence(path)
        if is_held_out(sequence) == (split == "held_out") and _keeps_variant(sequence):
            keep.append(path)
    return keep


def load_design_folder(
    folder: Path, limit: int | None, seed: int, size: int = 256, split: str = "all"
) -> list[np.ndarray]:
    """Up to `limit` (None: every one) emoji of one split (`design_files`) from a folder of SVG,
    PNG or WebP files, chosen by `seed`, as straight-alpha RGBA uint8 cropped to their alpha.
    SVGs are rasterised at `size`; bitmaps larger than `size` are scaled down to it."""
    return [glyph for _, glyph in named_design_glyphs(folder, limit, seed, size, split)]


def named_design_glyphs(
    folder: Path, limit: int | None, seed: int, size: int = 256, split: str = "all"
) -> list[tuple[str, np.ndarray]]:
    """`load_design_folder` with each glyph's name (its file's stem in lower case), in the same
    order."""
    files = design_files(folder, split)
    if not files:
        raise GlyphSourceMissing(f"no emoji of the {split} split under {folder}")
    rng = np.random.default_rng(seed)
    picked = [files[i] for i in rng.permutation(len(files))]
    glyphs: list[tuple[str, np.ndarray]] = []
    for path in picked:
        if limit is not None and len(glyphs) >= limit:
            break
        if path.suffix.lower() == ".svg":
            import cairosvg

            try:
                png = cairosvg.svg2png(url=str(path), output_width=size, output_height=size)
            except Exception:  # an SVG feature the rasteriser lacks: skip that design
                continue
            rgba = np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))
        else:
            with Image.open(path) as opened:
                picture = opened.convert("RGBA")
            if max(picture.size) > size:
                picture.thumbnail((size, size), Image.Resampling.LANCZOS)
            rgba = np.asarray(picture)
        ys, xs = np.nonzero(rgba[..., 3])
        if len(ys) < 0.03 * rgba.shape[0] * rgba.shape[1]:
            continue  # blank or nearly blank art (e.g. a space glyph)
        crop = rgba[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
        glyphs.append((path.stem.lower(), np.ascontiguousarray(crop)))
    return glyphs


class BalancedGlyphs(Sequence):
    """Glyphs of several designs seen as one sequence in which every design is equally likely:
    index i is design i mod n. A design with fewer glyphs repeats them rather than being seen
    less often."""

    def __init__(self, designs: Sequence[Sequence[np.ndarray]]) -> None:
        self._designs = [d for d in designs if len(d)]
        if not self._designs:
            raise GlyphSourceMissing("no glyphs in any design")

    def __len__(self) -> int:
        return len(self._designs) * max(len(d) for d in self._designs)

    def __getitem__(self, index: int) -> np.ndarray:  # type: ignore[override]
        count = len(self._designs)
        design = self._designs[index % count]
        return design[(index // count) % len(design)]


def name_of(sequence: str) -> str:
    """A readable name for logs."""
    return " ".join(unicodedata.name(ch, f"U+{ord(ch):04X}") for ch in sequence)


# The paper a picture is drawn on (`Sample.paper`): Emojich's own (`EMOJICH_PAPER`, grainy), pure
# white, or a flat off-white tint (the last two sometimes with a faint gradient). They differ in
# what tells white paint from the paper: on Emojich's paper its colour and grain, on pure white
# nothing but the figure's shape.
EMOJICH = "emojich"
WHITE = "white"
TINT = "tint"
PAPER_KINDS = (EMOJICH, WHITE, TINT)


@dataclass(frozen=True)
class Sample:
    image: np.ndarray  # (H,W,3) uint8, the composited picture
    alpha: np.ndarray  # (H,W) float32 in [0,1], the true opacity
    paper: str  # the kind of paper it is drawn on (`PAPER_KINDS`)
    # The glyphs drawn into it, as indices into the glyph sequence it was made from (synthetic
    # strokes are none): which emoji a failure is on.
    glyphs: tuple[int, ...] = ()


def _background(rng: np.random.Generator, size: int) -> tuple[np.ndarray, str]:
    """A white or off-white background (H,W,3) float32 0..255, sometimes with a faint gradient,
    and its kind (`WHITE` or `TINT`)."""
    if rng.random() < 0.5:
        kind = WHITE
        base = np.full(3, 255.0, np.float32)
    else:
        kind = TINT
        level = rng.uniform(228, 255)
        base = np.clip(level + rng.normal(0, 4, 3), 215, 255).astype(np.float32)
    background = np.broadcast_to(base, (size, size, 3)).astype(np.float32)
    if rng.random() < 0.3:
        ramp = np.linspace(-1, 1, size, dtype=np.float32)
        angle = rng.uniform(0, np.pi)
        field = np.cos(angle) * ramp[None, :] + np.sin(angle) * ramp[:, None]
        background = background + field[..., None] * rng.uniform(1, 8)
    return np.clip(background, 0, 255), kind


# Emojich's paper, measured on the real outputs published in the ai-forever/ru-dalle repository
# (`pics/emojich/`: 16 pictures of one grid and one 512 px picture): the median colour of the
# background is (253, 252, 252) on 15 of them and (253-254) grey on the others, with a noise of
# 1-3 levels per channel. Faint cyan streaks and blotches (red 4-10 levels lower, green and blue
# within 1) cover 0.2-6.5% of the paper, 4 to 45 px from the figure at 512 px (median 10-30).
EMOJICH_PAPER = (253.0, 252.0, 252.0)


def _emojich_paper(rng: np.random.Generator, size: int) -> np.ndarray:
    """Emojich's own paper (`EMOJICH_PAPER`), (size,size,3) float32, with its faint noise."""
    base = np.clip(np.array(EMOJICH_PAPER) + rng.normal(0, 0.6, 3), 248, 255)
    noise = rng.normal(0, rng.uniform(0.8, 2.5), (size, size, 3))
    return np.clip(base + noise, 0, 255).astype(np.float32)


# Emojich's own white paint, against its paper (the model card, "Real Emojich paper"): the 22
# near-white regions its figures enclose on 10 of the 19 real outputs at hand (eye whites and
# teeth) sit level with the paper or below it, never whiter: median red 2.9, green 2.4 and blue
# 11.3 levels lower (a warm white). Designs draw white at 255, 2-3 levels above that paper.
WARM_WHITE_BELOW = ((0.0, 6.0), (0.0, 5.0), (2.0, 16.0))  # levels below the paper, per channel
# How white a pixel of the figure must be to be moved: its lowest channel from here to 255.
WARM_WHITE_FROM = 215.0


def _warm_white(rng: np.random.Generator, rgb: np.ndarray, paper: np.ndarray) -> np.ndarray:
    """Figure colours `rgb` (S,S,3) float32 with their white drawn as Emojich draws it on its
    paper (mean colour `paper`): pure white to a level a few levels below the paper, warmer in
    blue, near-white in proportion, darker colours untouched. The order of colours is kept."""
    below = np.array([rng.uniform(low, high) for low, high in WARM_WHITE_BELOW], np.float32)
    target = np.asarray(paper, np.float32) - below
    whiteness = np.clip((rgb.min(axis=2) - WARM_WHITE_FROM) / (255.0 - WARM_WHITE_FROM), 0, 1)
    return rgb + (whiteness**2)[..., None] * (target - 255.0)


def _paper_blotches(rng: np.random.Generator, paper: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """`paper` (S,S,3) float32 with faint cyan streaks and blotches near the figure whose opacity
    is `alpha` (S,S), as on Emojich's paper (`EMOJICH_PAPER`): smooth patches a few to 60 px
    (at 512 px) out from the outline, red lowered by 4-12 levels, green and blue by at most 2.
    They are background: the network must learn to leave them, however near the figure."""
    size = alpha.shape[0]
    scale = size / 512.0
    figure = (alpha > 0.1).astype(np.uint8)
    if not figure.any():
        return paper
    distance = cv2.distanceTransform(1 - figure, cv2.DIST_L2, 3) / scale
    reach = rng.uniform(20, 60)
    near = np.clip(1.0 - distance / reach, 0, 1) * (distance > 1.5)
    # Smooth random patches: low-pass noise, thresholded softly, streaked along one direction.
    field = rng.normal(0, 1, (size, size)).astype(np.float32)
    sigma = rng.uniform(3, 10) * scale
    stretch = rng.uniform(1, 4)
    field = cv2.GaussianBlur(field, (0, 0), sigmaX=sigma * stretch, sigmaY=sigma)
    if rng.random() < 0.5:
        field = field.T
    field /= max(float(field.std()), 1e-6)
    patches = np.clip((field - rng.uniform(-0.3, 1.0)) * 3.0, 0, 1) * near
    drop = np.array([rng.uniform(4, 12), rng.uniform(0, 2), rng.uniform(0, 2)], np.float32)
    return paper - patches[..., None] * drop


def _cast_shadow(
    rng: np.random.Generator, rgb: np.ndarray, alpha: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """A soft cast shadow under a placed glyph (`rgb` (S,S,3) float32, `alpha` (S,S) 0..1), as
    glossy and 3D emoji art draws one: the glyph's silhouette moved down and aside, blurred,
    grey, at most 35% opaque. Returns the layer (colours and opacity) to composite *under* the
    glyph. Its opacity is its true alpha: the sticker keeps it semi-transparent, as the official
    pipeline keeps Emojich's shadows, and below 50% it counts as background in every score."""
    size = alpha.shape[0]
    scale = size / 512.0
    shift = np.array([rng.uniform(-0.4, 0.4), rng.uniform(0.1, 0.8)]) * rng.uniform(8, 40) * scale
    matrix = np.float32([[1, 0, shift[0]], [0, 1, shift[1]]])
    moved = cv2.warpAffine(alpha.astype(np.float32), matrix, (size, size))
    if rng.random() < 0.5:  # a flattened shadow on the ground
        squash = rng.uniform(0.2, 0.5)
        rows = np.flatnonzero(moved.max(axis=1) > 0.05)
        if len(rows):
            base = float(rows.max())
            flat = np.float32([[1, 0, 0], [0, squash, base * (1 - squash)]])
            moved = cv2.warpAffine(moved, flat, (size, size))
    soft = cv2.GaussianBlur(moved, (0, 0), rng.uniform(3, 15) * scale)
    opacity = soft * rng.uniform(0.1, 0.35)
    colour = np.full((size, size, 3), rng.uniform(60, 140), np.float32)
    return colour, opacity.astype(np.float32)


def _ground_shadow(rng: np.random.Generator, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A flat ground shadow under a placed glyph (`alpha` (S,S) 0..1), as flat icon and emoji
    sets draw one: a wide, thin ellipse of one dark grey at 8-30% opacity, with a crisp edge,
    centred at the figure's foot or a little below it, then apart from it. Unlike `_cast_shadow`
    it does not fade into the paper, so only its faintness and flatness tell it from grey paint.
    Returns the layer (colours and opacity) to composite *under* the glyph; its opacity is its
    true alpha, below 50% and so background in every score."""
    size = alpha.shape[0]
    rows = np.flatnonzero(alpha.max(axis=1) > 0.05)
    cols = np.flatnonzero(alpha.max(axis=0) > 0.05)
    if not len(rows):
        return np.zeros((size, size, 3), np.float32), np.zeros((size, size), np.float32)
    width, height = cols.max() - cols.min() + 1, rows.max() - rows.min() + 1
    half_width = width * rng.uniform(0.25, 0.55)
    half_height = half_width * rng.uniform(0.06, 0.25)
    centre_x = (cols.min() + cols.max()) / 2 + width * rng.uniform(-0.05, 0.05)
    # At or below the figure's foot, so that it shows below the figure: a flat grey band inside
    # the foot is how keycap rims and plinths are drawn, opaque (`_grey_base`).
    centre_y = rows.max() + height * rng.uniform(0.0, 0.12)
    # Drawn four times larger and brought down, for an anti-aliased edge as a renderer draws it.
    fine = np.zeros((size * 4, size * 4), np.uint8)
    centre = (round(centre_x * 4 + 1.5), round(centre_y * 4 + 1.5))
    axes = (max(1, round(half_width * 4)), max(1, round(half_height * 4)))
    cv2.ellipse(fine, centre, axes, 0, 0, 360, 255, thickness=-1)
    shape = cv2.resize(fine, (size, size), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    if rng.random() < 0.5:
        shape = cv2.GaussianBlur(shape, (0, 0), rng.uniform(0.3, 1.5) * size / 512.0)
    opacity = shape * rng.uniform(0.08, 0.3)
    colour = np.full((size, size, 3), rng.uniform(30, 120), np.float32)
    return colour, opacity.astype(np.float32)


def _decoder_look(rng: np.random.Generator, image: np.ndarray) -> np.ndarray:
    """The soft, slightly ringing look of a decoded and upscaled picture (float32 0..255): down
    by 1.5-3x, back up with Lanczos (ringing at the edges), sometimes sharpened."""
    size = image.shape[0]
    small = max(16, round(size / rng.uniform(1.5, 3.0)))
    out = cv2.resize(image, (small, small), interpolation=cv2.INTER_AREA)
    out = cv2.resize(out, (size, size), interpolation=cv2.INTER_LANCZOS4)
    if rng.random() < 0.5:
        blurred = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.8, 2.0))
        out = out + rng.uniform(0.2, 0.8) * (out - blurred)
    return np.clip(out, 0, 255)


def _colour_shift(rng: np.random.Generator, rgb: np.ndarray) -> np.ndarray:
    """Brightness, contrast, saturation and hue jitter on a glyph (h,w,3) float32 0..255."""
    out = rgb
    if rng.random() < 0.5:
        hsv = cv2.cvtColor(np.clip(out, 0, 255).astype(np.uint8), cv2.COLOR_RGB2HSV).astype(
            np.float32
        )
        hsv[..., 0] = (hsv[..., 0] + rng.uniform(-12, 12)) % 180
        hsv[..., 1] *= rng.uniform(0.6, 1.3)
        out = cv2.cvtColor(np.clip(hsv, 0, 255).astype(np.uint8), cv2.COLOR_HSV2RGB).astype(
            np.float32
        )
    if rng.random() < 0.5:
        out = (out - 128) * rng.uniform(0.8, 1.2) + 128 + rng.uniform(-20, 20)
    return np.clip(out, 0, 255)


def _whiten_region(rng: np.random.Generator, rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Paint a smooth blob of the glyph near-white, so white parts touch the outline (the hard
    case: a white cloud, ghost or snowman on a white background), keeping a faint shading."""
    h, w = alpha.shape
    cy, cx = rng.uniform(0, h), rng.uniform(0, w)
    radius = rng.uniform(0.2, 0.6) * max(h, w)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    blob = np.clip(1.2 - np.hypot(yy - cy, xx - cx) / radius, 0, 1)[..., None]
    target = rng.uniform(236, 252) + rng.normal(0, 3, 3)
    # Keep a little of the original luminance variation as shading.
    shade = (rgb.mean(axis=2, keepdims=True) - 128) * rng.uniform(0.03, 0.15)
    white = np.clip(target + shade, 0, 255)
    return rgb * (1 - blob) + white * blob


def _paintable(rgb: np.ndarray) -> np.ndarray:
    """Where a glyph (h,w,3) may be repainted grey or white: everywhere but its dark pixels, its
    outline and marks such as a keycap's digit, which flat designs draw over such parts."""
    return rgb.mean(axis=2) > 80


def _grey_base(rng: np.random.Generator, rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Paint the glyph's lowest band (6-20% of its height) a flat light grey, opaque, as a
    keycap's rim, a plinth or a pavement is drawn: at the figure's foot, where a ground shadow
    lies (`_ground_shadow`), but part of the figure, and shaped by its outline. Dark pixels (the
    outline) are kept. `rgb` (h,w,3) float32, `alpha` (h,w) 0..255."""
    rows = np.flatnonzero((alpha > 127).any(axis=1))
    if not len(rows):
        return rgb
    top = rows.max() - (rows.max() - rows.min() + 1) * rng.uniform(0.06, 0.2)
    band = (np.arange(alpha.shape[0]) >= top)[:, None] & (alpha > 0) & _paintable(rgb)
    grey = rng.uniform(150, 235) + rng.normal(0, 2, 3)
    out = rgb.copy()
    out[band] = grey
    return out


def _grey_frame(rng: np.random.Generator, rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """Paint the glyph as a keycap or a button is drawn: a flat light grey body round a face, its
    rim thin at the top and sides and deepest at the foot. A grey band under a lighter face,
    alone, looks like a ground shadow under a figure (`_ground_shadow`); here it is opaque, part
    of the figure, and the same grey runs on up its sides. Half the time the face is near-white,
    as on a keycap. Dark pixels (the outline, a keycap's digit) are kept. `rgb` (h,w,3) float32,
    `alpha` (h,w) 0..255."""
    body = (alpha > 127).astype(np.uint8)
    rows = np.flatnonzero(body.any(axis=1))
    if not len(rows):
        return rgb
    height = rows.max() - rows.min() + 1
    rim = max(1, round(height * rng.uniform(0.03, 0.08)))
    foot = max(rim + 1, round(height * rng.uniform(0.08, 0.2)))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * rim + 1,) * 2)
    inner = cv2.erode(body, kernel).astype(bool)
    # The face is the body less its rim, its foot raised so that the rim below it is `foot` deep:
    # a row is face where the row `lift` below it is inside the body less its rim too.
    lift = foot - rim
    face = np.zeros_like(inner)
    face[:-lift] = inner[:-lift] & inner[lift:]
    light = _paintable(rgb)
    out = rgb.copy()
    if rng.random() < 0.5:
        out[face & light] = rng.uniform(240, 255) + rng.normal(0, 2, 3)
    out[(alpha > 0) & ~face & light] = rng.uniform(170, 235) + rng.normal(0, 2, 3)
    return out


# A repainted part differs from the paper by at least this much (0..255, in some channel).
# Closer than that, nothing in the picture tells the part from the background where it touches
# it: the paper's own gradients (up to 8) and noise are as large. Training on such parts taught
# the network to fill whole stretches of off-white background next to the figure (measured
# with 6 on the validation sample).
MIN_PAPER_CONTRAST = 14.0


def _flat_style(
    rng: np.random.Generator, rgb: np.ndarray, alpha: np.ndarray, paper: np.ndarray
) -> np.ndarray:
    """Flat vector-art look (Twemoji, OpenMoji): the glyph's colours cut down to a few flat ones,
    and often one colour region repainted flat white or light grey with no outline, a little off
    the `paper` colour (3,). When that region reaches the glyph's outer edge, only that small
    difference and the figure's shape say it is not background: a white flag stripe, a
    light-grey train body, a white cloud."""
    levels = int(rng.integers(5, 17))
    palette_image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).quantize(
        colors=levels, method=Image.Quantize.MEDIANCUT
    )
    labels = np.asarray(palette_image)
    palette = np.asarray(palette_image.getpalette(), np.float32).reshape(-1, 3)
    out = palette[labels] if rng.random() < 0.5 else rgb.copy()
    opaque = alpha >= 128
    if rng.random() < 0.3 or opaque.sum() < 16:
        return out
    edge = opaque & cv2.dilate((~opaque).astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    counts = np.bincount(labels[opaque], minlength=256)
    big = counts >= 0.02 * opaque.sum()
    on_edge = np.bincount(labels[edge], minlength=256) > 0
    choices = np.flatnonzero(big & on_edge) if rng.random() < 0.6 else np.flatnonzero(big)
    if len(choices) == 0:
        choices = np.flatnonzero(big)
    region = opaque & (labels == choices[int(rng.integers(len(choices)))])
    # Take the region's anti-aliased rim along too: left in its old colour it would be a faint
    # outline that real flat art does not have.
    near = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2)
    region |= near.astype(bool) & (alpha > 0) & ~opaque
    kind = rng.random()
    if kind < 0.35:
        colour = np.full(3, 255.0, np.float32)
    elif kind < 0.7:
        colour = np.clip(rng.uniform(238, 255) + rng.normal(0, 3, 3), 225, 255)
    else:  # the light blue-greys flat designs use for white things (clouds, ghosts, metal)
        colour = np.clip(rng.uniform(190, 235) + np.array([-6, 0, 5]) * rng.uniform(0, 1.5), 0, 255)
    if np.abs(colour - paper).max() < MIN_PAPER_CONTRAST:
        colour = np.clip(paper - rng.uniform(MIN_PAPER_CONTRAST, 2.5 * MIN_PAPER_CONTRAST), 0, 255)
    out[region] = colour.astype(np.float32)
    return out


def _punch_holes(rng: np.random.Generator, alpha: np.ndarray) -> np.ndarray:
    """The glyph's alpha (H,W) uint8 with see-through holes that the figure encloses: a grid of
    square holes (a goal net, a sieve) or a few round ones (a ring, a button). The paper shows
    through them, so only its colour says they are not white paint."""
    opaque = (alpha >= 250).astype(np.uint8)
    # Distance to the nearest non-opaque pixel: a hole must keep a rim of figure around it.
    inside = cv2.distanceTransform(opaque, cv2.DIST_L2, 3)
    out = alpha.copy()
    if rng.random() < 0.5:
        pitch = int(rng.integers(8, 17))
        half = max(1, int(pitch * rng.uniform(0.22, 0.38)))
        y0, x0 = int(rng.integers(pitch)), int(rng.integers(pitch))
        for cy in range(y0, alpha.shape[0], pitch):
            for cx in range(x0, alpha.shape[1], pitch):
                if inside[cy, cx] >= 1.5 * half + 2:
                    out[cy - half : cy + half + 1, cx - half : cx + half + 1] = 0
    else:
        for _ in range(int(rng.integers(1, 5))):
            radius = float(rng.uniform(3, 14))
            candidates = np.argwhere(inside >= radius + 2)
            if len(candidates) == 0:
                break
            cy, cx = candidates[int(rng.integers(len(candidates)))]
            cv2.circle(out, (int(cx), int(cy)), int(round(radius)), 0, -1, lineType=cv2.LINE_AA)
            inside = cv2.distanceTransform((out >= 250).astype(np.uint8), cv2.DIST_L2, 3)
    return out


def _whiten_cut_part(
    rng: np.random.Generator, rgb: np.ndarray, alpha: np.ndarray, paper: np.ndarray
) -> np.ndarray:
    """A placed glyph's colours (S,S,3) float32 with the part the picture's edge cuts repainted
    white or near-white: a page, a sign or a face cropped by the frame. Such a part touches the
    picture's border like the background does, so a border flood calls it background; only the
    outline around it and the cut say otherwise. `alpha` (S,S) is the glyph's opacity in 0..1."""
    opaque = alpha >= 0.5
    frame = np.zeros_like(opaque)
    frame[[0, -1], :] = True
    frame[:, [0, -1]] = True
    cut = opaque & frame
    if cut.sum() < 4:
        return rgb  # this placement does not reach the edge
    palette_image = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8)).quantize(
        colors=int(rng.integers(6, 13)), method=Image.Quantize.MEDIANCUT
    )
    labels = np.asarray(palette_image)
    label = np.bincount(labels[cut], minlength=256).argmax()
    count, parts = cv2.connectedComponents((opaque & (labels == label)).astype(np.uint8), 4)
    touching = np.unique(parts[cut & (labels == label)])
    region = np.isin(parts, touching[touching > 0])
    # Where the part also meets the paper with no outline between them, only its colour tells
    # them apart there: keep it as far off the paper as `_flat_style` does. Enclosed by an
    # outline and the frame, it may be the paper's very colour.
    rim = cv2.dilate(region.astype(np.uint8), np.ones((3, 3), np.uint8), iterations=2).astype(bool)
    meets_paper = (rim & (alpha < 0.5)).any()
    if meets_paper:
        region |= rim & (alpha > 0) & ~opaque
    kind = rng.random()
    if kind < 0.4:
        colour = np.full(3, 255.0, np.float32)
    elif kind < 0.8:
        colour = np.clip(rng.uniform(236, 255) + rng.normal(0, 3, 3), 225, 255)
    else:
        colour = np.clip(rng.uniform(205, 240) + np.array([-6, 0, 5]) * rng.uniform(0, 1.5), 0, 255)
    if meets_paper and np.abs(colour - paper).max() < MIN_PAPER_CONTRAST:
        colour = np.clip(paper - rng.uniform(MIN_PAPER_CONTRAST, 2.5 * MIN_PAPER_CONTRAST), 0, 255)
    # A little of the old shading survives, as on a rendered white part.
    shade = (rgb[region].mean(axis=1, keepdims=True) - 128) * rng.uniform(0.0, 0.12)
    out = rgb.copy()
    out[region] = np.clip(colour[None, :] + shade, 0, 255)
    return out


def _white_spots(rng: np.random.Generator, rgb: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """A glyph's colours (h,w,3) float32 with one to four white discs or ellipses painted well
    inside its opaque area, often as a mirrored pair: eyes, teeth, highlights. They are the
    figure's own paint even when exactly the paper's colour, because the figure encloses them;
    the line-art recipe's transparent half-enclosed background must not teach otherwise."""
    inside = cv2.distanceTransform((alpha >= 250).astype(np.uint8), cv2.DIST_L2, 3)
    span = max(alpha.shape)
    out = rgb.copy()
    kind = rng.random()
    if kind < 0.5:
        colour = np.full(3, 255.0)
    else:
        colour = np.clip(rng.uniform(232, 255) + rng.normal(0, 3, 3), 215, 255)
    outline = rng.random() < 0.4  # drawn eyes often have a dark rim; flat art has none
    shapes = []
    for _ in range(int(rng.integers(1, 4))):
        axes = rng.uniform(0.03, 0.12, 2) * span
        margin = axes.max() + 3
        candidates = np.argwhere(inside >= margin)
        if len(candidates) == 0:
            break
        cy, cx = candidates[int(rng.integers(len(candidates)))]
        angle = float(rng.uniform(0, 180))
        shapes.append((cx, cy, axes, angle))
        mirror_x = alpha.shape[1] - 1 - cx
        if rng.random() < 0.5 and inside[cy, mirror_x] >= margin:
            shapes.append((mirror_x, cy, axes, 180 - angle))
    for cx, cy, axes, angle in shapes:
        centre, size = (int(cx), int(cy)), (max(1, int(axes[0])), max(1, int(axes[1])))
        if outline:
            cv2.ellipse(out, centre, size, angle, 0, 360, (30.0, 30.0, 30.0), 2, cv2.LINE_AA)
        cv2.ellipse(out, centre, size, angle, 0, 360, tuple(float(c) for c in colour), -1)
    return out


def _loops(rng: np.random.Generator, glyph: np.ndarray) -> np.ndarray:
    """A glyph (h,w,4) uint8, padded, with one or two loops added: a band of the figure bent
    round a gap the paper shows through (a cup's handle, a bicycle's wheel, the heart two hands
    make). Such a gap is enclosed and, on white paper, the very colour of white paint; only its
    shape, a thin band round a wide opening, says it is a hole. Twemoji draws many, and the
    recipes that keep enclosed white had taught the network to fill them."""
    h, w = glyph.shape[:2]
    span = max(h, w)
    pad = round(0.3 * span)
    canvas = np.zeros((h + 2 * pad, w + 2 * pad, 4), np.float32)
    canvas[pad : pad + h, pad : pad + w] = glyph
    opaque = canvas[..., 3] >= 128
    rim = opaque & ~cv2.erode(opaque.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    points = np.argwhere(rim)
    if len(points) == 0:
        return glyph
    centroid = np.argwhere(opaque).mean(axis=0)
    for _ in range(int(rng.integers(1, 3))):
        y, x = points[int(rng.integers(len(points)))]
        radius = rng.uniform(0.15, 0.3) * span
        # Thin against the gap, unlike the thick figure round an eye (`_white_spots`): with a
        # band as wide as a third of the gap the two looked alike, and the network dropped eyes.
        width = max(2, round(rng.uniform(0.1, 0.25) * radius))
        outward = np.array([y, x], np.float64) - centroid
        outward /= max(np.hypot(*outward), 1e-6)
        cy, cx = np.array([y, x]) + outward * rng.uniform(0.0, 0.7) * radius
        centre = (int(round(cx)), int(round(cy)))
        axes = (int(radius), int(radius * rng.uniform(0.6, 1.0)))
        angle = float(rng.uniform(0, 180))
        band = np.zeros(opaque.shape, np.uint8)
        cv2.ellipse(band, centre, axes, angle, 0, 360, 255, width, cv2.LINE_AA)
        band_alpha = band.astype(np.float32)
        if rng.random() < 0.5:
            colour = np.full(3, rng.uniform(0, 70))
        else:  # in the figure's own colour, as a handle is
            oy, ox = np.argwhere(opaque)[int(rng.integers(int(opaque.sum())))]
            colour = canvas[oy, ox, :3].copy()
        ring = np.zeros_like(canvas)
        ring[..., :3] = colour
        ring[..., 3] = band_alpha
        # A handle comes out from behind the figure; a wheel lies over it.
        top, bottom = (canvas, ring) if rng.random() < 0.5 else (ring, canvas)
        a_top, a_bottom = top[..., 3:] / 255.0, bottom[..., 3:] / 255.0
        a_out = a_top + a_bottom * (1 - a_top)
        rgb = (top[..., :3] * a_top + bottom[..., :3] * a_bottom * (1 - a_top)) / np.maximum(
            a_out, 1e-6
        )
        canvas = np.concatenate([rgb, a_out * 255.0], axis=2)
        opaque = canvas[..., 3] >= 128
    return np.clip(canvas + 0.5, 0, 255).astype(np.uint8)


def _line_art(rng: np.random.Generator, size: int = 128) -> np.ndarray:
    """A glyph (size,size,4) uint8 of open outlined strokes (chevrons, arcs, brackets, zigzags):
    the background they half enclose stays transparent. Line-art designs (OpenMoji) are full of
    such shapes, and training that keeps white parts opaque teaches a network to fill them."""
    alpha = np.zeros((size, size), np.uint8)
    width = max(2, round(rng.uniform(0.03, 0.08) * size))
    margin = width + 2
    for _ in range(int(rng.integers(1, 4))):
        kind = rng.random()
        centre = rng.uniform(0.3, 0.7, 2) * size
        reach = rng.uniform(0.15, 0.4) * size
        if kind < 0.35:  # a chevron or an angle bracket
            direction = rng.uniform(0, 2 * np.pi)
            half_angle = rng.uniform(0.3, 1.0)
            ends = [
                centre + reach * np.array([np.cos(direction + s), np.sin(direction + s)])
                for s in (half_angle, -half_angle)
            ]
            points = [ends[0], centre, ends[1]]
        elif kind < 0.65:  # an arc, open by at least a quarter turn
            start = rng.uniform(0, 360)
            span = rng.uniform(100, 270)
            cv2.ellipse(
                alpha,
                (int(centre[0]), int(centre[1])),
                (int(reach), int(reach * rng.uniform(0.6, 1.0))),
                rng.uniform(0, 180),
                start,
                start + span,
                255,
                width,
                cv2.LINE_AA,
            )
            continue
        else:  # a bracket (three sides of a box) or a zigzag
            count = 4 if kind < 0.85 else int(rng.integers(4, 7))
            points = [centre + rng.uniform(-reach, reach, 2) for _ in range(count)]
        polyline = np.clip(np.array(points), margin, size - margin).astype(np.int32)
        cv2.polylines(alpha, [polyline], False, 255, width, cv2.LINE_AA)
    if rng.random() < 0.7:
        colour = np.full(3, rng.uniform(0, 60))
    else:
        colour = rng.uniform(0, 200, 3)
    rgb = np.empty((size, size, 3), np.float64)
    rgb[:] = colour
    # Crossing strokes can close off a pocket. Enclosed areas are the figure's own paint in this
    # recipe (the rule for enclosed white), so fill them, in white half of the time.
    clear = alpha < 128
    pocket = clear & ~contour.border_connected(clear)
    if pocket.any():
        pocket = cv2.dilate(pocket.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
        pocket &= alpha < 255
        fill = np.full(3, 255.0) if rng.random() < 0.5 else rng.uniform(120, 255, 3)
        # Under a stroke's anti-aliased rim the fill shows through, as it would in real art.
        weight = alpha[pocket, None] / 255.0
        rgb[pocket] = weight * colour + (1 - weight) * fill
        alpha[pocket] = 255
    return np.dstack([rgb.round().astype(np.uint8), alpha])


def _place(
    rng: np.random.Generator, glyph: np.ndarray, size: int, allow_crop: bool, cut: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Scale and position one glyph on a (size,size) canvas: (rgb float32, alpha float32 0..1).
    `allow_crop`: it may reach over the picture's edge; with `cut` as well, it is placed so."""
    gh, gw = glyph.shape[:2]
    extent = rng.uniform(0.35, 1.15 if allow_crop else 0.95) * size
    scale = extent / max(gh, gw)
    new_w, new_h = max(2, round(gw * scale)), max(2, round(gh * scale))
    # Resize premultiplied colour so transparent pixels do not bleed black into the edge.
    rgba = glyph.astype(np.float32) / 255.0
    premultiplied = np.concatenate([rgba[..., :3] * rgba[..., 3:], rgba[..., 3:]], axis=2)
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    resized = np.clip(cv2.resize(premultiplied, (new_w, new_h), interpolation=interp), 0, 1)
    if allow_crop and not cut and rng.random() < 0.5:
        x0 = round(rng.uniform(-0.35 * new_w, size - 0.65 * new_w))
        y0 = round(rng.uniform(-0.35 * new_h, size - 0.65 * new_h))
    else:
        x0 = round(rng.uniform(min(0, size - new_w), max(0, size - new_w)))
        y0 = round(rng.uniform(min(0, size - new_h), max(0, size - new_h)))
    if allow_crop and cut:
        # Over one edge of the picture, chosen at random, by 10-35% of the glyph.
        fraction = rng.uniform(0.1, 0.35)
        side = int(rng.integers(4))  # left, right, top, bottom
        over = round(fraction * (new_w if side < 2 else new_h))
        x0 = (-over, size - new_w + over, x0, x0)[side]
        y0 = (y0, y0, -over, size - new_h + over)[side]
    premul = np.zeros((size, size, 4), np.float32)
    sx0, sy0 = max(0, -x0), max(0, -y0)
    dx0, dy0 = max(0, x0), max(0, y0)
    dx1, dy1 = min(size, x0 + new_w), min(size, y0 + new_h)
    if dx1 > dx0 and dy1 > dy0:
        premul[dy0:dy1, dx0:dx1] = resized[sy0 : sy0 + dy1 - dy0, sx0 : sx0 + dx1 - dx0]
    alpha = premul[..., 3]
    rgb = np.where(alpha[..., None] > 1e-4, premul[..., :3] / np.maximum(alpha, 1e-4)[..., None], 0)
    return rgb * 255.0, alpha


def _degrade(rng: np.random.Generator, image: np.ndarray) -> np.ndarray:
    """Blur, noise and JPEG artefacts like those of generated and re-saved images (uint8)."""
    out = image.astype(np.float32)
    if rng.random() < 0.35:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.3, 1.3))
    if rng.random() < 0.35:
        out = out + rng.normal(0, rng.uniform(1, 6), out.shape).astype(np.float32)
    image = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    if rng.random() < 0.4:
        buffer = io.BytesIO()
        Image.fromarray(image).save(buffer, format="JPEG", quality=int(rng.integers(35, 95)))
        image = np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("RGB"))
    return image


def make_sample(
    rng: np.random.Generator,
    glyphs: Sequence[np.ndarray],
    size: int,
    negatives: bool = True,
    whiten: bool = True,
    flat: float = 0.0,
    crop: float = 0.3,
    holes: float = 0.0,
    cut_white: float = 0.0,
    line_art: float = 0.0,
    white_spots: float = 0.0,
    loops: float = 0.0,
    emojich_paper: float = 0.0,
    blotches: float = 0.0,
    shadow: float = 0.0,
    decoder: float = 0.0,
    warm_white: float = 0.0,
    ground_shadow: float = 0.0,
    grey_base: float = 0.0,
    grey_frame: float = 0.0,
) -> Sample:
    """One training picture and its true alpha.

    `negatives=False`: never an empty picture; `whiten=False`: no synthetic near-white patches
    or flat recolouring (evaluation keeps the designs' own white parts only); `flat`: the chance
    of the flat vector-art look per glyph; `crop`: the chance a glyph may be cropped at the
    picture's edge; `holes`: the chance of see-through holes in a glyph, on paper at least
    `MIN_PAPER_CONTRAST` off pure white (on white paper a hole and white paint look the same,
    and enclosed white stays opaque); `cut_white`: the chance a glyph is cut by the picture's
    edge with the cut part repainted white (`_whiten_cut_part`); `line_art`: the chance a glyph
    is replaced by open outlined strokes (`_line_art`); `white_spots`: the chance of enclosed
    white eyes, teeth or highlights painted into a glyph (`_white_spots`); `loops`: the chance of
    handles and wheels round see-through gaps added to a glyph (`_loops`); `emojich_paper`: the
    chance the paper is Emojich's own (`_emojich_paper`); `blotches`: the chance of its faint
    cyan streaks near the figure (`_paper_blotches`); `shadow`: the chance of a soft cast shadow
    under a glyph (`_cast_shadow`); `decoder`: the chance of a decoded-and-upscaled look
    (`_decoder_look`); `warm_white`: the chance, per glyph on Emojich's paper, that its white is
    drawn level with the paper and warm, as Emojich draws it (`_warm_white`; otherwise the same
    picture); `ground_shadow`: the chance, when a glyph has a shadow, that it is a flat, crisp
    ground ellipse instead (`_ground_shadow`); `grey_base`: the chance a glyph's foot is painted
    a flat light grey, opaque (`_grey_base`); `grey_frame`: the chance a glyph is drawn as a
    keycap, a grey body round a face, deepest at its foot (`_grey_frame`). With the defaults the
    pictures are those the first shipped model saw.
    """
    if emojich_paper > 0 and rng.random() < emojich_paper:
        background, paper_kind = _emojich_paper(rng, size), EMOJICH
    else:
        background, paper_kind = _background(rng, size)
    roll = rng.random()
    if roll < 0.05 and negatives:
        # Negative: an empty background must come out fully transparent.
        return Sample(_degrade(rng, background), np.zeros((size, size), np.float32), paper_kind)
    count = 2 if roll > 0.88 else 1
    paper = background.reshape(-1, 3).mean(axis=0)
    # Its own generator, spawned without drawing from `rng`: the same picture with its white
    # drawn as Emojich draws it, everything else as without.
    warm_rng = rng.spawn(1)[0] if warm_white > 0 and paper_kind == EMOJICH else None
    composite = background
    alpha_total = np.zeros((size, size), np.float32)
    drawn: list[int] = []
    for _ in range(count):
        index = int(rng.integers(len(glyphs)))
        glyph = glyphs[index]
        # Options are drawn only when asked for, so older recipes make the very same pictures.
        strokes = whiten and line_art > 0 and rng.random() < line_art
        if not strokes:
            drawn.append(index)
        if strokes:
            # Kept dark and plain: the lesson is the background between the strokes.
            glyph = _line_art(rng)
            rgb = glyph[..., :3].astype(np.float32)
        else:
            if whiten and loops > 0 and rng.random() < loops:
                glyph = _loops(rng, glyph)
            rgb = _colour_shift(rng, glyph[..., :3].astype(np.float32))
            if rng.random() < 0.2 and whiten:
                rgb = _whiten_region(rng, rgb, glyph[..., 3])
            if whiten and flat > 0 and rng.random() < flat:
                rgb = _flat_style(rng, rgb, glyph[..., 3], paper)
            if whiten and white_spots > 0 and rng.random() < white_spots:
                rgb = _white_spots(rng, rgb, glyph[..., 3])
            if whiten and grey_base > 0 and rng.random() < grey_base:
                rgb = _grey_base(rng, rgb, glyph[..., 3])
            if whiten and grey_frame > 0 and rng.random() < grey_frame:
                rgb = _grey_frame(rng, rgb, glyph[..., 3])
        alpha_glyph = glyph[..., 3]
        if not strokes and whiten and holes > 0 and rng.random() < holes:
            if (255.0 - paper).max() >= MIN_PAPER_CONTRAST:
                alpha_glyph = _punch_holes(rng, alpha_glyph)
        glyph = np.concatenate(
            [np.clip(rgb, 0, 255), alpha_glyph[..., None].astype(np.float32)], axis=2
        )
        cut = not strokes and whiten and cut_white > 0 and rng.random() < cut_white
        allow_crop = rng.random() < crop or cut
        placed_rgb, alpha = _place(rng, glyph.astype(np.uint8), size, allow_crop, cut)
        if cut:
            placed_rgb = _whiten_cut_part(rng, placed_rgb, alpha, paper)
        if warm_rng is not None and warm_rng.random() < warm_white:
            placed_rgb = _warm_white(warm_rng, placed_rgb, paper)
        if not strokes and shadow > 0 and rng.random() < shadow:
            if ground_shadow > 0 and rng.random() < ground_shadow:
                shade, opacity = _ground_shadow(rng, alpha)
            else:
                shade, opacity = _cast_shadow(rng, placed_rgb, alpha)
            composite = composite * (1 - opacity[..., None]) + shade * opacity[..., None]
            alpha_total = opacity + alpha_total * (1 - opacity)
        composite = composite * (1 - alpha[..., None]) + placed_rgb * alpha[..., None]
        alpha_total = alpha + alpha_total * (1 - alpha)
    if blotches > 0 and rng.random() < blotches:
        # Stains on the paper: they show where the figure and its shadow do not cover it.
        stained = _paper_blotches(rng, background, alpha_total)
        composite = composite + (1 - alpha_total[..., None]) * (stained - background)
    if decoder > 0 and rng.random() < decoder:
        composite = _decoder_look(rng, composite)
    return Sample(_degrade(rng, composite), alpha_total, paper_kind, tuple(drawn))


def sample_rng(seed: int, index: int) -> np.random.Generator:
    """The generator for sample `index` of a run seeded `seed` (independent of batch layout)."""
    return np.random.default_rng([seed, index])
