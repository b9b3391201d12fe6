"""Reading the official weight files safely, and building models from them.

Files are read with `torch.load(weights_only=True)` (tensors and plain containers only; a pickle
that tries to import or call anything is refused) or as `.safetensors`. Keys are mapped to our
modules explicitly and every shape is checked before anything is built, so a wrong, truncated or
mismatched file gets one clear `ModelFileError` naming the file and the problem.

Models are built on the meta device and the loaded tensors are assigned to them, one entry at a
time and converted on the way, so the weights never exist twice in memory (`.bin` files are
memory-mapped when their format allows it).
"""

from __future__ import annotations

import logging
import pickle
import zipfile
from collections.abc import Mapping
from pathlib import Path

import torch
from torch import nn

from studio.engine.config import DalleConfig, VqganConfig
from studio.engine.errors import ModelFileError
from studio.engine.mapped import MappedWeights
from studio.engine.transformer import DalleModel
from studio.engine.vqgan import Vqgan

log = logging.getLogger(__name__)

StateDict = dict[str, torch.Tensor]
# Buffers the reference stores in the transformer's state dict; we build the masks ourselves.
MASK_KEYS = ("transformer.row_mask", "transformer.col_mask", "transformer.conv_mask")


def read_state_dict(path: str | Path) -> StateDict:
    """Tensors of a `.bin`/`.pt`/`.ckpt` (optionally wrapped as {"state_dict": ...}) or
    `.safetensors` file, on the CPU."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"model file not found: {path}")
    if path.stat().st_size == 0:
        raise ModelFileError(f"{path} is empty (an interrupted download?); download it again")
    if path.suffix == ".safetensors":
        return _read_safetensors(path)
    loaded = _torch_load(path)
    if isinstance(loaded, Mapping) and isinstance(loaded.get("state_dict"), Mapping):
        loaded = loaded["state_dict"]  # training checkpoint: other entries are ignored
    if not isinstance(loaded, Mapping):
        raise ModelFileError(f"{path} does not hold a state dict (found {type(loaded).__name__})")
    tensors = {k: v for k, v in loaded.items() if isinstance(v, torch.Tensor)}
    if not tensors:
        raise ModelFileError(f"{path} holds no weights")
    return tensors


def _read_safetensors(path: Path) -> StateDict:
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError) as exc:
        raise ModelFileError(f"{path} is not a readable .safetensors file ({exc})") from None


# Training frameworks store hyper-parameters and callback state beside the weights in their
# checkpoints. Objects of these packages are recognised by name and replaced by inert
# placeholders, never imported; any other unknown object makes the file refused.
METADATA_PACKAGES = frozenset(
    {
        "omegaconf",
        "pytorch_lightning",
        "lightning",
        "lightning_fabric",
        "argparse",
        "pathlib",
        "collections",
        "numpy",
        "typing",
        "datetime",
        "enum",
    }
)


class _Placeholder:
    """Stands in for a metadata object of a training checkpoint; holds and runs nothing."""

    def __new__(cls, *args: object, **kwargs: object) -> _Placeholder:
        return object.__new__(cls)

    def __init__(self, *args: object, **kwargs: object) -> None:
        pass

    def __setstate__(self, state: object) -> None:
        pass

    def __setitem__(self, key: object, value: object) -> None:
        pass

    def append(self, value: object) -> None:
        pass

    def extend(self, values: object) -> None:
        pass


class _MetadataTolerantUnpickler(pickle.Unpickler):
    """torch's weights-only allow-list, plus placeholders for training metadata classes."""

    def find_class(self, module: str, name: str) -> object:
        from torch._weights_only_unpickler import _get_allowed_globals

        allowed = _get_allowed_globals()
        qualified = f"{module}.{name}"
        if qualified in allowed:
            return allowed[qualified]
        if module.split(".")[0] in METADATA_PACKAGES:
            return type(name, (_Placeholder,), {"__module__": "studio.placeholder"})
        raise pickle.UnpicklingError(f"Unsupported global: GLOBAL {qualified}")


