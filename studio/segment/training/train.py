"""Train our shipped cut-out model from scratch on Noto Color Emoji.

    python -m studio.segment.training.train --out ~/cutout-run --steps 2600
    python -m studio.segment.training.train --out ~/cutout-run --steps 2600   # again: resumes
    python -m studio.segment.training.train --out ~/stage-2 --init first.safetensors --flat 0.35 ...
    python -m studio.segment.training.train --out ~/cutout-run --device cuda --workers 14 ...

Every sample is drawn from a generator seeded by (seed, sample index), the weights are seeded,
and the run is single-threaded by default, so a run repeats exactly and resumes from its last
checkpoint (model, optimiser, schedule and step) with the same result. The finished weights are
exported as safetensors plus a JSON header that `Segmenter` reads.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from studio.errors import StudioError
from studio.fileio import atomic_write_bytes, atomic_write_json
from studio.segment import contour
from studio.segment.segmenter import (
    INPUT_SIZES_RULE,
    SIZE_NETWORKS_KEY,
    read_model_meta,
    read_state_dict,
    split_size_networks,
    usable_input_sizes,
)
from studio.segment.tinyunet import DEFAULT_WIDTHS, TinyUNet
from studio.segment.training import glyph_pack, synth, widen

log = logging.getLogger("studio.segment.training.train")

CHECKPOINT_NAME = "checkpoint.pt"


# The data recipe's options: `TrainConfig` fields, `synth.make_sample` arguments and command-line
# options (with dashes) of the same names, each a chance per picture or glyph.
RECIPE_OPTIONS = {
    "flat": "chance of the flat-art look per glyph",
    "crop": "chance a glyph may be cropped",
    "holes": "chance of see-through holes in a glyph (on off-white paper only)",
    "cut_white": "chance a glyph is cut by the picture's edge with the cut part painted white",
    "line_art": "chance of open outlined strokes (half-enclosed background) instead of a glyph",
    "white_spots": "chance of enclosed white eyes, teeth or highlights painted into a glyph",
    "loops": "chance of handles and wheels round see-through gaps added to a glyph",
    "emojich_paper": "chance the paper is Emojich's own (253, 252, 252), with its faint noise",
    "blotches": "chance of faint cyan streaks and blotches on the paper near the figure",
    "shadow": "chance of a soft cast shadow under a glyph (kept semi-transparent)",
    "decoder": "chance of the soft, slightly ringing look of a decoded, upscaled picture",
    "warm_white": "chance a glyph on Emojich's paper has its white level with the paper and warm",
    "ground_shadow": "chance a glyph's shadow is a flat, crisp ground ellipse instead (kept "
    "semi-transparent)",
    "grey_base": "chance a glyph's foot is painted a flat light grey band (opaque: a keycap's rim)",
    "grey_frame": "chance a glyph is drawn as a keycap: a flat light grey body round a face, "
    "deepest at its foot",
}
# Extra loss weights of pixel kinds (`make_batch`): `TrainConfig` fields, command-line options of
# the same names (with dashes) and entries of the exported metadata.
LOSS_WEIGHT_OPTIONS = {
    "white_weight": "extra loss weight of opaque near-white pixels (white parts of the figure)",
    "shadow_weight": "extra loss weight of soft cast shadow pixels (true alpha 0.01-0.5, off "
    "the outline)",
    "enclosed_weight": "extra loss weight of bare paper the figure encloses (off the outline)",
}
# The options that shape the whole picture's look rather than recolour the figure: evaluation
# pictures are made with them too (`evaluate.EMOJICH_LOOK`; `warm_white` only when asked for,
# `evaluate --warm-white`), the others are training-only.
PICTURE_LOOK_OPTIONS = ("crop", "emojich_paper", "blotches", "shadow", "decoder", "warm_white")
# The run folder's copy of its training glyphs (`glyph_pack`).
GLYPH_CACHE_NAME = "glyphs.zip"
# The network's arithmetic in training (`TrainConfig.precision`).
PRECISIONS = ("fp32", "bf16")


@dataclass(frozen=True)
class TrainConfig:
    out: str
    steps: int = 2400
    batch_size: int = 8
    size: int = 256
    seed: int = 1234
    lr: float = 3e-3
    weight_decay: float = 1e-4
    warmup: int = 100
    threads: int = 1
    checkpoint_every: int = 50
    # Where the network trains ("cpu", "cuda", "cuda:1") and how many processes make the
    # pictures beside it (0: the training process itself). The workers change nothing: every
    # picture is drawn from its own seeded generator, whichever process draws it. A GPU sums
    # in another order than the CPU, so its weights differ from a CPU run's by rounding.
    device: str = "cpu"
    workers: int = 0
    # The network's arithmetic in training (`PRECISIONS`): "bf16" runs the convolutions in
    # bfloat16 under autocast, the weights and the optimiser staying float32; the exported
    # weights are float32 either way and cut in float32.
    precision: str = "fp32"
    widths: tuple[int, ...] = DEFAULT_WIDTHS
    # Data recipe (`RECIPE_OPTIONS`, `synth.make_sample`). The defaults are stage 1's recipe;
    # the later stages' options are in the model card's commands.
    flat: float = 0.0
    crop: float = 0.3
    holes: float = 0.0
    cut_white: float = 0.0
    line_art: float = 0.0
    white_spots: float = 0.0
    loops: float = 0.0
    emojich_paper: float = 0.0
    blotches: float = 0.0
    shadow: float = 0.0
    decoder: float = 0.0
    warm_white: float = 0.0
    ground_shadow: float = 0.0
    grey_base: float = 0.0
    grey_frame: float = 0.0
    # Other designs to train on besides Noto, each equally often (`synth.BalancedGlyphs`): names
    # of folders under `synth.default_designs_folder()`, or paths. Only their training split.
    designs: tuple[str, ...] = ()
    # Glyphs taken from each of those designs' training split, chosen by the seed; 0: all of
    # them (1,895-2,591 each).
    design_glyphs: int = glyph_pack.DESIGN_GLYPHS
    # How many times as likely as each other design Noto is (1: all equally likely; stage 18
    # of the model card was trained on with 2).
    noto_weight: int = 1
    # A glyph pack to draw from instead of the font and the design folders (`glyph_pack`; made
    # with the same designs, design_glyphs and seed): a machine without them trains the same.
    glyphs: str | None = None
    # Start from these exported weights instead of random ones (a second stage of training).
    init: str | None = None
    # Feed the network a fifth channel, `contour.paper_distance`.
    paper_distance: bool = False
    # Extra loss weight of opaque near-white pixels (white parts of the figure); stages 1-6: 4.
    white_weight: float = 4.0
    # Extra loss weight of soft shadow pixels (`soft_shadow_pixels`); stages 1-6: none.
    shadow_weight: float = 0.0
    # Extra loss weight of paper the figure encloses (`enclosed_paper_pixels`); stages 1-7: none.
    enclosed_weight: float = 0.0

    @property
    def in_channels(self) -> int:
        return 5 if self.paper_distance else 4


def model_input(
    images: np.ndarray, paper_distance: bool = False, tolerance: int = contour.DEFAULT_TOLERANCE
) -> torch.Tensor:
    """(N,H,W,3) uint8 pictures -> (N,4 or 5,H,W) float: RGB in [0,1], the background prior
    and, with `paper_distance`, `contour.paper_distance`."""
    channels = [torch.from_numpy(images).permute(0, 3, 1, 2).float() / 255.0]
    priors = np.stack([contour.background_prior(img, tolerance) for img in images])
    channels.append(torch.from_numpy(priors).float()[:, None])
    if paper_distance:
        distances = np.stack([contour.paper_distance(img) for img in images])
        channels.append(torch.from_numpy(distances)[:, None])
    return torch.cat(channels, dim=1)


def load_init(model: TinyUNet, path: Path) -> None:
    """Start `model` from exported weights. Weights of a narrower network, or with fewer input
    channels (a paper-distance channel added), are widened so that the network starts out
    predicting exactly what the file did (`widen.widened_state`)."""
    state = read_state_dict(path)
    meta = (
        read_model_meta(path, "give a file exported by train")
        if path.suffix == ".safetensors"
        else {}
    )
    if meta.get(SIZE_NETWORKS_KEY):
        # A combined file (`combine`): start from its own network, the one it was made from.
        state, _ = split_size_networks(state, meta, path, "give a file exported by train")
        log.info("%s holds networks for other sizes too; starting from its own", path.name)
    try:
        model.load_state_dict(widen.widened_state(state, model))
    except (KeyError, ValueError, RuntimeError) as exc:
        raise ValueError(f"{path} does not fit this network: {exc}") from None


def training_glyphs(config: TrainConfig, cache: Path) -> Sequence[np.ndarray]:
    """Noto's training split alone, or with `config.designs` each as likely as Noto
    (`synth.BalancedGlyphs`): from the pack `config.glyphs` when the run names one, else from
    the font and the design folders. Rasterising thousands of SVGs takes minutes, so the glyphs
    are kept as a pack in `cache` (the run folder's) and read back when the run resumes."""
    wanted = (config.designs, config.design_glyphs, config.seed)
    if config.glyphs:
        pack = glyph_pack.read_pack(Path(config.glyphs))
        if not pack.matches(*wanted):
            raise glyph_pack.GlyphPackError(
                f"{config.glyphs} holds other glyphs than this run draws ({_pack_settings(pack)}); "
                "make the pack with the run's --designs, --design-glyphs and --seed"
            )
    else:
        pack = None
        if cache.is_file():
            try:
                pack = glyph_pack.read_pack(cache)
            except glyph_pack.GlyphPackError as exc:  # our own file, cut short: make it again
                log.warning("%s; gathering the glyphs again", exc)
        if pack is None or not pack.matches(*wanted):
            pack = glyph_pack.gather(*wanted)
            glyph_pack.write_pack(cache, pack)
    for name, glyphs in zip(pack.designs, pack.design_sets, strict=True):
        log.info("%s: %d training glyphs", name, len(glyphs))
    return pack.training_glyphs(config.noto_weight)


def _pack_settings(pack: glyph_pack.GlyphPack) -> str:
    if not pack.designs:
        return "Noto alone"
    count = pack.design_glyphs or "all"
    return f"Noto, {', '.join(pack.designs)}; {count} glyphs each, seed {pack.seed}"


def make_batch(
    glyphs: Sequence[np.ndarray], config: TrainConfig, step: int
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Inputs (N,4,S,S), soft targets (N,S,S) and per-pixel loss weights (N,S,S) for `step`."""
    samples = [
        synth.make_sample(
            synth.sample_rng(config.seed, step * config.batch_size + j),
            glyphs,
            config.size,
            **{name: getattr(config, name) for name in RECIPE_OPTIONS},
        )
        for j in range(config.batch_size)
    ]
    images = np.stack([s.image for s in samples])
    alpha = torch.from_numpy(np.stack([s.alpha for s in samples]))
    inputs = model_input(images, config.paper_distance)
    # Weight the pixels that decide quality: the edge band, and opaque near-white pixels (white
    # parts of the figure, which the prior wrongly calls background when they touch the outline).
    band = edge_band(alpha)
    near_white = inputs[:, :3].min(dim=1).values > 0.86
    weights = 1.0 + 3.0 * band + config.white_weight * (near_white & (alpha > 0.5)).float()
    weights += config.shadow_weight * soft_shadow_pixels(alpha, band).float()
    if config.enclosed_weight:  # only when weighted: it labels each picture's paper
        weights += config.enclosed_weight * enclosed_paper_pixels(alpha, band).float()
    return inputs, alpha, weights


def edge_band(alpha: torch.Tensor) -> torch.Tensor:
    """(N,S,S) how much the true alpha `alpha` (N,S,S) changes within 2 px: 1 on the outline."""
    hard = alpha[:, None]
    return (_max_5x5(hard) + _max_5x5(-hard))[:, 0]


def _max_5x5(x: torch.Tensor) -> torch.Tensor:
    """The largest value within 2 px, a 5x5 max-pool done as 5x1 then 1x5: the same values, a
    quarter less time on the CPU, where the workers draw a GPU run's pictures."""
    return F.max_pool2d(F.max_pool2d(x, (5, 1), 1, (2, 0)), (1, 5), 1, (0, 2))


def soft_shadow_pixels(alpha: torch.Tensor, band: torch.Tensor) -> torch.Tensor:
    """(N,S,S) bool: pixels of a soft cast shadow, faintly opaque (true alpha 0.01-0.5) and away
    from any outline (`band` below 0.5; a shadow's alpha changes slowly). They are background in
    every score, a small share of the pixels, and the network learnt long before shadows were
    drawn that a darkened pixel joined to the figure is figure: at weight 1 it keeps them opaque."""
    return (alpha > 0.01) & (alpha < 0.5) & (band < 0.5)


def enclosed_paper_pixels(alpha: torch.Tensor, band: torch.Tensor) -> torch.Tensor:
    """(N,S,S) bool: bare paper (true alpha below 0.01) that the figure encloses, so that it
    cannot reach the picture's border, away from any outline (`band` below 0.5). A lifebuoy's
    hole or the paper between a ladder's rungs: the network fills them because nearly every
    enclosed pixel it has seen was paint, and they are few, so at weight 1 filling costs little."""
    paper = (alpha < 0.01).numpy()
    enclosed = np.stack([p & ~contour.border_connected(p) for p in paper])
    return torch.from_numpy(enclosed) & (band < 0.5)


def soft_loss(logits: torch.Tensor, alpha: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Weighted cross-entropy against soft alpha targets, plus a soft Dice term on class 1."""
    log_probs = F.log_softmax(logits, dim=1)  # (N,2,H,W)
    ce = -(alpha * log_probs[:, 1] + (1 - alpha) * log_probs[:, 0])
    ce = (ce * weights).sum() / weights.sum()
    probs = log_probs[:, 1].exp()
    inter = (probs * alpha).sum(dim=(1, 2))
    union = probs.sum(dim=(1, 2)) + alpha.sum(dim=(1, 2))
    dice = 1 - (2 * inter + 1) / (union + 1)
    return ce + 0.5 * dice.mean()


def _lr_at(config: TrainConfig, step: int) -> float:
    if step < config.warmup:
        return config.lr * (step + 1) / config.warmup
    progress = (step - config.warmup) / max(1, config.steps - config.warmup)
    return config.lr * (0.02 + 0.98 * 0.5 * (1 + math.cos(math.pi * min(1.0, progress))))


def _save_checkpoint(path: Path, model, optimizer, step: int, config: TrainConfig) -> None:
    buffer = io.BytesIO()
    torch.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "step": step,
            "config": asdict(config),
            "torch_rng": torch.get_rng_state(),
        },
        buffer,
    )
    atomic_write_bytes(path, buffer.getvalue())


def export_weights(model: TinyUNet, path: Path, meta: dict) -> None:
    """Write the shipped file: safetensors weights with our metadata in the header."""
    state = {k: v.detach().contiguous().cpu() for k, v in model.state_dict().items()}
    meta = {**meta, "in_channels": model.in_channels}  # how `Segmenter` must feed it
    write_model_file(path, state, meta)


def write_model_file(path: Path, state: dict[str, torch.Tensor], meta: dict) -> None:
    """Write tensors and our metadata as a model file `Segmenter` reads (atomically)."""
    from safetensors.torch import save

    header = {"format": "studio-tinyunet", "meta": json.dumps(meta)}
    atomic_write_bytes(path, save(state, metadata=header))


class _StepBatches(torch.utils.data.Dataset):
    """The batch of each training step (`make_batch`), for a `DataLoader` to draw in worker
    processes; ordered by step, so the run is the same with any number of workers."""

    def __init__(self, glyphs: Sequence[np.ndarray], config: TrainConfig) -> None:
        self.glyphs = glyphs
        self.config = config

    def __len__(self) -> int:
        return self.config.steps

    def __getitem__(self, step: int):
        return make_batch(self.glyphs, self.config, step)


def _batches(glyphs: Sequence[np.ndarray], config: TrainConfig, start: int, device):
    """The batches of steps `start` to the end, made `config.workers` at a time ahead of the
    training step when there are workers (forked, sharing the glyphs)."""
    loader = torch.utils.data.DataLoader(
        _StepBatches(glyphs, config),
        batch_size=None,  # each item is a whole batch already
        sampler=range(start, config.steps),
        num_workers=config.workers,
        pin_memory=device.type == "cuda",
    )
    for inputs, alpha, weights in loader:
        inputs = inputs.to(device, non_blocking=True, memory_format=torch.channels_last)
        yield inputs, alpha.to(device, non_blocking=True), weights.to(device, non_blocking=True)


def train(config: TrainConfig, on_progress: Callable[[dict], None] | None = None) -> TinyUNet:
    """Run (or resume) training; returns the model at the final step (on `config.device`)."""
    torch.set_num_threads(config.threads)
    device = torch.device(config.device)
    out = Path(config.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(config.seed)
    model = TinyUNet(in_channels=config.in_channels, widths=config.widths)
    start = 0
    checkpoint_path = out / CHECKPOINT_NAME
    state = None
    if checkpoint_path.exists():
        state = torch.load(checkpoint_path, map_location="cpu", weights_only=False)
        model.load_state_dict(state["model"])
        torch.set_rng_state(state["torch_rng"])
        start = state["step"]
        log.info("resuming from step %d", start)
    elif config.init:
        load_init(model, Path(config.init))
        log.info("starting from %s", config.init)
    # Channels-last: the layout the CPU's and the GPU's convolutions run fastest in (the same
    # arithmetic; the cut-out runs the network so on the CPU).
    model.to(device, memory_format=torch.channels_last)
    # Made after the move, so that its state lives beside the weights it updates.
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=config.lr, weight_decay=config.weight_decay
    )
    if state is not None:
        optimizer.load_state_dict(state["optimizer"])
    atomic_write_json(out / "config.json", asdict(config))
    glyphs = training_glyphs(config, out / GLYPH_CACHE_NAME)
    log.info("%d training glyphs", len(glyphs))
    model.train()
    started = time.monotonic()
    running = None
    for step, (inputs, alpha, weights) in enumerate(
        _batches(glyphs, config, start, device), start=start
    ):
        for group in optimizer.param_groups:
            group["lr"] = _lr_at(config, step)
        loss = training_step(model, optimizer, config, device, (inputs, alpha, weights))
        running = loss.item() if running is None else 0.95 * running + 0.05 * loss.item()
        done = step + 1
        if done % config.checkpoint_every == 0 or done == config.steps:
            _save_checkpoint(checkpoint_path, model, optimizer, done, config)
        if on_progress is not None:
            on_progress(
                {
                    "step": done,
                    "steps": config.steps,
                    "loss": running,
                    "elapsed_s": time.monotonic() - started,
                }
            )
    return model


def training_step(model: TinyUNet, optimizer, config: TrainConfig, device, batch) -> torch.Tensor:
    """One forward and backward pass of `batch` (inputs, alpha, weights) and the optimiser's
    step, in `config.precision`; the loss (float32)."""
    inputs, alpha, weights = batch
    with _network_arithmetic(config, device):
        logits = model(inputs)
    loss = soft_loss(logits.float(), alpha, weights)
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss


def _network_arithmetic(config: TrainConfig, device: torch.device):
    """The network's arithmetic for `config.precision` (float32: autocast off)."""
    return torch.autocast(device.type, dtype=torch.bfloat16, enabled=config.precision == "bf16")


def precision_problem(precision: str, device_name: str) -> str | None:
    """Why the network cannot train in `precision` on the device `device_name` (a usable one,
    `device_problem`), or None. Without bfloat16 instructions autocast would emulate them,
    slower than float32."""
    if precision not in PRECISIONS:
        return f"{precision!r}: one of {', '.join(PRECISIONS)}"
    if precision == "fp32":
        return None
    device = torch.device(device_name)
    if device.type == "cuda" and not torch.cuda.is_bf16_supported():
        return "this GPU has no bfloat16 arithmetic; train with --precision fp32"
    if device.type == "cpu" and not _cpu_has_bf16():
        return (
            "this CPU has no bfloat16 instructions (AVX-512 BF16 or AMX); "
            "train with --precision fp32"
        )
    return None


def _cpu_has_bf16() -> bool:
    """Whether torch's CPU convolutions (oneDNN) run bfloat16 natively here."""
    return torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()


def device_problem(name: str) -> str | None:
    """Why `name` is no device to train on here, or None."""
    try:
        device = torch.device(name)
    except RuntimeError:
        return f'{name!r} is not a device; use "cpu" or "cuda"'
    if device.type == "cpu":
        return None
    if device.type != "cuda":
        return f"{name!r}: only the CPU or a CUDA GPU"
    if not torch.cuda.is_available():
        return "no CUDA GPU is usable here (check the driver, or train with --device cpu)"
    if device.index is not None and device.index >= torch.cuda.device_count():
        return f"{name!r}: this machine has {torch.cuda.device_count()} CUDA GPU(s)"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", required=True, help="run folder (checkpoints, config)")
    parser.add_argument("--steps", type=int, default=TrainConfig.steps)
    parser.add_argument("--batch-size", type=int, default=TrainConfig.batch_size)
    parser.add_argument("--size", type=int, default=TrainConfig.size)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--lr", type=float, default=TrainConfig.lr)
    parser.add_argument("--threads", type=int, default=TrainConfig.threads)
    parser.add_argument(
        "--device",
        default=TrainConfig.device,
        help='where the network trains: "cpu" or a CUDA GPU ("cuda", "cuda:1")',
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=TrainConfig.workers,
        metavar="N",
        help="processes making the pictures beside the training one (a GPU waits for them "
        "otherwise; 0: none)",
    )
    parser.add_argument(
        "--precision",
        choices=PRECISIONS,
        default=TrainConfig.precision,
        help="the network's arithmetic in training: bf16 runs its convolutions in bfloat16 "
        "(much faster on a CPU with AMX); the weights stay float32",
    )
    parser.add_argument("--warmup", type=int, default=TrainConfig.warmup)
    for name, text in {**RECIPE_OPTIONS, **LOSS_WEIGHT_OPTIONS}.items():
        option = "--" + name.replace("_", "-")
        parser.add_argument(option, type=float, default=getattr(TrainConfig, name), help=text)
    parser.add_argument(
        "--designs",
        nargs="+",
        default=[],
        metavar="NAME",
        help="other designs to train on besides Noto (folders under "
        f"{synth.default_designs_folder()} or paths; their training split only)",
    )
    parser.add_argument(
        "--design-glyphs",
        type=int,
        default=TrainConfig.design_glyphs,
        metavar="N",
        help="glyphs taken from each other design's training split (0: all of them)",
    )
    parser.add_argument(
        "--noto-weight",
        type=int,
        default=TrainConfig.noto_weight,
        metavar="N",
        help="Noto N times as likely as each other design (default 1: all equally likely)",
    )
    parser.add_argument(
        "--glyphs",
        type=Path,
        metavar="PACK",
        help="draw from this glyph pack (glyph_pack, or a run folder's "
        f"{GLYPH_CACHE_NAME}) instead of the emoji font and design folders",
    )
    parser.add_argument(
        "--widths",
        type=int,
        nargs="+",
        default=list(DEFAULT_WIDTHS),
        metavar="N",
        help="channels of each level, full resolution first; with --init, at least the "
        "file's at every level (the file's weights are widened)",
    )
    parser.add_argument("--init", type=Path, help="start from these exported weights")
    parser.add_argument(
        "--paper-distance",
        action="store_true",
        help="add contour.paper_distance as a fifth input channel",
    )
    parser.add_argument("--export", type=Path, help="write the finished weights here")
    parser.add_argument(
        "--threshold",
        type=float,
        default=0.99,
        help="routing threshold stored with the weights (pick it with evaluate --calibrate)",
    )
    parser.add_argument(
        "--flip-average",
        action="store_true",
        help="store that predictions average the picture and its mirror image",
    )
    parser.add_argument(
        "--input-sizes",
        type=int,
        nargs="+",
        metavar="SIZE",
        help="store that pictures are fed at each of these sizes and the predictions averaged "
        "(multi-scale inference; default: the training size only)",
    )
    args = parser.parse_args(argv)
    if args.design_glyphs < 0:
        parser.error("--design-glyphs: a count of glyphs, or 0 for all of them")
    if args.noto_weight < 1:
        parser.error("--noto-weight: how many times as likely as another design, at least 1")
    if args.workers < 0:
        parser.error("--workers: a count of processes, or 0 for none")
    problem = device_problem(args.device)
    if problem:
        parser.error(f"--device: {problem}")  # now, not after loading the glyphs
    problem = precision_problem(args.precision, args.device)
    if problem:
        parser.error(f"--precision: {problem}")
    if args.input_sizes and not usable_input_sizes(args.input_sizes):
        parser.error(f"--input-sizes: {INPUT_SIZES_RULE}")  # now, not after hours of training
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    config = TrainConfig(
        out=args.out,
        steps=args.steps,
        batch_size=args.batch_size,
        size=args.size,
        seed=args.seed,
        lr=args.lr,
        threads=args.threads,
        device=args.device,
        workers=args.workers,
        precision=args.precision,
        warmup=args.warmup,
        widths=tuple(args.widths),
        **{name: getattr(args, name) for name in RECIPE_OPTIONS},
        designs=tuple(args.designs),
        design_glyphs=args.design_glyphs,
        noto_weight=args.noto_weight,
        glyphs=str(args.glyphs) if args.glyphs else None,
        init=str(args.init) if args.init else None,
        paper_distance=args.paper_distance,
        **{name: getattr(args, name) for name in LOSS_WEIGHT_OPTIONS},
    )

    def report(progress: dict) -> None:
        if progress["step"] % 10 == 0:
            log.info("step %(step)d/%(steps)d loss %(loss).4f elapsed %(elapsed_s).0fs", progress)

    try:
        model = train(config, on_progress=report)
    except StudioError as exc:  # no font, no design folder, a pack of other glyphs
        parser.exit(1, f"train: {exc}\n")
    if args.export:
        meta = {
            "widths": list(config.widths),
            "input_size": config.size,
            "tolerance": contour.DEFAULT_TOLERANCE,
            "trained_steps": config.steps,
            "seed": config.seed,
            "batch_size": config.batch_size,
            "precision": config.precision,
            **{name: getattr(config, name) for name in RECIPE_OPTIONS},
            "designs": list(config.designs),
            "design_glyphs": config.design_glyphs,
            **{name: getattr(config, name) for name in LOSS_WEIGHT_OPTIONS},
            "init": Path(config.init).name if config.init else None,
            "threshold": args.threshold,
            "flip_average": args.flip_average,
        }
        if args.input_sizes:
            meta["input_sizes"] = args.input_sizes
        export_weights(model.eval(), args.export, meta)
        log.info("exported %s", args.export)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
