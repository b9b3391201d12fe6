"""Average the weights of cut-out networks fine-tuned from one starting point (a "model soup").

    python -m studio.segment.training.soup --out soup.safetensors a.safetensors b.safetensors

Networks fine-tuned from the same weights stay close enough that their average is a network of
its own, sometimes better than each (Wortsman et al., "Model soups", 2022); for stage 8 and its
fine-tunes it was not (the model card, "Two networks, averaged weights, statistics at 384 px").
It costs nothing when cutting: one network, the same size. Floating-point tensors,
BatchNorm's running statistics among them, are averaged; counters are taken from the first
file. The metadata (input sizes, threshold, recipe) is the first file's, with the files
averaged named in `soup`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import torch

from studio.segment.segmenter import SegmenterError, read_model_meta, read_state_dict
from studio.segment.tinyunet import DEFAULT_WIDTHS, TinyUNet
from studio.segment.training.train import export_weights


def average_states(states: list[dict[str, torch.Tensor]]) -> dict[str, torch.Tensor]:
    """The mean of state dicts with the same tensors; non-float tensors come from the first."""
    if not states:
        raise ValueError("nothing to average")
    first = states[0]
    for index, state in enumerate(states[1:], start=2):
        if state.keys() != first.keys():
            raise ValueError(f"network {index} has other layers than the first")
        for name, tensor in state.items():
            if tensor.shape != first[name].shape:
                raise ValueError(
                    f"network {index}: {name} is {tuple(tensor.shape)}, "
                    f"not {tuple(first[name].shape)} as in the first"
                )
    averaged = {}
    for name, tensor in first.items():
        if tensor.is_floating_point():
            total = sum(state[name].double() for state in states)
            averaged[name] = (total / len(states)).to(tensor.dtype)
        else:
            averaged[name] = tensor.clone()
    return averaged


def make_soup(paths: list[Path], out: Path) -> None:
    """Write the average of the exported models at `paths` to `out` (safetensors)."""
    metas = [read_model_meta(path, "give a file exported by train") for path in paths]
    shapes = {
        (meta.get("in_channels", 4), tuple(meta.get("widths", DEFAULT_WIDTHS))) for meta in metas
    }
    if len(shapes) != 1:
        raise ValueError("the networks differ in their inputs or widths; only like ones average")
    in_channels, widths = shapes.pop()
    model = TinyUNet(in_channels=in_channels, widths=widths)
    model.load_state_dict(average_states([read_state_dict(path) for path in paths]))
    meta = {key: value for key, value in metas[0].items() if key != "in_channels"}
    meta["soup"] = [path.name for path in paths]
    export_weights(model.eval(), out, meta)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the averaged model to write")
    parser.add_argument("models", type=Path, nargs="+", help="exported models to average")
    args = parser.parse_args(argv)
    if len(args.models) < 2:
        parser.error("give at least two models to average")
    try:
        make_soup(args.models, args.out)
    except (SegmenterError, ValueError) as exc:
        parser.exit(1, f"soup: {exc}\n")
    print(f"wrote {args.out}, the average of {len(args.models)} networks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
