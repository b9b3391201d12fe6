"""Emojich at its real size on the CPU: loading, seconds per token and per image, batch 1/4/16,
our sampler beside the reference's loop for the first steps. Run through
`benchmarks/bench_engine.py --full`.

The weights are random (the real ones cannot be downloaded here) but have the real shapes and
the official file layout: `pytorch_model.bin` (24 layers, hidden 2048, with the reference's mask
buffers), `vqgan.gumbelf8-sber-dwt.model.ckpt` and a `bpe.model`, written once to a cache folder
(`~/.cache/StickerStudio/bench-full`, about 5.6 GB) and loaded by `load_models` exactly as the
real folder is. Each measurement runs in its own process, so its peak memory is its own.

A full image is 1024 sampled tokens. Only the first steps are timed; the seconds per image are
extrapolated from them (prompt pass + 1024 x the median step, + one VQGAN decode), and the
table says so. Sampling steps cost about the same all along the image (every layer looks at a
fixed window of image keys), so early steps are representative.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "StickerStudio"
FOLDER = CACHE / "bench-full"
BATCHES = (1, 4, 16)
PROMPT = "котик с сердечком"


def write_folder(folder: Path = FOLDER) -> Path:
    """The full-size random-weight folder in the official layout (written once, reused)."""
    import torch

    from studio.engine.config import DalleConfig, VqganConfig
    from studio.engine.masks import COLUMN, CONV, ROW, layer_mask
    from studio.engine.testing import _CORPUS, train_tiny_bpe, vqgan_file_state
    from studio.engine.tokenizer import write_bpe_model
    from studio.engine.transformer import DalleModel
    from studio.engine.vqgan import Vqgan

    done = folder / ".complete"
    if done.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    generator = torch.Generator().manual_seed(0)

    def random_state(module: torch.nn.Module) -> dict[str, torch.Tensor]:
        state = {}
        for name, meta in module.state_dict().items():
            if name.endswith("weight") and meta.dim() == 1:  # layer / group norm scales
                state[name] = 1.0 + 0.1 * torch.randn(meta.shape, generator=generator)
            else:
                state[name] = 0.02 * torch.randn(meta.shape, generator=generator)
        return state

    print(f"writing the full-size random-weight folder to {folder} (once)...", flush=True)
    config = DalleConfig.emojich()
    with torch.device("meta"):
        dalle = DalleModel(config)
        vqgan = Vqgan(VqganConfig.official(), dwt=True)
    state = random_state(dalle)
    for kind, key in ((ROW, "row_mask"), (COLUMN, "col_mask"), (CONV, "conv_mask")):
        state[f"transformer.{key}"] = layer_mask(config, kind)
    torch.save(state, folder / "pytorch_model.bin")
    del state
    vq_state = random_state(vqgan)
    vqgan_on_cpu = Vqgan(VqganConfig.official(), dwt=True)
    vqgan_on_cpu.load_state_dict(vq_state)
    torch.save(
        {"state_dict": vqgan_file_state(vqgan_on_cpu), "global_step": 0},
        folder / "vqgan.gumbelf8-sber-dwt.model.ckpt",
    )
    char_ids, rules = train_tiny_bpe(_CORPUS, merges=120)
    write_bpe_model(folder / "bpe.model", char_ids, rules)
    done.write_text("ok\n")
    return folder


def _peak_rss_gib() -> float:
    """This process's peak resident memory (VmHWM: unlike `ru_maxrss`, it does not carry over
    the parent's peak through fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


