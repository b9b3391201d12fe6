"""The batch size suggested for a device."""

from __future__ import annotations


def test_cpu_batch_suggestion_follows_the_measurements_and_the_memory():
    from studio.jobs.backend import suggest_batch_size

    assert suggest_batch_size("cpu", 24.0) == 16  # fp32: 4.8 + 16 x 0.35 GiB fits in 60%
    assert suggest_batch_size("cpu", 16.0) == 4
    assert suggest_batch_size("cpu", 16.0, "bf16") == 16  # half the memory per image
    assert suggest_batch_size("cpu", 4.0) == 1
    assert suggest_batch_size("cuda", 24.0, "fp16") == 32
