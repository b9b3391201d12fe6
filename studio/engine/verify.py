"""`models verify`: each model file's structure, read the way the loader reads it.

Weights are read with the loader's own safe reader (`torch.load(weights_only=True)`, memory-mapped,
or safetensors; a pickle that would import or call anything is refused, never run) and checked
key by key and shape by shape against the folder's configuration, with nothing converted or
loaded onto a device. The tokenizer is parsed and matched to the transformer; the U-Net's keys and
shapes are matched to its network.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import torch

from studio.engine.checkpoints import (
    check_state,
    checked_dalle_state,
    read_state_dict,
    vqgan_state_dict,
)
from studio.engine.config import DalleConfig, VqganConfig
from studio.engine.models import check_tokenizer_fits, model_configs
from studio.engine.store import ModelStore
from studio.engine.tokenizer import BpeTokenizer
from studio.engine.vqgan import Vqgan
from studio.errors import StudioError

log = logging.getLogger(__name__)


def _dalle(path: Path, dalle: DalleConfig, vqgan: VqganConfig) -> None:
    checked_dalle_state(read_state_dict(path), dalle, str(path))


def _vqgan(dwt: bool) -> Callable[[Path, DalleConfig, VqganConfig], None]:
    def check(path: Path, dalle: DalleConfig, vqgan: VqganConfig) -> None:
        config = vqgan if dwt else VqganConfig.official()
        state = vqgan_state_dict(read_state_dict(path), dwt, str(path))
        with torch.device("meta"):
            model = Vqgan(config, dwt)
        check_state(model, state, str(path), "Is it the ruDALL-E VQGAN file?")

    return check


def _tokenizer(path: Path, dalle: DalleConfig, vqgan: VqganConfig) -> None:
    check_tokenizer_fits(BpeTokenizer.from_file(path), path, dalle)


def _unet(path: Path, dalle: DalleConfig, vqgan: VqganConfig) -> None:
    from studio.segment.segmenter import OFFICIAL_ENCODER, SegmenterError
    from studio.segment.segmenter import read_state_dict as read_unet

    state = read_unet(path)
    try:
        import segmentation_models_pytorch as smp
    except ImportError:  # the cut-out extra is not installed: the file was at least read
        return
    with torch.device("meta"):
        model = smp.Unet(OFFICIAL_ENCODER, encoder_weights=None, in_channels=3, classes=2)
    wanted = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    missing = [k for k in wanted if k not in state]
    wrong = [k for k in wanted if k in state and tuple(state[k].shape) != wanted[k]]
    if missing or wrong:
        raise SegmenterError(
            f"{path} is not the Emojich U-Net (EfficientNet-B5, 2 classes): "
            f"{len(missing)} weights missing, {len(wrong)} of another shape"
            + (f" (e.g. {(missing or wrong)[0]})" if missing or wrong else "")
        )


_CHECKS: dict[str, Callable[[Path, DalleConfig, VqganConfig], None]] = {
    "dalle": _dalle,
    "vqgan": _vqgan(dwt=True),
    "vqgan256": _vqgan(dwt=False),
    "tokenizer": _tokenizer,
    "unet": _unet,
}


def structure_problems(store: ModelStore) -> list[str]:
    """One line per present file whose structure is wrong (unreadable, refused, truncated, or
    not fitting the configuration). Empty means every present file loads."""
    try:
        dalle, vqgan = model_configs(store)
    except StudioError as exc:
        return [str(exc)]
    problems = []
    for status in store.status():
        check = _CHECKS.get(status.key)
        if not status.present or check is None or status.size_bytes == 0:
            continue
        try:
            check(status.path, dalle, vqgan)
        except StudioError as exc:
            problems.append(f"{status.filename}: {exc}")
        except Exception as exc:  # a reader we do not know failing: still a bad file, not a bug
            log.warning("Verifying %s failed unexpectedly", status.path, exc_info=True)
            problems.append(f"{status.filename}: cannot be read ({type(exc).__name__}: {exc})")
    return problems
