"""Measure cut-out quality: our model vs the reference fallback vs our contour fallback.

    python -m studio.segment.training.evaluate                  # shipped model, every design
    python -m studio.segment.training.evaluate --designs DIR ... # other designs (SVG/PNG/WebP)
    python -m studio.segment.training.evaluate --real DIR        # and real pictures' specks
    python -m studio.segment.training.evaluate --unseen          # and styles never trained on

Test pictures are composited like the training data (512 px, some cropped at the edges, blur,
noise, JPEG, colour shifts; no synthetic near-white patches: only the designs' own white parts)
in Emojich's look (`EMOJICH_LOOK`: its paper, its faint cyan blotches, soft shadows, decoder
ringing; `--plain` for the earlier plain pictures), from emoji the model never saw: the
held-out tenth of Noto Color Emoji and the same held-out tenth of every other design
(`scripts/bootstrap --eval-data` fetches Fluent Emoji, Twemoji, OpenMoji). Those styles are
trained on (their other nine tenths); `--unseen` adds the held-out tenth of styles no network
is trained on (EmojiOne 2.2, Mozilla's FxEmoji and Streamline Emojis, also fetched by
`--eval-data`), to read whether the cut-out holds on styles it never saw. Metrics, per method:

- mean IoU of the opaque region (alpha >= 128) over pictures, its median, and how many
  pictures score below 0.9 (a whole region lost or added rather than an edge);
- the visible IoU: the same mean with the hidden white pixels (below) counted neither way, so
  it scores only what the picture shows;
- recall of opaque near-white pixels (true alpha >= 0.5 and every channel >= 230 in the
  picture): the white eyes, teeth and snow that a naive cut-out makes transparent;
- the same recall over the visible ones only: some white parts are joined to the background by
  pixels of the paper's own colour (within 4 levels), where nothing in the picture but the
  figure's shape tells them apart (`hidden_white`); the table's footer says how many;
- how many pictures have open paper filled: opaque where the background is, away from the
  figure's edge, over more than 0.5% of the picture (`open_paper`). On a dark chat background
  these are grey blotches round the sticker; IoU barely notices them;
- for our model, how often it routed to the contour fallback.

A block says whether our model meets the earlier quality targets on each set, read over the
visible pixels (`target_lines`), with the every-pixel figures beside them; the last one is the
per-style table against the goal (`style_table`: mean IoU, pictures below 0.9, near-white
recall, pictures keeping a background speck, `kept_specks`; the mean IoU and the recall with
their margins of error), the pictures that carry the white it misses (`white_missed_table`:
a few pictures carry most of it), then the same mean IoU and
failures split by the kind of paper the pictures are drawn on (`paper_table`: Emojich's own,
pure white, a flat tint), and after it where the IoU goes
(`breakdown_table`): the IoU lost on the outline, on soft shadows kept, on enclosed and on open
paper filled, on white parts missed inside a white region the figure encloses (where a hole
and white paint look alike) and elsewhere, and on other parts missed. IoU reads the cut-out
at half opacity, so a table (`faded_table`) shows what it cannot: the figure left
see-through inside, away from its outline (`faded_figure`), which shows the chat through the
sticker. The last one
(`review_table`) counts the pictures flagged for review and the failures among them: the
failures a person is asked to look at before they reach a pack; and, per step that flags, the
pictures it flagged and its failures. After it, what the failures are (`failure_table`): how
many have each kind of error as their largest, and on which emoji they fall; `--failures DIR`
draws each one for a person to look at (`failures.FailureSheets`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import cv2
import numpy as np
from PIL import Image

from studio.fileio import atomic_open
from studio.segment import contour
from studio.segment.enclosed_classifier import EnclosedClassifier
from studio.segment.see_through import SOLID_ALPHA
from studio.segment.segmenter import REVIEW_STEPS, CutoutResult
from studio.segment.training import synth

NEAR_WHITE = 230
# Within this many levels of the paper colour (every channel, after a 3x3 median) a pixel looks
# like paper: the paper's own noise and JPEG artefacts are as large.
HIDDEN_TOLERANCE = 4
# A picture counts as having its paper filled when more than this share of it is predicted
# opaque on open paper (`open_paper`): a blotch, not a few stray pixels.
PAPER_FILLED_SHARE = 0.005
# Open paper starts this far (pixels at 512 px) from the figure, so that a slightly wide edge
# is not counted as filled paper.
PAPER_EDGE_MARGIN = 4
# The figure's inside starts this far (pixels at 512 px) from its true outline: nearer, a soft
# alpha is the outline's anti-aliasing.
FADED_DEPTH = 5.0
# A picture counts as faded when at least this many pixels (at 512 px) of its figure's inside are.
FADED_PICTURE_PIXELS = 20
EVAL_SEED = 20261121
# A picture below this IoU failed: a whole region lost or added, not an edge.
FAILURE_IOU = 0.9
UNET_ONLY = "ours, never routed"
OUR_FALLBACK = "our contour fallback"


class Cut(NamedTuple):
    """What a method made of one picture."""

    alpha: np.ndarray  # (H,W) uint8
    routed: bool  # cut by the contour fallback
    confidence: float  # the network's, or nan
    review: str | None = None  # why a person should look first (`CutoutResult.review`)
    flagged_by: tuple[str, ...] = ()  # the steps that asked for it (`CutoutResult.flagged_by`)


def cut_of(result: CutoutResult) -> Cut:
    """What the segmenter's cut-out `result` is to the scoring."""
    return Cut(
        result.mask,
        result.method == "contour",
        result.confidence,
        result.review,
        result.flagged_by,
    )


# picture (H,W,3) uint8 -> Cut, or a plain (alpha, routed, confidence) tuple
Method = Callable[[np.ndarray], Cut | tuple[np.ndarray, bool, float]]