def measure_ours(precision: str, steps: int, batches: tuple[int, ...]) -> dict:
    """In this process: load with `load_models`, then time the prompt pass and `steps` steps
    per batch size, and one VQGAN decode."""
    import torch

    from studio.engine import SamplingParams, load_models
    from studio.engine.sampling import sampling_steps

    baseline = _peak_rss_gib()
    started = time.perf_counter()
    models = load_models(FOLDER, device="cpu", precision=precision)
    load_s = time.perf_counter() - started
    load_peak = _peak_rss_gib()
    ids = models.tokenizer.encode_text(PROMPT, models.config.text_seq_length)
    params = SamplingParams(top_k=2048, top_p=0.995, seed=0)
    # Warm-up, not timed: the first pass reads every weight page from the file.
    warm = sampling_steps(models.dalle, ids[None], params, step_interval=1)
    next(warm)
    next(warm)
    warm.close()
    rows = []
    load_before = os.getloadavg()[0]
    for batch in batches:
        sampler = sampling_steps(models.dalle, ids.expand(batch, -1), params, step_interval=1)
        t0 = time.perf_counter()
        next(sampler)  # the prompt pass and the first token
        first = time.perf_counter() - t0
        times = []
        for _ in range(steps):
            t0 = time.perf_counter()
            next(sampler)
            times.append(time.perf_counter() - t0)
        sampler.close()
        rows.append(
            {"batch": batch, "first_s": first, "step_s": statistics.median(times), "steps": times}
        )
    started = time.perf_counter()
    models.vqgan.decode(torch.zeros(1, models.config.image_seq_length, dtype=torch.long))
    decode_s = time.perf_counter() - started
    return {
        "precision": precision,
        "threads": torch.get_num_threads(),
        "baseline_rss_gib": baseline,
        "load_s": load_s,
        "load_peak_rss_gib": load_peak,
        "rows": rows,
        "decode_s": decode_s,
        "peak_rss_gib": _peak_rss_gib(),
        "load_average": (load_before, os.getloadavg()[0]),
    }


def measure_reference(steps: int, batches: tuple[int, ...]) -> dict:
    """The reference model (PyPI `rudalle`) on the same mapped weights (built on the meta
    device and given the file's tensors, so no second copy): its cached generation loop's
    first `steps` steps (the first one is the prompt pass)."""
    import torch

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "engine"))
    from rudalle_reference import reference_dalle

    from studio.engine.checkpoints import read_state_dict
    from studio.engine.config import DalleConfig
    from studio.engine.filtering import filter_logits

    config = DalleConfig.emojich()
    state = read_state_dict(FOLDER / "pytorch_model.bin")
    with torch.device("meta"):
        model = reference_dalle(config)
    model.load_state_dict(state, assign=True, strict=False)
    model.device = torch.device("cpu")
    n = config.total_seq_length
    rows = []
    g = torch.Generator().manual_seed(0)
    text = torch.randint(4, 16000, (1, config.text_seq_length), generator=g)
    text[:, 20:] = 0
    with torch.no_grad():
        model(text, torch.tril(torch.ones((1, 1, n, n))))  # warm-up: reads every weight page
        load_before = os.getloadavg()[0]
        for batch in batches:
            mask = torch.tril(torch.ones((batch, 1, n, n)))
            out, cache, times = text.repeat(batch, 1), None, []
            for _ in range(steps):
                t0 = time.perf_counter()
                logits, cache = model(out, mask, use_cache=True, cache=cache)
                logits = logits[:, -1, config.vocab_size :]
                sample = torch.multinomial(filter_logits(logits, 2048, 0.995).softmax(-1), 1)
                out = torch.cat((out, sample), dim=-1)
                times.append(time.perf_counter() - t0)
            rows.append({"batch": batch, "steps": times})
    return {
        "threads": torch.get_num_threads(),
        "rows": rows,
        "peak_rss_gib": _peak_rss_gib(),
        "load_average": (load_before, os.getloadavg()[0]),
    }


