"""Cut an emoji picture out of its background: a U-Net, or the contour fallback when it is unsure.

Two networks share one routing rule (the reference pipeline's): softmax over two classes, class 1
is opaque, the confidence is the mean over pixels of the winning class's probability, and below
the threshold the contour fallback cuts the picture instead.

- the official Emojich U-Net (EfficientNet-B5 encoder, RGB at 512x512, threshold 0.99);
- our shipped TinyUNet (RGB, background prior and paper distance; its threshold and the sizes
  it is fed at are stored with it: 256 and 384 px, the two predictions averaged; a file may give
  a size a network of its own, trained apart, as the one shipped before did; older 4-channel
  files, without the paper distance, load too).

Masks are predicted at the network's (largest) size and upsampled to the picture's own size;
the edge is snapped towards the picture's edges (`edges.guided_filter`) and re-measured from the
picture's own colours (`edges.refine_alpha`), enclosed white regions the network mostly keeps
(enclosed by the figure, or by the figure and the picture's border that cuts it) are kept
whole, as are those it drops that wall in part of the figure or are most of it inside a thin
frame (`enclosed_white`; a model file may store a classifier that keeps more the network
drops, `enclosed_classifier`: the shipped one has none), white parts whiter than off-white
paper are kept (`contour.whiter_than_background`), holes it leaves inside the figure that are
brighter than the paper are filled (`paint_holes`), as are pale parts it drops that are smooth
where the paper is grainy (`flat_paint`) and white regions it drops that are whiter than
grainy paper (`whiter_paint`), gaps the network filled that show the paper's own colour and
grain are cleared (`paper_gaps`), faded spots the opaque figure walls in and pale paint it
faded like a shadow along the outline are made opaque (`see_through`, `faded_paint`), soft
cast shadows it keeps opaque are made semi-transparent (`shadows.soft_shadows`), as are flat
ground shadows, told by their shape (`ground_shadows`), and pale
specks, soft shadow pieces, faint bits, edge chips and border slivers detached from the figure
are removed (`islands.remove_specks`); clearing gaps, softening shadows, removing specks and
keeping an enclosed white region the network was unsure of flag the result for review, and
edge colours are decontaminated so the sticker has no white halo on a dark background.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from PIL import Image

from studio.errors import StudioError
from studio.imageio import normalise_mode
from studio.paths import resource
from studio.segment import contour
from studio.segment.edges import decontaminate, edge_beside, guided_filter, refine_alpha
from studio.segment.enclosed_classifier import CLASSIFIER_KEY, ClassifierError, EnclosedClassifier
from studio.segment.enclosed_white import enclosed_white
from studio.segment.faded_paint import faded_paint
from studio.segment.flat_paint import flat_paint
from studio.segment.ground_shadows import ground_shadows
from studio.segment.islands import remove_specks
from studio.segment.paint_holes import paint_holes
from studio.segment.paper_gaps import clear_paper_gaps
from studio.segment.see_through import see_through_spots
from studio.segment.shadows import settle_edge, soft_shadows
from studio.segment.whiter_paint import whiter_paint

SHIPPED_WEIGHTS = ("models", "cutout_tinyunet.safetensors")
OFFICIAL_THRESHOLD = 0.99
OFFICIAL_SIZE = 512
OFFICIAL_ENCODER = "efficientnet-b5"

Method = Literal["unet", "contour"]


# The steps after the network that may flag a cut-out for review, by the names
# `CutoutResult.flagged_by` gives them: gaps showing the paper cleared (`paper_gaps`), soft
# shadows made semi-transparent (`shadows`), specks removed (`islands`), and an enclosed white
# region kept that may be a hole or left half cut out (`enclosed_white`).
REVIEW_STEPS = ("paper gaps", "shadows", "specks", "unsure white")


class SegmenterError(StudioError):
    """The cut-out model could not be loaded or used."""


@dataclass(frozen=True)
class CutoutResult:
    """One cut-out: the RGBA sticker, its soft mask, how it was made and how sure the U-Net was."""

    rgba: Image.Image  # RGBA, same size as the input
    mask: np.ndarray  # (H,W) uint8 0..255, soft edges
    method: Method
    confidence: float  # the U-Net's mean winning-class probability, in [0, 1]
    # Why a person should look at this mask before it is used, or None: set when a step after
    # the network changed it where the network was sure (`paper_gaps.clear_paper_gaps`,
    # `shadows.soft_shadows`, `islands.remove_specks`), or when it kept an enclosed white region
    # it was unsure of, which may be a hole (`enclosed_white`).
    review: str | None = None
    # The steps that asked for it (`REVIEW_STEPS`), in that order; empty when `review` is None.
    flagged_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Network:
    """A loaded network and how to feed it."""

    model: object  # torch.nn.Module (typed loosely so importing this module stays cheap)
    kind: Literal["emojich", "tiny"]
    # The picture is fed at each of these sizes and the probabilities are averaged at the
    # largest (several sizes: multi-scale inference, stored with the weights).
    input_sizes: tuple[int, ...]
    threshold: float
    tolerance: int
    flip_average: bool = False  # average with the mirrored picture's prediction
    # Weights and input laid out channels-last (NHWC): oneDNN's convolutions run our small
    # network about a third faster on the CPU that way (`benchmarks/bench_segment.py`). Only
    # on the CPU, where it was measured; a GPU keeps the plain layout.
    channels_last: bool = False
    remove_specks: bool = True  # `islands.remove_specks` after the network (off: measuring)
    clear_paper_gaps: bool = True  # `paper_gaps.clear_paper_gaps` (off: measuring)
    fill_paint: bool = True  # `paint_holes`, `flat_paint` and `whiter_paint` (off: measuring)
    soften_shadows: bool = True  # `shadows.soft_shadows` (off: measuring)
    soften_ground_shadows: bool = True  # `ground_shadows.ground_shadows` (off: measuring)
    clear_walled_paper: bool = True  # the paper a ground shadow walled in (off: measuring)
    fill_see_through: bool = True  # `see_through`, `faded_paint` (off: measuring)
    # May keep enclosed white regions the network drops, when the model file stores one
    # (`enclosed_classifier`).
    enclosed_classifier: EnclosedClassifier | None = None
    # Input sizes fed to a network of their own instead of `model` (`SIZE_NETWORKS_KEY`): two
    # networks trained apart err in different places, so averaging theirs, one pass each,
    # beats one network fed twice at the same cost (the model card, "A second network for
    # the 384 px pass").
    size_models: Mapping[int, object] = dataclasses.field(default_factory=dict)

    @property
    def output_size(self) -> int:
        """Side of the probability map the network side hands on."""
        return max(self.input_sizes)

    def model_for(self, size: int):
        """The network the picture is fed to at input size `size`."""
        return self.size_models.get(size, self.model)


def _chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pick_device(device: str | None):
    import torch

    if device is None:
        device = "cuda" if torch.cuda.is_available() else "cpu"
    try:
        return torch.device(device)
    except RuntimeError as exc:
        raise SegmenterError(f"unknown device {device!r}: {exc}") from None


def read_model_meta(path: Path, advice: str = "reinstall it") -> dict:
    """The metadata of one of our cut-out model files (`train.export_weights`), read from its
    safetensors header without loading the weights; `advice` ends the error for a bad file."""
    from safetensors import safe_open

    try:
        with safe_open(str(path), framework="pt") as handle:
            header = handle.metadata() or {}
    except Exception as exc:  # a missing, truncated or foreign file: many exception types
        raise SegmenterError(
            f"{path} is not a readable cut-out model ({type(exc).__name__}); {advice}"
        ) from None
    if header.get("format") != "studio-tinyunet":
        raise SegmenterError(f"{path} is not a Sticker Studio cut-out model; {advice}")
    return json.loads(header.get("meta", "{}"))


def read_state_dict(path: Path) -> dict:
    """The tensors of a PyTorch .bin/.pt or a .safetensors file, unwrapped and unprefixed."""
    import torch

    if not path.is_file():
        raise SegmenterError(f"U-Net weights not found at {path}; check the path")
    try:
        if path.suffix == ".safetensors":
            from safetensors.torch import load_file

            state = load_file(str(path))
        else:
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # a corrupt or foreign file: many possible exception types
        raise SegmenterError(
            f"{path} is not a readable weights file ({type(exc).__name__}); download it again"
        ) from None
    if isinstance(state, dict) and isinstance(state.get("state_dict"), dict):
        state = state["state_dict"]
    if not isinstance(state, dict) or not state:
        raise SegmenterError(f"{path} holds no weights; download it again")
    # Checkpoints saved from DataParallel carry a "module." prefix.
    return {k.removeprefix("module."): v for k, v in state.items()}


def _tiny_network(meta: dict, state: dict, what: str):
    """Our TinyUNet with the inputs and widths `meta` names, holding `state` (on the CPU)."""
    from studio.segment.tinyunet import DEFAULT_WIDTHS, TinyUNet

    in_channels = meta.get("in_channels", 4)  # 5: RGB, prior and paper distance
    if in_channels not in (4, 5):
        raise SegmenterError(f"{what} needs {in_channels!r} input channels; reinstall it")
    model = TinyUNet(in_channels=in_channels, widths=tuple(meta.get("widths", DEFAULT_WIDTHS)))
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise SegmenterError(f"{what} does not match the cut-out network: {exc}") from None
    return model


class Segmenter:
    """Cuts pictures out; build it with `default()` or `from_emojich_unet(path)`."""

    def __init__(self, network: _Network, device) -> None:
        self._net = network
        self._device = device

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def default(cls, device: str | None = None) -> Segmenter:
        """Our shipped model from `resources/models/` (CUDA when available, else CPU)."""
        path = resource(*SHIPPED_WEIGHTS)
        if not path.is_file():
            raise SegmenterError(
                f"the shipped cut-out model is missing ({path}); reinstall Sticker Studio, or "
                "train it with `python -m studio.segment.training.train --out RUN --export "
                f"{path}`"
            )
        return cls.from_shipped_weights(path, device)

    @classmethod
    def from_shipped_weights(cls, path: str | os.PathLike[str], device: str | None = None):
        """Our TinyUNet from a safetensors file written by `studio.segment.training.train` (or
        `training.combine`: with networks of their own for some input sizes)."""
        import torch

        from studio.segment.tinyunet import fold_batchnorm

        path = Path(path)
        meta = read_model_meta(path)
        input_sizes = read_input_sizes(meta, path)
        state, size_states = split_size_networks(read_state_dict(path), meta, path)
        model = _tiny_network(meta, state, str(path))
        size_models = {}
        for size, own_state in size_states.items():
            if size not in input_sizes:
                raise SegmenterError(
                    f"{path} holds a network for {size} px, a size it is not fed at; reinstall it"
                )
            own_meta = meta[SIZE_NETWORKS_KEY][str(size)]
            size_models[size] = _tiny_network(own_meta, own_state, f"{path}'s {size} px network")
        target = _pick_device(device)
        channels_last = target.type == "cpu"
        layout = torch.channels_last if channels_last else torch.contiguous_format
        model = fold_batchnorm(model).to(target, memory_format=layout)
        for size, own in size_models.items():
            size_models[size] = fold_batchnorm(own).to(target, memory_format=layout)
        classifier = None
        if CLASSIFIER_KEY in meta:
            try:
                classifier = EnclosedClassifier.from_dict(meta[CLASSIFIER_KEY])
            except ClassifierError as exc:
                raise SegmenterError(f"{path}: {exc}; reinstall it") from None
        network = _Network(
            model=model,
            kind="tiny",
            input_sizes=input_sizes,
            threshold=float(meta.get("threshold", OFFICIAL_THRESHOLD)),
            tolerance=int(meta.get("tolerance", contour.DEFAULT_TOLERANCE)),
            flip_average=bool(meta.get("flip_average", False)),
            channels_last=channels_last,
            enclosed_classifier=classifier,
            size_models=size_models,
        )
        return cls(network, target)

    @classmethod
    def from_emojich_unet(cls, path: str | os.PathLike[str], device: str | None = None):
        """The official Emojich U-Net, `unet_effnetb5/pytorch_model_v2.bin` (a state dict)."""
        import segmentation_models_pytorch as smp

        state = read_state_dict(Path(path))
        model = smp.Unet(OFFICIAL_ENCODER, encoder_weights=None, in_channels=3, classes=2)
        missing, unexpected = model.load_state_dict(state, strict=False)
        if missing or unexpected:
            raise SegmenterError(
                f"{path} is not the Emojich U-Net (EfficientNet-B5, 2 classes): "
                f"{len(missing)} weights missing (e.g. {missing[:2]}), "
                f"{len(unexpected)} unexpected (e.g. {unexpected[:2]}); use "
                "unet_effnetb5/pytorch_model_v2.bin"
            )
        target = _pick_device(device)
        network = _Network(
            model=model.to(target).eval(),
            kind="emojich",
            input_sizes=(OFFICIAL_SIZE,),
            threshold=OFFICIAL_THRESHOLD,
            tolerance=contour.DEFAULT_TOLERANCE,
        )
        return cls(network, target)

    # -- use ----------------------------------------------------------------------------------

    @property
    def threshold(self) -> float:
        """Confidence below which the contour fallback is used."""
        return self._net.threshold

    def with_threshold(self, threshold: float) -> Segmenter:
        """The same network with another routing threshold (0 never routes to the fallback)."""
        return Segmenter(dataclasses.replace(self._net, threshold=threshold), self._device)

    def fed_at(self, sizes: Sequence[int]) -> Segmenter:
        """The same network fed at `sizes` (px) instead of the file's own, each size to the
        network the file gives it (to measure other pairings: `pairings`)."""
        if not usable_input_sizes(list(sizes)):
            raise ValueError(f"cannot feed the network at {list(sizes)} px")
        return Segmenter(dataclasses.replace(self._net, input_sizes=tuple(sizes)), self._device)

    def without_speck_removal(self) -> Segmenter:
        """The same network with the islands `islands.remove_specks` removes left in place (to
        measure what the removal does)."""
        return Segmenter(dataclasses.replace(self._net, remove_specks=False), self._device)

    def without_paper_gaps(self) -> Segmenter:
        """The same network with the gaps it fills left filled (to measure what clearing does)."""
        return Segmenter(dataclasses.replace(self._net, clear_paper_gaps=False), self._device)

    def without_paint_fills(self) -> Segmenter:
        """The same network with the pale paint it drops left dropped (to measure what filling
        holes brighter than the paper, smooth pale parts and white whiter than the paper
        does)."""
        return Segmenter(dataclasses.replace(self._net, fill_paint=False), self._device)

    def with_see_through_spots(self) -> Segmenter:
        """The same network with the faded spots the figure walls in and the pale paint it faded
        left faded (to measure what making them opaque does: `see_through`, `faded_paint`)."""
        return Segmenter(dataclasses.replace(self._net, fill_see_through=False), self._device)

    def with_opaque_shadows(self) -> Segmenter:
        """The same network with the soft cast shadows it keeps opaque left opaque (to measure
        what making them semi-transparent does), and the flat ground shadows too."""
        return Segmenter(dataclasses.replace(self._net, soften_shadows=False), self._device)

    def with_opaque_ground_shadows(self) -> Segmenter:
        """The same network with the flat ground shadows it keeps opaque left opaque (to
        measure what `ground_shadows` does; soft shadows are still made semi-transparent)."""
        return Segmenter(dataclasses.replace(self._net, soften_ground_shadows=False), self._device)

    def with_walled_paper_kept(self) -> Segmenter:
        """The same network with the paper a flat ground shadow walled in kept as the cut-out
        had it when the shadow is made semi-transparent (to measure what clearing it does)."""
        return Segmenter(dataclasses.replace(self._net, clear_walled_paper=False), self._device)

    def with_enclosed_classifier(self, classifier: EnclosedClassifier | None) -> Segmenter:
        """The same network with `classifier` deciding the enclosed white regions it drops
        (None: the network's opacity alone), to measure one (`training.enclosed_fit`)."""
        return Segmenter(
            dataclasses.replace(self._net, enclosed_classifier=classifier), self._device
        )

    @property
    def tolerance(self) -> int:
        """How near the paper's colour the background prior and enclosed regions reach."""
        return self._net.tolerance

    def cutout(self, image: Image.Image) -> CutoutResult:
        """Cut one picture (any size, any mode) out of its background."""
        return self.cutout_many([image], batch_size=1)[0]

    def cutout_many(self, images: Iterable[Image.Image], batch_size: int = 4) -> list[CutoutResult]:
        """Cut many pictures, `batch_size` at a time through the network."""
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        prepared = [_flatten(image) for image in images]
        results: list[CutoutResult] = []
        for chunk in _chunks(prepared, batch_size):
            probabilities, confidences = self._predict([rgb for rgb, _ in chunk])
            for (rgb, own_alpha), prob, conf in zip(chunk, probabilities, confidences, strict=True):
                results.append(self._finish(rgb, own_alpha, prob, conf))
        return results

    def network_outputs(self, pictures: list[np.ndarray]) -> tuple[list[np.ndarray], list[float]]:
        """The network's part of cutting RGB pictures (H,W,3 uint8) out: class-1 probabilities
        (S,S) float32 and confidences (`finish` does the rest). Measuring keeps them to try
        changes to the steps after the network without running it again."""
        return self._predict(pictures)

    def finish(self, rgb: np.ndarray, probability: np.ndarray, confidence: float) -> CutoutResult:
        """The cut-out of RGB picture `rgb` (H,W,3 uint8) from the network's outputs for it
        (`network_outputs`): the same as `cutout` of that picture."""
        return self._finish(rgb, None, probability, confidence)

    # -- internals ----------------------------------------------------------------------------

    def _network_input(
        self, pictures: list[np.ndarray], size: int, priors: list[np.ndarray] | None
    ):
        """(N,C,size,size) float tensor for the network from (H,W,3) uint8 pictures and, for
        our network, their background priors (H,W) float32 (`_priors`)."""
        import torch

        resized = np.stack([_resize_rgb(rgb, size) for rgb in pictures])  # (N,S,S,3)
        batch = torch.from_numpy(resized).permute(0, 3, 1, 2).float() / 255.0
        if priors is not None:
            small = np.stack(
                [cv2.resize(prior, (size, size), interpolation=cv2.INTER_AREA) for prior in priors]
            )
            batch = torch.cat([batch, torch.from_numpy(small)[:, None]], dim=1)
            if self._net.model_for(size).in_channels == 5:
                # Measured on the picture the network sees, as in training.
                distances = np.stack([contour.paper_distance(rgb) for rgb in resized])
                batch = torch.cat([batch, torch.from_numpy(distances)[:, None]], dim=1)
        return batch

    def pass_outputs(
        self, pictures: list[np.ndarray], sizes: Sequence[int], output_size: int
    ) -> dict[int, list[np.ndarray]]:
        """The network's class-1 probabilities for RGB pictures (H,W,3 uint8) fed at each of
        `sizes`, each brought to `output_size` (S,S float32) as `network_outputs` averages them:
        to try other pairings of networks and sizes than a model file's own (`pairings`)."""
        import torch

        with torch.inference_mode():
            return {
                size: list(probs[:, 1].cpu().numpy())
                for size, probs in self._passes(pictures, sizes, output_size)
            }

    def _passes(self, pictures: list[np.ndarray], sizes: Sequence[int], output_size: int):
        """(input size, (N,2,S,S) softmax at `output_size`) for each of `sizes` (inside
        inference mode); the background priors are found once for all."""
        import torch.nn.functional as F

        priors = self._priors(pictures)
        for input_size in sizes:
            probs = self._probabilities(pictures, input_size, priors)
            if input_size != output_size:
                probs = F.interpolate(
                    probs, size=(output_size, output_size), mode="bilinear", align_corners=False
                )
            yield input_size, probs

    def _predict(self, pictures: list[np.ndarray]) -> tuple[list[np.ndarray], list[float]]:
        """Class-1 probabilities (S,S) float32 and confidences, one per picture; S is the
        network's output size."""
        import torch

        sizes = self._net.input_sizes
        with torch.inference_mode():
            passes = self._passes(pictures, sizes, self._net.output_size)
            probs = sum(probs for _, probs in passes) / len(sizes)
            confidence = probs.max(dim=1).values.mean(dim=(1, 2))
        opaque = probs[:, 1].cpu().numpy()
        return list(opaque), [float(c) for c in confidence.cpu()]

    def _priors(self, pictures: list[np.ndarray]) -> list[np.ndarray] | None:
        """Our network's background priors (H,W) float32, once per picture whatever the input
        sizes. Found at the picture's own resolution, where faint outlines still separate white
        parts from the background, and averaged down to each input size later."""
        if self._net.kind != "tiny":
            return None
        return [
            contour.background_prior(rgb, self._net.tolerance).astype(np.float32)
            for rgb in pictures
        ]

    def _probabilities(
        self, pictures: list[np.ndarray], size: int, priors: list[np.ndarray] | None
    ):
        """(N,2,size,size) float softmax of the network fed at `size` (inside inference mode)."""
        import torch

        batch = self._network_input(pictures, size, priors).to(self._device)
        if self._net.channels_last:
            batch = batch.contiguous(memory_format=torch.channels_last)
        model = self._net.model_for(size)
        probs = torch.softmax(model(batch).float(), dim=1)
        if self._net.flip_average:
            mirrored = model(torch.flip(batch, dims=[3]))
            probs = 0.5 * (probs + torch.flip(torch.softmax(mirrored.float(), dim=1), dims=[3]))
        return probs

    def _finish(
        self, rgb: np.ndarray, own_alpha: np.ndarray | None, prob: np.ndarray, confidence: float
    ) -> CutoutResult:
        height, width = rgb.shape[:2]
        method: Method
        gaps_note = None
        enclosed = None
        upsampled = None  # the network's opacity at the picture's size, when it cut the picture
        if confidence >= self._net.threshold:
            method = "unet"
            upsampled = cv2.resize(prob, (width, height), interpolation=cv2.INTER_LINEAR)
            scale = max(height, width) / self._net.output_size  # picture pixels per network pixel
            gain = 2.0 * max(1.0, scale) ** 0.5
            # Snap the upsampled edge towards the picture's edges, then re-measure it by colour.
            snapped = guided_filter(
                rgb, np.clip(upsampled, 0, 1), radius=max(2, round(1.5 * scale))
            )
            mask = refine_alpha(rgb, snapped, gain, band=max(2, round(scale)))
            enclosed = enclosed_white(
                rgb, upsampled, self._net.tolerance, self._net.enclosed_classifier
            )
            mask[enclosed.paint] = 255
            # White parts without an outline on off-white paper: the prior called them
            # background, but they are whiter than the paper.
            whiter = contour.whiter_than_background(rgb, mask >= 128).astype(np.float32)
            if whiter.any():
                soft = cv2.GaussianBlur(whiter, (0, 0), 0.7)
                mask = np.maximum(mask, (soft * 255.0 + 0.5).astype(np.uint8))
            if self._net.fill_paint:
                # Holes the network left inside the figure that are brighter than the paper,
                # pale parts it dropped that are smooth where the paper is grainy, and white
                # regions it dropped that are whiter than grainy paper.
                mask[paint_holes(rgb, mask)] = 255
                mask[flat_paint(rgb, mask)] = 255
                mask[whiter_paint(rgb, mask)] = 255
            if self._net.clear_paper_gaps:
                # Gaps the network filled that show the paper's own colour and grain, where
                # it is not sure of them or they show through a broken outline.
                mask, gaps_note, behind_breaks = clear_paper_gaps(rgb, mask, upsampled)
                if behind_breaks.any():
                    # The network's edge ran round the broken outline: the strokes' edges
                    # the cleared paper bares were never measured against it.
                    mask = edge_beside(rgb, mask, behind_breaks)
            if self._net.fill_see_through:
                # Faded spots the opaque figure walls in: a drawn emoji has no see-through
                # paint. Soft shadows are the next step's; one the figure walls in wholly
                # stays opaque (`see_through`).
                mask[see_through_spots(mask)] = 255
                # Pale paint along the outline the network faded as if it were a shadow.
                mask[faded_paint(rgb, mask)] = 255
        else:
            method = "contour"
            mask = contour.contour_mask(rgb)  # its own noise-adaptive tolerance
        shadows_note = None
        shadow_pixels = None
        if self._net.soften_shadows:
            # Soft cast shadows kept as an opaque grey slab: semi-transparent, as drawn.
            softened, count = soft_shadows(rgb, mask)
            ground = 0
            if self._net.soften_ground_shadows:
                # A flat ground shadow has a drawn edge, which the soft-shadow step reads as
                # a part of the figure; its shape tells it apart.
                softened, ground = ground_shadows(
                    rgb, softened, clear_walled=self._net.clear_walled_paper
                )
            if count or ground:
                shadows_note = _shadows_note(count, ground)
                # The figure's edge beside it was measured against the paper, not the shadow.
                softened, shadow_pixels = settle_edge(rgb, softened, softened != mask)
            mask = softened
        if own_alpha is not None:
            mask = np.minimum(mask, own_alpha)  # never make a transparent input pixel opaque
        specks_note = None
        if self._net.remove_specks:
            mask, specks_note = remove_specks(rgb, mask, upsampled)
        unsure_note = enclosed.review(mask) if enclosed is not None else None
        notes = dict(
            zip(REVIEW_STEPS, (gaps_note, shadows_note, specks_note, unsure_note), strict=True)
        )
        review = "; ".join(note for note in notes.values() if note) or None
        colours = decontaminate(rgb, mask)
        if shadow_pixels is not None:
            # A shadow's alpha is the paper's darkening, so un-blending it leaves black. Its
            # faintest pixels would otherwise borrow the colour of the figure's edge beside them
            # (`decontaminate`): a light line along the shadow on a dark chat.
            colours[shadow_pixels] = 0
        rgba = Image.fromarray(np.dstack([colours, mask]), "RGBA")
        return CutoutResult(
            rgba=rgba,
            mask=mask,
            method=method,
            confidence=float(np.clip(confidence, 0, 1)),
            review=review,
            flagged_by=tuple(step for step, note in notes.items() if note),
        )


def _shadows_note(soft: int, ground: int) -> str:
    """The review note for `soft` soft shadows and `ground` flat ground shadows made
    semi-transparent (at least one in all)."""
    parts = []
    if soft:
        parts.append(f"{soft} soft {'shadow' if soft == 1 else 'shadows'}")
    if ground:
        parts.append("the flat ground shadow")
    return f"made {' and '.join(parts)} semi-transparent"


INPUT_SIZES_RULE = "each input size must be a whole number of pixels from 32 to 2048"

# A model file may hold, besides its own network, one network per input size fed to it instead
# (`training.combine`): their tensors are named "<size>.<tensor>", and the metadata's
# "size_networks" maps each size (as text) to that network's own metadata.
SIZE_NETWORKS_KEY = "size_networks"


def split_size_networks(
    state: dict, meta: dict, path: Path, advice: str = "reinstall it"
) -> tuple[dict, dict[int, dict]]:
    """(the file's own network's tensors, {input size: tensors of that size's own network})
    from a model file's tensors and metadata (`SIZE_NETWORKS_KEY`)."""
    own = meta.get(SIZE_NETWORKS_KEY, {})
    if not isinstance(own, dict) or not all(
        key.isdigit() and isinstance(value, dict) for key, value in own.items()
    ):
        raise SegmenterError(f"{path} describes its networks wrongly; {advice}")
    size_states: dict[int, dict] = {int(key): {} for key in own}
    base = {}
    for name, tensor in state.items():
        prefix, _, rest = name.partition(".")
        if prefix.isdigit() and int(prefix) in size_states:
            size_states[int(prefix)][rest] = tensor
        else:
            base[name] = tensor
    return base, size_states


def usable_input_sizes(sizes: object) -> bool:
    """Whether `sizes` is a non-empty list of sizes the network can be fed at."""
    return (
        isinstance(sizes, list)
        and len(sizes) > 0
        and all(type(size) is int and 32 <= size <= 2048 for size in sizes)
    )


def read_input_sizes(meta: dict, path: Path) -> tuple[int, ...]:
    """The sizes a model file (`path`, its metadata `meta`) is fed at: its `input_sizes` when it
    has them (multi-scale), else the single `input_size` it was trained at."""
    sizes = meta.get("input_sizes", [meta.get("input_size", 256)])
    if not usable_input_sizes(sizes):
        raise SegmenterError(
            f"{path} asks for input sizes {sizes!r}; {INPUT_SIZES_RULE}; reinstall it"
        )
    return tuple(sizes)


def _flatten(image: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """Any picture to (H,W,3) uint8 on white, plus its own alpha (H,W) when it has one."""
    if not isinstance(image, Image.Image):
        raise SegmenterError(f"expected a PIL image, got {type(image).__name__}")
    image = normalise_mode(image)
    if image.width < 8 or image.height < 8:
        raise SegmenterError(f"the picture is {image.width}x{image.height}; at least 8x8 is needed")
    if image.mode != "RGBA":
        return np.asarray(image.convert("RGB")), None
    rgba = np.asarray(image)
    alpha = rgba[..., 3]
    if alpha.min() == 255:
        return np.ascontiguousarray(rgba[..., :3]), None
    a = alpha.astype(np.float32)[..., None] / 255.0
    rgb = rgba[..., :3].astype(np.float32) * a + 255.0 * (1 - a)
    return np.clip(rgb + 0.5, 0, 255).astype(np.uint8), alpha.copy()


def _resize_rgb(rgb: np.ndarray, size: int) -> np.ndarray:
    height, width = rgb.shape[:2]
    if (height, width) == (size, size):
        return rgb
    interp = cv2.INTER_AREA if max(height, width) > size else cv2.INTER_CUBIC
    return cv2.resize(rgb, (size, size), interpolation=interp)
