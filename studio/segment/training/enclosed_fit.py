"""Fit the classifier that tells enclosed white paint from holes (`enclosed_classifier`) for
one cut-out network, on pictures of the training glyphs in Emojich's look; measure it with
`evaluate --enclosed-classifier JSON`, and store it in the network's model file with `--into`
(the shipped file has none: the model card, "Enclosed white decided by a classifier").

    python -m studio.segment.training.enclosed_fit --data ~/regions.npz --out ~/classifier.json

Each picture is cut by the network; every white region the figure encloses
(`contour.enclosed_paper`) large enough to measure (`enclosed_features`) becomes one example:
its features, whether the truth paints it, and how much of the picture's figure it is (what
deciding it wrongly costs in IoU, the example's weight). The regions are kept in `--data` and
read back when the same pictures are asked for again. Validation and test pictures are drawn
from the held-out glyphs only; these come from the training split.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

import cv2
import numpy as np

from studio.fileio import atomic_open
from studio.segment import contour, enclosed_features, enclosed_white
from studio.segment.enclosed_classifier import CLASSIFIER_KEY, EnclosedClassifier
from studio.segment.enclosed_features import FEATURE_NAMES, region_features, region_opacity
from studio.segment.training import synth
from studio.segment.training.evaluate import EMOJICH_LOOK, digest, file_digest

log = logging.getLogger(__name__)

# Glyphs drawn from each design's training split (every Noto training glyph is used).
DESIGN_GLYPHS = 800
# An example's weight: the region's share of the figure, at least this (a small region's
# decision still counts). A hole larger than the thin ring round it weighs more than 1: it costs
# the IoU that much.
MIN_WEIGHT = 0.002
HIDDEN = 16


def design_folders() -> list[Path]:
    """The other designs' folders (`scripts/bootstrap --eval-data`), in order."""
    return synth.design_folders(synth.default_designs_folder())


def style_names() -> list[str]:
    """Noto, then each design, as `gather` numbers them."""
    return ["noto"] + [folder.name for folder in design_folders()]


def style_glyphs(seed: int) -> list[tuple[str, list[np.ndarray]]]:
    """(style, training glyphs) for Noto and every design folder."""
    styles = [("noto", synth.noto_glyphs("train"))]
    for folder in design_folders():
        glyphs = synth.load_design_folder(folder, DESIGN_GLYPHS, seed, split="train")
        styles.append((folder.name, glyphs))
    return styles


def gather(segmenter, count: int, seed: int, warm_white: float) -> dict[str, np.ndarray]:
    """The examples of `count` pictures per style (module docstring)."""
    features, paint, shares, styles = [], [], [], []
    for number, (style, glyphs) in enumerate(style_glyphs(seed)):
        for index in range(count):
            rng = synth.sample_rng(seed, number * 1_000_000 + index)
            sample = synth.make_sample(
                rng,
                glyphs,
                512,
                negatives=False,
                whiten=False,
                warm_white=warm_white,
                **EMOJICH_LOOK,
            )
            (probability,), _ = segmenter.network_outputs([sample.image])
            height, width = sample.image.shape[:2]
            upsampled = cv2.resize(probability, (width, height), interpolation=cv2.INTER_LINEAR)
            regions, labels = contour.enclosed_paper(sample.image, segmenter.tolerance)
            area, opacity = region_opacity(labels, regions, upsampled)
            rows, measured = region_features(sample.image, labels, area, opacity)
            if len(measured) == 0:
                continue
            figure = max(1.0, float((sample.alpha >= 0.5).sum()))
            truth = np.bincount(labels.ravel(), weights=sample.alpha.ravel(), minlength=regions)
            features.append(rows)
            paint.append(truth[measured] / area[measured] >= 0.5)
            shares.append(area[measured] / figure)
            styles.append(np.full(len(measured), number))
        log.info("%s: %d regions so far", style, sum(len(f) for f in features))
    return {
        "features": np.concatenate(features),
        "paint": np.concatenate(paint),
        "shares": np.concatenate(shares).astype(np.float32),
        "styles": np.concatenate(styles),
    }