class _TolerantPickle:
    """What `torch.load(pickle_module=...)` needs of a pickle module."""

    Unpickler = _MetadataTolerantUnpickler
    UnpicklingError = pickle.UnpicklingError
    __name__ = "studio_tolerant_pickle"

    @staticmethod
    def load(file, **kwargs):  # legacy (pre-zip) files
        return _MetadataTolerantUnpickler(file, **kwargs).load()


def _torch_load(path: Path) -> object:
    damaged = f"{path} is damaged or truncated (an interrupted download?); download it again"

    def load(**kwargs: object) -> object:
        try:
            return torch.load(path, map_location="cpu", mmap=True, **kwargs)
        except RuntimeError as exc:
            if "mmap" not in str(exc):
                raise
            # Legacy (pre-zip) format cannot be memory-mapped; read it normally.
            return torch.load(path, map_location="cpu", **kwargs)

    try:
        try:
            return load(weights_only=True)
        except pickle.UnpicklingError as exc:
            if "weights_only" not in str(exc) and "Unsupported" not in str(exc):
                raise ModelFileError(damaged) from None
            first_refusal = exc
        try:  # a training checkpoint with metadata objects beside the weights?
            return load(weights_only=False, pickle_module=_TolerantPickle)
        except pickle.UnpicklingError:
            detail = str(first_refusal).splitlines()[0] if str(first_refusal) else ""
            raise ModelFileError(
                f"refused to load {path}: it contains Python objects other than weights, which "
                f"could run code ({detail[:200]}). Use the official file."
            ) from None
    except ModelFileError:
        raise
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ModelFileError(f"{damaged} ({str(exc).splitlines()[0][:160]})") from None


def _strip_prefix(state: StateDict, prefix: str) -> StateDict:
    if state and all(k.startswith(prefix) for k in state):
        return {k[len(prefix) :]: v for k, v in state.items()}
    return state


def check_state(expected: nn.Module, state: StateDict, source: str, hint: str) -> None:
    """Raise `ModelFileError` unless `state` has every key of `expected` (a meta-device
    model) with the same shape, holding floating-point values."""
    wanted = expected.state_dict()
    missing = [k for k in wanted if k not in state]
    if missing:
        shown = ", ".join(missing[:4]) + (
            f" and {len(missing) - 4} more" if len(missing) > 4 else ""
        )
        raise ModelFileError(f"{source} is missing weights: {shown}. {hint}")
    for key, target in wanted.items():
        got = state[key]
        if tuple(got.shape) != tuple(target.shape):
            raise ModelFileError(
                f"{source} does not fit the model: {key} has shape {tuple(got.shape)}, "
                f"expected {tuple(target.shape)}. {hint}"
            )
        if not got.is_floating_point():
            raise ModelFileError(f"{source}: {key} holds {got.dtype} values, not weights")


def _check_and_convert(
    expected: nn.Module,
    state: StateDict,
    source: str,
    hint: str,
    device,
    dtype,
    mapped: MappedWeights | None = None,
) -> StateDict:
    """Check keys and shapes against `expected` (a meta-device model), then move and convert
    each tensor, dropping it from `state` (and its pages from `mapped`) as it goes, so the
    peak stays near one copy of the weights."""
    check_state(expected, state, source, hint)
    wanted = expected.state_dict()
    converted: StateDict = {}
    for key in wanted:
        original = state.pop(key)
        converted[key] = original.to(device=device, dtype=dtype)
        if mapped is not None:
            mapped.release(original, converted[key])
    return converted


def _describe(path_or_state: object) -> str:
    return str(path_or_state) if isinstance(path_or_state, str | Path) else "the state dict"


def load_dalle(
    path_or_state_dict: str | Path | Mapping[str, torch.Tensor],
    config: DalleConfig,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float32,
) -> DalleModel:
    """The transformer from an official `pytorch_model*.bin` (or `.safetensors`, or a state dict),
    in eval mode without gradients."""
    source = _describe(path_or_state_dict)
    mapped = None
    if isinstance(path_or_state_dict, Mapping):
        state = dict(path_or_state_dict)
    else:
        state = read_state_dict(path_or_state_dict)
        mapped = MappedWeights(path_or_state_dict)
    model, state, hint = checked_dalle_state(state, config, source)
    converted = _check_and_convert(model, state, source, hint, device, dtype, mapped)
    model.load_state_dict(converted, assign=True, strict=True)
    return model.eval().requires_grad_(False)


