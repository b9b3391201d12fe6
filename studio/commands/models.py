"""`sticker-studio models list|download|import DIR|verify`: the model files."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "models", help="list, download, import or verify the model files", description=__doc__
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--model-dir", type=Path, default=None, help="models folder (default: the studio's)"
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("list", help="which files are there", parents=[common]).set_defaults(
        run=run_list
    )
    download = actions.add_parser(
        "download", help="download missing files from the model hub", parents=[common]
    )
    download.add_argument("keys", nargs="*", help="only these (e.g. dalle vqgan tokenizer unet)")
    download.set_defaults(run=run_download)
    imported = actions.add_parser(
        "import", help="copy official files from a folder you have", parents=[common]
    )
    imported.add_argument("folder", type=Path)
    imported.add_argument("--link", action="store_true", help="hard-link instead of copying")
    imported.set_defaults(run=run_import)
    verify = actions.add_parser(
        "verify",
        help="check the files: present, complete, and loadable (keys and shapes)",
        parents=[common],
    )
    verify.add_argument(
        "--hashes",
        action="store_true",
        help="also compare SHA-256 digests with the hub's (reads every file)",
    )
    verify.set_defaults(run=run_verify)


def _store(args: argparse.Namespace):
    from studio.engine.store import ModelStore

    return ModelStore(args.model_dir)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def run_list(args: argparse.Namespace) -> int:
    store = _store(args)
    print(f"models folder: {store.models_dir}")
    for s in store.status():
        state = "ok     " if s.present else ("MISSING" if s.required else "absent ")
        print(f"  {state} {s.key:<10} {s.filename:<40} {_size(s.size_bytes):>10}  {s.description}")
    return 0


def run_download(args: argparse.Namespace) -> int:
    store = _store(args)
    last: dict[str, int] = {}

    def progress(key: str, done: int, total: int | None) -> None:
        step = (total or 0) // 20 or 50 * 2**20
        if done - last.get(key, -step) >= step or (total and done >= total):
            last[key] = done
            share = f" ({100 * done / total:.0f}%)" if total else ""
            print(f"  {key}: {_size(done)}{share}", file=sys.stderr, flush=True)

    wanted = [s.filename for s in store.missing(tuple(args.keys) if args.keys else None)]
    if wanted:  # the hub may retry for a while before the first byte or the error
        print(f"downloading {', '.join(wanted)}…", file=sys.stderr, flush=True)
    names = store.download(args.keys or None, on_progress=progress)
    print("nothing to download" if not names else f"downloaded: {', '.join(names)}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    names = _store(args).import_folder(args.folder, link=args.link)
    print("nothing new to import" if not names else f"imported: {', '.join(names)}")
    return 0


def run_verify(args: argparse.Namespace) -> int:
    problems = _store(args).verify(check_hashes=args.hashes)
    for problem in problems:
        print(f"problem: {problem}")
    if problems:
        return 1
    print("all model files present and readable, with the keys and shapes the model needs")
    return 0
