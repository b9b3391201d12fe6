"""Measure what one step after the network does: every picture cut with it and without it.

    python -m studio.segment.training.step_changes --without ground-shadows --seed 70707 \
        --count 300 --unseen --network-cache ~/network-cache

Each picture goes through the network once (`--network-cache` keeps its outputs, so a rerun
after changing a step skips the network), then through the steps after it twice: without the
step named by `--without`, and as the model file is shipped. The pictures are `evaluate`'s, one
test set per style (a validation `--seed` to choose a rule; the test pictures only to read one
already chosen). Printed: a summary line for each (`pairings.summary_table`: mean IoU, the
paired change with its margin of error, pictures below 0.9 with those the step fixes and
breaks, specks kept, flagged), the same change style by style (`pairings.style_changes_table`),
which pictures the step changes in each style and the largest loss and gain among them
(`changed_table`: a rule kept for its gains must not cost a picture much elsewhere), then both
per-style tables (`evaluate.style_table`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from studio.segment.training import evaluate as ev
from studio.segment.training import pairings

# The steps that can be left out, each with the `Segmenter` method that leaves it out (the
# same switches as `evaluate`'s --keep-specks and the like).
STEPS: dict[str, str] = {
    "specks": "without_speck_removal",
    "paper-gaps": "without_paper_gaps",
    "paint-fills": "without_paint_fills",
    "soft-shadows": "with_opaque_shadows",
    "ground-shadows": "with_opaque_ground_shadows",
    "walled-paper": "with_walled_paper_kept",
    "see-through": "with_see_through_spots",
}
SHIPPED = "shipped"
# A picture counts as changed when its IoU moves by more than this (float noise aside).
CHANGED_IOU = 1e-9


def without(step: str) -> str:
    """The name the tables give the cut-out without `step`."""
    return f"without {step}"


def changed_table(scores: dict[tuple[str, str], ev.Score], step: str) -> str:
    """Per style, the pictures the step changes (those it gains on and loses on among them),
    and the largest loss and the largest gain, each as the picture's index in its test set
    and its IoU without the step and with it."""
    header = (
        f"{'style':<24} {'changed':>8} {'gain':>5} {'lose':>5} "
        f"{'largest loss':>26} {'largest gain':>26}"
    )
    lines = [f"pictures the step changes ({step}):", header, "-" * len(header)]
    styles = list(dict.fromkeys(style for style, _ in scores))
    for style in styles:
        before = np.asarray(scores[(style, without(step))].ious, np.float64)
        after = np.asarray(scores[(style, SHIPPED)].ious, np.float64)
        change = after - before
        changed = np.abs(change) > CHANGED_IOU
        gains, losses = int((change > CHANGED_IOU).sum()), int((change < -CHANGED_IOU).sum())
        worst = _picture_cell(before, after, int(np.argmin(change))) if losses else "-"
        best = _picture_cell(before, after, int(np.argmax(change))) if gains else "-"
        lines.append(
            f"{style:<24} {int(changed.sum()):>8d} {gains:>5d} {losses:>5d} {worst:>26} {best:>26}"
        )
    return "\n".join(lines)


def _picture_cell(before: np.ndarray, after: np.ndarray, index: int) -> str:
    """ "#12 0.8859 -> 0.9948": a picture's index and its IoU without the step and with it."""
    return f"#{index} {before[index]:.4f} -> {after[index]:.4f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--without", required=True, choices=sorted(STEPS), help="the step")
    parser.add_argument("--weights", type=Path, help="the model file (default: the shipped one)")
    parser.add_argument("--network-cache", type=Path, help="as evaluate's --network-cache")
    ev.add_test_set_options(parser)
    args = parser.parse_args(argv)
    ev.check_unseen_option(parser, args)

    import torch

    from studio.paths import resource
    from studio.segment import Segmenter
    from studio.segment.segmenter import SHIPPED_WEIGHTS

    torch.set_num_threads(args.threads)
    weights = args.weights or resource(*SHIPPED_WEIGHTS)
    shipped = Segmenter.from_shipped_weights(weights, "cpu")
    leave_out: Callable[[], Segmenter] = getattr(shipped, STEPS[args.without])
    cache = ev.NetworkCache(args.network_cache, weights) if args.network_cache else None
    names = [without(args.without), SHIPPED]
    methods = {
        names[0]: ev.segmenter_method(leave_out(), cache),
        names[1]: ev.segmenter_method(shipped, cache),
    }
    test_sets = ev.test_sets_of(args)
    scores = ev.evaluate(test_sets, methods)
    sys.stdout.write(pairings.summary_table(scores, names) + "\n")
    sys.stdout.write(
        f"\nper style, against the first:\n{pairings.style_changes_table(scores, names)}\n"
    )
    sys.stdout.write(f"\n{changed_table(scores, args.without)}\n")
    for name in names:
        sys.stdout.write(f"\n{ev.style_table(scores, name)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
