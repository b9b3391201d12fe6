"""`sticker-studio`: opens the window, or runs a headless sub-command.

Each sub-command lives in its own module under `studio/commands/` with a `register(subparsers)`
function; heavy imports (torch, Qt) happen inside the command, never at start-up, so `--help`
is instant. A `StudioError`, or a user problem such as a full or read-only disk, becomes one line
on stderr and exit code 2; a bug gets a traceback in the log and a short pointer to it. When the
log folder cannot be written the command still runs, logging errors to stderr instead.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from studio import __version__, faults
from studio.display import display_problem
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
    "studio.commands.importing",
    "studio.commands.library",
    "studio.commands.translate",
    "studio.commands.style",
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
    log_file = setup_logging(studio_paths().logs, console=args.verbose)
    if args.command is None:
        problem = display_problem()
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return EXIT_USER_ERROR
        from studio.ui.app import run_app  # Qt only when the window is wanted

        return run_app()
    install_excepthook()
    try:
        return int(args.run(args) or 0)
    except StudioError as exc:
        log.warning("sticker-studio %s: %s", args.command, exc)  # the log keeps the story
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        problem = _user_problem(exc)
        if problem is not None:
            log.warning("sticker-studio %s: %s", args.command, problem)
            print(f"error: {problem}", file=sys.stderr)
            return EXIT_USER_ERROR
        log.exception("sticker-studio %s failed", args.command)
        where = f"details are in {log_file}" if log_file else "details are above"
        print(f"error: an unexpected problem stopped the command; {where}", file=sys.stderr)
        return EXIT_BUG


def _user_problem(exc: BaseException) -> str | None:
    """One line for a full disk, a read-only folder or a permission problem, found on `exc` or
    on the error it was raised from; None when it is a bug."""
    seen = 0
    while exc is not None and seen < 5:
        line = faults.describe(exc)
        if line is not None:
            return line
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


if __name__ == "__main__":
    sys.exit(main())
