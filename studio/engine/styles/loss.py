"""The training loss, computed as the reference ruDALL-E `DalleModel.forward(return_loss=True)`
does, on our transformer's modules."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from studio.engine.transformer import DalleModel

# CogView's embedding-gradient shrink, as the reference applies it while training: the forward
# value is unchanged, the embeddings receive a tenth of their gradient.
EMBEDDING_GRAD_SCALE = 0.1


def _run_layers(model: DalleModel, x: torch.Tensor, gradient_checkpointing: bool) -> torch.Tensor:
    s = x.shape[1]
    for layer, kind in zip(model.transformer.layers, model.layer_kinds, strict=True):
        allowed = model.mask(kind, x.device)[:s, :s]

        def block(h: torch.Tensor, layer=layer, allowed=allowed) -> torch.Tensor:
            q, k, v = layer.attention.project(layer.input_layernorm(h))
            context = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed, scale=1.0)
            return layer.finish(h, context)

        # Recomputing each layer in the backward pass keeps one layer's activations at a time.
        x = checkpoint(block, x, use_reentrant=False) if gradient_checkpointing else block(x)
    return x


def training_loss(
    model: DalleModel,
    text_ids: torch.Tensor,
    codes: torch.Tensor,
    image_loss_weight: float,
    gradient_checkpointing: bool = False,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(loss, text loss, image loss) for text ids (b, text_seq_length) and image codes (b, n).

    loss = (text + w * image) / (w + 1): the reference's weighted cross-entropy, normalised by
    the weight sum so the learning rate means the same for any weight.
    """
    cfg = model.config
    t = cfg.text_seq_length
    input_ids = torch.cat((text_ids, codes), dim=1)
    x = model.embed_sequence(input_ids)
    x = x * EMBEDDING_GRAD_SCALE + x.detach() * (1 - EMBEDDING_GRAD_SCALE)
    logits = model.head(_run_layers(model, x, gradient_checkpointing))  # (b, n', vocab)

    # Labels are the text as the model embeds it (pads become position tokens; v2 has the
    # leading 2 dropped), then the image codes.
    pad_ids = torch.arange(t, device=text_ids.device) + (cfg.vocab_size - t)
    text = torch.where(text_ids == 0, pad_ids, text_ids)
    text_labels = text if cfg.hf_version == "v2" else text[:, 1:]
    labels = torch.cat((text_labels, codes), dim=1)
    logits = logits.transpose(1, 2)  # (b, vocab, n')
    text_logits = logits[:, : cfg.vocab_size, :t].float()
    image_end = None if cfg.hf_version == "v2" else -1
    image_logits = logits[:, cfg.vocab_size :, t:image_end].float()
    loss_text = F.cross_entropy(text_logits, labels[:, :t])
    loss_image = F.cross_entropy(image_logits, labels[:, t:])
    loss = (loss_text + image_loss_weight * loss_image) / (image_loss_weight + 1)
    return loss, loss_text.detach(), loss_image.detach()
