"""Reading an exported pack back and checking every file against `TELEGRAM_RULES`.

The export runs this on its temporary folder before publishing it, and the tests run it on every
export they make: a pack is only ever published when what is on disk is what Telegram accepts.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from PIL import Image

from studio.pack.rules import TELEGRAM_RULES, PackKind, kind_rules, sticker_file_name
from studio.pack.validate import (
    Problem,
    count_problems,
    emoji_problems,
    keyword_problems,
    name_problems,
    title_problems,
)


def _image_problems(
    path: Path, kind: str, index: int | None, pack_kind: PackKind = PackKind.STICKERS
) -> list[Problem]:
    rule = TELEGRAM_RULES[kind]
    where = "thumbnail" if kind == "thumbnail" else "file"
    if not path.is_file():
        return [Problem(where, f"{path.name} is missing", index)]
    problems = []
    size = path.stat().st_size
    if size > rule["max_bytes"]:
        problems.append(
            Problem(
                where, f"{path.name} is {size:,} bytes; the limit is {rule['max_bytes']:,}", index
            )
        )
    try:
        with Image.open(path) as image:
            image.load()  # decode fully: a damaged file fails here, not on the user's phone
            fmt, mode, (width, height) = image.format, image.mode, image.size
            alpha_low = image.getchannel("A").getextrema()[0] if mode == "RGBA" else 255
    except Exception as exc:  # any decoder failure means the file is unusable
        return problems + [Problem(where, f"{path.name} cannot be decoded: {exc}", index)]
    if fmt != rule["format"]:
        problems.append(Problem(where, f"{path.name} is {fmt}, not {rule['format']}", index))
    if kind == "thumbnail":
        if (width, height) != (rule["width_px"], rule["height_px"]):
            problems.append(
                Problem(
                    where,
                    f"{path.name} is {width}x{height}, not {rule['width_px']}x{rule['height_px']}",
                    index,
                )
            )
        return problems
    shape = kind_rules(pack_kind)
    side = shape["side_px"]
    if shape["square"] and (width, height) != (side, side):
        problems.append(
            Problem(
                where,
                f"{path.name} is {width}x{height}; a custom emoji must be exactly {side}x{side}",
                index,
            )
        )
    elif max(width, height) != side or min(width, height) > side:
        problems.append(
            Problem(
                where,
                f"{path.name} is {width}x{height}; one side must be exactly {side} "
                f"and the other at most {side}",
                index,
            )
        )
    if mode != "RGBA" or alpha_low == 255:
        message = f"{path.name} has no transparent background"
        if rule["needs_transparency"]:
            problems.append(Problem(where, message, index))
        elif rule["warn_when_opaque"]:
            problems.append(Problem(where, f"{message}; it shows as a square", index, True))
    return problems


def verify_export(folder: str | os.PathLike) -> list[Problem]:
    """Every way the pack in `folder` breaks the rules or the layout; empty when it is good."""
    return [problem for problem in check_export(folder) if not problem.warning]


def check_export(folder: str | os.PathLike) -> list[Problem]:
    """`verify_export`'s problems plus warnings (`Problem.warning`): what Telegram accepts but
    the user may not mean, such as a sticker with no transparent pixel."""
    folder = Path(folder)
    set_rule = TELEGRAM_RULES["set"]
    manifest_path = folder / set_rule["manifest_file"]
    if manifest_path.exists() and not manifest_path.is_file():  # a pipe would never answer
        return [Problem("manifest", f"{manifest_path.name} is not a regular file")]
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return [Problem("manifest", f"{manifest_path.name} cannot be read: {exc}")]
    if not isinstance(manifest, dict):
        return [Problem("manifest", f"{manifest_path.name} is not a JSON object")]

    problems = [Problem("title", m) for m in title_problems(str(manifest.get("title", "")))]
    problems += [Problem("name", m) for m in name_problems(str(manifest.get("name", "")))]
    try:
        pack_kind = PackKind.from_sticker_type(str(manifest.get("sticker_type")))
    except ValueError:
        types = " or ".join(repr(rule["sticker_type"]) for rule in TELEGRAM_RULES["kinds"].values())
        problems.append(Problem("manifest", f"sticker_type must be {types}"))
        pack_kind = PackKind.STICKERS
    repaint = manifest.get("needs_repainting", False)
    if not isinstance(repaint, bool):
        problems.append(Problem("manifest", "needs_repainting must be true or false"))
    elif repaint and not kind_rules(pack_kind)["can_repaint"]:
        problems.append(Problem("manifest", "needs_repainting is only for custom emoji sets"))
    thumb_name = TELEGRAM_RULES["thumbnail"]["file"]
    if manifest.get("thumbnail") != thumb_name:
        problems.append(Problem("manifest", f"thumbnail must be {thumb_name!r}"))
    problems += _image_problems(folder / thumb_name, "thumbnail", None)

    stickers = manifest.get("stickers")
    if not isinstance(stickers, list):
        return problems + [Problem("manifest", "stickers must be a list")]
    problems += [Problem("stickers", m) for m in count_problems(len(stickers), pack_kind)]
    expected_files = {manifest_path.name, thumb_name}
    for index, entry in enumerate(stickers):
        if not isinstance(entry, dict):
            problems.append(Problem("manifest", "a sticker entry is not an object", index))
            continue
        file_name = sticker_file_name(index)
        expected_files.add(file_name)
        if entry.get("file") != file_name:
            problems.append(Problem("file", f"file should be {file_name!r}", index))
        if entry.get("format") != TELEGRAM_RULES["sticker"]["sticker_format"]:
            problems.append(Problem("format", "format must be 'static'", index))
        emoji_list = entry.get("emoji_list")
        keywords = entry.get("keywords")
        if not isinstance(emoji_list, list) or not isinstance(keywords, list):
            problems.append(Problem("manifest", "emoji_list and keywords must be lists", index))
            continue
        problems += [Problem("emoji_list", m, index) for m in emoji_problems(emoji_list)]
        problems += [Problem("keywords", m, index) for m in keyword_problems(keywords)]
        problems += _image_problems(folder / file_name, "sticker", index, pack_kind)
    extra = sorted(p.name for p in folder.iterdir() if p.name not in expected_files)
    if extra:
        problems.append(Problem("files", f"unexpected files in the pack: {', '.join(extra)}"))
    return problems


def verify_zip(zip_path: str | os.PathLike, folder: str | os.PathLike) -> list[Problem]:
    """Problems with `zip_path` as a copy of the pack in `folder` (same names, same bytes)."""
    folder = Path(folder)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            if archive.testzip() is not None:
                return [Problem("zip", f"{Path(zip_path).name} has a damaged member")]
            members = {info.filename: archive.read(info) for info in archive.infolist()}
    except (OSError, zipfile.BadZipFile) as exc:
        return [Problem("zip", f"{Path(zip_path).name} cannot be read: {exc}")]
    on_disk = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    if set(members) != set(on_disk):
        return [Problem("zip", "the zip does not hold the same files as the pack folder")]
    if any(members[name] != on_disk[name] for name in members):
        return [Problem("zip", "a file in the zip differs from the pack folder")]
    return []
