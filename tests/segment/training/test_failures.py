import csv
import itertools

import numpy as np
import pytest
from PIL import Image

from studio.segment.training import evaluate, failures


def _squares() -> evaluate.TestSet:
    red = np.zeros((20, 20, 4), np.uint8)
    red[...] = (200, 0, 0, 255)
    return evaluate.make_named_test_set("flat squares", [("1f7e5", red)], 3, 48, 1, None)


def test_each_failure_is_drawn_and_listed_and_nothing_else(tmp_path):
    test_set = _squares()
    calls = itertools.cycle(range(3))  # the two methods cut the same three pictures

    # Picture 1 is cut right; pictures 0 and 2 lose the whole figure, 2 flagged for a speck.
    def method(image):
        call = next(calls)
        right = test_set.pictures[call].alpha >= 0.5
        alpha = np.where(right, 255, 0) if call == 1 else np.zeros_like(right, np.uint8)
        steps = ("specks",) if call == 2 else ()
        return evaluate.Cut(alpha.astype(np.uint8), False, 1.0, "look" if steps else None, steps)

    sheets = failures.FailureSheets(tmp_path / "out")
    evaluate.evaluate([test_set], {"ours": method, "other": method}, sheets)
    listed = sheets.write_list()

    assert listed == tmp_path / "out" / failures.LIST_NAME
    with listed.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [row["picture"] for row in rows] == ["0", "2"]  # ours only; the right one left out
    assert rows[0]["style"] == "flat squares" and rows[0]["emoji"] == "1f7e5"
    assert rows[0]["main error"] == "other missed" and float(rows[0]["iou"]) == 0.0
    assert (rows[0]["flagged by"], rows[1]["flagged by"]) == ("", "specks")
    assert rows[0]["paper"] == test_set.pictures[0].paper
    drawn = sorted(p.relative_to(tmp_path / "out").as_posix() for p in tmp_path.rglob("*.png"))
    assert drawn == ["flat-squares/00000.png", "flat-squares/00002.png"]
    assert [row["sheet"] for row in rows] == drawn
    with Image.open(tmp_path / "out" / drawn[0]) as sheet:
        assert sheet.width == 2 * 48 and sheet.height > 2 * 48


def test_the_sheet_shows_the_picture_both_cut_outs_and_the_errors_by_colour():
    size = 40
    image = np.full((size, size, 3), 250, np.uint8)
    image[10:30, 10:30] = (0, 120, 0)
    truth = np.zeros((size, size), np.float32)
    truth[10:30, 10:30] = 1.0
    cut = np.zeros((size, size), np.uint8)
    cut[10:30, 10:20] = 255  # the right half dropped
    masks = evaluate.error_masks(cut >= 128, truth, image)
    sheet = np.asarray(failures.failure_sheet(image, truth, cut, masks, "a caption"))
    assert np.array_equal(sheet[:size, :size], image)
    truth_tile, ours_tile = sheet[:size, size:], sheet[size:, :size]
    assert tuple(truth_tile[20, 25]) == (0, 120, 0)  # kept in the truth
    assert tuple(ours_tile[20, 25]) in ((255, 255, 255), (204, 204, 204))  # the checkerboard
    errors = sheet[size : 2 * size, size:]
    assert tuple(errors[20, 25]) == failures.ERROR_COLOURS["other missed"]
    assert tuple(errors[20, 12]) not in failures.ERROR_COLOURS.values()  # kept, and right


def test_every_kind_of_error_has_its_own_colour():
    assert set(failures.ERROR_COLOURS) == set(evaluate.ERROR_KINDS)
    assert len(set(failures.ERROR_COLOURS.values())) == len(failures.ERROR_COLOURS)
    assert failures.folder_name("noto held-out") == "noto-held-out"


def test_a_failures_folder_that_cannot_be_made_is_refused_before_cutting(tmp_path, capsys):
    blocker = tmp_path / "a file"
    blocker.write_text("")
    with pytest.raises(SystemExit) as exited:
        evaluate.main(["--failures", str(blocker / "sheets")])
    assert exited.value.code == 2
    assert "--failures: cannot make the folder" in capsys.readouterr().err
