"""Style files: only the tensors a style changed (safetensors), with its recipe and data list in
the metadata; and switching styles on a loaded model without reading the base weights again."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save

from studio.engine.styles.library import STYLE_SUFFIX
from studio.engine.transformer import DalleModel
from studio.errors import StudioError
from studio.fileio import atomic_write_bytes

FORMAT = "sticker-studio-style/1"


class StyleFileError(StudioError):
    """A style file is unreadable or does not fit the loaded model."""


@dataclass
class StyleFile:
    """A style's changed tensors and what made them."""

    name: str
    tensors: dict[str, torch.Tensor]
    info: dict[str, Any] = field(default_factory=dict)  # recipe, data, model, steps, losses

    @property
    def size_bytes(self) -> int:
        return sum(t.numel() * t.element_size() for t in self.tensors.values())


def write_style(path: str | Path, style: StyleFile) -> None:
    """Write the style atomically (a failed write leaves any earlier file as it was)."""
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in style.tensors.items()}
    metadata = {"format": FORMAT, "name": style.name, "info": json.dumps(style.info)}
    atomic_write_bytes(path, save(tensors, metadata=metadata))


def read_style(path: str | Path) -> StyleFile:
    """Read a style file; a damaged or foreign one raises `StyleFileError`."""
    path = Path(path)
    try:
        from safetensors import safe_open

        with safe_open(str(path), framework="pt") as handle:
            metadata = handle.metadata() or {}
        tensors = load_file(str(path))
        if metadata.get("format") != FORMAT:
            raise ValueError("not a Sticker Studio style")
        info = json.loads(metadata.get("info", "{}"))
    except FileNotFoundError:
        raise StyleFileError(f"style file not found: {path}") from None
    except (OSError, ValueError, SafetensorError) as exc:
        raise StyleFileError(f"{path} is not a readable style file: {exc}") from None
    return StyleFile(metadata.get("name", path.name.removesuffix(STYLE_SUFFIX)), tensors, info)


class StyleSwitcher:
    """Puts a style's tensors into a loaded transformer, and takes them out again.

    The base tensors of every name a style replaced are kept (the loaded ones, not copies), so
    switching to another style or to none never reads the model files again.
    """

    def __init__(self, model: DalleModel) -> None:
        self.model = model
        self.active: str | None = None
        self._params = dict(model.named_parameters())
        self._base: dict[str, torch.Tensor] = {}

    def apply(self, style: StyleFile | None) -> None:
        """Switch to `style` (None: the base model)."""
        for name, tensor in self._base.items():
            self._params[name].data = tensor
        self._base = {}
        self.active = None
        if style is None:
            return
        unknown = [n for n in style.tensors if n not in self._params]
        wrong = [
            n
            for n, t in style.tensors.items()
            if n in self._params and t.shape != self._params[n].shape
        ]
        if unknown or wrong:
            raise StyleFileError(
                f"the style {style.name!r} was trained for another model "
                f"({len(unknown)} unknown and {len(wrong)} mis-shaped tensors)"
            )
        for name, tensor in style.tensors.items():
            param = self._params[name]
            self._base[name] = param.data
            # A new tensor, never a write into the base one (it may be mapped from the file).
            param.data = tensor.to(param.device, param.dtype, copy=True)
        self.active = style.name
