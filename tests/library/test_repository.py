"""The library's repository API: jobs, candidates, imports, cut-outs, packs."""

from __future__ import annotations

import pytest
from PIL import Image

from studio.library import (
    CandidateStatus,
    CutoutMethod,
    JobSpec,
    JobState,
    Library,
    LibraryError,
)


def spec(prompt="кот", **overrides) -> JobSpec:
    values = dict(
        prompt=prompt,
        model_id="emojich",
        top_k=2048,
        top_p=0.995,
        temperature=1.0,
        seed=42,
        images_requested=8,
        batch_size=4,
    )
    values.update(overrides)
    return JobSpec(**values)


def image(color=(255, 0, 0)) -> Image.Image:
    return Image.new("RGB", (16, 16), color)


@pytest.fixture
def lib(paths):
    with Library(paths) as library:
        yield library


def test_job_round_trip_and_states(lib):
    job = lib.create_job(spec(seed=7))
    assert job.state is JobState.QUEUED and job.spec.seed == 7 and job.started_at is None
    running = lib.set_job_state(job.id, JobState.RUNNING)
    assert running.state is JobState.RUNNING and running.started_at is not None
    failed = lib.set_job_state(job.id, JobState.FAILED, "out of memory")
    assert failed.error == "out of memory" and failed.finished_at is not None
    assert [j.id for j in lib.jobs([JobState.FAILED])] == [job.id]
    assert lib.jobs([JobState.QUEUED]) == []


def test_interrupted_jobs_are_marked(lib):
    job = lib.create_job(spec())
    lib.set_job_state(job.id, JobState.RUNNING)
    stale = lib.mark_interrupted_jobs()
    assert [j.id for j in stale] == [job.id]
    assert lib.job(job.id).state is JobState.INTERRUPTED


def test_candidates_files_are_relative_and_exist(lib, paths):
    job = lib.create_job(spec())
    cand = lib.add_candidate(job.id, 0, image(), codes=b"\x01\x02", perplexity=3.5, seed=42)
    assert not cand.image_path.startswith("/")
    stored = lib.abspath(cand.image_path)
    assert stored.is_file() and stored.is_relative_to(paths.data)
    with Image.open(stored) as im:
        assert im.size == (16, 16) and im.getpixel((0, 0)) == (255, 0, 0)
    assert cand.codes == b"\x01\x02" and cand.prompt == "кот" and cand.status is CandidateStatus.NEW
    # No temporary files are left beside the image.
    assert [p.name for p in stored.parent.iterdir()] == [stored.name]


def test_candidate_sorting_and_filters(lib):
    cats = lib.create_job(spec("кот"))
    dogs = lib.create_job(spec("собака"))
    for i, ppl in enumerate([5.0, 1.0, 3.0]):
        lib.add_candidate(cats.id, i, image(), perplexity=ppl)
    lib.add_candidate(dogs.id, 0, image(), perplexity=2.0)
    lib.import_image(image((0, 0, 255)), "Apple.png")

    by_ppl = lib.candidates()
    assert [c.perplexity for c in by_ppl] == [1.0, 2.0, 3.0, 5.0, None]
    assert [c.prompt for c in lib.candidates(sort="prompt")][0] == "Apple.png"
    newest = lib.candidates(sort="time")[0]
    assert newest.import_id is not None
    assert {c.job_id for c in lib.candidates(job_id=dogs.id)} == {dogs.id}
    assert len(lib.candidates(prompt_contains="КОТ")) == 3  # case-insensitive, Cyrillic too

    first, second = by_ppl[0].id, by_ppl[1].id
    lib.set_status([first, second], CandidateStatus.KEPT)
    lib.set_starred([first], True)
    kept = lib.candidates(statuses=[CandidateStatus.KEPT])
    assert {c.id for c in kept} == {first, second}
    assert [c.id for c in lib.candidates(starred=True)] == [first]
    with pytest.raises(ValueError):
        lib.candidates(sort="size")


def test_candidate_index_is_unique_per_job(lib):
    job = lib.create_job(spec())
    lib.add_candidate(job.id, 0, image())
    with pytest.raises(LibraryError, match="candidate 0 of job"):
        lib.add_candidate(job.id, 0, image())
    # The rejected image's file is not left behind.
    assert len(list((lib.paths.media / "candidates").iterdir())) == 1


