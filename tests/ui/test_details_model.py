"""The Details panel's texts, worked out from the library without any widget."""

from __future__ import annotations

from PIL import Image
from ui_fixtures import fill_library

from studio.library import CandidateStatus, CutoutMethod
from studio.ui.details_model import describe_candidate


def test_a_generated_candidate_names_its_job_sampler_and_seed(library):
    first, second = fill_library(library, [12.345, 20.0], prompt="кот")
    library.set_starred([second], True)
    details = describe_candidate(library, library.candidate(second))
    assert details.prompt == "кот" and details.typed == ""
    assert details.score == "20.00 (lower is better)" and details.seed == "7"
    assert details.job.endswith("image 2 of 2") and details.sampler.startswith("top-k ")
    assert details.status == "new ★" and details.star_label == "Unstar (S)"
    assert details.seed_rows is not None and details.seed_rows >= 1
    assert details.cutout == "made when kept"
    assert describe_candidate(library, library.candidate(first)).star_label == "Star (S)"


def test_an_imported_picture_cannot_seed_new_ones(library):
    imported = library.import_image(Image.new("RGB", (8, 8), "white"), "cat.png")
    details = describe_candidate(library, library.candidate(imported.candidate_id))
    assert details.job == "imported" and details.sampler == "—"
    assert details.score == "— (imported)" and details.seed_rows is None


def test_the_cut_out_field_follows_its_state(library):
    (cid,) = fill_library(library, [1.0])
    library.set_status([cid], CandidateStatus.KEPT)
    kept = library.candidate(cid)
    assert describe_candidate(library, kept).cutout == "being made…"
    unavailable = describe_candidate(library, kept, "the cut-out model is missing")
    assert unavailable.cutout == "none: the cut-out model is missing"
    library.add_cutout(
        cid, Image.new("L", (32, 32), 255), CutoutMethod.UNET, 0.2, review="removed 1 pale speck"
    )
    weak = describe_candidate(library, kept).cutout
    assert weak == "unet v1, confidence 20% — please review (removed 1 pale speck)"
