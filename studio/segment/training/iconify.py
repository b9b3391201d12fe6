"""Emoji sets packaged as Iconify JSON (npm `@iconify-json/*`: every icon's SVG body in one
file) written out as one SVG file per icon, so that `synth` reads them as any other design
folder.

    python -m studio.segment.training.iconify icons.json --out DIR
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from studio.fileio import atomic_write_bytes

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


def write_svgs(icons_json: Path, folder: Path) -> int:
    """Write every icon of an Iconify JSON file (hidden and transformed ones, and any not named
    as Iconify names icons, left out) into `folder` as `<name>.svg`; the number written. A file
    that is not such JSON raises ValueError."""
    data = json.loads(icons_json.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("icons"), dict):
        raise ValueError(f"{icons_json} is not an Iconify icon set (no icons in it)")
    width = data.get("width", DEFAULT_SIZE)
    height = data.get("height", DEFAULT_SIZE)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, icon in data["icons"].items():
        if not ICON_NAME.fullmatch(name) or "body" not in icon:
            continue
        if icon.get("hidden") or any(key in icon for key in TRANSFORM_KEYS):
            continue
        svg = icon_svg(
            icon["body"],
            icon.get("left", 0),
            icon.get("top", 0),
            icon.get("width", width),
            icon.get("height", height),
        )
        atomic_write_bytes(folder / f"{name}.svg", svg.encode("utf-8"))
        written += 1
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("icons", type=Path, help="the set's icons.json")
    parser.add_argument("--out", type=Path, required=True, help="folder for the SVG files")
    args = parser.parse_args(argv)
    try:
        count = write_svgs(args.icons, args.out)
    except (OSError, ValueError) as exc:  # unreadable, not JSON, not an icon set
        parser.error(str(exc))
    sys.stdout.write(f"wrote {count} of the set's icons to {args.out}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