@dataclass
class Score:
    """Running totals for one method on one test set."""

    ious: list[float] = field(default_factory=list)
    visible_ious: list[float] = field(default_factory=list)  # hidden white left out
    white_hit: int = 0
    white_total: int = 0
    # Per picture, its visible white pixels kept and all of them: the recall and its margin.
    visible_whites: list[tuple[int, int]] = field(default_factory=list)
    paper_filled: int = 0
    specks: int = 0  # pictures keeping a speck on the background (`kept_specks`)
    routed: int = 0
    confidences: list[float] = field(default_factory=list)
    # Per error kind (`ERROR_KINDS`), each picture's wrong pixels of that kind over its union.
    losses: dict[str, list[float]] = field(default_factory=dict)
    # Per picture, its figure's inside left see-through (`faded_figure`), over its figure.
    faded_shares: list[float] = field(default_factory=list)
    faded_pictures: int = 0  # pictures with at least `FADED_PICTURE_PIXELS` of them
    flagged: int = 0  # pictures flagged for review
    failures_flagged: int = 0  # of them, those with IoU below 0.9
    # Per step that flags (`segmenter.REVIEW_STEPS`), the pictures it flagged and the failures
    # among them: a picture two steps flag counts for both.
    flagged_by: Counter[str] = field(default_factory=Counter)
    failures_flagged_by: Counter[str] = field(default_factory=Counter)
    # Per picture, the kind of paper it is drawn on (`synth.PAPER_KINDS`), where known.
    paper_kinds: list[str | None] = field(default_factory=list)
    # Per picture, the names of the emoji drawn into it (`TestSet.glyph_names`), where known.
    glyphs: list[tuple[str, ...]] = field(default_factory=list)

    def add(
        self,
        predicted: np.ndarray,
        truth: np.ndarray,
        image: np.ndarray,
        hidden: np.ndarray | None = None,
        paper: np.ndarray | None = None,
        flagged: bool = False,
        paper_kind: str | None = None,
        flagged_by: Sequence[str] = (),
        glyphs: Sequence[str] = (),
    ) -> None:
        """Score one picture; `hidden`: its near-white pixels that look like paper
        (`hidden_white`), left out of the visible white recall and the visible IoU; `paper`:
        its open paper (`open_paper`), for the count of pictures with paper filled; `flagged`:
        whether the method asked for a person to look at it, and `flagged_by` the steps that
        asked; `paper_kind`: the kind of paper it is drawn on (`synth.PAPER_KINDS`), for
        `paper_table`; `glyphs`: the emoji drawn into it, for `failure_table`."""
        pred = predicted >= 128
        true = truth >= 0.5
        self.ious.append(_iou(pred, true))
        self.paper_kinds.append(paper_kind)
        self.glyphs.append(tuple(glyphs))
        self.flagged += flagged
        self.failures_flagged += flagged and self.ious[-1] < FAILURE_IOU
        self.flagged_by.update(flagged_by)
        if self.ious[-1] < FAILURE_IOU:
            self.failures_flagged_by.update(flagged_by)
        seen = np.ones_like(true) if hidden is None else ~hidden
        self.visible_ious.append(_iou(pred & seen, true & seen))
        white = true & (image.min(axis=2) >= NEAR_WHITE)
        self.white_hit += int((pred & white).sum())
        self.white_total += int(white.sum())
        visible = white if hidden is None else white & ~hidden
        self.visible_whites.append((int((pred & visible).sum()), int(visible.sum())))
        if paper is not None and (pred & paper).sum() > PAPER_FILLED_SHARE * pred.size:
            self.paper_filled += 1
        if kept_specks(predicted, truth):
            self.specks += 1
        union = max(1, int((pred | true).sum()))
        for kind, wrong in error_breakdown(pred, truth, image).items():
            self.losses.setdefault(kind, []).append(wrong / union)
        faded = int(faded_figure(predicted, truth).sum())
        self.faded_shares.append(faded / max(1, int(true.sum())))
        scale = max(truth.shape) / 512.0
        self.faded_pictures += faded >= FADED_PICTURE_PIXELS * scale * scale

    def ious_on(self, paper_kind: str) -> list[float]:
        """The IoUs of the pictures drawn on one kind of paper (`synth.PAPER_KINDS`)."""
        pairs = zip(self.ious, self.paper_kinds, strict=True)
        return [iou for iou, kind in pairs if kind == paper_kind]

    @property
    def failure_kinds(self) -> Counter[str]:
        """Per kind of error (`ERROR_KINDS`), the failures (IoU below 0.9) whose largest error
        it is (`main_error`: each picture's losses share one denominator, its union)."""
        return Counter(
            main_error({kind: values[i] for kind, values in self.losses.items()})
            for i, iou in enumerate(self.ious)
            if iou < FAILURE_IOU
        )

    def mean_loss(self, kind: str) -> float:
        """The mean share of IoU lost to one kind of error (`ERROR_KINDS`); the kinds add up to
        1 - mean IoU."""
        values = self.losses.get(kind)
        return float(np.mean(values)) if values else float("nan")

    @property
    def below_share(self) -> float:
        """The share of pictures with IoU below 0.9."""
        return self.failures / len(self.ious) if self.ious else float("nan")

    @property
    def faded_share(self) -> float:
        """The mean share of the figure whose inside is left see-through."""
        return float(np.mean(self.faded_shares)) if self.faded_shares else float("nan")

    @property
    def mean_iou(self) -> float:
        return float(np.mean(self.ious)) if self.ious else float("nan")

    @property
    def mean_iou_margin(self) -> float:
        """Half the width of a 95% interval for the mean IoU of pictures drawn like these
        (normal approximation): at 150 pictures a few failed ones move the mean by more than
        the gap between two networks."""
        return margin_of_error(self.ious)

    @property
    def visible_iou(self) -> float:
        """Mean IoU with the hidden white pixels counted neither way: what the picture shows."""
        return float(np.mean(self.visible_ious)) if self.visible_ious else float("nan")

    @property
    def median_iou(self) -> float:
        return float(np.median(self.ious)) if self.ious else float("nan")

    @property
    def failures(self) -> int:
        """Pictures with IoU below 0.9: a whole region lost or added, not an edge."""
        return int(sum(iou < FAILURE_IOU for iou in self.ious))

    @property
    def white_recall(self) -> float:
        return self.white_hit / self.white_total if self.white_total else float("nan")

    @property
    def visible_hit(self) -> int:
        return sum(kept for kept, _ in self.visible_whites)

    @property
    def visible_total(self) -> int:
        return sum(total for _, total in self.visible_whites)

    @property
    def visible_white_recall(self) -> float:
        total = self.visible_total
        return self.visible_hit / total if total else float("nan")

    @property
    def visible_white_recall_margin(self) -> float:
        """Half the width of a 95% interval for the visible white recall of pictures drawn like
        these (NaN for fewer than two pictures). The recall pools every picture's white, so
        the few pictures with large white parts carry most of it, and even thousands of
        pictures read it far less precisely than its three decimals suggest (the model card,
        "How precisely the goal's lines are read"). It is read as a ratio of two sums over
        pictures (the delta method, normal approximation), each picture one draw."""
        return ratio_margin(self.visible_whites)

    @property
    def hidden_share(self) -> float:
        """The share of opaque near-white pixels that look like paper."""
        hidden = self.white_total - self.visible_total
        return hidden / self.white_total if self.white_total else float("nan")


