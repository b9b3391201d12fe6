"""A tiny random-weight MarianMT translator in the hub snapshot layout, built in the test.

Two sentencepiece models trained here on a few English and Russian lines, a joint vocab.json,
a config with a 16-wide model and a generation_config.json with beam search, as
`Helsinki-NLP/opus-mt-en-ru` ships them. Its Russian is nonsense but deterministic, which is all
a parity test needs.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

ENGLISH = [
    "a cat in a space helmet",
    "the dog eats a red apple",
    "happy sun with sunglasses",
    "a little green frog jumps",
    "cute panda holds a heart",
    "the robot is dancing",
]
RUSSIAN = [
    "кот в космическом шлеме",
    "собака ест красное яблоко",
    "счастливое солнце в очках",
    "маленькая зелёная лягушка прыгает",
    "милая панда держит сердце",
    "робот танцует",
]


def _train_spm(lines: list[str], path: Path) -> list[str]:
    import sentencepiece as spm

    buffer = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines * 5),
        model_writer=buffer,
        vocab_size=40,
        model_type="unigram",
        character_coverage=1.0,
        bos_id=-1,
        eos_id=0,
        unk_id=1,
        pad_id=-1,
        eos_piece="</s>",
        unk_piece="<unk>",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    path.write_bytes(buffer.getvalue())
    model = spm.SentencePieceProcessor(model_file=str(path))
    return [model.id_to_piece(i) for i in range(model.get_piece_size())]


def write_tiny_marian(
    folder: Path,
    weights: str = "safetensors",
    seed: int = 0,
    d_model: int = 16,
    init_std: float = 0.5,  # wide enough that different inputs give different outputs
    train_steps: int = 0,
    layers: int = 1,
    vocab_size: int | None = None,
    max_length: int = 32,
    num_beams: int = 3,
) -> Path:
    """Write the translator into `folder`; `weights` is "safetensors" or "bin". With
    `train_steps` it first learns the few sentence pairs by heart (for pictures of the window,
    where random Russian would show nothing)."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel

    folder.mkdir(parents=True, exist_ok=True)
    source = _train_spm(ENGLISH, folder / "source.spm")
    target = _train_spm(RUSSIAN, folder / "target.spm")
    vocab: dict[str, int] = {}
    for piece in ["</s>", "<unk>", *source, *target]:
        vocab.setdefault(piece, len(vocab))
    for i in range(len(vocab), (vocab_size or 0) - 1):  # filler pieces up to a model's size
        vocab[f"▁filler{i}"] = i
    pad = vocab["<pad>"] = len(vocab)
    (folder / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"source_lang": "en", "target_lang": "ru", "model_max_length": 512}),
        encoding="utf-8",
    )
    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=d_model,
        encoder_layers=layers,
        decoder_layers=layers,
        encoder_attention_heads=max(2, d_model // 64),
        decoder_attention_heads=max(2, d_model // 64),
        encoder_ffn_dim=4 * d_model,
        decoder_ffn_dim=4 * d_model,
        max_position_embeddings=max(64, max_length),
        pad_token_id=pad,
        eos_token_id=0,
        decoder_start_token_id=pad,
        forced_eos_token_id=0,
        init_std=init_std,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    # As the hub's file has it: beam search, the pad token banned, eos forced at the end.
    model.generation_config = GenerationConfig(
        num_beams=num_beams,
        max_length=max_length,
        bad_words_ids=[[pad]],
        decoder_start_token_id=pad,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad,
    )
    if train_steps:
        _learn_pairs(model, folder, train_steps)
    model.save_pretrained(folder)
    if weights == "bin":
        (folder / "model.safetensors").unlink()
        torch.save(model.state_dict(), folder / "pytorch_model.bin")
    return folder


def _learn_pairs(model, folder: Path, steps: int) -> None:
    import torch
    from transformers import MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(folder, local_files_only=True)
    batch = tokenizer(ENGLISH, text_target=RUSSIAN, return_tensors="pt", padding=True)
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    optimizer = torch.optim.Adam(model.parameters(), lr=5e-3)
    model.train()
    for _ in range(steps):
        loss = model(**batch).loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    model.eval()


def reference_translation(folder: Path, text: str) -> str:
    """What transformers itself makes of `text` with the folder's own settings."""
    from transformers import MarianMTModel, MarianTokenizer

    tokenizer = MarianTokenizer.from_pretrained(folder, local_files_only=True)
    model = MarianMTModel.from_pretrained(folder, local_files_only=True)
    return tokenizer.decode(
        model.generate(**tokenizer([text], return_tensors="pt"))[0], skip_special_tokens=True
    )
