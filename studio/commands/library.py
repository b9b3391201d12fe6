"""`sticker-studio library check [--repair]`: the library's deep check, and its repair.

Checks SQLite's integrity, that every row can be read, that every file a row names is there and
that no file is left over. Prints a summary with `candidates: N`; exit 0 when healthy, 1 when
problems were found (each named). `--repair` fixes what can be fixed: a damaged file is recovered
(the old one is kept beside it), rows whose file is gone are removed, leftovers are deleted.
Run it with the studio closed.
"""

from __future__ import annotations

import argparse
import logging
import os

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "library",
        help="check (and repair) the library",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="library_command", metavar="ACTION", required=True)
    check = actions.add_parser(
        "check",
        help="deep check: integrity, every row readable, every file present, no leftovers",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("--repair", action="store_true", help="fix what can be fixed")
    check.set_defaults(run=run_check)


def run_check(args: argparse.Namespace) -> int:
    from studio.library.check import check_library, repair_library
    from studio.paths import studio_paths

    paths = studio_paths()
    print(f"library: {paths.library_db}")
    if not paths.library_db.exists():
        print("candidates: 0")
        print("library: not created yet (nothing to check)")
        return 0
    try:
        report = repair_library(paths) if args.repair else check_library(paths)
    except Exception as exc:  # the check reports, it never fails: exit 0 or 1 only
        from studio.faults import describe

        log.warning("library check stopped", exc_info=True)
        report = check_library(paths)
        report.problems.append(f"the repair stopped: {describe(exc) or exc}")
    for line in report.lines():
        print(line)
    return 0 if report.healthy else 1


def library_lines() -> list[str]:
    """The library's state, for `doctor`."""
    from studio.library.check import check_library
    from studio.paths import studio_paths

    paths = studio_paths()
    lines = [f"file: {paths.library_db}"]
    if not paths.library_db.exists():
        return [*lines, "not created yet"]
    if not os.access(paths.data, os.W_OK):
        lines.append("read-only: the data folder cannot be written (the window opens read-only)")
    try:
        report = check_library(paths)
    except Exception as exc:  # a broken library is exactly what doctor is for
        return [*lines, f"cannot be checked: {exc}"]
    lines += report.lines()
    if not report.healthy:
        lines.append("fix it with `sticker-studio library check --repair` (studio closed)")
    return lines
