"""The ruDALL-E text tokenizer: YouTokenToMe's BPE, read from its `bpe.model` file directly.

The file is text: a line "<number of characters> <number of merge rules>", one line
"<unicode code point> <id>" per character, one line "<left id> <right id> <merged id>" per rule
(in priority order), and a last line with the unk, pad, bos and eos ids.

Encoding follows YouTokenToMe: trailing whitespace is dropped, the text is split into words at
whitespace (ASCII whitespace and U+2581), each word starts with the U+2581 marker, a run of
characters the model does not know becomes one unknown token, and merges are applied lowest rule
first (leftmost first among equals) until none applies.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path

import torch

from studio.engine.errors import TokenizerError

SPACE_MARK = 0x2581  # "▁", YouTokenToMe's word-start marker
_ASCII_SPACE = frozenset((9, 10, 11, 12, 13, 32))
BOS_ID, EOS_ID = 2, 3  # what the ruDALL-E wrapper puts around the text


def _is_space(code: int) -> bool:
    return code in _ASCII_SPACE or code == SPACE_MARK


@dataclass(frozen=True)
class _Node:
    token: int
    prev: int
    next: int


class BpeTokenizer:
    """Text -> ids as the reference's YouTokenToMe wrapper computes them."""

    def __init__(
        self,
        char_ids: dict[int, int],
        rules: list[tuple[int, int, int]],
        unk_id: int,
        pad_id: int,
        bos_id: int,
        eos_id: int,
    ) -> None:
        if SPACE_MARK not in char_ids:
            raise TokenizerError("the BPE model has no word-start marker (U+2581)")
        self.char_ids = char_ids
        self.rules = rules
        self.rule_rank = {(x, y): i for i, (x, y, _) in enumerate(rules)}
        self.unk_id, self.pad_id, self.bos_id, self.eos_id = unk_id, pad_id, bos_id, eos_id

    @property
    def vocab_size(self) -> int:
        specials = sum(1 for i in (self.unk_id, self.pad_id, self.bos_id, self.eos_id) if i >= 0)
        return len(self.char_ids) + len(self.rules) + specials

    @classmethod
    def from_file(cls, path: str | Path) -> BpeTokenizer:
        """Read a YouTokenToMe `bpe.model`; a wrong or damaged file raises `TokenizerError`."""
        path = Path(path)
        try:
            fields = path.read_text(encoding="ascii").split()
        except FileNotFoundError:
            raise TokenizerError(f"tokenizer file not found: {path}") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise TokenizerError(f"{path} is not a YouTokenToMe BPE model: {exc}") from None
        try:
            numbers = [int(f) for f in fields]
            n_chars, n_rules = numbers[0], numbers[1]
            expected = 2 + 2 * n_chars + 3 * n_rules + 4
            if n_chars < 1 or n_rules < 0 or len(numbers) != expected:
                raise ValueError(f"expected {expected} numbers, found {len(numbers)}")
            body = numbers[2:]
            char_ids = {body[2 * i]: body[2 * i + 1] for i in range(n_chars)}
            rules_at = 2 * n_chars
            rules = [tuple(body[rules_at + 3 * i : rules_at + 3 * i + 3]) for i in range(n_rules)]
            unk, pad, bos, eos = body[-4:]
        except (ValueError, IndexError) as exc:
            raise TokenizerError(
                f"{path} is not a YouTokenToMe BPE model (or it is truncated): {exc}"
            ) from None
        return cls(char_ids, rules, unk, pad, bos, eos)  # type: ignore[arg-type]

    def encode_ids(self, text: str) -> list[int]:
        """BPE ids of a text, without bos/eos (YouTokenToMe `encode(..., output_type=ID)`)."""
        codes = [ord(c) for c in text]
        if any(0xD800 <= c <= 0xDFFF for c in codes):
            raise TokenizerError("the text contains unpaired surrogate characters")
        while codes and _is_space(codes[-1]):
            codes.pop()
        ids: list[int] = []
        i = 0
        while i < len(codes):
            while i < len(codes) and _is_space(codes[i]):
                i += 1
            start = i
            while i < len(codes) and not _is_space(codes[i]):
                i += 1
            ids.extend(self._encode_word(codes[start:i]))
        return ids

    def _encode_word(self, word: list[int]) -> list[int]:
        # Unknown runs get ids no rule mentions (negative), reported as unk at the end.
        tokens = [self.char_ids[SPACE_MARK]]
        unknown = -1
        i = 0
        while i < len(word):
            if word[i] in self.char_ids:
                tokens.append(self.char_ids[word[i]])
                i += 1
            else:
                while i < len(word) and word[i] not in self.char_ids:
                    i += 1
                tokens.append(unknown)
                unknown -= 1
        nodes = [_Node(tok, i - 1, i + 1) for i, tok in enumerate(tokens)]
        nodes[-1] = _Node(nodes[-1].token, nodes[-1].prev, -1)
        queue: list[tuple[int, int]] = []

        def push(pos: int) -> None:
            nxt = nodes[pos].next
            rank = self.rule_rank.get((nodes[pos].token, nodes[nxt].token))
            if rank is not None:
                heapq.heappush(queue, (rank, pos))

        for pos in range(len(nodes) - 1):
            push(pos)
        while queue:
            rank, pos = heapq.heappop(queue)
            x, y, z = self.rules[rank]
            second = nodes[pos].next
            if nodes[pos].token != x or second == -1 or nodes[second].token != y:
                continue  # stale: this pair changed since it was queued
            before, after = nodes[pos].prev, nodes[second].next
            nodes[second] = _Node(0, -1, -1)
            nodes[pos] = _Node(z, before, after)
            if after != -1:
                nodes[after] = _Node(nodes[after].token, pos, nodes[after].next)
            if before != -1:
                push(before)
            if after != -1:
                push(pos)
        out = []
        pos = 0
        while pos != -1:
            token = nodes[pos].token
            out.append(self.unk_id if token < 0 else token)
            pos = nodes[pos].next
        return out

    def encode_text(self, text: str, text_seq_length: int) -> torch.Tensor:
        """LongTensor (text_seq_length,): [2] + BPE ids + [3], zero padded or truncated.

        The text is used as given (the generation pipeline lower-cases and strips it).
        """
        ids = [BOS_ID, *self.encode_ids(text), EOS_ID][:text_seq_length]
        ids += [0] * (text_seq_length - len(ids))
        return torch.tensor(ids, dtype=torch.long)


def write_bpe_model(
    path: str | Path,
    char_ids: dict[int, int],
    rules: list[tuple[int, int, int]],
    specials: tuple[int, int, int, int] = (1, 0, 2, 3),
) -> None:
    """Write a model file in YouTokenToMe's format (unk, pad, bos, eos ids last)."""
    from studio.fileio import atomic_write_text

    lines = [f"{len(char_ids)} {len(rules)}"]
    lines += [f"{code} {token}" for code, token in char_ids.items()]
    lines += [f"{x} {y} {z}" for x, y, z in rules]
    lines.append(" ".join(str(s) for s in specials))
    atomic_write_text(path, "\n".join(lines) + "\n")
