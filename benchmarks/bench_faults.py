"""Fault injection, measured: what the library does under damage, races, kills and full disks.

    .venv/bin/python benchmarks/bench_faults.py [--seeds 1000] [--races 10] [--kills 20]

Prints one table row per fault with counts. Every case runs in its own temporary STUDIO_HOME.
- byte flips: 1-3 random bits flipped in a real library file (6 jobs, 48 candidates, cut-outs,
  a pack), then the start-up reads the window's panels make. Counts starts that raised, how
  the start went (opened as is / rows skipped / recovered), and starts that lost a candidate
  plain SQLite could still read.
- racing first opens: 6 processes open a new library at the same moment and each writes a job.
- kill -9: a process importing pictures is killed at a random moment, again and again; after
  each kill, rows without their file and damaged starts are counted.
- full disk: `import` into a library whose database cannot grow (SQLite's max_page_count),
  then `library check`.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import logging
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path


@contextlib.contextmanager
def studio_home():
    with tempfile.TemporaryDirectory() as home:
        old = os.environ.get("STUDIO_HOME")
        os.environ["STUDIO_HOME"] = home
        try:
            from studio.paths import studio_paths

            yield studio_paths().ensure()
        finally:
            if old is None:
                os.environ.pop("STUDIO_HOME", None)
            else:
                os.environ["STUDIO_HOME"] = old


def byte_flips(seeds: int) -> dict[str, int]:
    from studio.library import CandidateStatus, Library
    from studio.library.testing import (
        build_sample_library,
        flip_bytes,
        install,
        readable_candidate_ids,
    )

    counts: collections.Counter[str] = collections.Counter({"start-up raised": 0})
    with studio_home() as paths:
        sample = build_sample_library(paths)
        for seed in range(seeds):
            data = flip_bytes(sample, seed)
            install(paths, data)
            readable = readable_candidate_ids(paths.library_db)
            install(paths, data)
            try:
                with Library(paths) as lib:
                    lib.jobs()
                    shown = {c.id for c in lib.candidates()}
                    for sort in ("time", "prompt"):
                        lib.candidates(sort=sort)
                    lib.candidates(statuses=[CandidateStatus.KEPT])
                    lib.current_cutouts()
                    for pack in lib.packs():
                        lib.pack_items(pack.id)
                    kind = (
                        "recovered"
                        if lib.recovery
                        else ("rows skipped" if lib.unreadable else "opened as is")
                    )
            except Exception as exc:  # what the studio must never do
                counts["start-up raised"] += 1
                print(f"seed {seed}: {exc!r}", file=sys.stderr)
                continue
            counts[kind] += 1
            lost = readable - shown
            counts["starts losing a readable candidate"] += bool(lost)
            counts["readable candidates lost"] += len(lost)
            counts["readable candidates"] += len(readable)
    return dict(counts)


def _race_worker(home: str, barrier, seed: int, results) -> None:
    os.environ["STUDIO_HOME"] = home
    from studio.library import JobSpec, Library

    barrier.wait()
    try:
        with Library() as lib:
            lib.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, seed, 1, 1))
            results.put(("ok", lib.moved_aside_to is not None))
    except Exception as exc:
        results.put(("error", repr(exc)))


def racing_opens(rounds: int, workers: int = 6) -> dict[str, int]:
    context = multiprocessing.get_context("spawn")
    counts: collections.Counter[str] = collections.Counter()
    with tempfile.TemporaryDirectory() as root:
        for round_ in range(rounds):
            home = str(Path(root) / f"r{round_}")
            barrier, results = context.Barrier(workers), context.Queue()
            procs = [
                context.Process(target=_race_worker, args=(home, barrier, s, results))
                for s in range(workers)
            ]
            for proc in procs:
                proc.start()
            outcomes = [results.get(timeout=120) for _ in procs]
            for proc in procs:
                proc.join()
            counts["opens"] += workers
            counts["errors"] += sum(o[0] == "error" for o in outcomes)
            counts["moved aside"] += sum(o == ("ok", True) for o in outcomes)
            conn = sqlite3.connect(Path(home) / "data" / "library.sqlite3")
            stored = conn.execute("SELECT count(*) FROM jobs").fetchone()[0]
            conn.close()
            counts["acknowledged writes missing"] += workers - stored
    return dict(counts)


WRITER = textwrap.dedent(
    """
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


def kill_loop(kills: int) -> dict[str, int]:
    from studio.library import Library
    from studio.library.leftovers import find_leftovers

    counts: collections.Counter[str] = collections.Counter()
    rng = random.Random(1)
    with studio_home() as paths:
        for _ in range(kills):
            writer = subprocess.Popen(
                [sys.executable, "-c", WRITER], stdout=subprocess.PIPE, text=True
            )
            writer.stdout.readline()
            time.sleep(rng.uniform(0.05, 0.5))
            os.kill(writer.pid, signal.SIGKILL)
            writer.wait()
            writer.stdout.close()
            counts["kills"] += 1
            with Library(paths) as lib:
                counts["damaged starts"] += bool(lib.recovery or lib.unreadable)
                rows = lib.candidates()
                counts["rows"] = len(rows)
                counts["rows without their file"] += sum(
                    not lib.abspath(c.image_path).is_file() for c in rows
                )
                found = find_leftovers(paths, lib._conn, min_age_s=0)
        counts["leftover files (cleaned at the next start once 10 min old)"] = len(found.all())
    return dict(counts)


def full_disk(pictures: int = 150) -> dict[str, int]:
    from PIL import Image

    import studio.library.repository as repository
    from studio.cli import main
    from studio.library.check import check_library

    counts: collections.Counter[str] = collections.Counter()
    with studio_home() as paths, tempfile.TemporaryDirectory() as folder:
        picture = Path(folder) / "p.png"
        Image.new("RGB", (40, 40), "blue").save(picture)
        real_open = repository.open_database

        def full_database(path, **kwargs):
            opened = real_open(path, **kwargs)
            pages = opened.connection.execute("PRAGMA page_count").fetchone()[0]
            opened.connection.execute(f"PRAGMA max_page_count = {pages + 2}")
            return opened

        repository.open_database = full_database
        try:
            with contextlib.redirect_stdout(open(os.devnull, "w")):
                counts["import exit code"] = main(["import", *[str(picture)] * pictures])
        finally:
            repository.open_database = real_open
        report = check_library(paths)
        counts["problems found by library check afterwards"] = len(report.problems)
        counts["candidates kept"] = report.candidates
    return dict(counts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=1000)
    parser.add_argument("--races", type=int, default=10)
    parser.add_argument("--kills", type=int, default=20)
    args = parser.parse_args()
    logging.getLogger("studio").setLevel(logging.CRITICAL)  # the table is the output
    rows = [
        (f"byte flips ({args.seeds} seeds)", byte_flips(args.seeds)),
        (f"racing first opens ({args.races} rounds x 6 processes)", racing_opens(args.races)),
        (f"kill -9 during writes ({args.kills} kills)", kill_loop(args.kills)),
        ("full disk during import (150 pictures)", full_disk()),
    ]
    print(f"{'fault':<48} measured")
    for name, counts in rows:
        print(f"{name:<48} " + "; ".join(f"{k}: {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
