"""`sticker-studio`: opens the window, or runs a headless sub-command.

Each sub-command lives in its own module under `studio/commands/` with a `register(subparsers)`
function; heavy imports (torch, Qt) happen inside the command, never at start-up, so `--help`
is instant. A `StudioError` becomes one line on stderr and exit code 2; a bug gets a traceback
in the log and a short pointer to it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from studio import __version__
from studio.errors import StudioError
from studio.logs import install_excepthook, setup_logging
from studio.paths import studio_paths

# The sub-command modules, in the order `--help` lists them.
COMMAND_MODULES = [
    "studio.commands.doctor",
    "studio.commands.pack",
    "studio.commands.cutout",
    "studio.commands.generate",
    "studio.commands.models",
    "studio.commands.translate",
]

EXIT_USER_ERROR = 2
EXIT_BUG = 3

log = logging.getLogger("studio.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sticker-studio",
        description="Make Telegram sticker packs with Emojich. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="also log to the terminal")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    paths = studio_paths()
    try:
        log_file = setup_logging(paths.logs, console=args.verbose)
    except OSError as exc:
        print(f"error: cannot write the log folder {paths.logs}: {exc.strerror}", file=sys.stderr)
        return EXIT_USER_ERROR
    if args.command is None:
        from studio.ui.app import run_app  # Qt only when the window is wanted

        return run_app()
    install_excepthook()
    try:
        return int(args.run(args) or 0)
    except StudioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception:
        log.exception("sticker-studio %s failed", args.command)
        print(
            f"error: an unexpected problem stopped the command; details are in {log_file}",
            file=sys.stderr,
        )
        return EXIT_BUG


if __name__ == "__main__":
    sys.exit(main())
