"""Score pairings of networks and input sizes on the same pictures, side by side.

    python -m studio.segment.training.pairings --count 60 --seed 555 \
        --network s8=stage8.safetensors --network s14=stage14.safetensors \
        s8@256+s8@384 s8@256+s14@384 s14@256+s8@384 s8@256+s8@384+s14@256+s14@384

A cut-out model is fed at one or more input sizes and averages the passes' predictions; a model
file may give a size a network of its own (`combine`). Which networks to feed at which sizes is
measured here: each pass (a network fed at a size) is run once per picture and reused by every
pairing that has it, and each pairing's average goes through the steps after the network
(`Segmenter.finish`, with the first-named network's threshold and recipe) exactly as a model
file fed that way would cut the picture. The pictures are `evaluate`'s, one test set per style
(use a validation `--seed`, not the default test pictures, to choose). Printed: a summary line
per pairing (mean IoU over the styles, its change from the first pairing on the same pictures
with a margin of error, pictures below 0.9, pictures keeping a speck, pictures flagged for
review, and of the pictures below 0.9 those fixed and those new against the first pairing),
the same change style by style (`style_changes_table`), then each pairing's per-style table
(`evaluate.style_table`), the pictures that carry its missed white
(`evaluate.white_missed_table`), its table per kind of paper (`evaluate.paper_table`) and what
its failures are (`evaluate.failure_table`) and where its IoU goes (`evaluate.breakdown_table`:
two pairings with the same failures can lose IoU to different kinds of error).

`--cache DIR` keeps every pass on disk (0.6 MB per picture and pass at 384 px, float32, by the
network file's content and the picture's), so that a later run with another pairing or a
changed step after the network runs only the passes it has not seen.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np

from studio.fileio import atomic_open
from studio.segment.segmenter import INPUT_SIZES_RULE, usable_input_sizes
from studio.segment.training import evaluate as ev


class Pass(NamedTuple):
    """One network fed at one input size."""

    network: str
    size: int


def parse_pairing(text: str) -> tuple[Pass, ...]:
    """The passes of a pairing written as "s8@256+s14@384"."""
    passes = []
    for part in text.split("+"):
        network, at, size = part.partition("@")
        if not network or not at or not size.isdigit():
            raise ValueError(f"{part!r} in {text!r} is not NETWORK@SIZE (e.g. s8@256)")
        if not usable_input_sizes([int(size)]):
            raise ValueError(f"{part!r} in {text!r}: {INPUT_SIZES_RULE}")
        passes.append(Pass(network, int(size)))
    return tuple(passes)


def output_size(pairing: tuple[Pass, ...]) -> int:
    """The size a pairing's passes are averaged at: its largest input size, as a model file's."""
    return max(one.size for one in pairing)


class PassOutputs:
    """Each network's class-1 probabilities per pass and picture, computed once: in memory
    (`forget` drops them), and on disk in `folder` when given."""

    def __init__(self, segmenters: dict, files: dict[str, Path], folder: Path | None) -> None:
        self.segmenters = segmenters
        self.folders = {}
        if folder is not None:
            for name, path in files.items():
                self.folders[name] = folder / ev.file_digest(path)
        self._memory: dict[tuple[str, Pass, int], np.ndarray] = {}

    def forget(self) -> None:
        self._memory.clear()

    def average(self, image: np.ndarray, pairing: tuple[Pass, ...]) -> np.ndarray:
        """The mean of the pairing's passes for `image` (S,S float32, S: `output_size`)."""
        key = ev.picture_key(image)
        size = output_size(pairing)
        probabilities = [self._pass(image, key, one, size) for one in pairing]
        return (sum(probabilities) / len(probabilities)).astype(np.float32)

    def _pass(self, image: np.ndarray, key: str, one: Pass, size: int) -> np.ndarray:
        memo = (key, one, size)
        if memo not in self._memory:
            self._memory[memo] = self._stored_or_run(image, key, one, size)
        return self._memory[memo]

    def _stored_or_run(self, image: np.ndarray, key: str, one: Pass, size: int) -> np.ndarray:
        folder = self.folders.get(one.network)
        path = None if folder is None else folder / f"{one.size}-to-{size}" / f"{key}.npy"
        if path is not None and path.is_file():
            return np.load(path)
        segmenter = self.segmenters[one.network]
        (probability,) = segmenter.pass_outputs([image], [one.size], size)[one.size]
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_open(path) as handle:
                np.save(handle, probability)
        return probability


