"""`sticker-studio style train|list`: teach the model a style or a character from your pictures.

`style train` encodes the pictures, shows a measured time and an estimated memory figure, then
trains with the Emojich paper's recipe, writing a checkpoint every `--checkpoint-every` steps: run
the same command again after a stop (Ctrl+C) or a crash and it continues from there. The result
is `<data folder>/styles/NAME.style.safetensors`; use it with `generate --style NAME`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from studio.commands.generate import _duration, load_translator

MIN_PICTURES = 20
MAX_PICTURES = 500


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "style", help="train a style from your pictures, or list styles", description=__doc__
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    train = actions.add_parser("train", help="train a style from 20-500 captioned pictures")
    train.add_argument("images", nargs="+", type=Path, metavar="IMAGE", help="training pictures")
    train.add_argument(
        "--captions",
        type=Path,
        required=True,
        help="UTF-8 file of 'file name<TAB>caption' lines, one per picture (non-Russian ones "
        "are translated)",
    )
    train.add_argument("--name", required=True, help="the style's name")
    train.add_argument("--steps", type=int, default=400, help="optimiser steps (default 400)")
    train.add_argument("--lr", type=float, default=1e-5, help="peak learning rate (paper 1e-5)")
    train.add_argument(
        "--image-loss-weight", type=float, default=1000.0, help="image vs text loss (paper 1000)"
    )
    train.add_argument("--batch-size", type=int, default=2, help="pictures per step (default 2)")
    train.add_argument(
        "--optimizer",
        choices=("adamw8bit", "adamw"),
        default="adamw8bit",
        help="AdamW 8-bit (bitsandbytes, default) or plain AdamW",
    )
    train.add_argument(
        "--checkpoint-every", type=int, default=50, help="steps between checkpoints (default 50)"
    )
    train.add_argument("--seed", type=int, default=0, help="same seed, same style")
    train.add_argument(
        "--preview",
        action="append",
        default=[],
        metavar="CAPTION",
        help="a held-out caption drawn every --preview-every steps (up to 2)",
    )
    train.add_argument(
        "--preview-every", type=int, default=None, help="steps between previews (default: 1/4)"
    )
    train.add_argument(
        "--no-translate", action="store_true", help="use captions as typed, untranslated"
    )
    train.add_argument(
        "--translator-dir", type=Path, default=None, help="translator folder (default: models')"
    )
    train.add_argument("--model-dir", type=Path, default=None, help="models folder")
    train.add_argument("--device", default=None, help="cuda or cpu (default: cuda if present)")
    train.set_defaults(run=run_train)
    listing = actions.add_parser("list", help="the saved styles and their sizes")
    listing.set_defaults(run=run_list)


def _say(message: str) -> None:
    print(message, flush=True)


def _check_pictures(images: list[Path]) -> None:
    from studio.errors import StudioError

    missing = [p for p in images if not p.is_file()]
    if missing:
        raise StudioError(f"picture not found: {missing[0]} ({len(missing)} missing)")
    if len(set(images)) < MIN_PICTURES:
        raise StudioError(
            f"a style needs at least {MIN_PICTURES} pictures, {len(set(images))} given; add "
            "more pictures of the same look or character"
        )
    if len(images) > MAX_PICTURES:
        raise StudioError(f"at most {MAX_PICTURES} pictures per style, {len(images)} given")


def _precision(device: str) -> str:
    import torch

    if device.startswith("cuda"):
        return "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return "fp32"


def _check_memory(models, recipe) -> None:  # noqa: ANN001
    """Say the estimate; refuse a GPU that cannot hold it, saying what to change."""
    import torch

    from studio.engine.styles.estimate import GIB, check_fits, estimate_training_memory

    need = estimate_training_memory(
        models.config, recipe, models.dtype.itemsize, models.device.type == "cuda"
    ).total
    _say(f"memory: about {need / GIB:.1f} GiB (estimated)")
    if models.device.type == "cuda":
        check_fits(need, torch.cuda.mem_get_info(models.device)[0], recipe)


def _russian_captions(examples: list, args: argparse.Namespace) -> list:
    """Captions that are not Russian translated like prompts (unless `--no-translate`)."""
    import dataclasses

    from studio.errors import StudioError
    from studio.translate.script import needs_translation

    todo = [e for e in examples if needs_translation(e.caption)]
    if args.no_translate or not todo:
        return examples
    translator = load_translator(args)
    _say(f"translating {len(todo)} captions")
    out = []
    for example in examples:
        if needs_translation(example.caption):
            russian = translator.translate(example.caption).strip()
            if not russian:
                raise StudioError(
                    f"the translator gave no Russian for the caption of {example.image.name}; "
                    "write it in Russian or add --no-translate"
                )
            example = dataclasses.replace(example, caption=russian)
        out.append(example)
    return out


def run_train(args: argparse.Namespace) -> int:
    from studio.errors import StudioError

    _check_pictures(args.images)
    if args.checkpoint_every < 1:
        raise StudioError("--checkpoint-every must be at least 1")
    if len(args.preview) > 2 or (args.preview_every is not None and args.preview_every < 1):
        raise StudioError("give at most 2 --preview captions and --preview-every of at least 1")

    from studio.engine import load_models
    from studio.engine.models import default_device
    from studio.engine.styles import (
        StyleRecipe,
        StyleTrainer,
        encode_examples,
        read_captions,
        write_style,
    )
    from studio.engine.styles.library import check_style_name, checkpoint_path, style_path
    from studio.engine.styles.recipe import InvalidRecipe
    from studio.engine.styles.trainer import default_autocast

    name = check_style_name(args.name)
    target, checkpoint = style_path(name), checkpoint_path(name)
    if target.exists() and not checkpoint.exists():
        raise StudioError(f"a style named {name!r} exists already ({target}); choose another name")
    examples = read_captions(args.captions, args.images)
    try:
        recipe = StyleRecipe(
            steps=args.steps,
            lr=args.lr,
            image_loss_weight=args.image_loss_weight,
            batch_size=args.batch_size,
            optimizer=args.optimizer,
            seed=args.seed,
        )
    except InvalidRecipe as exc:
        raise StudioError(str(exc)) from None

    typed = {e.image: e.caption for e in examples}
    if not checkpoint.exists():
        examples = _russian_captions(examples, args)
    device = args.device or default_device()
    models = load_models(args.model_dir, device=device, precision=_precision(device))
    if models.device.type == "cpu":
        print("warning: training on the CPU is slow (hours for the real model)", file=sys.stderr)
    autocast = default_autocast(models.device)
    if checkpoint.exists():
        trainer = StyleTrainer.resume(models.dalle, checkpoint, autocast=autocast)
        _say(f"continuing {name!r} from step {trainer.step}/{trainer.recipe.steps}")
        if trainer.recipe != recipe:
            _say(
                "  with the settings and pictures it was started with (delete the checkpoint "
                f"{checkpoint} to start again with new ones)"
            )
    else:
        _say(f"encoding {len(examples)} pictures")
        text_ids, codes = encode_examples(models, examples)
        data = [
            {"image": str(e.image), "caption": e.caption}
            | ({"caption_typed": typed[e.image]} if typed[e.image] != e.caption else {})
            for e in examples
        ]
        trainer = StyleTrainer(models.dalle, text_ids, codes, recipe, autocast, data)
    _check_memory(models, trainer.recipe)
    per_step = trainer.probe_seconds()
    remaining = trainer.recipe.steps - trainer.step
    _say(
        f"model {models.model_id} on {models.device} ({models.precision}), "
        f"{trainer.optimizer_name}: {remaining} steps x {per_step:.2f} s = about "
        f"{_duration(remaining * per_step)} (measured on one step)"
    )
    report_every = max(1, trainer.recipe.steps // 20)
    preview_every = args.preview_every or max(1, trainer.recipe.steps // 4)
    started = time.perf_counter()
    try:
        for record in trainer.steps():
            if record.step % args.checkpoint_every == 0 and record.step < record.steps:
                trainer.save_checkpoint(checkpoint)
            if record.step % report_every == 0 or record.step == record.steps:
                _say(
                    f"  step {record.step}/{record.steps}: loss {record.loss:.4f} (text "
                    f"{record.text_loss:.3f}, image {record.image_loss:.3f}), lr {record.lr:.2e}"
                )
            if args.preview and (record.step % preview_every == 0 or record.step == record.steps):
                _write_previews(models, trainer, args.preview, target, record.step)
    except KeyboardInterrupt:
        trainer.save_checkpoint(checkpoint)
        _say(f"stopped at step {trainer.step}; run the same command to continue")
        raise
    style = trainer.style(name, model_id=models.model_id)
    write_style(target, style)
    checkpoint.unlink(missing_ok=True)
    _say(
        f"style {name!r}: {style.size_bytes / 1024**2:.1f} MB in {target} "
        f"({_duration(time.perf_counter() - started)}); use it with generate --style {name!r}"
    )
    return 0


def _write_previews(models, trainer, captions: list[str], target: Path, step: int) -> None:  # noqa: ANN001
    from studio.engine.styles.preview import preview_pictures
    from studio.fileio import atomic_save_image

    folder = target.with_name(target.name.replace(".style.safetensors", ".previews"))
    for i, picture in enumerate(preview_pictures(models, trainer, captions), 1):
        path = folder / f"step{step:05}-{i}.png"
        atomic_save_image(path, picture)
        _say(f"  preview: {path}")


def run_list(args: argparse.Namespace) -> int:
    from studio.engine.styles.library import list_styles

    entries = list_styles()
    if not entries:
        _say("no styles yet; train one with `style train`")
    for entry in entries:
        _say(f"{entry.name}\t{entry.size_bytes / 1024**2:.1f} MB\t{entry.path}")
    return 0


def apply_named_style(models, name: str) -> None:  # noqa: ANN001
    """Put the saved style `name` on loaded models (for `generate --style`)."""
    from studio.engine.styles import StyleSwitcher
    from studio.engine.styles.library import load_style

    StyleSwitcher(models.dalle).apply(load_style(name))
    _say(f"style {name}")
