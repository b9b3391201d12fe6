"""Our shipped cut-out network: a compact U-Net that fits a 2-core CPU budget.

Input (N,4,H,W): RGB in [0,1] and the border-connected near-white prior from `contour.py` (1 =
likely background). The prior gives the network the one non-local fact a small receptive field
cannot see (is this white region connected to the outside?); the network learns where to trust
it and where not (white parts touching the outline, soft edges, JPEG noise). The shipped model
has a fifth channel, `contour.paper_distance`: how far a colour is from the paper's, another
fact about the distant border. Output (N,2,H,W) logits, class 1 = opaque, the same convention
as the official Emojich U-Net.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

DEFAULT_WIDTHS = (16, 24, 48, 96, 128, 128)


def _conv(cin: int, cout: int, stride: int = 1) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
        nn.BatchNorm2d(cout),
        nn.ReLU(inplace=True),
    )


class TinyUNet(nn.Module):
    """Encoder halves the resolution five times; the decoder mirrors it with skip connections."""

    def __init__(self, in_channels: int = 4, classes: int = 2, widths=DEFAULT_WIDTHS):
        super().__init__()
        self.in_channels = in_channels
        self.widths = tuple(widths)
        self.stem = _conv(in_channels, widths[0])
        self.down = nn.ModuleList(
            nn.Sequential(
                _conv(widths[i], widths[i + 1], stride=2), _conv(widths[i + 1], widths[i + 1])
            )
            for i in range(len(widths) - 1)
        )
        self.up = nn.ModuleList()
        for i in reversed(range(len(widths) - 1)):
            layers = [_conv(widths[i + 1] + widths[i], widths[i])]
            if i > 0:  # the full-resolution level gets one conv only: it costs the most
                layers.append(_conv(widths[i], widths[i]))
            self.up.append(nn.Sequential(*layers))
        self.head = nn.Conv2d(widths[0], classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        skips = [self.stem(x)]  # (N,w0,H,W)
        for block in self.down:
            skips.append(block(skips[-1]))
        y = skips.pop()  # (N,w5,H/32,W/32)
        for block in self.up:
            skip = skips.pop()
            y = F.interpolate(y, size=skip.shape[-2:], mode="bilinear", align_corners=False)
            y = block(torch.cat([y, skip], dim=1))
        return self.head(y)


def fold_batchnorm(model: TinyUNet) -> TinyUNet:
    """`model` for inference only, each BatchNorm folded into the convolution before it.

    In eval mode a BatchNorm is a fixed per-channel scale and shift, so it can live in the
    convolution's weights and a bias: one pass over the feature map fewer per block, 5-10% of
    the network's time on the CPU (the model card, "Speed"), the same outputs within float
    rounding. The folded model can no longer be trained or saved as ours.
    """
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    model.eval()
    for block in model.modules():
        is_conv_block = isinstance(block, nn.Sequential) and len(block) == 3  # `_conv`'s
        if is_conv_block and isinstance(block[1], nn.BatchNorm2d):
            block[0] = fuse_conv_bn_eval(block[0], block[1])
            block[1] = nn.Identity()
    return model