def score_pairings(
    test_sets: list[ev.TestSet], pairings: dict[str, tuple[Pass, ...]], outputs: PassOutputs
) -> dict[tuple[str, str], ev.Score]:
    """`evaluate.evaluate`'s scores, one method per pairing (named by its key in `pairings`),
    finished by the first-named network fed at the pairing's sizes."""
    methods = {}
    for name, pairing in pairings.items():
        first = outputs.segmenters[pairing[0].network]
        finisher = first.fed_at([one.size for one in pairing])
        methods[name] = _pairing_method(finisher, pairing, outputs)
    scores: dict[tuple[str, str], ev.Score] = {}
    for test_set in test_sets:  # one set at a time, so that memory holds one set's passes
        scores.update(ev.evaluate([test_set], methods))
        outputs.forget()
    return scores


def _pairing_method(finisher, pairing: tuple[Pass, ...], outputs: PassOutputs) -> ev.Method:
    def run(image: np.ndarray) -> ev.Cut:
        probability = outputs.average(image, pairing)
        confidence = float(np.maximum(probability, 1.0 - probability).mean())
        result = finisher.finish(image, probability, confidence)
        return ev.cut_of(result)

    return run


def summary_table(scores: dict[tuple[str, str], ev.Score], pairings: list[str]) -> str:
    """One line per pairing: mean IoU over the styles, its difference from the first pairing's
    with that difference's margin of error, and over all pictures the ones below 0.9 (with
    those it fixes and those it adds against the first pairing: a pairing with a few fewer
    failures may trade many), keeping a speck and flagged for review."""
    header = (
        f"{'pairing':<40} {'mean IoU':>9} {'vs first':>18} {'below 0.9':>10} {'fixed':>6} "
        f"{'new':>4} {'specks kept':>12} {'flagged':>8}"
    )
    lines = [header, "-" * len(header)]
    first = _picture_ious(scores, pairings[0])
    for name in pairings:
        own = [score for (_, method), score in scores.items() if method == name]
        mean = float(np.mean([score.mean_iou for score in own]))
        ious = _picture_ious(scores, name)
        versus = _versus(first, ious)
        below = sum(score.failures for score in own)
        fixed, new = fixed_and_new(first, ious)
        specks = sum(score.specks for score in own)
        flagged = sum(score.flagged for score in own)
        lines.append(
            f"{name:<40} {mean:>9.5f} {versus:>18} {below:>10d} {fixed:>6d} {new:>4d} "
            f"{specks:>12d} {flagged:>8d}"
        )
    lines.append(
        "vs first: the change in mean IoU over the same pictures, ± half a 95% interval of it "
        "(paired, normal approximation); fixed / new: pictures below 0.9 under the first "
        "pairing and not under this one, and the other way round"
    )
    return "\n".join(lines)


def style_changes_table(scores: dict[tuple[str, str], ev.Score], pairings: list[str]) -> str:
    """Each later pairing against the first, style by style, on the same pictures: the change
    in mean IoU with its margin of error, the pictures below 0.9 under both, and those fixed
    and new. A total over the styles can hide one style's loss under another's gain."""
    header = (
        f"{'style':<24} {'pairing':<32} {'vs first':>18} {'below 0.9':>12} {'fixed':>6} {'new':>4}"
    )
    lines = [header, "-" * len(header)]
    styles = list(dict.fromkeys(style for style, _ in scores))
    for name in pairings[1:]:
        for style in styles:
            before, after = scores[(style, pairings[0])], scores[(style, name)]
            first, ious = np.asarray(before.ious), np.asarray(after.ious)
            versus = _versus(first, ious)
            below = f"{before.failures} -> {after.failures}"
            fixed, new = fixed_and_new(first, ious)
            lines.append(f"{style:<24} {name:<32} {versus:>18} {below:>12} {fixed:>6d} {new:>4d}")
    return "\n".join(lines)


