"""Shared fixtures: small random-weight models written in the real file layouts."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image


def write_tiny_weights(path):
    """Our model's file format with small random weights (routing threshold 0.5)."""
    import torch

    from studio.segment.tinyunet import TinyUNet
    from studio.segment.training.train import export_weights

    torch.manual_seed(0)
    model = TinyUNet(widths=(4, 8, 8, 8, 8, 8)).eval()
    meta = {"widths": [4, 8, 8, 8, 8, 8], "input_size": 64, "tolerance": 24, "threshold": 0.5}
    export_weights(model, path, meta)
    return path


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory):
    """`write_tiny_weights`, once per session."""
    return write_tiny_weights(tmp_path_factory.mktemp("weights") / "tiny.safetensors")


@pytest.fixture(scope="session")
def official_weights(tmp_path_factory):
    """The official Emojich U-Net layout (smp Unet, EfficientNet-B5, 2 classes) with random
    weights, saved as a plain state dict like unet_effnetb5/pytorch_model_v2.bin."""
    import segmentation_models_pytorch as smp
    import torch

    torch.manual_seed(0)
    model = smp.Unet("efficientnet-b5", encoder_weights=None, in_channels=3, classes=2)
    path = tmp_path_factory.mktemp("emojich") / "pytorch_model_v2.bin"
    torch.save(model.state_dict(), path)
    return path


def emoji_like(size: int = 128, background=(255, 255, 255)) -> tuple[Image.Image, np.ndarray]:
    """A red face with white eyes on a light background, and its true opaque region (H,W bool)."""
    import cv2

    rgb = np.zeros((size, size, 3), np.uint8)
    rgb[:] = background
    truth = np.zeros((size, size), np.uint8)
    centre, radius = (size // 2, size // 2), int(size * 0.32)
    cv2.circle(rgb, centre, radius, (200, 30, 40), -1, lineType=cv2.LINE_AA)
    cv2.circle(truth, centre, radius, 1, -1)
    eye = max(3, size // 14)
    for dx in (-1, 1):
        cv2.circle(
            rgb, (size // 2 + dx * size // 8, size // 2 - size // 12), eye, (255, 255, 255), -1
        )
    return Image.fromarray(rgb), truth.astype(bool)
