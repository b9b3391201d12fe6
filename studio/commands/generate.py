"""`sticker-studio generate "prompt" -n 64 --out DIR`: Emojich candidates as ranked PNGs.

Writes `DIR/001.png`, `002.png`, ... best (lowest perplexity) first, and `DIR/generation.json`
with the prompt, the sampling parameters, the model and, per image, its rank, seed, perplexity
and codes. A prompt that is not Russian is translated first by the local translator (printed as
`translated: ...` and recorded with the text as typed); `--no-translate` sends it as typed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from studio.fileio import atomic_save_image, atomic_write_json

RESULT_JSON = "generation.json"


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "generate",
        help="generate sticker candidates from a text prompt",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "prompt", help="what the sticker shows (Emojich reads Russian; other text is translated)"
    )
    parser.add_argument("-n", "--images", type=int, default=16, help="how many (default 16)")
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNGs")
    parser.add_argument(
        "--top-k",
        type=int,
        default=2048,
        help="sample among the k likeliest tokens (1: greedy; default 2048)",
    )
    parser.add_argument(
        "--top-p", type=float, default=0.995, help="and within probability mass p (default 0.995)"
    )
    parser.add_argument(
        "--temperature",
        type=float,
        default=1.0,
        help="above 1: wilder, below 1: safer (default 1.0)",
    )
    parser.add_argument("--seed", type=int, default=None, help="same seed, same images")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=None,
        help="images sampled at once (default: 16 on a GPU, 4 on the CPU)",
    )
    parser.add_argument(
        "--model-dir", type=Path, default=None, help="models folder (default: the studio's)"
    )
    parser.add_argument(
        "--device", choices=["cuda", "cpu"], default=None, help="default: cuda when available"
    )
    parser.add_argument(
        "--precision",
        choices=["fp32", "fp16", "bf16", "int8"],
        default=None,
        help="default: fp16 on cuda, fp32 on the CPU",
    )
    parser.add_argument(
        "--where",
        default=None,
        help="local (this device, the default), gpus (every GPU of this machine) or "
        "ray://HOST:PORT (a Ray cluster; each node reads its own models folder)",
    )
    parser.add_argument(
        "--cpu-replicas",
        type=int,
        default=None,
        help="with --where: this many CPU replicas instead of one per GPU",
    )
    parser.add_argument("--style", default=None, help="a style from `style list`")
    parser.add_argument(
        "--no-translate", action="store_true", help="send the prompt as typed, untranslated"
    )
    parser.add_argument(
        "--translator-dir",
        type=Path,
        default=None,
        help="translator folder (default: the one in the models folder)",
    )
    parser.set_defaults(run=run)


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from studio.errors import StudioError

    if args.images < 1:
        raise StudioError("-n must be at least 1")
    if args.batch_size is not None and args.batch_size < 1:
        raise StudioError("--batch-size must be at least 1")
    from studio.cluster.where import Where

    where = Where.parse(args.where)
    if where.address is None:  # this machine's folder; a cluster's nodes read their own
        require_model_files(args.model_dir)
    try:
        from studio.engine import SamplingParams

        params = SamplingParams(
            top_k=args.top_k, top_p=args.top_p, temperature=args.temperature, seed=args.seed
        ).with_seed()
    except ValueError as exc:
        raise StudioError(f"bad sampling setting: {exc}") from None

    prompt = _model_prompt(args)
    args.out.mkdir(parents=True, exist_ok=True)
    if where.uses_ray and args.style:
        raise StudioError("--style works with the local model only (not with --where)")
    if where.uses_ray:
        from studio.cluster.command import run_on_replicas

        return run_on_replicas(args, prompt, params, where, _write_results)
    if args.cpu_replicas is not None:
        raise StudioError("--cpu-replicas needs --where gpus or --where ray://HOST:PORT")

    from studio.engine import (
        BatchReady,
        BatchSizeReduced,
        StepProgress,
        estimate_seconds,
        generate,
        load_models,
    )

    models = load_models(args.model_dir, device=args.device, precision=args.precision)
    if args.style:
        from studio.commands.style import apply_named_style

        apply_named_style(models, args.style)
    batch_size = args.batch_size or (16 if models.device.type == "cuda" else 4)
    _say(f"model {models.model_id} on {models.device} ({models.precision}), seed {params.seed}")
    if models.device.type == "cpu":
        estimate = estimate_seconds(models, args.images, batch_size)
        _say(f"on the CPU this takes about {_duration(estimate)} (measured on a few steps)")

    started = time.perf_counter()
    results = []
    last_report = 0.0
    for event in generate(models, prompt, params, args.images, batch_size):
        if isinstance(event, StepProgress):
            now = time.perf_counter()
            if now - last_report > 2.0 or event.step == event.steps_total:
                last_report = now
                _say(
                    f"  batch {event.batch_index + 1}: {event.step}/{event.steps_total} tokens, "
                    f"{event.images_done}/{event.images_total} images done"
                )
        elif isinstance(event, BatchSizeReduced):
            _say(f"  out of GPU memory: batch size {event.old} -> {event.new}")
        elif isinstance(event, BatchReady):
            results.extend(event.images)
    where_info = {
        "model": models.model_id,
        "device": str(models.device),
        "precision": models.precision,
        "style": args.style,
    }
    return _write_results(args, prompt, params, batch_size, results, where_info, started)


def require_model_files(model_dir: Path | None) -> None:
    """Stop at once, naming `models download`, when model files are missing: before torch and
    the sampler are imported (seconds on a loaded machine) or the translator is loaded."""
    from studio.engine.store import ModelStore

    ModelStore(model_dir).require()


def _write_results(  # noqa: ANN001 - the command's own values, passed through
    args, prompt, params, batch_size, results, where_info, started
) -> int:
    """Write the ranked PNGs and `generation.json`; `where_info` says what generated them."""
    results.sort(key=lambda g: g.perplexity)
    width = max(3, len(str(len(results))))
    entries = []
    for rank, item in enumerate(results, start=1):
        name = f"{rank:0{width}d}.png"
        atomic_save_image(args.out / name, item.image)
        entries.append(
            {
                "file": name,
                "rank": rank,
                "index": item.index,
                "seed": item.seed,
                "perplexity": item.perplexity,
                "codes": [int(c) for c in item.codes],
            }
        )
    atomic_write_json(
        args.out / RESULT_JSON,
        {
            "prompt": prompt,  # what the model was given
            "prompt_original": args.prompt,  # as typed
            **where_info,
            "params": {
                "top_k": params.top_k,
                "top_p": params.top_p,
                "temperature": params.temperature,
                "seed": params.seed,
                "batch_size": batch_size,
                "images": args.images,
            },
            "seconds": round(time.perf_counter() - started, 3),
            "images": entries,
        },
    )
    print(f"{len(entries)} images in {args.out} (best first), details in {RESULT_JSON}")
    return 0


def _model_prompt(args: argparse.Namespace) -> str:
    """The prompt the model is given: the Russian translation of a prompt that is not Russian,
    unless `--no-translate`. A missing translator is an error that says how to get it."""
    from studio.errors import StudioError
    from studio.translate.script import needs_translation

    if args.no_translate or not needs_translation(args.prompt):
        return args.prompt
    translated = load_translator(args).translate(args.prompt)
    if not translated.strip():
        raise StudioError(
            "the translator gave no Russian for this prompt; write it in Russian or add "
            "--no-translate"
        )
    print(f"translated: {translated}", flush=True)
    return translated


def load_translator(args: argparse.Namespace):  # noqa: ANN201 - a Translator
    """The translator of `--translator-dir` or the models folder; missing, an error naming how
    to get it or to go without."""
    from studio.engine.store import ModelStore
    from studio.translate.files import (
        TranslatorMissing,
        require_translator,
        store_translator_dir,
    )
    from studio.translate.marian import Translator

    folder = args.translator_dir or store_translator_dir(ModelStore(args.model_dir).models_dir)
    try:
        require_translator(folder)
    except TranslatorMissing as exc:
        raise TranslatorMissing(f"{exc}; or add --no-translate to send it as typed") from None
    return Translator.load(folder)


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
