"""The channel reductions give exactly what numpy's axis reductions give."""

import numpy as np
import pytest

from studio.segment.channels import channel_max, channel_min, channel_sum


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64])
def test_the_same_values_and_type_as_numpy(dtype):
    values = np.random.default_rng(0).normal(100, 60, (37, 51, 3)).clip(0, 255).astype(dtype)
    assert np.array_equal(channel_max(values), values.max(axis=2))
    assert channel_max(values).dtype == values.max(axis=2).dtype
    assert np.array_equal(channel_min(values), values.min(axis=2))
    if values.dtype.kind == "f":  # integer sums widen in numpy; ours keep the type
        assert np.array_equal(channel_sum(values), values.sum(axis=2))
        assert np.array_equal(channel_sum(values) / 3, values.mean(axis=2))


def test_two_channels_too():
    values = np.random.default_rng(1).normal(0, 5, (9, 9, 2)).astype(np.float32)
    assert np.array_equal(channel_max(np.abs(values)), np.abs(values).max(axis=2))
