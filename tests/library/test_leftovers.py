"""Fault 7: writes killed at any moment (kill -9) never leave a row without its file; their
leftovers (temporary files, orphan media) are cleaned on the next start, only ours and only old
ones, and never the picture of a row that cannot be read."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

from studio.library import Library
from studio.library.check import check_library
from studio.library.leftovers import clean_leftovers_at_start, find_leftovers

WRITER = textwrap.dedent(
    """
    import sys
    from PIL import Image
    from studio.library import CutoutMethod, Library
    picture = Image.effect_noise((256, 256), 80).convert("RGB")
    with Library() as lib:
        print("ready", flush=True)
        n = 0
        while True:
            imported = lib.import_image(picture, f"p{n}.png")
            lib.add_cutout(imported.candidate_id, picture.convert("L"), CutoutMethod.MANUAL)
            n += 1
    """
)


def age(paths, seconds: float = 3600) -> None:
    old = time.time() - seconds
    for folder in (paths.data, *(p for p in paths.media.rglob("*") if p.is_dir())):
        for path in folder.iterdir():
            if path.is_file():
                os.utime(path, (old, old))


def test_kill_9_during_writes_loses_nothing_and_leftovers_go(paths):
    rng = random.Random(7)
    for _ in range(4):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER], stdout=subprocess.PIPE, text=True, env=os.environ
        )
        assert writer.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        writer.stdout.close()
        with Library(paths) as lib:
            assert lib.recovery is None and lib.unreadable == {}
            for candidate in lib.candidates():  # every row names a file that is there
                assert lib.abspath(candidate.image_path).is_file()
            for cutout in lib.current_cutouts().values():
                assert lib.abspath(cutout.mask_path).is_file()
    # Plant what a kill between "file written" and "row committed" leaves, as it may not
    # have happened by chance above: an orphan picture and a temporary file.
    (paths.media / "imports" / ("ab" * 16 + ".png")).write_bytes(b"orphan")
    (paths.media / "masks" / f".{'cd' * 16}.png.a1b2c3d4.tmp").write_bytes(b"half")
    assert clean_leftovers_at_start(paths) == 0  # too new: could still be being written
    age(paths)
    assert clean_leftovers_at_start(paths) >= 2
    report = check_library(paths)
    assert report.healthy, report.problems


def test_only_our_names_are_cleaned(paths):
    with Library(paths):
        pass
    theirs = [
        paths.media / "imports" / "holiday.png",
        paths.media / "notes.tmp",
        paths.data / "library.sqlite3.damaged-20260101-000000",
    ]
    for path in theirs:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    age(paths)
    clean_leftovers_at_start(paths)
    assert all(path.exists() for path in theirs)


def test_orphans_older_than_a_kept_damaged_file_are_kept(paths):
    with Library(paths):
        pass
    orphan = paths.media / "candidates" / ("ef" * 16 + ".png")
    orphan.parent.mkdir(exist_ok=True)
    orphan.write_bytes(b"maybe named by the damaged file")
    age(paths, 7200)
    damaged = paths.data / "library.sqlite3.damaged-20260101-000000"
    damaged.write_bytes(b"x")
    os.utime(damaged, (time.time() - 3600, time.time() - 3600))
    clean_leftovers_at_start(paths)
    assert orphan.exists()


def test_no_orphan_is_cleaned_while_a_row_names_a_damaged_path(paths):
    from PIL import Image

    with Library(paths) as lib:
        imported = lib.import_image(Image.new("RGB", (4, 4)), "a.png")
        lib._conn.execute(
            "UPDATE candidates SET image_path = 'media/imports/d\ufffdmaged.png' WHERE id = ?",
            (imported.candidate_id,),
        )
    orphan = paths.media / "imports" / ("12" * 16 + ".png")
    orphan.write_bytes(b"x")
    age(paths)
    found = find_leftovers(paths, None)
    assert not found.orphans_known
    clean_leftovers_at_start(paths)
    assert orphan.exists()
