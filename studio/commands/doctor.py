"""`sticker-studio doctor`: what this machine offers the studio, in one screen."""

from __future__ import annotations

import argparse
import platform
import shutil
import sys
from collections.abc import Callable

from studio import __version__
from studio.paths import studio_paths
from studio.translate.files import DOWNLOAD_COMMAND, TRANSLATOR_DIR, TRANSLATOR_KEY

# Extra sections other parts of the studio add (title, function returning lines).
Section = tuple[str, Callable[[], list[str]]]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "doctor", help="versions, device, model files and folders", description=__doc__
    )
    parser.set_defaults(run=run)


def _gib(n_bytes: float) -> str:
    return f"{n_bytes / 2**30:.1f} GiB"


def torch_lines() -> list[str]:
    try:
        import torch
    except Exception as exc:  # a broken install is exactly what doctor is for
        return [f"torch: not importable ({exc})"]
    lines = [f"torch: {torch.__version__} (CUDA build: {torch.version.cuda or 'no'})"]
    if torch.cuda.is_available():
        for i in range(torch.cuda.device_count()):
            props = torch.cuda.get_device_properties(i)
            lines.append(f"GPU {i}: {props.name}, {_gib(props.total_memory)}")
        lines.append(f"bf16 supported: {torch.cuda.is_bf16_supported()}")
    else:
        lines.append("CUDA: not available; generation runs on the CPU (slow)")
    lines.append(f"CPU threads: {torch.get_num_threads()}")
    return lines


def model_lines() -> list[str]:
    from studio.engine.store import ModelStore  # no torch: the store only looks at files

    store = ModelStore(studio_paths().models)
    lines = [f"models folder: {store.models_dir}"]
    try:
        statuses = store.status()
    except Exception as exc:  # a broken studio-model.json is exactly what doctor is for
        return [*lines, f"  cannot read the models folder: {exc}"]
    translator = [s for s in statuses if s.key == TRANSLATOR_KEY]
    for s in statuses:
        if s.key == TRANSLATOR_KEY:
            continue  # one line for the whole set, below
        if s.present:
            lines.append(f"  found    {s.filename}  {_gib(s.size_bytes or 0)}  ({s.description})")
        else:
            need = "missing " if s.required else "optional"
            lines.append(f"  {need} {s.filename}  ({s.description})")
    if store.missing():
        lines.append("  get them with `sticker-studio models download` (or `models import DIR`)")
    lines.append(_translator_line(translator))
    return lines


def _translator_line(files: list) -> str:
    """The optional translator as one line: found, incomplete, or how to get it."""
    have = [s for s in files if s.present]
    if files and len(have) == len(files):
        size = sum(s.size_bytes or 0 for s in have)
        return f"  found    translator {TRANSLATOR_DIR}/  {_gib(size)}  (English -> Russian)"
    state = f"incomplete ({len(have)} of {len(files)} files)" if have else "optional"
    return f"  {state} translator {TRANSLATOR_DIR}/ (English -> Russian): `{DOWNLOAD_COMMAND}`"


def folder_lines() -> list[str]:
    paths = studio_paths()
    lines = [
        f"data: {paths.data}",
        f"library: {paths.library_db}",
        f"logs: {paths.logs}",
        f"cache: {paths.cache}",
        f"config: {paths.config}",
    ]
    probe = paths.data
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    lines.append(f"free disk at data folder: {_gib(shutil.disk_usage(probe).free)}")
    return lines


def sections() -> list[Section]:
    return [
        ("Sticker Studio", lambda: [f"version {__version__}"]),
        ("Python", lambda: [f"{sys.version.split()[0]} on {platform.platform()}"]),
        ("Torch and device", torch_lines),
        ("Models", model_lines),
        ("Folders", folder_lines),
        ("Library", _library_lines),
    ]


def _library_lines() -> list[str]:
    from studio.commands.library import library_lines

    return library_lines()


def run(args: argparse.Namespace) -> int:
    for title, make_lines in sections():
        print(title)
        for line in make_lines():
            print(f"  {line}")
    return 0