def test_deleting_a_job_removes_its_candidates(lib):
    job = lib.create_job(spec())
    lib.add_candidate(job.id, 0, image())
    lib.delete_job(job.id)
    assert lib.candidates() == []


def test_cutout_versions_and_restore(lib):
    job = lib.create_job(spec())
    cand = lib.add_candidate(job.id, 0, image())
    assert lib.current_cutout(cand.id) is None
    first = lib.add_cutout(cand.id, Image.new("L", (16, 16), 255), CutoutMethod.UNET, 0.995)
    second = lib.add_cutout(cand.id, Image.new("L", (16, 16), 0), CutoutMethod.MANUAL, edited=True)
    assert (first.version, second.version) == (1, 2)
    assert lib.current_cutout(cand.id) == second
    assert lib.current_cutouts() == {cand.id: second}
    restored = lib.restore_cutout(first.id)
    assert restored.version == 3 and restored.method is CutoutMethod.UNET
    assert [c.version for c in lib.cutout_history(cand.id)] == [1, 2, 3]
    with Image.open(lib.abspath(restored.mask_path)) as mask:
        assert mask.getpixel((3, 3)) == 255


def test_a_cutout_keeps_why_it_needs_review_through_a_restore(lib):
    job = lib.create_job(spec())
    cand = lib.add_candidate(job.id, 0, image())
    note = "removed 1 pale speck detached from the figure"
    mask = Image.new("L", (16, 16), 255)
    flagged = lib.add_cutout(cand.id, mask, CutoutMethod.UNET, 0.99, review=note)
    plain = lib.add_cutout(cand.id, mask, CutoutMethod.UNET, 0.99)
    assert (flagged.review, plain.review) == (note, None)
    assert lib.current_cutout(cand.id).review is None
    assert lib.restore_cutout(flagged.id).review == note


def test_packs_and_items(lib):
    job = lib.create_job(spec())
    a = lib.add_candidate(job.id, 0, image())
    b = lib.add_candidate(job.id, 1, image())
    pack = lib.create_pack("Котики", "kotiki")
    assert pack.outline_px == 0 and pack.shadow is False
    pack = lib.update_pack(pack.id, title="Коты", outline_px=8, shadow=True)
    assert (pack.title, pack.outline_px, pack.shadow) == ("Коты", 8, True)
    with pytest.raises(ValueError):
        lib.update_pack(pack.id, colour="red")

    first = lib.add_pack_item(pack.id, a.id, ["😺"], ["cat"])
    second = lib.add_pack_item(pack.id, b.id, ["👨‍👩‍👧"])
    assert [i.position for i in lib.pack_items(pack.id)] == [0, 1]
    assert lib.pack_items(pack.id)[1].emoji_list == ["👨‍👩‍👧"]  # ZWJ sequence intact

    lib.reorder_pack(pack.id, [second.id, first.id])
    assert [i.id for i in lib.pack_items(pack.id)] == [second.id, first.id]
    with pytest.raises(LibraryError):
        lib.reorder_pack(pack.id, [second.id])

    lib.update_pack_item(first.id, emoji_list=["😸", "😹"], keywords=["happy"])
    item = next(i for i in lib.pack_items(pack.id) if i.id == first.id)
    assert item.emoji_list == ["😸", "😹"] and item.keywords == ["happy"]

    lib.remove_pack_item(second.id)
    assert [i.id for i in lib.pack_items(pack.id)] == [first.id]
    lib.delete_pack(pack.id)
    assert lib.packs() == [] and lib.pack_items(pack.id) == []


def test_missing_rows_raise_library_errors(lib):
    for lookup in (lib.job, lib.candidate, lib.pack):
        with pytest.raises(LibraryError):
            lookup(999)


def test_two_connections_see_each_others_commits(paths):
    with Library(paths) as writer, Library(paths) as reader:
        job = writer.create_job(spec())
        writer.add_candidate(job.id, 0, image())
        assert len(reader.candidates()) == 1
