"""The ruDALL-E image tokenizer: taming-transformers' Gumbel VQGAN (f8, 8192 codes), with the
optional DWT decoder that outputs Haar wavelet bands for 512 px images.

Module names follow the official checkpoints (`encoder.*`, `decoder.*`, `quantize.*`,
`quant_conv`, `post_quant_conv`) so their state dicts load after `checkpoints.vqgan_state_dict`
normalises the two file layouts.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from studio.engine.config import VqganConfig
from studio.engine.layers import embedding


def swish(x: torch.Tensor) -> torch.Tensor:
    return x * torch.sigmoid(x)


def _norm(config: VqganConfig, channels: int) -> nn.GroupNorm:
    return nn.GroupNorm(config.norm_groups, channels, eps=1e-6, affine=True)


def _conv3(c_in: int, c_out: int, stride: int = 1, padding: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, kernel_size=3, stride=stride, padding=padding)


class ResnetBlock(nn.Module):
    def __init__(self, config: VqganConfig, c_in: int, c_out: int) -> None:
        super().__init__()
        self.norm1 = _norm(config, c_in)
        self.conv1 = _conv3(c_in, c_out)
        self.norm2 = _norm(config, c_out)
        self.conv2 = _conv3(c_out, c_out)
        self.nin_shortcut = nn.Conv2d(c_in, c_out, 1) if c_in != c_out else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))
        if self.nin_shortcut is not None:
            x = self.nin_shortcut(x)
        return x + h


class AttnBlock(nn.Module):
    """Single-head self-attention over all spatial positions."""

    def __init__(self, config: VqganConfig, channels: int) -> None:
        super().__init__()
        self.norm = _norm(config, channels)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        n = self.norm(x)
        q, k, v = (m(n).reshape(b, 1, c, h * w).transpose(-1, -2) for m in (self.q, self.k, self.v))
        out = F.scaled_dot_product_attention(q, k, v)  # (b, 1, hw, c), scale 1/sqrt(c)
        return x + self.proj_out(out.transpose(-1, -2).reshape(b, c, h, w))


class Upsample(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = _conv3(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Downsample(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv = _conv3(channels, channels, stride=2, padding=0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # Asymmetric padding (right and bottom only), as the checkpoints were trained with.
        return self.conv(F.pad(x, (0, 1, 0, 1)))


def _mid(config: VqganConfig, channels: int) -> nn.Module:
    mid = nn.Module()
    mid.block_1 = ResnetBlock(config, channels, channels)
    mid.attn_1 = AttnBlock(config, channels)
    mid.block_2 = ResnetBlock(config, channels, channels)
    return mid


class Encoder(nn.Module):
    def __init__(self, config: VqganConfig) -> None:
        super().__init__()
        ch, mult = config.ch, (1, *config.ch_mult)
        self.conv_in = _conv3(config.in_channels, ch)
        self.down = nn.ModuleList()
        size = config.resolution
        c_in = ch
        for level in range(len(config.ch_mult)):
            down = nn.Module()
            down.block, down.attn = nn.ModuleList(), nn.ModuleList()
            c_in = ch * mult[level]
            c_out = ch * config.ch_mult[level]
            for _ in range(config.num_res_blocks):
                down.block.append(ResnetBlock(config, c_in, c_out))
                c_in = c_out
                if size in config.attn_resolutions:
                    down.attn.append(AttnBlock(config, c_in))
            if level != len(config.ch_mult) - 1:
                down.downsample = Downsample(c_in)
                size //= 2
            self.down.append(down)
        self.mid = _mid(config, c_in)
        self.norm_out = _norm(config, c_in)
        self.conv_out = _conv3(c_in, config.z_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_in(x)
        for level, down in enumerate(self.down):
            for i, block in enumerate(down.block):
                h = block(h)
                if len(down.attn):
                    h = down.attn[i](h)
            if level != len(self.down) - 1:
                h = down.downsample(h)
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        return self.conv_out(swish(self.norm_out(h)))


class Decoder(nn.Module):
    def __init__(self, config: VqganConfig, out_channels: int) -> None:
        super().__init__()
        levels = len(config.ch_mult)
        c_in = config.ch * config.ch_mult[-1]
        size = config.resolution // 2 ** (levels - 1)
        self.conv_in = _conv3(config.z_channels, c_in)
        self.mid = _mid(config, c_in)
        ups: list[nn.Module] = []
        for level in reversed(range(levels)):
            up = nn.Module()
            up.block, up.attn = nn.ModuleList(), nn.ModuleList()
            c_out = config.ch * config.ch_mult[level]
            for _ in range(config.num_res_blocks + 1):
                up.block.append(ResnetBlock(config, c_in, c_out))
                c_in = c_out
                if size in config.attn_resolutions:
                    up.attn.append(AttnBlock(config, c_in))
            if level != 0:
                up.upsample = Upsample(c_in)
                size *= 2
            ups.insert(0, up)  # indexed by level, lowest resolution last
        self.up = nn.ModuleList(ups)
        self.norm_out = _norm(config, c_in)
        self.conv_out = _conv3(c_in, out_channels)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(self.conv_in(z))))
        for level in reversed(range(len(self.up))):
            up = self.up[level]
            for i, block in enumerate(up.block):
                h = block(h)
                if len(up.attn):
                    h = up.attn[i](h)
            if level != 0:
                h = up.upsample(h)
        return self.conv_out(swish(self.norm_out(h)))


class GumbelQuantize(nn.Module):
    """Only what inference uses: the logits projection (encode) and the code book (decode)."""

    def __init__(self, config: VqganConfig) -> None:
        super().__init__()
        self.proj = nn.Conv2d(config.z_channels, config.n_embed, 1)
        self.embed = embedding(config.n_embed, config.embed_dim)


def inverse_haar(bands: torch.Tensor) -> torch.Tensor:
    """(b, 12, h, w) = 3 low + 3x3 high Haar bands (colour-major) -> (b, 3, 2h, 2w).

    One level of the inverse db1 transform; with a 2-tap filter the "zero" border mode needs no
    padding, so each output 2x2 block depends only on its own four coefficients.
    """
    b, _, h, w = bands.shape
    low = bands[:, :3]
    lh, hl, hh = bands[:, 3:].reshape(b, 3, 3, h, w).unbind(2)
    a = 1.0 / math.sqrt(2.0)
    # Columns (height) first, then rows (width), as the synthesis filter bank runs.
    top_lo, bottom_lo = a * (low + lh), a * (low - lh)
    top_hi, bottom_hi = a * (hl + hh), a * (hl - hh)
    rows_lo = torch.stack((top_lo, bottom_lo), dim=3).reshape(b, 3, 2 * h, w)
    rows_hi = torch.stack((top_hi, bottom_hi), dim=3).reshape(b, 3, 2 * h, w)
    left, right = a * (rows_lo + rows_hi), a * (rows_lo - rows_hi)
    return torch.stack((left, right), dim=4).reshape(b, 3, 2 * h, 2 * w)


class Vqgan(nn.Module):
    """Codes <-> images. `decode` gives (b, 3, H, W) in [0, 1]; H = 8 x grid, x2 with DWT."""

    def __init__(self, config: VqganConfig, dwt: bool) -> None:
        super().__init__()
        self.config = config
        self.dwt = dwt
        self.encoder = Encoder(config)
        self.quant_conv = nn.Conv2d(config.z_channels, config.embed_dim, 1)
        self.quantize = GumbelQuantize(config)
        self.post_quant_conv = nn.Conv2d(config.embed_dim, config.z_channels, 1)
        self.decoder = Decoder(config, 12 if dwt else 3)

    @property
    def device(self) -> torch.device:
        return self.quantize.embed.weight.device

    @property
    def dtype(self) -> torch.dtype:
        return self.quantize.embed.weight.dtype

    @torch.no_grad()
    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        """(b, n) codes, n a square -> (b, 3, H, W) images in [0, 1] (float32)."""
        b, n = codes.shape
        side = math.isqrt(n)
        if side * side != n:
            raise ValueError(f"{n} codes do not form a square grid")
        z = self.quantize.embed(codes.to(self.device))  # (b, n, embed_dim)
        z = z.transpose(1, 2).reshape(b, -1, side, side)
        out = self.decoder(self.post_quant_conv(z))
        if self.dwt:
            out = inverse_haar(out)
        return (out.float().clamp(-1.0, 1.0) + 1.0) * 0.5

    @torch.no_grad()
    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """(b, 3, H, W) images in [0, 1] (H, W multiples of 8) -> (b, H/8 * W/8) codes."""
        x = images.to(self.device, self.dtype) * 2.0 - 1.0
        logits = self.quantize.proj(self.quant_conv(self.encoder(x)))  # (b, n_embed, h, w)
        return logits.argmax(dim=1).flatten(1)