def example_weights(shares: np.ndarray) -> np.ndarray:
    """What deciding each region wrongly costs: its share of the figure, at least
    `MIN_WEIGHT`."""
    return np.maximum(shares, MIN_WEIGHT)


def fit(
    features: np.ndarray, paint: np.ndarray, shares: np.ndarray, seed: int, steps: int = 3000
) -> EnclosedClassifier:
    """A classifier (`EnclosedClassifier`) fitted by cross-entropy, each region weighted by
    its share of the figure (`example_weights`)."""
    import torch

    torch.manual_seed(seed)
    mean = features.mean(axis=0)
    std = np.maximum(features.std(axis=0), 1e-3)
    x = torch.from_numpy((features - mean) / std).float()
    y = torch.from_numpy(paint.astype(np.float32))
    weights = example_weights(shares)
    w = torch.from_numpy(weights / weights.mean()).float()
    hidden = torch.nn.Linear(x.shape[1], HIDDEN)
    out = torch.nn.Linear(HIDDEN, 1)
    params = [*hidden.parameters(), *out.parameters()]
    optimiser = torch.optim.Adam(params, lr=0.01, weight_decay=1e-3)
    for _ in range(steps):
        optimiser.zero_grad()
        logits = out(torch.tanh(hidden(x)))[:, 0]
        loss = (
            torch.nn.functional.binary_cross_entropy_with_logits(logits, y, reduction="none") * w
        ).mean()
        loss.backward()
        optimiser.step()
    return EnclosedClassifier(
        mean=mean.astype(np.float32),
        std=std.astype(np.float32),
        hidden_weight=hidden.weight.detach().numpy().T.copy(),
        hidden_bias=hidden.bias.detach().numpy().copy(),
        out_weight=out.weight.detach().numpy()[0].copy(),
        out_bias=float(out.bias.detach()[0]),
    )


def report(classifier: EnclosedClassifier, data: dict[str, np.ndarray], names: list[str]) -> str:
    """Weighted error (the regions' summed figure share decided wrongly, `example_weights`)
    of the network's opacity alone, of `classifier` alone, and of the two as the cut-out
    combines them (kept when either keeps it: `enclosed_white`), per style."""
    opacity = data["features"][:, FEATURE_NAMES.index("opacity")]
    network = opacity >= enclosed_white.KEEP_OPACITY
    alone = classifier.paint_probability(data["features"]) >= classifier.threshold
    lines = [
        f"{'style':<14} {'regions':>8} {'paint':>6} {'network':>8} {'classifier':>11} "
        f"{'both':>6}  (weighted error)"
    ]
    for number, name in enumerate(names):
        here = data["styles"] == number
        paint, weights = data["paint"][here], example_weights(data["shares"][here])
        wrong = [
            weights[decided[here] != paint].sum() for decided in (network, alone, network | alone)
        ]
        lines.append(
            f"{name:<14} {int(here.sum()):>8} {int(paint.sum()):>6} "
            f"{wrong[0]:>8.3f} {wrong[1]:>11.3f} {wrong[2]:>6.3f}"
        )
    return "\n".join(lines)


def store(model: Path, classifier: EnclosedClassifier) -> None:
    """Write `classifier` into the model file `model`'s metadata, the weights as they are."""
    from safetensors.torch import load_file

    from studio.segment.segmenter import read_model_meta
    from studio.segment.training.train import write_model_file

    meta = read_model_meta(model, "give a file exported by train")
    meta[CLASSIFIER_KEY] = classifier.to_dict()
    write_model_file(model, load_file(str(model)), meta)


# What regions kept by two runs must share to be fitted together (`--also`).
SAME_REGIONS = ("network", "features", "measured_by")


class RegionsError(Exception):
    """A `--data` file that cannot be read."""


