"""Fault 7 for packs: a `pack build` killed at any moment (kill -9) leaves hidden staging
folders; the next export of the same pack cleans them (only ours, only old ones), and a pack
killed between the two renames of a replace is put back."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from PIL import Image

from studio.pack.publish import clean_stale_exports


def sticker(path, seed: int) -> str:
    pixels = np.random.default_rng(seed).integers(0, 256, (512, 512, 4), dtype=np.uint8)
    pixels[:40, :, 3] = 0
    Image.fromarray(pixels, "RGBA").save(path)
    return str(path)


def build(sources, out, *extra) -> subprocess.Popen:
    args = ["pack", "build", *sources, "--title", "T", "--name", "cats", "--emoji", "😀"]
    return subprocess.Popen(
        [sys.executable, "-m", "studio", *args, "--out", str(out), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ,
    )


def hidden(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.mark.slow  # five `pack build` processes
def test_killed_builds_leave_staging_that_the_next_build_cleans(tmp_path):
    sources = [sticker(tmp_path / f"s{i}.png", i) for i in range(6)]
    exports = tmp_path / "exports"
    exports.mkdir()
    out = exports / "cats"
    rng = random.Random(3)
    for _ in range(4):
        run = build(sources, out, "--force", "--zip")
        time.sleep(rng.uniform(0.8, 2.0))  # somewhere in start-up, rendering or publishing
        os.kill(run.pid, signal.SIGKILL)
        run.communicate(timeout=30)
    leftovers = hidden(exports)
    old = time.time() - 3600
    for name in leftovers:
        os.utime(exports / name, (old, old))
    finished = build(sources, out, "--force", "--zip")
    _, err = finished.communicate(timeout=300)
    assert finished.returncode == 0, err
    assert hidden(exports) == []  # every stale staging folder and temporary zip is gone
    assert sorted(p.name for p in exports.iterdir()) == ["cats", "cats.zip"]


def test_new_staging_and_other_folders_are_left_alone(tmp_path):
    out = tmp_path / "cats"
    fresh = tmp_path / ".cats.export-0123abcd"
    fresh.mkdir()
    (fresh / "001.webp").write_bytes(b"x")
    theirs = tmp_path / ".cats.export-notours"
    theirs.mkdir()
    mixed = tmp_path / ".cats.export-89abcdef"
    mixed.mkdir()
    (mixed / "thesis.docx").write_bytes(b"a user's file")
    old = time.time() - 3600
    for folder in (theirs, mixed):
        os.utime(folder, (old, old))
    assert clean_stale_exports(out) == []
    assert fresh.exists() and theirs.exists() and mixed.exists()


def test_a_pack_killed_between_the_two_renames_is_put_back(tmp_path):
    out = tmp_path / "cats"
    moved = tmp_path / ".cats.old-deadbeef"
    moved.mkdir()
    (moved / "manifest.json").write_text("{}")
    (moved / "001.webp").write_bytes(b"sticker")
    old = time.time() - 3600
    os.utime(moved, (old, old))
    assert clean_stale_exports(out) == [moved]
    assert (out / "001.webp").read_bytes() == b"sticker" and not moved.exists()