def margin_of_error(values) -> float:
    """Half the width of a 95% interval for the mean of `values` (normal approximation; NaN
    for fewer than two). Failed pictures make IoUs skewed, so it is a guide, not exact."""
    if len(values) < 2:
        return float("nan")
    return float(1.96 * np.std(values, ddof=1) / np.sqrt(len(values)))


def ratio_margin(parts: list[tuple[int, int]]) -> float:
    """Half the width of a 95% interval for sum(a) / sum(b) over (a, b) pairs drawn at random
    (the delta method's normal approximation; NaN for fewer than two pairs or no b)."""
    if len(parts) < 2:
        return float("nan")
    a, b = np.asarray(parts, np.float64).T
    if b.sum() == 0:
        return float("nan")
    residual = a - (a.sum() / b.sum()) * b
    variance = residual.var(ddof=1) / len(parts) / b.mean() ** 2
    return float(1.96 * np.sqrt(variance))


def _iou(pred: np.ndarray, true: np.ndarray) -> float:
    union = (pred | true).sum()
    return 1.0 if union == 0 else float((pred & true).sum() / union)


def faded_figure(predicted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """(H,W) bool: pixels of the figure's inside (true alpha >= 0.99, at least `FADED_DEPTH`
    from its outline) that the cut-out `predicted` (H,W uint8) keeps opaque by the IoU's reading
    (alpha >= 128) but see-through (below `see_through.SOLID_ALPHA`)."""
    solid = truth >= 0.99
    depth = FADED_DEPTH * max(1.0, max(truth.shape) / 512.0)
    inside = cv2.distanceTransform((truth >= 0.5).astype(np.uint8), cv2.DIST_L2, 3) > depth
    return solid & inside & (predicted >= 128) & (predicted < SOLID_ALPHA)


def hidden_white(image: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """Opaque near-white pixels (H,W) bool of picture `image` (H,W,3) uint8 that are joined to
    the true background (`truth` (H,W) alpha < 0.01) through pixels within `HIDDEN_TOLERANCE` of
    the paper colour: a white flag stripe on white paper. Only the figure's shape can tell them
    from the background; no colour or outline does. The paper colour is the background's
    median, so a paper gradient makes this an underestimate."""
    background = truth < 0.01
    white = (truth >= 0.5) & (image.min(axis=2) >= NEAR_WHITE)
    if not white.any() or not background.any():
        return np.zeros_like(white)
    smooth = cv2.medianBlur(image, 3).astype(np.int16)
    paper = np.median(smooth[background], axis=0)
    looks_like_paper = (np.abs(smooth - paper).max(axis=2) <= HIDDEN_TOLERANCE).astype(np.uint8)
    _, labels = cv2.connectedComponents(looks_like_paper, connectivity=4)
    joined = np.unique(labels[background & (looks_like_paper > 0)])
    return white & np.isin(labels, joined[joined > 0])


# An opaque island (alpha >= 128) at least this large (pixels at 512 px), with less than
# `SPECK_ON_FIGURE` of it on the true figure, is a kept speck.
SPECK_MIN_AREA = 6
SPECK_ON_FIGURE = 0.1


def kept_specks(predicted: np.ndarray, truth: np.ndarray) -> int:
    """How many islands of the predicted opaque region (`predicted` (H,W) uint8 >= 128,
    8-connected) lie on the true background (`truth` (H,W) alpha < 0.5): blotches of paper kept
    apart from the figure, grey smudges on a dark chat background."""
    pred = (predicted >= 128).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(pred, connectivity=8)
    if count <= 1:
        return 0
    min_area = max(2, round(SPECK_MIN_AREA * (max(truth.shape) / 512.0) ** 2))
    on_figure = np.bincount(labels.ravel(), weights=(truth >= 0.5).ravel(), minlength=count)
    areas = stats[:, cv2.CC_STAT_AREA]
    specks = (areas >= min_area) & (on_figure < SPECK_ON_FIGURE * areas)
    specks[0] = False
    return int(specks.sum())


def open_paper(truth: np.ndarray) -> np.ndarray:
    """(H,W) bool: the true background (`truth` alpha < 0.01) that reaches the picture's border,
    more than `PAPER_EDGE_MARGIN` (scaled to the picture's size) from the figure. Paper the
    figure encloses is left out: whether a gap is a hole or white paint is scored by IoU."""
    background = truth < 0.01
    margin = PAPER_EDGE_MARGIN * max(truth.shape) / 512.0
    distance = cv2.distanceTransform(background.astype(np.uint8), cv2.DIST_L2, 3)
    return contour.border_connected(background) & (distance > margin)


# Where the IoU goes: each wrong pixel (alpha >= 128 against the truth's >= 0.5) is one kind.
ERROR_KINDS = {
    "edge": "within 2.5 px of the true outline",
    "shadow kept": "opaque on a soft shadow (true alpha 0.01-0.5 away from the outline)",
    "enclosed paper": "opaque on paper the figure encloses",
    "open paper": "opaque on paper joined to the picture's border",
    "white enclosed": "a near-white part of the figure left transparent in a white region it "
    "encloses (told from a hole by the enclosed-white rules)",
    "white open": "any other near-white part left transparent (most meet the open paper with "
    "no outline)",
    "other missed": "any other part of the figure left transparent",
}
EDGE_BAND = 2.5


def error_breakdown(pred: np.ndarray, truth: np.ndarray, image: np.ndarray) -> dict[str, int]:
    """The wrong pixels of the cut-out `pred` (H,W) bool against the true alpha `truth` (H,W),
    counted by kind (`ERROR_KINDS`, `error_masks`)."""
    return {kind: int(mask.sum()) for kind, mask in error_masks(pred, truth, image).items()}


def main_error(wrong_by_kind: dict[str, float]) -> str:
    """The kind of error (`ERROR_KINDS`) with the most wrong pixels, the first kind on a tie."""
    return max(ERROR_KINDS, key=lambda kind: wrong_by_kind.get(kind, 0))


def error_masks(pred: np.ndarray, truth: np.ndarray, image: np.ndarray) -> dict[str, np.ndarray]:
    """The wrong pixels of the cut-out `pred` (H,W) bool against the true alpha `truth` (H,W),
    as one (H,W) bool mask per kind (`ERROR_KINDS`), first kind first: a wrong pixel on the
    outline is an edge error whatever else it is; every wrong pixel is in one mask."""
    true = truth >= 0.5
    scale = max(truth.shape) / 512.0
    band = EDGE_BAND * max(1.0, scale)
    outside = cv2.distanceTransform((~true).astype(np.uint8), cv2.DIST_L2, 3)
    inside = cv2.distanceTransform(true.astype(np.uint8), cv2.DIST_L2, 3)
    edge = np.where(true, inside, outside) <= band
    added = pred & ~true & ~edge
    missed = ~pred & true & ~edge
    background = truth < 0.01
    border_paper = contour.border_connected(background)
    white = image.min(axis=2) >= NEAR_WHITE
    _, regions = contour.enclosed_paper(image)
    enclosed = regions > 0
    return {
        "edge": (pred != true) & edge,
        "shadow kept": added & ~background,
        "enclosed paper": added & background & ~border_paper,
        "open paper": added & border_paper,
        "white enclosed": missed & white & enclosed,
        "white open": missed & white & ~enclosed,
        "other missed": missed & ~white,
    }


@dataclass(frozen=True)
class TestSet:
    name: str
    pictures: list[synth.Sample]
    # The name of each glyph the pictures were drawn from (`synth.Sample.glyphs` index it).
    glyph_names: tuple[str, ...] = ()

    def glyphs_of(self, picture: synth.Sample) -> tuple[str, ...]:
        """The names of the emoji drawn into one of the pictures (none where not known)."""
        if not self.glyph_names:
            return ()
        return tuple(self.glyph_names[index] for index in picture.glyphs)


# How the test pictures look like Emojich's (`synth.make_sample` options, chances per picture or
# glyph): half on its own measured paper, half of those with its faint cyan blotches, some with
# soft cast shadows and the decoder's soft, ringing look.
EMOJICH_LOOK = {"emojich_paper": 0.5, "blotches": 0.5, "shadow": 0.15, "decoder": 0.3}


def make_test_set(
    name: str,
    glyphs: list[np.ndarray],
    count: int,
    size: int,
    seed: int,
    look: dict[str, float] | None = None,
    glyph_names: Sequence[str] = (),
) -> TestSet:
    """`count` pictures from `glyphs`, reproducible from `seed`; `look`: picture options
    (`EMOJICH_LOOK`; none: the plain pictures of earlier measurements); `glyph_names`: each
    glyph's name, so that the failures say which emoji they are on."""
    pictures = [
        synth.make_sample(
            synth.sample_rng(seed, i), glyphs, size, negatives=False, whiten=False, **(look or {})
        )
        for i in range(count)
    ]
    return TestSet(name, pictures, tuple(glyph_names))


def make_named_test_set(
    name: str,
    named_glyphs: list[tuple[str, np.ndarray]],
    count: int,
    size: int,
    seed: int,
    look: dict[str, float] | None,
) -> TestSet:
    """`make_test_set` from (name, glyph) pairs (`synth.named_noto_glyphs`,
    `synth.named_design_glyphs`)."""
    names = [glyph_name for glyph_name, _ in named_glyphs]
    glyphs = [glyph for _, glyph in named_glyphs]
    return make_test_set(name, glyphs, count, size, seed, look, names)


# What the test sets of a style no network is trained on add to the style's name.
UNSEEN = "unseen"


def style_test_sets(
    count: int,
    size: int,
    seed: int,
    designs: list[Path] | None = None,
    plain: bool = False,
    warm_white: float = 0.0,
    unseen: bool = False,
) -> list[TestSet]:
    """One test set per style: Noto's held-out glyphs, then each design folder's (`designs`;
    default: every folder under `default_designs_folder`), `count` pictures each from `seed`.
    `plain`: the earlier plain pictures, from every file of the other designs. `warm_white`:
    the chance a glyph on Emojich's paper has its white drawn as Emojich draws it
    (`synth.make_sample`; 0, the test's look: the designs' own white). `unseen`: then each
    style no network is trained on (`synth.unseen_designs_folder`), named "<folder> unseen"."""
    look = None if plain else EMOJICH_LOOK
    if warm_white > 0:
        look = {**(look or {}), "warm_white": warm_white}
    test_sets = [
        make_named_test_set(
            "noto held-out", synth.named_noto_glyphs("held_out"), count, size, seed, look
        )
    ]
    folders = designs
    if folders is None:
        root = default_designs_folder()
        folders = synth.design_folders(root)
        if not folders:
            sys.stderr.write(
                f"note: no other emoji designs under {root}; "
                "run scripts/bootstrap --eval-data to fetch them\n"
            )
    named = [(folder.name, folder) for folder in folders]
    if unseen:
        root = synth.unseen_designs_folder()
        named += [(f"{folder.name} {UNSEEN}", folder) for folder in synth.design_folders(root)]
    split = "all" if plain else "held_out"  # the others are trained on now
    for name, folder in named:
        glyphs = synth.named_design_glyphs(folder, limit=count, seed=seed, split=split)
        test_sets.append(make_named_test_set(name, glyphs, count, size, seed + 1, look))
    return test_sets


def add_test_set_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose the pictures of a command that compares cut-outs side by side
    (`pairings`, `step_changes`), read by `test_sets_of`; `--seed` has no default there, so
    that a comparison names the pictures it was made on."""
    parser.add_argument("--designs", type=Path, nargs="*", help="as evaluate's --designs")
    parser.add_argument("--count", type=int, default=60, help="pictures per style")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--seed", type=int, required=True, help="a validation seed to choose")
    parser.add_argument("--threads", type=int, default=2)
    add_warm_white_option(parser)
    add_unseen_option(parser)


def test_sets_of(args: argparse.Namespace) -> list[TestSet]:
    """`style_test_sets` as a command's options choose them (`--count`, `--size`, `--seed`,
    `--designs`, `--warm-white`, `--unseen`, and `--plain` where the command has it)."""
    return style_test_sets(
        args.count,
        args.size,
        args.seed,
        args.designs,
        plain=getattr(args, "plain", False),
        warm_white=args.warm_white,
        unseen=args.unseen,
    )


def add_unseen_option(parser: argparse.ArgumentParser) -> None:
    """`--unseen`: the styles no network is trained on read too (`style_test_sets`)."""
    parser.add_argument(
        "--unseen",
        action="store_true",
        help="also read the styles no network is trained on (EmojiOne 2.2, FxEmoji, Streamline "
        "Emojis; under "
        f"{synth.unseen_designs_folder()}, fetched by scripts/bootstrap --eval-data)",
    )


def check_unseen_option(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse `--unseen` before any work when there is no unseen style to read."""
    root = synth.unseen_designs_folder()
    if args.unseen and not synth.design_folders(root):
        parser.error(f"--unseen: no emoji designs under {root}; run scripts/bootstrap --eval-data")


def add_warm_white_option(parser: argparse.ArgumentParser) -> None:
    """`--warm-white CHANCE`, for validation: the pictures with their white as Emojich draws it."""
    parser.add_argument(
        "--warm-white",
        type=float,
        default=0.0,
        metavar="CHANCE",
        help="the chance a glyph on Emojich's paper has its white drawn level with the paper and "
        "warm, as on Emojich's own pictures; the same pictures otherwise (default 0: the "
        "designs' own white, as the test pictures)",
    )


# Told of each picture a method has cut: (test set, picture's index, method's name, its cut,
# the picture's IoU).
OnScored = Callable[[TestSet, int, str, Cut, float], None]


def evaluate(
    test_sets: list[TestSet],
    methods: dict[str, Method],
    on_scored: OnScored | None = None,
) -> dict[tuple[str, str], Score]:
    """Score every method on every set. A method maps a picture (H,W,3) uint8 to a `Cut`;
    `on_scored` is told of every cut (`failures.FailureSheets` draws the failed ones)."""
    scores: dict[tuple[str, str], Score] = {}
    for test_set in test_sets:
        hidden = [hidden_white(p.image, p.alpha) for p in test_set.pictures]
        paper = [open_paper(p.alpha) for p in test_set.pictures]
        for method_name, method in methods.items():
            score = Score()
            for index, (picture, own_hidden, own_paper) in enumerate(
                zip(test_set.pictures, hidden, paper, strict=True)
            ):
                cut = Cut(*method(picture.image))
                flagged = cut.review is not None
                score.add(
                    cut.alpha,
                    picture.alpha,
                    picture.image,
                    own_hidden,
                    own_paper,
                    flagged,
                    picture.paper,
                    cut.flagged_by,
                    test_set.glyphs_of(picture),
                )
                score.routed += int(cut.routed)
                score.confidences.append(cut.confidence)
                if on_scored is not None:
                    on_scored(test_set, index, method_name, cut, score.ious[-1])
            scores[(test_set.name, method_name)] = score
    return scores


def format_table(scores: dict[tuple[str, str], Score], counts: dict[str, int]) -> str:
    """A plain-text table of the scores."""
    header = (
        f"{'test set':<22} {'method':<26} {'mean IoU':>9} {'median':>7} {'<0.9':>5} "
        f"{'visible IoU':>12} {'white recall':>13} {'visible white':>14} {'paper filled':>13} "
        f"{'fallback':>9}"
    )
    lines = [header, "-" * len(header)]
    hidden_shares: dict[str, float] = {}
    for (set_name, method), score in scores.items():
        label = f"{set_name} ({counts[set_name]})"
        lines.append(
            f"{label:<22} {method:<26} {score.mean_iou:>9.4f} {score.median_iou:>7.4f} "
            f"{score.failures:>5d} {score.visible_iou:>12.4f} {score.white_recall:>13.4f} "
            f"{score.visible_white_recall:>14.4f} {score.paper_filled:>13d} {score.routed:>9d}"
        )
        hidden_shares[set_name] = score.hidden_share
    lines.append("")
    for set_name, share in hidden_shares.items():
        lines.append(
            f"{set_name}: {share:.1%} of the opaque near-white pixels look like the paper "
            "where they meet the background (hidden)"
        )
    return "\n".join(lines)


def segmenter_method(segmenter, cache: NetworkCache | None = None) -> Method:
    """The method that cuts a picture with `segmenter`, its network's outputs read from
    `cache` (and kept there) when given."""

    def run(image: np.ndarray) -> Cut:
        if cache is None:
            result = segmenter.cutout(Image.fromarray(image))
        else:
            result = segmenter.finish(image, *cache.outputs(segmenter, image))
        return cut_of(result)

    return run


def file_digest(path: Path) -> str:
    """A short digest of a file's content: a model file's outputs are kept under it."""
    return digest(path.read_bytes())


def digest(data: bytes) -> str:
    """A short digest of some bytes (`file_digest`)."""
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def picture_key(image: np.ndarray) -> str:
    """A digest of a picture's pixels and shape: its outputs are kept under it."""
    key = hashlib.blake2b(np.ascontiguousarray(image), digest_size=16)
    key.update(repr(image.shape).encode())
    return key.hexdigest()


class NetworkCache:
    """The network's outputs for test pictures, kept in a folder (`--network-cache`): measuring
    a change to the steps after the network then skips the network, most of a cut-out's time.
    Kept per model file (by its content) and picture (by its content), one file each (a 512 px
    picture's is 0.6 MB), written whole or not at all."""

    def __init__(self, folder: Path, weights: Path) -> None:
        self.folder = folder / file_digest(weights)
        self.folder.mkdir(parents=True, exist_ok=True)

    def outputs(self, segmenter, image: np.ndarray) -> tuple[np.ndarray, float]:
        """(probability (S,S) float32, confidence) of `segmenter`'s network for `image`, from
        the folder, or computed and kept there."""
        path = self.folder / f"{picture_key(image)}.npz"
        if path.is_file():
            with np.load(path) as stored:
                return stored["probability"], float(stored["confidence"])
        (probability,), (confidence,) = segmenter.network_outputs([image])
        with atomic_open(path) as handle:
            np.savez(handle, probability=probability, confidence=np.float64(confidence))
        return probability, confidence


def read_classifier(text: str) -> EnclosedClassifier | None:
    """`--enclosed-classifier`: a classifier from a JSON file, or None for "none"."""
    if text == "none":
        return None
    return EnclosedClassifier.from_dict(json.loads(Path(text).read_text()))


def _fixed(mask_fn: Callable[[np.ndarray], np.ndarray]) -> Method:
    return lambda image: Cut(mask_fn(image), True, float("nan"))


# The quality targets: mean IoU and white recall, on every test set. They are read over what the
# pictures show (`visible_iou`, `visible_white_recall`): hidden white is not in the picture, and
# a cut-out that gets every visible pixel right scores a white recall of 1 - `hidden_share`.
TARGET_IOU = 0.98
TARGET_WHITE_RECALL = 0.95


def _of_method(scores: dict[tuple[str, str], Score], method: str) -> Iterator[tuple[str, Score]]:
    """(test set's name, score) of each set, for one method, in the order they were scored."""
    for (set_name, name), score in scores.items():
        if name == method:
            yield set_name, score


def _per_style_lines(
    scores: dict[tuple[str, str], Score],
    method: str,
    title: str,
    columns: str,
    row: Callable[[Score], str],
) -> list[str]:
    """A per-style table's lines for `method`: the title, a header of the style and `columns`,
    a rule, and one line per test set with `row` of its score after the style."""
    header = f"{'style':<16} {columns}"
    lines = [f"{title}, {method}:", header, "-" * len(header)]
    lines += [f"{name:<16} {row(score)}" for name, score in _of_method(scores, method)]
    return lines


def target_lines(scores: dict[tuple[str, str], Score], method: str) -> str:
    """Whether `method` meets the targets on each test set, read over the visible pixels, with
    the same figures over every pixel beside them."""
    lines = [f"targets (IoU >= {TARGET_IOU}, white recall >= {TARGET_WHITE_RECALL}), {method}:"]
    for set_name, score in _of_method(scores, method):
        met = score.visible_iou >= TARGET_IOU and score.visible_white_recall >= TARGET_WHITE_RECALL
        lines.append(
            f"  {set_name}: {'met' if met else 'NOT met'} on visible pixels "
            f"({score.visible_iou:.4f} / {score.visible_white_recall:.4f}); over every pixel "
            f"{score.mean_iou:.4f} / {score.white_recall:.4f}"
        )
    return "\n".join(lines)


def calibration_table(
    unet: Score, fallback: Score, thresholds=(0.0, 0.9, 0.95, 0.97, 0.98, 0.99)
) -> str:
    """Mean IoU if pictures below each threshold went to the fallback (same pictures, in order)."""
    conf = np.array(unet.confidences)
    iou_unet, iou_fallback = np.array(unet.ious), np.array(fallback.ious)
    lines = [f"{'threshold':>9} {'mean IoU':>9} {'routed':>7}"]
    for t in thresholds:
        routed = conf < t
        lines.append(
            f"{t:>9.2f} {np.where(routed, iou_fallback, iou_unet).mean():>9.4f} "
            f"{int(routed.sum()):>7d}"
        )
    return "\n".join(lines)


# The goal per style: mean IoU, share of pictures below 0.9, near-white recall (visible white)
# and background specks kept.
GOAL_IOU = 0.985
GOAL_BELOW_SHARE = 0.02
GOAL_WHITE_RECALL = 0.95


def style_table(scores: dict[tuple[str, str], Score], method: str) -> str:
    """One row per test set (style) for `method`: mean IoU, pictures below 0.9, near-white
    recall (over the white the picture shows), pictures keeping a background speck (a count:
    one in thousands reads 0.0% as a share), and whether the goal holds."""
    header = (
        f"{'style':<16} {'pictures':>8} {'mean IoU':>9} {'95%':>7} {'below 0.9':>10} "
        f"{'near-white recall':>24} {'specks kept':>12}  goal"
    )
    lines = [f"per style, {method}:", header, "-" * len(header)]
    for set_name, score in _of_method(scores, method):
        met = (
            score.mean_iou >= GOAL_IOU
            and score.below_share <= GOAL_BELOW_SHARE
            and score.visible_white_recall >= GOAL_WHITE_RECALL
            and score.specks == 0
        )
        margin = f"±{score.mean_iou_margin:.4f}"
        recall = f"{score.visible_white_recall:.3f}"
        if not np.isnan(score.visible_white_recall_margin):
            recall += f" ±{score.visible_white_recall_margin:.3f}"
        lines.append(
            f"{set_name:<16} {len(score.ious):>8d} {score.mean_iou:>9.4f} {margin:>7} "
            f"{score.below_share:>10.1%} {recall:>24} "
            f"{score.specks:>12d}  {'met' if met else 'not met'}"
        )
    lines.append(
        f"goal: mean IoU >= {GOAL_IOU}, at most {GOAL_BELOW_SHARE:.0%} below 0.9, near-white "
        f"recall >= {GOAL_WHITE_RECALL}, no speck kept"
    )
    lines.append(
        "95%, and ± after the recall: margins of error (half a 95% interval, normal "
        "approximation); the recall pools the pictures' white, so a few large white parts carry it"
    )
    return "\n".join(lines)


def breakdown_table(scores: dict[tuple[str, str], Score], method: str) -> str:
    """Where `method`'s IoU goes, per style: the mean share of each picture's union that is wrong
    in each way (`ERROR_KINDS`); a row adds up to 1 - mean IoU."""
    lines = _per_kind_lines(
        scores,
        method,
        "where the IoU goes",
        (f"{'IoU lost':>9}", lambda score: f"{1 - score.mean_iou:>9.4f}"),
        lambda score, kind: f"{score.mean_loss(kind):>14.4f}",
    )
    lines += [f"  {kind}: {meaning}" for kind, meaning in ERROR_KINDS.items()]
    return "\n".join(lines)


def _per_kind_lines(
    scores: dict[tuple[str, str], Score],
    method: str,
    title: str,
    first: tuple[str, Callable[[Score], str]],
    cell: Callable[[Score, str], str],
) -> list[str]:
    """A per-style table (`_per_style_lines`) with a `first` column (its header and cell) and
    then one column per kind of error (`ERROR_KINDS`), each `cell(score, kind)`."""
    header, first_cell = first
    return _per_style_lines(
        scores,
        method,
        title,
        f"{header} " + " ".join(f"{kind:>14}" for kind in ERROR_KINDS),
        lambda score: first_cell(score) + " " + " ".join(cell(score, k) for k in ERROR_KINDS),
    )


def failure_table(scores: dict[tuple[str, str], Score], method: str, worst: int = 4) -> str:
    """What `method`'s failures (IoU below 0.9) are, per style: how many have each kind of error
    (`ERROR_KINDS`) as the one with the most pixels; then, where the pictures name their emoji,
    on how many emoji they fall, how many failures fall on an emoji that failed more than once
    (the test draws each held-out emoji several times), and the emoji failing most, as "name
    failed/drawn"."""
    lines = _per_kind_lines(
        scores,
        method,
        "what the failures are (each by its largest kind of error)",
        (f"{'failures':>8}", lambda score: f"{score.failures:>8d}"),
        lambda score, kind: f"{score.failure_kinds[kind]:>14d}",
    )
    for set_name, score in _of_method(scores, method):
        drawn = Counter(name for names in score.glyphs for name in names)
        failed = Counter(
            name
            for names, iou in zip(score.glyphs, score.ious, strict=True)
            if iou < FAILURE_IOU
            for name in set(names)
        )
        if not failed:
            continue
        repeated = sum(
            1
            for names, iou in zip(score.glyphs, score.ious, strict=True)
            if iou < FAILURE_IOU and any(failed[name] > 1 for name in names)
        )
        most = ", ".join(f"{name} {n}/{drawn[name]}" for name, n in failed.most_common(worst))
        lines.append(
            f"  {set_name}: on {len(failed)} emoji of {len(drawn)} drawn; {repeated} of "
            f"{score.failures} on an emoji failing more than once; most: {most}"
        )
    return "\n".join(lines)


def white_missed_table(scores: dict[tuple[str, str], Score], method: str, largest: int = 3) -> str:
    """Where `method`'s near-white recall goes, per style: the visible white it misses, the
    share of it the one and the `largest` pictures missing most carry, the recall without the
    one, and those pictures (their index in the test set, paper and IoU), to look at them. The
    recall pools the pictures' white, so a few pictures carry most of what it misses."""

    def row(score: Score) -> str:
        missed = [total - kept for kept, total in score.visible_whites]
        order = sorted(range(len(missed)), key=lambda i: missed[i], reverse=True)[:largest]
        all_missed = sum(missed)
        if not all_missed:
            return f"{0:>12,d}"
        first = order[0]
        kept, total = score.visible_hit, score.visible_total
        without = (kept - score.visible_whites[first][0]) / max(
            1, total - score.visible_whites[first][1]
        )
        pictures = ", ".join(
            f"#{i} {score.paper_kinds[i] or '?'} {score.ious[i]:.3f}" for i in order if missed[i]
        )
        return (
            f"{all_missed:>12,d} {missed[first] / all_missed:>8.0%} "
            f"{sum(missed[i] for i in order) / all_missed:>8.0%} {without:>15.3f}  {pictures}"
        )

    lines = _per_style_lines(
        scores,
        method,
        "where the near-white recall goes",
        f"{'white missed':>12} {'largest':>8} {f'{largest} most':>8} {'without it':>15}  "
        "pictures missing most (index paper IoU)",
        row,
    )
    lines.append(
        "white missed: visible near-white pixels of the figure left transparent (px); largest: "
        f"the share of it one picture misses, {largest} most: the share the {largest} pictures "
        "missing most miss; without it: the recall without that one picture"
    )
    return "\n".join(lines)


def faded_table(scores: dict[tuple[str, str], Score], method: str) -> str:
    """Per style, how much of `method`'s figures it leaves see-through inside (`faded_figure`):
    the mean share of the figure, and the pictures with a faded stretch that shows."""
    lines = _per_style_lines(
        scores,
        method,
        "see-through inside the figure",
        f"{'figure faded':>13} {'pictures':>9}",
        lambda score: (
            f"{score.faded_share:>13.4%} {score.faded_pictures:>4d}/{len(score.ious):<4d}"
        ),
    )
    lines.append(
        f"  figure faded: alpha 128-{SOLID_ALPHA - 1} at least {FADED_DEPTH:g} px inside the "
        f"true outline; pictures: with {FADED_PICTURE_PIXELS} px or more of it (at 512 px)"
    )
    return "\n".join(lines)


PAPER_TITLES = {
    synth.EMOJICH: "Emojich's paper",
    synth.WHITE: "pure white",
    synth.TINT: "flat tint",
}


def _iou_cell(ious: list[float]) -> str:
    """Mean IoU / share below 0.9 (pictures) of some pictures' IoUs."""
    if not ious:
        return "-"
    below = sum(iou < 0.9 for iou in ious) / len(ious)
    return f"{np.mean(ious):.4f} / {below:4.1%} ({len(ious)})"


def paper_table(scores: dict[tuple[str, str], Score], method: str) -> str:
    """Per style and kind of paper (`synth.PAPER_KINDS`), `method`'s mean IoU and share of
    pictures below 0.9, with a last row over every style. What tells white paint from the
    paper differs by kind: Emojich's paper has a colour and grain paint lacks, pure white has
    none, so where the goal fails on a style matters as much as whether."""
    kinds = list(PAPER_TITLES)
    width = 24
    header = f"{'style':<16} " + " ".join(f"{PAPER_TITLES[kind]:>{width}}" for kind in kinds)
    lines = [f"per kind of paper, {method} (mean IoU / below 0.9, pictures):", header]
    lines.append("-" * len(header))
    every: dict[str, list[float]] = {kind: [] for kind in kinds}
    for set_name, score in _of_method(scores, method):
        cells = []
        for kind in kinds:
            ious = score.ious_on(kind)
            every[kind] += ious
            cells.append(f"{_iou_cell(ious):>{width}}")
        lines.append(f"{set_name:<16} " + " ".join(cells))
    lines.append(
        f"{'every style':<16} " + " ".join(f"{_iou_cell(every[k]):>{width}}" for k in kinds)
    )
    return "\n".join(lines)


def review_table(scores: dict[tuple[str, str], Score], method: str) -> str:
    """Per style, the pictures `method` flagged for review (`CutoutResult.review`) and how many
    of its failures (IoU below 0.9) were among them: a failure flagged is one a person is asked
    to look at before it reaches a pack. Then, per step that flags (`REVIEW_STEPS`), the
    pictures it flagged with the failures among them in brackets: which steps ask a person to
    look at pictures that were right."""
    lines = _per_style_lines(
        scores,
        method,
        "flagged for review",
        f"{'flagged':>9} {'below 0.9 flagged':>18} "
        + " ".join(f"{step:>13}" for step in REVIEW_STEPS),
        lambda score: (
            f"{score.flagged:>4d}/{len(score.ious):<4d} "
            f"{score.failures_flagged:>11d}/{score.failures:<6d} "
            + " ".join(
                f"{f'{score.flagged_by[step]} ({score.failures_flagged_by[step]})':>13}"
                for step in REVIEW_STEPS
            )
        ),
    )
    lines.append("  per step: pictures it flagged (of them, below 0.9); a picture may have several")
    return "\n".join(lines)


def real_pictures_report(segmenter, folder: Path) -> str:
    """Cut-outs of real pictures (no truth: Emojich's own outputs): per picture the network's
    confidence, why it was flagged for review (`CutoutResult.review`: pale specks removed, gaps
    showing the paper cleared, soft shadows made semi-transparent, an enclosed white region kept
    that may be see-through), and islands left detached from the largest part. The last line
    counts the pictures flagged and those keeping an island."""
    from studio.segment.islands import VISIBLE_ALPHA

    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in synth.DESIGN_SUFFIXES)
    if not files:
        raise synth.GlyphSourceMissing(f"no pictures under {folder}")
    lines = [f"real pictures in {folder}:"]
    flagged = left = 0
    for path in files:
        with Image.open(path) as opened:
            result = segmenter.cutout(opened.convert("RGB"))
        visible = (result.mask >= VISIBLE_ALPHA).astype(np.uint8)
        parts = cv2.connectedComponentsWithStats(visible, connectivity=8)[2][1:, 4]
        islands = max(0, len(parts) - 1)
        flagged += result.review is not None
        left += islands > 0
        lines.append(
            f"  {path.name}: confidence {result.confidence:.3f}; "
            f"{result.review or 'nothing flagged'}; {islands} other islands left"
        )
    lines.append(
        f"{flagged} of {len(files)} pictures were flagged for review (specks removed, gaps "
        f"cleared, shadows made semi-transparent or an enclosed white region kept unsure); "
        f"{left} keep another island"
    )
    return "\n".join(lines)


