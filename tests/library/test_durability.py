"""A process killed mid-write (SIGKILL) leaves a library that opens clean, with every committed
row present and every file a row names on disk."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from studio.library import Library

WRITER = textwrap.dedent(
    """
    import sys
    from PIL import Image
    from studio.library import JobSpec, Library
    from studio.library.records import CutoutMethod

    lib = Library()
    job = lib.create_job(JobSpec("кот", "emojich", 2048, 0.995, 1.0, 1, 10_000, 4))
    print("ready", flush=True)
    for i in range(10_000):
        img = Image.effect_noise((64, 64), 40 + i % 50).convert("RGB")
        cand = lib.add_candidate(job.id, i, img, codes=bytes(8), perplexity=float(i), seed=i)
        if i % 3 == 0:
            lib.add_cutout(cand.id, img.convert("L"), CutoutMethod.UNET, 0.99)
        print(cand.id, flush=True)  # only after the commit returned
    """
)


@pytest.mark.slow
@pytest.mark.parametrize("attempt", range(3))
def test_sigkill_mid_write_keeps_every_committed_row(paths, attempt):
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER],
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(random.Random(attempt).uniform(0.3, 1.2))
    proc.send_signal(signal.SIGKILL)
    out, _ = proc.communicate(timeout=30)
    reported = {int(line) for line in out.split()}
    assert reported, "the writer committed nothing before it was killed"

    with Library(paths) as lib:
        assert lib.moved_aside_to is None
        assert lib.integrity_ok()
        candidates = lib.candidates()
        ids = {c.id for c in candidates}
        assert reported <= ids  # every acknowledged commit survived
        for cand in candidates:
            assert lib.abspath(cand.image_path).is_file()
            cutout = lib.current_cutout(cand.id)
            if cutout is not None:
                assert lib.abspath(cutout.mask_path).is_file()
