"""A job keeps the prompt as typed beside the Russian the model read; either finds it."""

from __future__ import annotations

import sqlite3

from PIL import Image

from studio.jobs.request import GenerationRequest
from studio.library import Library
from studio.library.schema import MIGRATIONS, SCHEMA_VERSION


def _image():
    return Image.new("RGB", (8, 8), (200, 10, 10))


def test_both_texts_are_stored_and_found(paths):
    with Library(paths) as lib:
        request = GenerationRequest("кот в космическом шлеме", prompt_original="a cat in a helmet")
        job = lib.create_job(request.to_spec())
        assert job.spec.prompt_original == "a cat in a helmet"
        plain = lib.create_job(GenerationRequest("собака").to_spec())
        assert plain.spec.prompt_original is None
        lib.add_candidate(job.id, 0, _image(), perplexity=1.0)
        lib.add_candidate(plain.id, 0, _image(), perplexity=2.0)
        for query in ("helmet", "HELMET", "шлем", "КОСМИЧ"):
            (found,) = lib.candidates(prompt_contains=query)
            assert found.prompt == "кот в космическом шлеме"
            assert found.prompt_original == "a cat in a helmet"
        assert [c.job_id for c in lib.candidates(prompt_contains="собак")] == [plain.id]
        # Queued again after a restart: the request keeps both.
        assert GenerationRequest.from_spec(lib.job(job.id).spec).prompt_original == (
            "a cat in a helmet"
        )


def test_the_same_text_twice_is_not_kept_as_an_original():
    spec = GenerationRequest("кот", prompt_original=" кот ").to_spec()
    assert spec.prompt_original is None


def test_a_library_of_the_previous_version_gains_the_column(paths):
    conn = sqlite3.connect(paths.library_db, isolation_level=None)
    previous = SCHEMA_VERSION - 1
    conn.executescript("\n".join(MIGRATIONS[:-1]) + f"\nPRAGMA user_version = {previous};")
    conn.execute(
        "INSERT INTO jobs (prompt, model_id, top_k, top_p, temperature, seed, images_requested,"
        " batch_size, created_at) VALUES ('кот', 'emojich', 2048, 0.995, 1.0, 1, 4, 4, 1)"
    )
    conn.close()
    with Library(paths) as lib:
        (job,) = lib.jobs()
        assert job.spec.prompt == "кот" and job.spec.prompt_original is None