default_designs_folder = synth.default_designs_folder


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--weights", type=Path, help="our model file (default: the shipped one)")
    parser.add_argument("--emojich", type=Path, help="also score the official Emojich U-Net")
    parser.add_argument(
        "--designs",
        type=Path,
        nargs="*",
        help="folders of other emoji designs (default: every folder under "
        f"{default_designs_folder()})",
    )
    parser.add_argument("--count", type=int, default=200, help="pictures per test set")
    parser.add_argument("--size", type=int, default=512)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=EVAL_SEED)
    parser.add_argument(
        "--calibrate", action="store_true", help="also print mean IoU for other routing thresholds"
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="plain pictures as measured before (no Emojich paper, blotches, shadows or decoder "
        "look), from every file of the other designs rather than their held-out tenth",
    )
    parser.add_argument(
        "--ours-only", action="store_true", help="score only our model (validation runs)"
    )
    add_warm_white_option(parser)
    add_unseen_option(parser)
    parser.add_argument(
        "--keep-specks",
        action="store_true",
        help="leave pale specks and shadow pieces in place (the cut-out before "
        "`islands.remove_specks`)",
    )
    parser.add_argument(
        "--keep-gaps",
        action="store_true",
        help="leave filled gaps that show the paper filled (the cut-out before `paper_gaps`)",
    )
    parser.add_argument(
        "--keep-holes",
        action="store_true",
        help="leave pale paint the network drops dropped (the cut-out before `paint_holes`, "
        "`flat_paint` and `whiter_paint`)",
    )
    parser.add_argument(
        "--opaque-shadows",
        action="store_true",
        help="leave soft cast shadows the network keeps opaque opaque (the cut-out before "
        "`shadows.soft_shadows`)",
    )
    parser.add_argument(
        "--opaque-ground-shadows",
        action="store_true",
        help="leave flat ground shadows the network keeps opaque opaque (the cut-out before "
        "`ground_shadows`; soft shadows are still made semi-transparent)",
    )
    parser.add_argument(
        "--faded-spots",
        action="store_true",
        help="leave the faded spots the figure walls in and the pale paint the network faded "
        "see-through (the cut-out before `see_through` and `faded_paint`)",
    )
    parser.add_argument(
        "--enclosed-classifier",
        metavar="JSON|none",
        help="let this classifier (`enclosed_fit --out`) keep enclosed white regions the "
        "network drops, or none (the network's opacity alone), instead of the model file's own",
    )
    parser.add_argument(
        "--real", type=Path, help="also cut these real pictures (no truth) and count specks"
    )
    parser.add_argument(
        "--network-cache",
        type=Path,
        help="keep our network's outputs in this folder and reuse them: a rerun that changes "
        "only the steps after the network skips the network (0.6 MB per 512 px picture)",
    )
    parser.add_argument(
        "--failures",
        type=Path,
        metavar="DIR",
        help="draw each of our failures (IoU below 0.9) into this folder and list them in "
        "failures.csv (`failures.FailureSheets`)",
    )
    args = parser.parse_args(argv)
    check_unseen_option(parser, args)
    if args.failures:
        # Before the minutes of cutting, not after them.
        try:
            args.failures.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            parser.error(f"--failures: cannot make the folder {args.failures}: {exc.strerror}")
        if not os.access(args.failures, os.W_OK):
            parser.error(f"--failures: the folder {args.failures} is not writable")

    import torch

    from studio.paths import resource
    from studio.segment import Segmenter
    from studio.segment.segmenter import SHIPPED_WEIGHTS
    from studio.segment.training.failures import FailureSheets

    torch.set_num_threads(args.threads)
    ours = (
        Segmenter.from_shipped_weights(args.weights, "cpu")
        if args.weights
        else Segmenter.default("cpu")
    )
    cache = None
    if args.network_cache:
        cache = NetworkCache(args.network_cache, args.weights or resource(*SHIPPED_WEIGHTS))
    if args.keep_specks:
        ours = ours.without_speck_removal()
    if args.keep_gaps:
        ours = ours.without_paper_gaps()
    if args.keep_holes:
        ours = ours.without_paint_fills()
    if args.opaque_shadows:
        ours = ours.with_opaque_shadows()
    if args.opaque_ground_shadows:
        ours = ours.with_opaque_ground_shadows()
    if args.faded_spots:
        ours = ours.with_see_through_spots()
    if args.enclosed_classifier:
        try:
            classifier = read_classifier(args.enclosed_classifier)
        except (OSError, ValueError) as exc:  # a missing file, bad JSON, another classifier
            parser.error(f"--enclosed-classifier: {exc}")
        ours = ours.with_enclosed_classifier(classifier)
    methods: dict[str, Method] = {"ours": segmenter_method(ours, cache)}
    if not args.ours_only:
        methods[UNET_ONLY] = segmenter_method(ours.with_threshold(0.0), cache)
        methods["reference fallback"] = _fixed(contour.reference_contour_mask)
        methods[OUR_FALLBACK] = _fixed(contour.contour_mask)
    if args.emojich:
        methods["official Emojich U-Net"] = segmenter_method(
            Segmenter.from_emojich_unet(args.emojich, "cpu")
        )

    test_sets = test_sets_of(args)
    sheets = FailureSheets(args.failures) if args.failures else None
    scores = evaluate(test_sets, methods, sheets)
    counts = {t.name: len(t.pictures) for t in test_sets}
    sys.stdout.write(format_table(scores, counts) + "\n")
    sys.stdout.write(f"our routing threshold: {ours.threshold}\n\n")
    sys.stdout.write(target_lines(scores, "ours") + "\n\n")
    sys.stdout.write(style_table(scores, "ours") + "\n\n")
    sys.stdout.write(white_missed_table(scores, "ours") + "\n\n")
    sys.stdout.write(paper_table(scores, "ours") + "\n\n")
    sys.stdout.write(breakdown_table(scores, "ours") + "\n\n")
    sys.stdout.write(faded_table(scores, "ours") + "\n\n")
    sys.stdout.write(review_table(scores, "ours") + "\n\n")
    sys.stdout.write(failure_table(scores, "ours") + "\n")
    if sheets is not None:
        listed = sheets.write_list()
        sys.stdout.write(
            f"{len(sheets.rows)} failures drawn under {args.failures}, listed in {listed}\n"
        )
    if args.real:
        sys.stdout.write("\n" + real_pictures_report(ours, args.real) + "\n")
    if args.calibrate and not args.ours_only:
        for test_set in test_sets:
            sys.stdout.write(f"\nrouting calibration, {test_set.name}:\n")
            sys.stdout.write(
                calibration_table(
                    scores[(test_set.name, UNET_ONLY)], scores[(test_set.name, OUR_FALLBACK)]
                )
                + "\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