def _versus(first: np.ndarray, ious: np.ndarray) -> str:
    """The paired change from `first` to `ious` as the tables print it: "+0.00054 ±0.00148"."""
    change, margin = paired_difference(first, ious)
    return f"{change:+.5f} ±{margin:.5f}"


def fixed_and_new(first: np.ndarray, ious: np.ndarray) -> tuple[int, int]:
    """Of the same pictures, those below 0.9 under `first` and not under `ious` (fixed), and
    the other way round (new)."""
    failed_first, failed = first < ev.FAILURE_IOU, ious < ev.FAILURE_IOU
    return int((failed_first & ~failed).sum()), int((failed & ~failed_first).sum())


def _picture_ious(scores: dict[tuple[str, str], ev.Score], pairing: str) -> np.ndarray:
    """Every picture's IoU under `pairing`, the styles in one order."""
    return np.concatenate(
        [score.ious for (_, method), score in sorted(scores.items()) if method == pairing]
    )


def paired_difference(before: np.ndarray, after: np.ndarray) -> tuple[float, float]:
    """The mean change from `before` to `after` (IoUs of the same pictures) and half a 95%
    interval of it. Measured on the same pictures, two cut-outs differ far less than a
    sample's mean differs from another's: a few hard pictures weigh on both alike."""
    change = np.asarray(after, np.float64) - np.asarray(before, np.float64)
    mean = float(change.mean()) if len(change) else float("nan")
    return mean, ev.margin_of_error(change)


def _named_file(text: str) -> tuple[str, Path]:
    name, equals, path = text.partition("=")
    if not name or not equals or not path:
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=FILE")
    return name, Path(path).expanduser()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pairings", nargs="+", help="NETWORK@SIZE+NETWORK@SIZE...")
    parser.add_argument(
        "--network",
        type=_named_file,
        action="append",
        required=True,
        help="NAME=FILE: a model file, named for the pairings",
    )
    parser.add_argument("--cache", type=Path, help="keep the passes in this folder")
    ev.add_test_set_options(parser)
    args = parser.parse_args(argv)
    ev.check_unseen_option(parser, args)

    files = dict(args.network)
    try:
        pairings = {text: parse_pairing(text) for text in args.pairings}
    except ValueError as error:
        parser.error(str(error))
    unknown = {one.network for pairing in pairings.values() for one in pairing} - set(files)
    if unknown:
        parser.error(f"no --network for {', '.join(sorted(unknown))}")

    import torch

    from studio.segment import Segmenter

    torch.set_num_threads(args.threads)
    segmenters = {name: Segmenter.from_shipped_weights(path, "cpu") for name, path in files.items()}
    outputs = PassOutputs(segmenters, files, args.cache)
    test_sets = ev.test_sets_of(args)
    scores = score_pairings(test_sets, pairings, outputs)
    sys.stdout.write(summary_table(scores, list(pairings)) + "\n")
    if len(pairings) > 1:
        sys.stdout.write(
            f"\nper style, against the first:\n{style_changes_table(scores, list(pairings))}\n"
        )
    for name in pairings:
        sys.stdout.write(f"\n{ev.style_table(scores, name)}\n")
        sys.stdout.write(f"\n{ev.white_missed_table(scores, name)}\n")
        sys.stdout.write(f"\n{ev.paper_table(scores, name)}\n")
        sys.stdout.write(f"\n{ev.failure_table(scores, name)}\n")
        sys.stdout.write(f"\n{ev.breakdown_table(scores, name)}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
