"""Training pictures and their captions -> text ids and VQGAN codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from studio.engine.models import EmojichModels
from studio.errors import StudioError

MIN_PICTURES = 2  # the CLI asks for more; the engine only needs something to learn from


class CaptionsError(StudioError):
    """The captions file is missing, unreadable or does not cover the pictures."""


@dataclass(frozen=True)
class StyleExample:
    """One training picture and its caption (used as typed, lower-cased like prompts)."""

    image: Path
    caption: str


def read_captions(path: str | Path, images: list[Path]) -> list[StyleExample]:
    """Pair `images` with the captions of a UTF-8 file of `NAME<TAB>caption` lines (NAME the
    picture's file name). Blank lines and lines starting with # are skipped."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaptionsError(f"captions file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CaptionsError(f"cannot read the captions file {path}: {exc}") from None
    captions: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, caption = line.partition("\t")
        if not sep or not caption.strip():
            raise CaptionsError(
                f"{path}:{number}: expected 'file name<TAB>caption', found {line[:60]!r}"
            )
        captions[name.strip()] = caption.strip()
    missing = [img.name for img in images if img.name not in captions]
    if missing:
        raise CaptionsError(
            f"{path} has no caption for {len(missing)} picture(s), e.g. {missing[0]}; add a "
            "line 'file name<TAB>caption' for each"
        )
    return [StyleExample(img, captions[img.name]) for img in images]


def load_picture(path: Path, side: int) -> torch.Tensor:
    """(3, side, side) in [0, 1]: transparent parts on white (stickers are cut out), the
    picture scaled to fit and centred."""
    try:
        with Image.open(path) as opened:
            picture = opened.convert("RGBA")
    except (OSError, ValueError) as exc:
        raise StudioError(f"cannot read the picture {path}: {exc}") from None
    picture.thumbnail((side, side), Image.Resampling.LANCZOS)
    canvas = Image.new("RGBA", (side, side), (255, 255, 255, 255))
    canvas.alpha_composite(picture, ((side - picture.width) // 2, (side - picture.height) // 2))
    array = np.asarray(canvas.convert("RGB"), dtype=np.float32) / 255.0
    return torch.from_numpy(array).permute(2, 0, 1)


@torch.no_grad()
def encode_examples(
    models: EmojichModels, examples: list[StyleExample], chunk: int = 4
) -> tuple[torch.Tensor, torch.Tensor]:
    """(text ids (n, text_seq_length), codes (n, image tokens)) on the CPU: captions tokenised
    as `generate` tokenises prompts, pictures encoded by the VQGAN's encoder at the size its
    codes grid needs (256 px for Emojich)."""
    if len(examples) < MIN_PICTURES:
        raise StudioError(f"a style needs at least {MIN_PICTURES} pictures")
    cfg = models.config
    side = cfg.image_tokens_per_dim * models.vqgan.config.downsample_factor
    text_ids = torch.stack(
        [
            models.tokenizer.encode_text(e.caption.lower().strip(), cfg.text_seq_length)
            for e in examples
        ]
    )
    codes = []
    for start in range(0, len(examples), chunk):
        batch = torch.stack([load_picture(e.image, side) for e in examples[start : start + chunk]])
        codes.append(models.vqgan.encode(batch).cpu())
    return text_ids, torch.cat(codes)
