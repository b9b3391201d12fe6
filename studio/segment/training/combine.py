"""Give one of a model file's input sizes a network of its own (two networks, one pass each).

    python -m studio.segment.training.combine --out pair.safetensors base.safetensors \
        --network 384 other.safetensors

The shipped model is fed at 256 and 384 px and averages the two predictions. Two networks
trained apart (their own starting weights and recipe) err in different places, so feeding the
384 px pass to a second network averages two opinions for the cost of one network's two passes
(the model card, "A second network for the 384 px pass"); averaging their weights instead does
not work for networks that did not start from the same weights.

The written file is the base file (its network, threshold, input sizes and recipe) with each
other network's tensors named "<size>.<tensor>" and its metadata under "size_networks"
(`segmenter.SIZE_NETWORKS_KEY`). `Segmenter.from_shipped_weights` loads it; `train --init`
starts from the base network.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from studio.segment.segmenter import (
    SIZE_NETWORKS_KEY,
    SegmenterError,
    read_input_sizes,
    read_model_meta,
    read_state_dict,
    split_size_networks,
)
from studio.segment.training.train import write_model_file

ADVICE = "give a file exported by train"


def combine(base: Path, networks: dict[int, Path], out: Path) -> None:
    """Write `base` to `out` with each size in `networks` fed to the network of that file."""
    meta = read_model_meta(base, ADVICE)
    state, own = split_size_networks(read_state_dict(base), meta, base, ADVICE)
    if own:
        raise ValueError(f"{base} already holds networks for {sorted(own)} px; give a plain one")
    sizes = read_input_sizes(meta, base)
    combined = dict(state)
    described = {}
    for size, path in sorted(networks.items()):
        if size not in sizes:
            raise ValueError(f"{base} is fed at {list(sizes)} px, not at {size}")
        other_meta = read_model_meta(path, ADVICE)
        other_state, other_own = split_size_networks(
            read_state_dict(path), other_meta, path, ADVICE
        )
        if other_own:
            raise ValueError(f"{path} holds networks of its own sizes; give a plain one")
        if other_meta.get("in_channels", 4) != meta.get("in_channels", 4):
            raise ValueError(f"{path} takes other inputs than {base}")
        combined.update({f"{size}.{name}": tensor for name, tensor in other_state.items()})
        described[str(size)] = {**other_meta, "file": path.name}
    write_model_file(out, combined, {**meta, SIZE_NETWORKS_KEY: described})


def _network(text: list[str]) -> tuple[int, Path]:
    size, path = text
    return int(size), Path(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the combined model to write")
    parser.add_argument("base", type=Path, help="the model whose network, sizes and threshold stay")
    parser.add_argument(
        "--network",
        nargs=2,
        action="append",
        required=True,
        metavar=("SIZE", "FILE"),
        help="feed input size SIZE to the network of FILE instead (repeatable)",
    )
    args = parser.parse_args(argv)
    try:
        networks = dict(_network(pair) for pair in args.network)
    except ValueError:
        parser.error("--network takes a size in pixels and a file")
    try:
        combine(args.base, networks, args.out)
    except (SegmenterError, ValueError) as exc:
        parser.exit(1, f"combine: {exc}\n")
    fed = ", ".join(f"{size} px to {path.name}" for size, path in sorted(networks.items()))
    print(f"wrote {args.out}: {args.base.name}, with {fed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