def checked_dalle_state(
    state: StateDict, config: DalleConfig, source: str
) -> tuple[DalleModel, StateDict, str]:
    """The meta-device transformer and the file's tensors under its keys, after every check
    the loader makes (keys, shapes, a foreign configuration); nothing is converted."""
    state = _strip_prefix(state, "module.")  # saved from the reference's fp16 wrapper
    for key in MASK_KEYS:
        state.pop(key, None)
    with torch.device("meta"):
        model = DalleModel(config)
    wanted = model.state_dict()
    hint = "Is it the transformer file for this model (Emojich / Malevich)?"
    if not any(k.startswith("transformer.layers.") for k in state):
        raise ModelFileError(f"{source} is not a ruDALL-E transformer file. {hint}")
    # Weights under our own modules that we do not expect mean another shape of model (more
    # layers, sandwich norms); anything else is ignored, as the reference's loader does.
    ours = tuple(f"{name}." for name, _ in model.named_children())
    unexpected = [k for k in state if k not in wanted]
    foreign = [k for k in unexpected if k.startswith(ours)]
    if foreign:
        extra = ", ".join(foreign[:4])
        raise ModelFileError(
            f"{source} has weights this configuration does not use ({extra}); "
            f"it was saved for a different configuration (more layers?). {hint}"
        )
    if unexpected:
        log.warning(
            "%s: ignoring %d unknown entries (%s...)", source, len(unexpected), unexpected[0]
        )
    check_state(model, state, source, hint)
    return model, state, hint


def vqgan_state_dict(state: StateDict, dwt: bool, source: str) -> StateDict:
    """Map either official VQGAN layout onto `Vqgan`'s keys.

    The 256 px file has the bare model's keys plus training extras (ignored); the DWT file has
    the whole wrapper's, under `model.`, with its post-quantisation conv inside the decoder.
    """
    state = _strip_prefix(state, "model.")
    file_is_dwt = any(k.startswith("decoder.decoder.") for k in state)
    if file_is_dwt != dwt:
        have = "the 512 px DWT VQGAN" if file_is_dwt else "the 256 px VQGAN"
        want = "the DWT one (vqgan.gumbelf8-sber-dwt.model.ckpt)" if dwt else "the 256 px one"
        raise ModelFileError(f"{source} is {have}, but {want} is needed here")
    mapped: StateDict = {}
    for key, value in state.items():
        if file_is_dwt:
            if key.startswith(("post_quant_conv.", "decoder.idwt.")):
                continue  # unused by the DWT decoder / wavelet filters we compute ourselves
            if key.startswith("decoder.post_quant_conv."):
                key = key[len("decoder.") :]
            elif key.startswith("decoder.decoder."):
                key = key[len("decoder.") :]
        mapped[key] = value
    return mapped


def load_vqgan(
    path_or_state_dict: str | Path | Mapping[str, torch.Tensor],
    dwt: bool = True,
    device: str | torch.device = "cpu",
    dtype: torch.dtype = torch.float32,
    config: VqganConfig | None = None,
) -> Vqgan:
    """The VQGAN from an official `.ckpt` (256 px or, with `dwt`, the 512 px DWT one)."""
    config = config or VqganConfig.official()
    source = _describe(path_or_state_dict)
    mapped = None
    if isinstance(path_or_state_dict, Mapping):
        state = dict(path_or_state_dict)
    else:
        state = read_state_dict(path_or_state_dict)
        mapped = MappedWeights(path_or_state_dict)
    state = vqgan_state_dict(state, dwt, source)
    with torch.device("meta"):
        model = Vqgan(config, dwt)
    hint = "Is it the ruDALL-E VQGAN file?"
    converted = _check_and_convert(model, state, source, hint, device, dtype, mapped)
    model.load_state_dict(converted, assign=True, strict=True)
    return model.eval().requires_grad_(False)
