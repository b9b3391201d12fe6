"""Emoji sets packaged as Iconify JSON (npm `@iconify-json/*`: every icon's SVG body in one
file) written out as one SVG file per icon, so that `synth` reads them as any other design
folder.

    python -m studio.segment.training.iconify icons.json --out DIR [--emoji-names]

Iconify names an emoji by its CLDR short name ("grinning-face"). With `--emoji-names` each file
is named by the emoji's code points instead ("1f600.svg"), as the other design folders are, so
that `synth.is_held_out` puts the same emoji in the held-out tenth as in every other style: a
style trained on then shows no network the emoji of any test picture.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from studio.fileio import atomic_write_bytes
from studio.segment.training import synth

# Iconify's default box when a set gives none.
DEFAULT_SIZE = 16
# Icons drawn by transforming another one; a set's own icons seldom use them, and leaving them
# out keeps the SVGs exactly as drawn.
TRANSFORM_KEYS = ("rotate", "hFlip", "vFlip")
# Iconify's icon names; anything else is not written (it could name a path outside the folder).
ICON_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def icon_svg(body: str, left: float, top: float, width: float, height: float) -> str:
    """A whole SVG document for an icon's `body` in its box."""
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        f'viewBox="{left} {top} {width} {height}" width="{width}" height="{height}">'
        f"{body}</svg>"
    )


def slug(name: str) -> str:
    """A name as Iconify writes it: lower case, every run of other characters one "-"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def emoji_file_names() -> dict[str, str]:
    """Iconify's name of every fully-qualified emoji (its CLDR name, or one of its aliases, as
    the `emoji` package spells them) to the name design files give it (`synth.sequence_name`)."""
    import emoji

    names: dict[str, str] = {}
    for sequence in synth.emoji_sequences():
        data = emoji.EMOJI_DATA[sequence]
        for name in (data["en"], *data.get("alias", ())):
            names.setdefault(slug(name), synth.sequence_name(sequence))
    return names


def write_svgs(icons_json: Path, folder: Path, emoji_names: bool = False) -> int:
    """Write every icon of an Iconify JSON file (hidden and transformed ones, and any not named
    as Iconify names icons, left out) into `folder` as `<name>.svg`; the number written. With
    `emoji_names`, each is named by its emoji's code points instead, and icons that are no emoji
    (letters, skin-tone swatches) are left out. A file that is not such JSON raises
    ValueError."""
    data = json.loads(icons_json.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("icons"), dict):
        raise ValueError(f"{icons_json} is not an Iconify icon set (no icons in it)")
    width = data.get("width", DEFAULT_SIZE)
    height = data.get("height", DEFAULT_SIZE)
    file_names = emoji_file_names() if emoji_names else None
    folder.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()
    for name, icon in data["icons"].items():
        if not ICON_NAME.fullmatch(name) or "body" not in icon:
            continue
        file_name = name if file_names is None else file_names.get(name)
        if file_name is None or file_name in written:
            continue  # no emoji, or one already written under another of its names
        if icon.get("hidden") or any(key in icon for key in TRANSFORM_KEYS):
            continue
        svg = icon_svg(
            icon["body"],
            icon.get("left", 0),
            icon.get("top", 0),
            icon.get("width", width),
            icon.get("height", height),
        )
        atomic_write_bytes(folder / f"{file_name}.svg", svg.encode("utf-8"))
        written.add(file_name)
    return len(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("icons", type=Path, help="the set's icons.json")
    parser.add_argument("--out", type=Path, required=True, help="folder for the SVG files")
    parser.add_argument(
        "--emoji-names",
        action="store_true",
        help="name each file by its emoji's code points (for a style to train on), leaving out "
        "icons that are no emoji",
    )
    args = parser.parse_args(argv)
    try:
        count = write_svgs(args.icons, args.out, args.emoji_names)
    except (OSError, ValueError) as exc:  # unreadable, not JSON, not an icon set
        parser.error(str(exc))
    sys.stdout.write(f"wrote {count} of the set's icons to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
