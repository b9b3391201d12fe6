"""The training glyphs in one portable file: a run can move to a machine without the emoji font
and design packages (a rented GPU box) and still draw exactly the same pictures.

    python -m studio.segment.training.glyph_pack --out glyphs.zip --designs fluent-3d openmoji ...
    python -m studio.segment.training.train --glyphs glyphs.zip --out ~/run --device cuda ...

A pack is a zip of lossless WebP pictures (straight-alpha RGBA, the arrays themselves, colour
under transparent pixels too: a third smaller than PNG) and a manifest saying which designs were
taken, how many glyphs of each and with which seed. Every training run keeps its glyphs as such
a pack in its run folder (`train.GLYPH_CACHE_NAME`), so a run's pack can be copied elsewhere as
it is.
"""

from __future__ import annotations

import argparse
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from studio.errors import StudioError
from studio.fileio import atomic_open
from studio.segment.training import synth

FORMAT = "studio-glyph-pack"
VERSION = 1
MANIFEST_NAME = "manifest.json"
# Glyphs taken from each other design, and the size SVGs are rasterised at (the pictures are
# 256 px; Noto's bitmaps are 109 px).
DESIGN_GLYPHS = 700
DESIGN_GLYPH_SIZE = 160


class GlyphPackError(StudioError):
    """A file that is not a readable glyph pack, or a pack of other glyphs than a run needs."""


@dataclass(frozen=True)
class GlyphPack:
    """Noto's training split and the training split of each other design, in drawing order."""

    designs: tuple[str, ...]  # as named when the pack was made (folder names or paths)
    design_glyphs: int  # glyphs asked of each design; 0: all of them
    seed: int  # chose which glyphs of each design
    noto: list[np.ndarray]
    design_sets: list[list[np.ndarray]]  # one list per design, in `designs` order

    def training_glyphs(self, noto_weight: int = 1) -> Sequence[np.ndarray]:
        """Noto alone, or every design as likely as Noto (`synth.BalancedGlyphs`); with
        `noto_weight` n, Noto n times as likely as each other design."""
        if not self.designs:
            return self.noto
        return synth.BalancedGlyphs([*[self.noto] * noto_weight, *self.design_sets])

    def matches(self, designs: Sequence[str], design_glyphs: int, seed: int) -> bool:
        """Whether this pack holds the glyphs a run of these settings would gather."""
        if tuple(designs) != self.designs:
            return False
        return not self.designs or (design_glyphs, seed) == (self.design_glyphs, self.seed)


def design_folder(name: str) -> Path:
    """A design named on the command line: a folder path, or a folder under the default one."""
    path = Path(name).expanduser()
    return path if path.is_dir() else synth.default_designs_folder() / name


def gather(designs: Sequence[str], design_glyphs: int, seed: int) -> GlyphPack:
    """Render Noto's training split and load `design_glyphs` (0: all) of each design's training
    split, chosen by `seed`. SVGs take minutes for thousands of glyphs."""
    design_sets = [
        synth.load_design_folder(
            design_folder(name),
            design_glyphs or None,
            seed=seed,
            size=DESIGN_GLYPH_SIZE,
            split="train",
        )
        for name in designs
    ]
    return GlyphPack(tuple(designs), design_glyphs, seed, synth.noto_glyphs("train"), design_sets)


def _encode(rgba: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    # `exact` keeps the colour of transparent pixels, which the pictures' edges blend with.
    Image.fromarray(rgba, "RGBA").save(buffer, format="WEBP", lossless=True, exact=True, method=3)
    return buffer.getvalue()


def write_pack(path: Path, pack: GlyphPack) -> None:
    """Write `pack` to `path` atomically (the pictures are compressed already: the zip only
    stores them)."""
    sets = {"noto": pack.noto, **{f"design-{i}": g for i, g in enumerate(pack.design_sets)}}
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "designs": list(pack.designs),
        "design_glyphs": pack.design_glyphs,
        "seed": pack.seed,
        "counts": {folder: len(glyphs) for folder, glyphs in sets.items()},
    }
    with atomic_open(path) as handle, zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr(MANIFEST_NAME, json.dumps(manifest, indent=1))
        for folder, glyphs in sets.items():
            for index, rgba in enumerate(glyphs):
                archive.writestr(f"{folder}/{index:05d}.webp", _encode(rgba))


def read_pack(path: Path) -> GlyphPack:
    """The glyphs of the pack at `path`; `GlyphPackError` saying what is wrong with it."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST_NAME))
            if manifest.get("format") != FORMAT:
                raise GlyphPackError(f"{path} is not a glyph pack (no {FORMAT} manifest)")
            if manifest.get("version") != VERSION:
                raise GlyphPackError(
                    f"{path} is a version {manifest.get('version')} glyph pack; this studio "
                    f"reads version {VERSION}: make it again with glyph_pack"
                )
            designs = tuple(manifest["designs"])
            design_glyphs, seed = int(manifest["design_glyphs"]), int(manifest["seed"])
            sets = []
            for folder in ["noto", *(f"design-{i}" for i in range(len(designs)))]:
                count = manifest["counts"][folder]
                sets.append([_decode(archive, f"{folder}/{i:05d}.webp") for i in range(count)])
    except FileNotFoundError:
        raise GlyphPackError(f"no glyph pack at {path}") from None
    except IsADirectoryError:
        raise GlyphPackError(f"{path} is a folder, not a glyph pack") from None
    except PermissionError:
        raise GlyphPackError(f"cannot read {path}: permission denied") from None
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, OSError) as exc:
        raise GlyphPackError(
            f"{path} is damaged or not a glyph pack ({exc}); make it again with glyph_pack"
        ) from None
    noto, *design_sets = sets
    return GlyphPack(designs, design_glyphs, seed, noto, design_sets)


def _decode(archive: zipfile.ZipFile, name: str) -> np.ndarray:
    with Image.open(io.BytesIO(archive.read(name))) as image:
        if image.format != "WEBP" or image.mode not in ("RGBA", "RGB"):
            raise ValueError(f"{name} is no lossless RGBA WebP")
        # A wholly opaque glyph may come back without its alpha channel: it is all 255.
        return np.asarray(image.convert("RGBA")).copy()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, required=True, help="the pack file to write (.zip)")
    parser.add_argument(
        "--designs",
        nargs="+",
        default=[],
        metavar="NAME",
        help="other designs besides Noto (folders under "
        f"{synth.default_designs_folder()} or paths; their training split only)",
    )
    parser.add_argument(
        "--design-glyphs",
        type=int,
        default=DESIGN_GLYPHS,
        metavar="N",
        help="glyphs taken from each other design's training split (0: all of them)",
    )
    parser.add_argument(
        "--seed", type=int, default=1234, help="chooses the glyphs: the training run's --seed"
    )
    args = parser.parse_args(argv)
    if args.design_glyphs < 0:
        parser.error("--design-glyphs: a count of glyphs, or 0 for all of them")
    try:
        pack = gather(args.designs, args.design_glyphs, args.seed)
        write_pack(args.out, pack)
    except StudioError as exc:
        parser.exit(1, f"glyph_pack: {exc}\n")
    except OSError as exc:  # a full disk or a folder we may not write: nothing was written
        parser.exit(1, f"glyph_pack: cannot write {args.out}: {exc.strerror or exc}\n")
    counts = ", ".join(
        f"{name} {len(glyphs)}"
        for name, glyphs in zip(
            ("noto", *pack.designs), (pack.noto, *pack.design_sets), strict=True
        )
    )
    print(f"{args.out}: {counts} glyphs, {args.out.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