def _child(kind: str, *args: str, timeout: float | None = None) -> dict | None:
    """One measurement in a fresh process; None when it ran past `timeout` seconds."""
    try:
        out = subprocess.run(
            [sys.executable, __file__, kind, *args],
            check=True,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(precisions: list[str], steps: int, reference_steps: int, ref_batches: list[int]) -> None:
    write_folder()
    size = sum(f.stat().st_size for f in FOLDER.iterdir() if f.is_file()) / 2**30
    print(f"full-size Emojich, random weights, official layout: {FOLDER} ({size:.2f} GiB)")
    ours = {}
    for p in precisions:
        # int8 runs bitsandbytes' CPU kernels: batch 1 only, and given at most 15 minutes.
        batches = ("1",) if p == "int8" else tuple(map(str, BATCHES))
        result = _child("ours", p, str(steps), *batches, timeout=900 if p == "int8" else None)
        if result is None:
            print(f"{p}: did not finish within 15 minutes; not measured")
            continue
        ours[p] = result
    reference = (
        _child("reference", str(reference_steps), *map(str, ref_batches))
        if reference_steps
        else None
    )
    any_run = next(iter(ours.values()))
    print(f"CPU, torch threads {any_run['threads']}; {steps} steps timed after the prompt pass")
    print()
    print("Loading (each in a fresh process; peak RSS includes torch itself)")
    print(
        f"{'precision':<10}{'load s':>8}{'RSS before GiB':>16}{'peak RSS GiB':>14}"
        f"{'peak after sampling':>21}"
    )
    for p, r in ours.items():
        print(
            f"{p:<10}{r['load_s']:>8.1f}{r['baseline_rss_gib']:>16.2f}"
            f"{r['load_peak_rss_gib']:>14.2f}{r['peak_rss_gib']:>21.2f}"
        )
    print()
    print("Sampling (s / token = one sampling step for the whole batch)")
    print(
        f"{'precision':<10}{'batch':>6}{'prompt+1st s':>14}{'s / step':>10}{'s / token/img':>15}"
        f"{'s / image*':>12}"
    )
    for p, r in ours.items():
        for row in r["rows"]:
            per_image = (row["first_s"] + 1024 * row["step_s"]) / row["batch"] + r["decode_s"]
            print(
                f"{p:<10}{row['batch']:>6}{row['first_s']:>14.2f}{row['step_s']:>10.3f}"
                f"{row['step_s'] / row['batch']:>15.3f}{per_image:>12.0f}"
            )
    print(
        f"* extrapolated: (prompt pass + 1024 x median step) / batch + one VQGAN decode "
        f"({any_run['decode_s']:.1f} s per 512 px image, fp32)"
    )
    print(
        "machine load average (1 min) before/after each run: "
        + ", ".join(
            f"{p} {r['load_average'][0]:.1f}/{r['load_average'][1]:.1f}" for p, r in ours.items()
        )
    )
    if reference is None:
        return
    print()
    print(f"Reference loop (rudalle 1.1.3, fp32, cached), first {reference_steps} steps, s each")
    print(f"{'batch':>6}  steps (the first is the prompt pass)")
    for row in reference["rows"]:
        print(f"{row['batch']:>6}  " + "  ".join(f"{t:.2f}" for t in row["steps"]))
    before, after = reference["load_average"]
    print(f"(load average {before:.1f}/{after:.1f}; peak RSS {reference['peak_rss_gib']:.2f} GiB)")
    fp32 = ours.get("fp32")
    if fp32:
        print("Ours (fp32), first steps, s each")
        for row in fp32["rows"]:
            if row["batch"] in ref_batches:
                steps_shown = [row["first_s"], *row["steps"][: reference_steps - 1]]
                print(f"{row['batch']:>6}  " + "  ".join(f"{t:.2f}" for t in steps_shown))


if __name__ == "__main__":
    kind, *rest = sys.argv[1:]
    if kind == "ours":
        result = measure_ours(rest[0], int(rest[1]), tuple(int(b) for b in rest[2:]) or BATCHES)
    elif kind == "reference":
        result = measure_reference(int(rest[0]), tuple(int(b) for b in rest[1:]))
    else:
        raise SystemExit(f"unknown measurement {kind!r}")
    print(json.dumps(result))
