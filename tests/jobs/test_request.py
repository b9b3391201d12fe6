"""GenerationRequest: validation, the library record, and resuming a stopped job."""

from __future__ import annotations

import pytest

from studio.jobs import GenerationRequest, InvalidRequest


def test_spec_round_trip_keeps_everything():
    request = GenerationRequest("кот", "emojich", 512, 0.98, 0.9, 42, 16, 4, 7, 5)
    assert GenerationRequest.from_spec(request.to_spec()) == request


def test_a_plain_job_records_no_image_prompt_rows():
    assert GenerationRequest("кот", prompt_rows=5).to_spec().prompt_rows == 0


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"prompt": " "}, "prompt"),
        ({"n_images": 0}, "image"),
        ({"batch_size": 0}, "batch"),
        ({"top_k": 0}, "top-k"),
        ({"top_p": 0.0}, "top-p"),
        ({"temperature": 0.0}, "temperature"),
        ({"seed": -1}, "seed"),
        ({"source_candidate_id": 3, "prompt_rows": 0}, "row"),
    ],
)
def test_invalid_requests_say_what_to_fix(changes, words):
    base = {"prompt": "кот"} | changes
    with pytest.raises(InvalidRequest, match=words):
        GenerationRequest(**base).validate()


def test_resume_continues_with_the_next_seeds():
    spec = GenerationRequest("кот", seed=100, n_images=10, batch_size=4).to_spec()
    rest = GenerationRequest.resume(spec, images_done=8)
    assert (rest.n_images, rest.seed, rest.batch_size) == (2, 102, 4)
    assert GenerationRequest.resume(spec, images_done=10) is None
    assert GenerationRequest.resume(spec, images_done=0).seed == 100


def test_resume_after_batches_finished_out_of_order_misses_none():
    spec = GenerationRequest("кот", seed=100, n_images=16, batch_size=4).to_spec()
    # Replicas finished batches 0, 2 and 3 (seeds 100, 102, 103); batch 1 was lost.
    rest = GenerationRequest.resume(spec, images_done=12, seeds_done={100, 102, 103})
    assert (rest.n_images, rest.seed) == (12, 101)  # batches 1-3 again: none missed
    in_order = GenerationRequest.resume(spec, images_done=8, seeds_done={100, 101})
    assert (in_order.n_images, in_order.seed) == (8, 102)
