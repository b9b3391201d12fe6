"""Loading the three pieces generation needs (transformer, VQGAN, tokenizer) onto a device."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from studio.engine.checkpoints import load_dalle, load_vqgan
from studio.engine.config import DalleConfig, VqganConfig
from studio.engine.errors import ModelFileError
from studio.engine.store import ModelStore
from studio.engine.tokenizer import BpeTokenizer
from studio.engine.transformer import DalleModel
from studio.engine.vqgan import Vqgan
from studio.errors import StudioError

log = logging.getLogger(__name__)

PRECISION_DTYPES = {
    "fp32": torch.float32,
    "fp16": torch.float16,
    "bf16": torch.bfloat16,
    "int8": torch.float16,  # int8 weights in the transformer layers, fp16 everywhere else
}
LoadProgress = Callable[[str, float], None]  # (what is loading, fraction done)


class UnsupportedPrecision(StudioError):
    """The chosen precision cannot run on the chosen device."""


@dataclass
class EmojichModels:
    """Everything `generate` needs, loaded on one device."""

    dalle: DalleModel
    vqgan: Vqgan
    tokenizer: BpeTokenizer
    device: torch.device
    dtype: torch.dtype
    precision: str
    model_id: str
    models_dir: Path

    @property
    def config(self) -> DalleConfig:
        return self.dalle.config


def default_device() -> str:
    """ "cuda" when a CUDA GPU is usable, else "cpu"."""
    return "cuda" if torch.cuda.is_available() else "cpu"


# Imported on a CPU with AVX512-BF16, bitsandbytes' CPU backend fetches a 4-bit kernel from a
# model hub through the `kernels` package (which transformers now installs) and loads it, or,
# failing, warns on the terminal that the user should install it. The studio uses no 4-bit
# weights and fetches no code at run time: during the import `kernels` is made unimportable, so
# nothing is fetched, and the backend's logger is quieted to errors, so nothing is said.
_BITSANDBYTES_CPU_LOGGER = "bitsandbytes.backends.cpu.ops"
_NOT_IMPORTED = object()


def import_bitsandbytes():
    """bitsandbytes, imported without fetching or announcing the 4-bit kernel we do not use."""
    logging.getLogger(_BITSANDBYTES_CPU_LOGGER).setLevel(logging.ERROR)
    kernels = sys.modules.get("kernels", _NOT_IMPORTED)
    sys.modules["kernels"] = None  # `from kernels import get_kernel` raises ImportError
    try:
        import bitsandbytes
    finally:
        if kernels is _NOT_IMPORTED:
            del sys.modules["kernels"]
        else:
            sys.modules["kernels"] = kernels
    return bitsandbytes


def _bitsandbytes_available() -> bool:
    try:
        import_bitsandbytes()
    except Exception:  # a broken bitsandbytes install raises all sorts of errors on import
        return False
    return True


def _bitsandbytes_cpu_available() -> bool:
    """bitsandbytes is importable and has its CPU backend (older releases are CUDA-only)."""
    if not _bitsandbytes_available():
        return False
    try:
        major, minor = (int(x) for x in import_bitsandbytes().__version__.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (0, 45)


def available_precisions(device: str | None = None, with_int8: bool = True) -> list[str]:
    """Precisions that run on `device` (default: the default device), best default first.

    `with_int8=False` leaves int8 out without importing bitsandbytes (whose import pulls in
    torch's compiler stack, seconds on a busy machine)."""
    device = device or default_device()
    if device.startswith("cuda"):
        if not torch.cuda.is_available():
            return []
        out = ["fp16", "fp32"]
        if torch.cuda.is_bf16_supported():
            out.insert(1, "bf16")
        if with_int8 and _bitsandbytes_available():
            out.append("int8")
        return out
    # fp16 computes on the CPU too (torch converts where it has no fp16 kernels); int8 needs
    # bitsandbytes' CPU backend (0.45 and later).
    out = ["fp32", "bf16", "fp16"]
    if with_int8 and _bitsandbytes_cpu_available():
        out.append("int8")
    return out


def _resolve(device: str | None, precision: str | None) -> tuple[torch.device, str]:
    device = device or default_device()
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise UnsupportedPrecision("no CUDA GPU is available here; use the CPU device")
    precision = precision or ("fp16" if device.startswith("cuda") else "fp32")
    allowed = available_precisions(device, with_int8=precision == "int8")
    if precision not in allowed:
        raise UnsupportedPrecision(
            f"precision {precision!r} is not available on {device} (available: "
            f"{', '.join(allowed) or 'none'})"
        )
    return torch.device(device), precision


def quantize_int8(model: DalleModel, device: torch.device) -> DalleModel:
    """Swap the transformer layers' linear layers for bitsandbytes int8 ones (on CUDA, or on
    the CPU with bitsandbytes' CPU backend).

    The embeddings, layer norms and the output head stay in fp16: the head's image slice is
    small, and int8 there costs accuracy where sampling is most sensitive.
    """
    bnb = import_bitsandbytes()

    for layer in model.transformer.layers:
        for parent, name in (
            (layer.attention, "query_key_value"),
            (layer.attention, "dense"),
            (layer.mlp, "dense_h_to_4h"),
            (layer.mlp, "dense_4h_to_h"),
        ):
            linear = getattr(parent, name)
            q = bnb.nn.Linear8bitLt(
                linear.in_features,
                linear.out_features,
                bias=True,
                has_fp16_weights=False,
                threshold=6.0,
            )
            q.weight = bnb.nn.Int8Params(
                linear.weight.data.to("cpu", torch.float16),
                requires_grad=False,
                has_fp16_weights=False,
            )
            q.bias = torch.nn.Parameter(linear.bias.data.to(torch.float16), requires_grad=False)
            setattr(parent, name, q.to(device))  # quantizes on the move to the GPU
    return model.to(device)


def model_configs(store: ModelStore) -> tuple[DalleConfig, VqganConfig]:
    """The transformer and VQGAN shapes of a models folder: its `studio-model.json`, or the
    official Emojich ones."""
    described = store.description()
    try:
        dalle_config = (
            DalleConfig.from_dict(described["dalle"])
            if described and "dalle" in described
            else DalleConfig.emojich()
        )
        vq_config = (
            VqganConfig.from_dict(described["vqgan"])
            if described and "vqgan" in described
            else VqganConfig.official()
        )
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{store.models_dir / 'studio-model.json'}: {exc}") from None
    return dalle_config, vq_config


def check_tokenizer_fits(tokenizer: BpeTokenizer, path: Path, config: DalleConfig) -> None:
    """Raise `ModelFileError` when the tokenizer knows more text ids than the transformer."""
    text_ids = config.vocab_size - config.text_seq_length
    if tokenizer.vocab_size > text_ids:
        raise ModelFileError(
            f"{path} has {tokenizer.vocab_size} tokens but the transformer knows "
            f"{text_ids}: the tokenizer and the transformer do not belong together"
        )


def load_models(
    models_dir: str | Path | None = None,
    device: str | None = None,
    precision: str | None = None,
    on_progress: LoadProgress | None = None,
) -> EmojichModels:
    """Load transformer, VQGAN (DWT, 512 px) and tokenizer from a models folder.

    `device` None picks CUDA when available; `precision` None picks fp16 on CUDA, fp32 on the
    CPU. Raises `ModelFilesMissing` naming absent files, `ModelFileError` for bad ones.
    """
    store = ModelStore(models_dir)
    described = store.description()
    paths = store.require()
    torch_device, precision = _resolve(device, precision)
    dtype = PRECISION_DTYPES[precision]
    dalle_config, vq_config = model_configs(store)
    model_id = str(described.get("id", "custom")) if described else "emojich"

    def report(stage: str, fraction: float) -> None:
        if on_progress is not None:
            on_progress(stage, fraction)

    report("tokenizer", 0.0)
    tokenizer = BpeTokenizer.from_file(paths["tokenizer"])
    check_tokenizer_fits(tokenizer, paths["tokenizer"], dalle_config)
    report("transformer", 0.05)
    if precision == "int8":
        dalle = quantize_int8(load_dalle(paths["dalle"], dalle_config, "cpu", dtype), torch_device)
    else:
        dalle = load_dalle(paths["dalle"], dalle_config, torch_device, dtype)
    report("vqgan", 0.85)
    # The VQGAN stays in fp32 like the reference's: it is small, and convolutional decoders
    # of this kind can overflow in fp16.
    vqgan = load_vqgan(
        paths["vqgan"], dwt=True, device=torch_device, dtype=torch.float32, config=vq_config
    )
    report("ready", 1.0)
    log.info("loaded %s on %s (%s)", model_id, torch_device, precision)
    return EmojichModels(
        dalle, vqgan, tokenizer, torch_device, dtype, precision, model_id, store.models_dir
    )
