"""`sticker-studio import IMAGE... [--prompt TEXT]`: add pictures to the library as candidates.

What File ▸ Import does in the window, through the same code. One line per picture: the
candidate it became, or why it was skipped. Exit 2 if any picture was skipped.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.errors import StudioError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import",
        help="add pictures to the library as candidates",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="picture files")
    parser.add_argument(
        "--prompt", metavar="TEXT", help="the prompt the pictures were made with (shown, searched)"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from studio.library import Library
    from studio.library.importing import ImportedPicture, import_files

    def imported(picture: ImportedPicture) -> None:
        extra = "; its transparency is its cut-out" if picture.with_alpha else ""
        notes = "".join(f"; {note}" for note in picture.notes)
        print(f"{picture.path} -> candidate {picture.candidate_id}{extra}{notes}", flush=True)

    def skipped(path: Path, reason: str) -> None:
        print(f"{path}: skipped: {reason}", flush=True)

    with Library(allow_read_only=False) as library:
        report = import_files(
            args.images,
            library=library,
            prompt=args.prompt,
            on_picture=imported,
            on_problem=skipped,
        )
    if report.problems:
        raise StudioError(
            f"{len(report.problems)} of {len(args.images)} picture(s) were skipped (see above)"
        )
    return 0