def read_regions(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """(what was asked for, the regions) kept in a `--data` file."""
    try:
        with np.load(path) as stored:
            asked = json.loads(str(stored["asked"]))
            regions = {key: stored[key] for key in stored.files if key != "asked"}
    except (OSError, ValueError, KeyError, EOFError) as exc:
        raise RegionsError(f"{path} holds no regions kept by enclosed_fit ({exc})") from None
    if set(regions) != {"features", "paint", "shares", "styles"}:
        raise RegionsError(f"{path} holds no regions kept by enclosed_fit")
    return asked, regions


def tensors_digest(path: Path) -> str:
    """The digest of a model file's weights alone: storing a classifier in it changes its
    metadata, not the network the regions were measured with."""
    from safetensors.torch import load_file, save

    return digest(save(load_file(str(path))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, help="the network (default: the shipped one)")
    parser.add_argument("--count", type=int, default=400, help="pictures per style")
    parser.add_argument("--seed", type=int, default=4100)
    parser.add_argument("--warm-white", type=float, default=0.25)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--data", type=Path, help="keep the regions in this .npz and reuse them")
    parser.add_argument(
        "--also",
        type=Path,
        nargs="+",
        default=[],
        metavar="DATA",
        help="add the regions other runs kept in their --data (other seeds), measured on the "
        "same network by the same code",
    )
    parser.add_argument("--holdout", type=float, default=0.2, help="share of regions to report on")
    parser.add_argument("--out", type=Path, help="write the classifier here as JSON")
    parser.add_argument("--into", type=Path, help="store the classifier in this model file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")

    import torch

    from studio.paths import resource
    from studio.segment import Segmenter
    from studio.segment.segmenter import SHIPPED_WEIGHTS

    torch.set_num_threads(args.threads)
    weights = args.weights or resource(*SHIPPED_WEIGHTS)
    segmenter = Segmenter.from_shipped_weights(weights, "cpu")
    asked = {
        "network": tensors_digest(weights),
        "count": args.count,
        "seed": args.seed,
        "warm_white": args.warm_white,
        "features": list(FEATURE_NAMES),
        # How they are measured: kept regions are measured again after a change to it.
        "measured_by": file_digest(Path(enclosed_features.__file__)),
    }
    data = None
    if args.data and args.data.is_file():
        try:
            stored_asked, stored = read_regions(args.data)
        except RegionsError as exc:  # our own file, cut short: gather the regions again
            log.warning("%s; gathering the regions again", exc)
        else:
            data = stored if stored_asked == asked else None
    if data is None:
        data = gather(segmenter, args.count, args.seed, args.warm_white)
        if args.data:
            with atomic_open(args.data) as handle:
                np.savez(handle, asked=json.dumps(asked), **data)
    for path in args.also:
        try:
            other_asked, other = read_regions(path)
        except RegionsError as exc:
            parser.exit(1, f"{exc}\n")
        if any(other_asked.get(key) != asked[key] for key in SAME_REGIONS):
            parser.exit(1, f"{path} was measured on another network or by other code\n")
        data = {key: np.concatenate([data[key], other[key]]) for key in data}
    names = style_names()
    rng = np.random.default_rng(args.seed)
    held = rng.random(len(data["paint"])) < args.holdout
    part = {key: value[~held] for key, value in data.items()}
    rest = {key: value[held] for key, value in data.items()}
    trial = fit(part["features"], part["paint"], part["shares"], args.seed)
    sys.stdout.write(f"held-out regions ({held.sum()}):\n{report(trial, rest, names)}\n\n")
    classifier = fit(data["features"], data["paint"], data["shares"], args.seed)
    sys.stdout.write(f"every region, the final fit:\n{report(classifier, data, names)}\n")
    if args.out:
        with atomic_open(args.out, "w") as handle:
            json.dump(classifier.to_dict(), handle)
    if args.into:
        store(args.into, classifier)
        log.info("stored in %s", args.into)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
