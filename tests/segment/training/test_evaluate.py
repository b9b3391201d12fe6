import json

import numpy as np
import pytest
from PIL import Image

from studio.segment.training import evaluate, synth
from tests.segment.conftest import emoji_like


def test_score_iou_and_white_recall():
    truth = np.zeros((4, 4), np.float32)
    truth[:2] = 1.0  # the top half is opaque
    image = np.zeros((4, 4, 3), np.uint8)
    image[0] = 255  # ... and its first row is white
    predicted = np.zeros((4, 4), np.uint8)
    predicted[1:3] = 255  # misses the white row, adds a wrong row
    score = evaluate.Score()
    score.add(predicted, truth, image)
    assert score.mean_iou == 4 / 12
    assert score.white_recall == 0.0
    score.add(np.zeros((4, 4), np.uint8), np.zeros((4, 4), np.float32), image)
    assert score.mean_iou == (4 / 12 + 1.0) / 2  # empty truth, empty prediction: perfect
    assert score.median_iou == (4 / 12 + 1.0) / 2
    assert score.failures == 1  # the first picture lost a whole row


def test_visible_iou_counts_hidden_white_neither_way():
    truth = np.zeros((4, 4), np.float32)
    truth[:2] = 1.0
    image = np.zeros((4, 4, 3), np.uint8)
    image[0] = 255
    predicted = np.zeros((4, 4), np.uint8)
    predicted[1] = 255  # keeps the dark row, drops the white one
    hidden = np.zeros((4, 4), bool)
    hidden[0] = True  # the white row looks like the paper
    score = evaluate.Score()
    score.add(predicted, truth, image, hidden)
    assert score.mean_iou == 0.5
    assert score.visible_iou == 1.0  # only the row the picture shows is scored
    assert np.isnan(score.visible_white_recall)  # no visible white left to recall


def test_white_that_looks_like_the_paper_is_hidden():
    # A white square on white paper, one edge bare and one outlined: the bare one meets the
    # paper with nothing between them; the outlined one is visible.
    truth = np.zeros((40, 40), np.float32)
    image = np.full((40, 40, 3), 255, np.uint8)
    truth[5:15, 5:15] = 1.0  # bare white square
    truth[20:35, 20:35] = 1.0
    image[20:35, 20:35] = 40  # dark outline...
    image[22:33, 22:33] = 255  # ... round an inside of the paper's very colour
    hidden = evaluate.hidden_white(image, truth)
    assert hidden[5:15, 5:15].all()
    assert not hidden[20:35, 20:35].any()
    score = evaluate.Score()
    score.add(np.zeros((40, 40), np.uint8), truth, image, hidden)
    assert score.white_recall == 0.0 and score.visible_white_recall == 0.0
    assert score.hidden_share == 100 / (100 + 121)
    predicted = (truth * 255).astype(np.uint8)
    predicted[5:15, 5:15] = 0  # misses only the hidden square
    score = evaluate.Score()
    score.add(predicted, truth, image, hidden)
    assert score.visible_white_recall == 1.0 and score.white_recall < 1.0


def test_a_blotch_on_open_paper_counts_as_paper_filled_and_a_wide_edge_does_not():
    truth = np.zeros((512, 512), np.float32)
    truth[200:300, 200:300] = 1.0
    image = np.full((512, 512, 3), 255, np.uint8)
    paper = evaluate.open_paper(truth)
    assert not paper[200:300, 200:300].any() and not paper[196:200, 200:300].any()
    assert paper[0, 0] and paper[194, 250]
    wide_edge = np.zeros((512, 512), np.uint8)
    wide_edge[197:303, 197:303] = 255  # 3 px too wide all round: an edge, not a blotch
    blotch = (truth * 255).astype(np.uint8)
    blotch[20:80, 20:80] = 255  # 3,600 pixels, 1.4% of the picture, far from the figure
    score = evaluate.Score()
    score.add(wide_edge, truth, image, paper=paper)
    assert score.paper_filled == 0
    score.add(blotch, truth, image, paper=paper)
    assert score.paper_filled == 1
    # A gap the figure encloses is not open paper.
    truth[240:260, 240:260] = 0.0
    assert not evaluate.open_paper(truth)[240:260, 240:260].any()


def test_calibration_routes_low_confidence_to_the_fallback():
    unet = evaluate.Score(ious=[0.9, 0.5], confidences=[0.99, 0.8])
    fallback = evaluate.Score(ious=[0.7, 0.95])
    table = evaluate.calibration_table(unet, fallback, thresholds=(0.0, 0.9))
    rows = [line.split() for line in table.splitlines()[1:]]
    assert rows[0] == ["0.00", "0.7000", "0"]
    assert rows[1] == ["0.90", "0.9250", "1"]


def test_targets_are_read_over_the_visible_pixels():
    # Set "a" loses only hidden white (invisible in the picture): met. Set "b" loses visible
    # white: not met, whatever its IoU.
    hidden_lost = evaluate.Score(
        ious=[0.9],
        visible_ious=[0.99],
        white_hit=80,
        white_total=100,
        visible_whites=[(80, 80)],
    )
    visible_lost = evaluate.Score(
        ious=[0.99],
        visible_ious=[0.99],
        white_hit=90,
        white_total=100,
        visible_whites=[(90, 100)],
    )
    scores = {("a", "ours"): hidden_lost, ("b", "ours"): visible_lost, ("b", "other"): hidden_lost}
    lines = evaluate.target_lines(scores, "ours").splitlines()
    assert len(lines) == 3
    assert lines[1].startswith("  a: met on visible pixels (0.9900 / 1.0000)")
    assert lines[1].endswith("over every pixel 0.9000 / 0.8000")
    assert lines[2].startswith("  b: NOT met on visible pixels (0.9900 / 0.9000)")


def test_evaluate_scores_every_method_on_every_set():
    glyph = np.zeros((20, 20, 4), np.uint8)
    glyph[..., 0] = 200
    glyph[..., 3] = 255
    test_set = evaluate.make_test_set("squares", [glyph], count=3, size=48, seed=0)
    methods = {
        "all opaque": lambda img: (np.full(img.shape[:2], 255, np.uint8), False, 1.0),
        "contour": lambda img: (evaluate.contour.contour_mask(img), True, float("nan")),
    }
    scores = evaluate.evaluate([test_set], methods)
    assert scores[("squares", "contour")].mean_iou > scores[("squares", "all opaque")].mean_iou
    assert scores[("squares", "contour")].routed == 3
    assert "squares (3)" in evaluate.format_table(scores, {"squares": 3})
    assert isinstance(test_set.pictures[0], synth.Sample)


def test_the_review_table_counts_the_failures_a_person_is_asked_to_look_at():
    # Three pictures: the method flags the one it fails on (for a speck) and one it gets right
    # (for a speck and a shadow), and fails another without a flag.
    glyph = np.zeros((20, 20, 4), np.uint8)
    glyph[..., 0] = 200
    glyph[..., 3] = 255
    test_set = evaluate.make_test_set("squares", [glyph], count=3, size=48, seed=0)
    calls = iter(range(3))

    def method(image):
        call = next(calls)
        right = test_set.pictures[call].alpha >= 0.5
        alpha = np.where(right, 255, 0).astype(np.uint8) if call == 1 else np.zeros_like(right)
        steps = [("specks",), ("shadows", "specks"), ()][call]
        return evaluate.Cut(alpha.astype(np.uint8), False, 1.0, "look" if steps else None, steps)

    score = evaluate.evaluate([test_set], {"ours": method})[("squares", "ours")]
    assert (score.flagged, score.failures, score.failures_flagged) == (2, 2, 1)
    table = evaluate.review_table({("squares", "ours"): score}, "ours").splitlines()
    assert table[1].endswith("paper gaps       shadows        specks  unsure white")
    # Per step, the pictures it flagged and (the failures among them).
    assert table[-2].split() == [
        "squares",
        "2/3",
        "1/2",
        "0",
        "(0)",
        "1",
        "(0)",
        "2",
        "(1)",
        "0",
        "(0)",
    ]


def test_a_cut_out_is_scored_with_the_steps_that_flagged_it():
    from studio.segment.segmenter import CutoutResult

    mask = np.zeros((8, 8), np.uint8)
    result = CutoutResult(
        Image.new("RGBA", (8, 8)), mask, "contour", 0.5, "look", ("shadows", "specks")
    )
    cut = evaluate.cut_of(result)
    assert cut.alpha is mask and cut.routed and cut.confidence == 0.5
    assert (cut.review, cut.flagged_by) == ("look", ("shadows", "specks"))


def test_a_detached_island_on_the_background_is_a_kept_speck():
    truth = np.zeros((512, 512), np.float32)
    truth[200:300, 200:300] = 1.0
    predicted = (truth * 255).astype(np.uint8)
    assert evaluate.kept_specks(predicted, truth) == 0
    predicted[100:104, 100:104] = 255  # 16 px of paper kept apart from the figure
    predicted[300:306, 240:260] = 255  # a wide edge joined to the figure: not a speck
    predicted[10, 10] = 255  # a lone pixel: too small to see
    assert evaluate.kept_specks(predicted, truth) == 1
    score = evaluate.Score()
    score.add(predicted, truth, np.full((512, 512, 3), 250, np.uint8))
    score.add((truth * 255).astype(np.uint8), truth, np.full((512, 512, 3), 250, np.uint8))
    assert score.specks == 1 and len(score.ious) == 2


def test_the_style_table_has_one_row_per_style_and_says_whether_the_goal_holds():
    good = evaluate.Score(ious=[0.99] * 100, visible_whites=[(96, 100)])
    bad = evaluate.Score(ious=[0.99] * 97 + [0.5] * 3, visible_whites=[(96, 100)])
    specked = evaluate.Score(ious=[0.99] * 100, visible_whites=[(96, 100)], specks=1)
    scores = {("a", "ours"): good, ("b", "ours"): bad, ("c", "ours"): specked, ("a", "x"): bad}
    lines = evaluate.style_table(scores, "ours").splitlines()
    rows = {line.split()[0]: line for line in lines[3:-2]}
    assert set(rows) == {"a", "b", "c"}
    assert rows["a"].split()[1:] == ["100", "0.9900", "±0.0000", "0.0%", "0.960", "0", "met"]
    assert rows["b"].endswith("not met") and "3.0%" in rows["b"]  # 3% below 0.9
    assert rows["c"].split()[-3:] == ["1", "not", "met"]  # a speck kept
    assert lines[-2].startswith("goal: mean IoU >= 0.985")
    # Three failures of a hundred: 1.96 * 0.0840 / 10.
    assert rows["b"].split()[3] == "±0.0165"


def test_the_recall_margin_reads_white_lost_in_one_picture_as_less_precise():
    # The same recall, 0.9, lost evenly over ten pictures or all in one of them.
    even = evaluate.Score(visible_whites=[(90, 100)] * 10)
    one = evaluate.Score(visible_whites=[(100, 100)] * 9 + [(0, 100)])
    assert even.visible_white_recall == one.visible_white_recall == 0.9
    assert even.visible_white_recall_margin == 0.0
    # Residuals from the pooled recall: +10 nine times and -90 once; their variance over the
    # mean white per picture squared, over the pictures.
    assert np.isclose(one.visible_white_recall_margin, 1.96 * np.sqrt(1000 / 10 / 100**2))
    # Pictures with no white count as draws too; a lone picture has no margin.
    parts = [(9, 10), (10, 10), (0, 0), (5, 10)]
    assert np.isclose(evaluate.ratio_margin(parts), 1.96 * np.sqrt(14 / 3 / 4 / 7.5**2))
    assert np.isnan(evaluate.ratio_margin([(9, 10)]))
    assert np.isnan(evaluate.ratio_margin([(0, 0), (0, 0)]))


def test_scoring_keeps_each_pictures_visible_white_for_the_margin():
    truth = np.zeros((4, 4), np.float32)
    truth[:2] = 1.0
    image = np.zeros((4, 4, 3), np.uint8)
    image[0] = 255  # four white pixels
    predicted = np.zeros((4, 4), np.uint8)
    predicted[0, :3] = 255  # keeps three of them
    score = evaluate.Score()
    score.add(predicted, truth, image)
    score.add((truth * 255).astype(np.uint8), truth, image)
    assert score.visible_whites == [(3, 4), (4, 4)]
    row = evaluate.style_table({("a", "ours"): score}, "ours").splitlines()[3]
    recall = f"{7 / 8:.3f} ±{evaluate.ratio_margin([(3, 4), (4, 4)]):.3f}"
    assert recall in row


def test_the_white_missed_table_names_the_pictures_that_carry_the_missed_white():
    emojich, white, _ = synth.PAPER_KINDS
    score = evaluate.Score(
        ious=[0.99, 0.6, 0.95, 1.0],
        paper_kinds=[emojich, white, emojich, emojich],
        visible_whites=[(90, 100), (20, 100), (95, 100), (0, 0)],
    )
    clean = evaluate.Score(ious=[1.0], visible_whites=[(10, 10)])
    scores = {("a", "ours"): score, ("b", "ours"): clean}
    lines = evaluate.white_missed_table(scores, "ours", largest=2).splitlines()
    rows = {line.split()[0]: line for line in lines[3:-1]}
    # 95 px missed: 80 in picture 1 (84%), 90 in the two missing most (95%); without picture
    # 1 the recall is (90 + 95) / 200.
    assert rows["a"].split()[1:5] == ["95", "84%", "95%", f"{185 / 200:.3f}"]
    assert rows["a"].endswith("#1 white 0.600, #0 emojich 0.990")
    assert rows["b"].split()[1:] == ["0"]


def test_the_paper_table_splits_each_style_by_the_kind_of_paper():
    emojich, white, tint = synth.PAPER_KINDS
    a = evaluate.Score(ious=[0.99, 0.5, 0.98, 0.97], paper_kinds=[emojich, white, white, tint])
    b = evaluate.Score(ious=[0.95, 0.99], paper_kinds=[emojich, emojich])
    scores = {("a", "ours"): a, ("b", "ours"): b, ("a", "x"): b}
    lines = evaluate.paper_table(scores, "ours").splitlines()
    assert "Emojich's paper" in lines[1] and "pure white" in lines[1]
    rows = {line.split()[0]: line.split() for line in lines[3:]}
    assert set(rows) == {"a", "b", "every"}
    # Emojich's paper, pure white, flat tint: mean IoU / below 0.9 (pictures) each.
    assert rows["a"][1:] == ["0.9900", "/", "0.0%", "(1)", "0.7400", "/", "50.0%", "(2)",
                             "0.9700", "/", "0.0%", "(1)"]  # fmt: skip
    assert rows["b"][1:6] == ["0.9700", "/", "0.0%", "(2)", "-"]
    assert rows["every"][2:6] == ["0.9767", "/", "0.0%", "(3)"]


def test_evaluation_pictures_know_their_paper():
    glyph = np.zeros((20, 20, 4), np.uint8)
    glyph[..., 0] = 200
    glyph[..., 3] = 255
    test_set = evaluate.make_test_set(
        "s", [glyph], count=8, size=48, seed=3, look=evaluate.EMOJICH_LOOK
    )
    score = evaluate.evaluate(
        [test_set], {"ours": lambda img: (evaluate.contour.contour_mask(img), False, 1.0)}
    )[("s", "ours")]
    assert score.paper_kinds == [p.paper for p in test_set.pictures]
    assert set(score.paper_kinds) <= set(synth.PAPER_KINDS)


def test_test_pictures_look_like_emojich_unless_asked_plain():
    glyph = np.zeros((20, 20, 4), np.uint8)
    glyph[..., 0] = 200
    glyph[..., 3] = 255
    plain = evaluate.make_test_set("s", [glyph], count=6, size=64, seed=3)
    looked = evaluate.make_test_set(
        "s", [glyph], count=6, size=64, seed=3, look=evaluate.EMOJICH_LOOK
    )
    assert any(
        not np.array_equal(a.image, b.image)
        for a, b in zip(plain.pictures, looked.pictures, strict=True)
    )


def _design_folder(folder, glyph):
    """A design folder drawing `glyph` (RGBA) for many emoji: enough for a few in the held-out
    tenth."""
    folder.mkdir(parents=True)
    for code in range(0x1F600, 0x1F640):
        Image.fromarray(glyph, "RGBA").save(folder / f"{code:x}.png")
    return folder


def _square(colour):
    glyph = np.zeros((24, 24, 4), np.uint8)
    glyph[4:20, 4:20] = (*colour, 255)
    return glyph


def test_warm_white_validation_pictures_differ_only_in_their_white(tmp_path):
    # A white glyph with a red rim: on Emojich's paper its white is drawn level with the paper.
    glyph = np.full((24, 24, 4), 255, np.uint8)
    glyph[:3, :, :3] = glyph[-3:, :, :3] = (200, 30, 30)
    folder = _design_folder(tmp_path / "whites", glyph)
    sets = {
        warm: evaluate.style_test_sets(12, 64, 5, designs=[folder], warm_white=warm)[1]
        for warm in (0.0, 1.0)
    }
    pairs = list(zip(sets[0.0].pictures, sets[1.0].pictures, strict=True))
    assert all(np.array_equal(a.alpha, b.alpha) for a, b in pairs)
    on_emojich = [(a, b) for a, b in pairs if a.paper == synth.EMOJICH]
    assert on_emojich and all(not np.array_equal(a.image, b.image) for a, b in on_emojich)
    assert all(np.array_equal(a.image, b.image) for a, b in pairs if a.paper != synth.EMOJICH)


def test_unseen_styles_are_read_after_the_trained_ones_only_when_asked(tmp_path, monkeypatch):
    trained = _design_folder(tmp_path / "trained" / "flat", _square((200, 30, 30)))
    unseen_root = tmp_path / "unseen"
    unseen = _design_folder(unseen_root / "emojione", _square((30, 30, 200)))
    monkeypatch.setattr(synth, "unseen_designs_folder", lambda: unseen_root)
    plain = evaluate.style_test_sets(4, 64, 5, designs=[trained])
    both = evaluate.style_test_sets(4, 64, 5, designs=[trained], unseen=True)
    assert [t.name for t in plain] == ["noto held-out", "flat"]
    assert [t.name for t in both] == ["noto held-out", "flat", "emojione unseen"]
    # The trained styles' pictures do not move, and the unseen style's are those its folder
    # gives read as a design of its own.
    for a, b in zip(plain, both[:2], strict=True):
        assert all(
            np.array_equal(x.image, y.image) for x, y in zip(a.pictures, b.pictures, strict=True)
        )
    alone = evaluate.style_test_sets(4, 64, 5, designs=[unseen])[1]
    assert all(
        np.array_equal(x.image, y.image)
        for x, y in zip(alone.pictures, both[2].pictures, strict=True)
    )


def test_unseen_is_refused_before_any_work_when_no_unseen_style_is_there(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(synth, "unseen_designs_folder", lambda: tmp_path / "missing")
    with pytest.raises(SystemExit) as exited:
        evaluate.main(["--unseen"])
    assert exited.value.code == 2
    assert "--unseen: no emoji designs under" in capsys.readouterr().err


def test_real_pictures_report_counts_flagged_cut_outs(tmp_path):
    from dataclasses import dataclass

    @dataclass
    class Result:
        mask: np.ndarray
        confidence: float
        review: str | None

    class Fake:
        def cutout(self, image):
            mask = np.zeros((image.height, image.width), np.uint8)
            mask[10:30, 10:30] = 255
            flagged = image.getpixel((0, 0))[0] < 250
            if flagged:
                mask[2:5, 35:38] = 200  # a coloured island the removal kept
            return Result(
                mask, 0.99, "removed 1 pale speck detached from the figure" if flagged else None
            )

    from PIL import Image

    Image.new("RGB", (40, 40), (253, 252, 252)).save(tmp_path / "clean.png")
    Image.new("RGB", (40, 40), (240, 252, 252)).save(tmp_path / "stained.png")
    (tmp_path / "notes.txt").write_text("skipped")
    report = evaluate.real_pictures_report(Fake(), tmp_path).splitlines()
    assert len(report) == 4
    assert report[1].startswith("  clean.png: confidence 0.990; nothing flagged; 0 other")
    assert "stained.png" in report[2] and "1 other islands left" in report[2]
    assert report[-1] == (
        "1 of 2 pictures were flagged for review (specks removed, gaps cleared, shadows made "
        "semi-transparent or an enclosed white region kept unsure); 1 keep another island"
    )


def test_every_wrong_pixel_is_one_kind_of_error_and_the_kinds_add_up_to_the_iou_lost():
    size = 64
    truth = np.zeros((size, size), np.float32)
    truth[10:40, 10:40] = 1.0  # a square figure ...
    truth[20:30, 20:30] = 0.0  # ... round a hole showing the paper
    truth[45:55, 10:40] = 0.2  # a soft shadow under it
    image = np.full((size, size, 3), 120, np.uint8)
    image[10:16, 10:40] = 250  # the figure's top is white
    predicted = np.zeros((size, size), np.uint8)
    predicted[16:40, 10:40] = 255  # the white top is missed, the hole filled,
    predicted[45:55, 10:40] = 255  # the shadow kept,
    predicted[58:62, 50:60] = 255  # and a blotch on the open paper
    wrong = evaluate.error_breakdown(predicted >= 128, truth, image)
    assert set(wrong) == set(evaluate.ERROR_KINDS)
    # Pixels 3 px or more from the outline are off it (the band is 2.5 px).
    assert wrong["enclosed paper"] == 6 * 6  # the hole's middle; its ring is edge
    assert wrong["shadow kept"] == 10 * 30
    assert wrong["open paper"] == 4 * 10
    white_missed = wrong["white enclosed"] + wrong["white open"]  # split in the next test
    assert white_missed == (16 - 12) * (38 - 12)  # the top's middle, off the outline
    assert wrong["other missed"] == 0
    pred, true = predicted >= 128, truth >= 0.5
    assert sum(wrong.values()) == int((pred != true).sum())

    score = evaluate.Score()
    score.add(predicted, truth, image)
    lost = sum(score.mean_loss(kind) for kind in evaluate.ERROR_KINDS)
    assert abs(lost - (1 - score.mean_iou)) < 1e-9
    table = evaluate.breakdown_table({("squares", "ours"): score}, "ours").splitlines()
    assert table[3].split()[0] == "squares"
    assert float(table[3].split()[1]) == round(1 - score.mean_iou, 4)


def test_white_missed_is_split_by_whether_the_figure_encloses_it():
    # A grey square on white paper with a white eye inside it and a white top that meets the
    # paper; the cut-out misses both. The eye is enclosed white, a hole or paint by its place;
    # the top joins the open paper.
    size = 64
    truth = np.zeros((size, size), np.float32)
    truth[10:40, 10:40] = 1.0
    image = np.full((size, size, 3), 255, np.uint8)
    image[16:40, 10:40] = 120
    image[22:28, 22:28] = 255  # the eye
    predicted = (truth * 255).astype(np.uint8)
    predicted[10:16] = 0
    predicted[22:28, 22:28] = 0
    wrong = evaluate.error_breakdown(predicted >= 128, truth, image)
    assert wrong["white enclosed"] == 6 * 6
    assert wrong["white open"] == (16 - 12) * (38 - 12)  # the top's middle, off the outline
    assert wrong["other missed"] == 0


def test_a_see_through_patch_inside_the_figure_is_counted_and_its_outline_is_not():
    truth = np.zeros((512, 512), np.float32)
    truth[100:300, 100:300] = 1.0
    image = np.zeros((512, 512, 3), np.uint8)
    soft_outline = (truth * 255).astype(np.uint8)
    soft_outline[100:104, 100:300] = 200  # a soft edge: the outline's anti-aliasing
    score = evaluate.Score()
    score.add(soft_outline, truth, image)
    assert score.faded_pictures == 0 and score.faded_share == 0.0
    faded = soft_outline.copy()
    faded[150:160, 150:160] = 200  # 100 px of the inside show what is behind
    faded[170:180, 150:160] = 100  # ... and these are missed, which the IoU counts already
    score.add(faded, truth, image)
    assert score.faded_pictures == 1
    assert score.faded_shares[1] == 100 / 200**2
    assert score.ious[1] == 1 - 100 / 200**2
    table = evaluate.faded_table({("a", "ours"): score}, "ours")
    assert "0.1250%" in table and "1/2" in table


def test_the_network_cache_gives_the_same_cut_outs_and_skips_the_network(tmp_path, tiny_weights):
    from studio.segment import Segmenter

    segmenter = Segmenter.from_shipped_weights(tiny_weights, "cpu").with_threshold(0.0)
    pictures = [np.asarray(emoji_like(96, paper)[0]) for paper in ((255,) * 3, (250, 248, 246))]
    plain = evaluate.segmenter_method(segmenter)
    cache = evaluate.NetworkCache(tmp_path / "cache", tiny_weights)
    cached = evaluate.segmenter_method(segmenter, cache)
    for picture in pictures:
        first, second = cached(picture), cached(picture)  # computed and kept, then read back
        expected = plain(picture)
        assert np.array_equal(first[0], expected[0]) and np.array_equal(second[0], expected[0])
        assert first[1:] == second[1:] == expected[1:]
    assert len(list(cache.folder.iterdir())) == 2  # one file per picture, nothing partial

    calls = []
    segmenter.network_outputs = lambda images: calls.append(1)  # the network must not run
    assert np.array_equal(cached(pictures[0])[0], plain(pictures[0])[0])
    assert calls == []
    # Another model file has a folder of its own.
    other = tmp_path / "other.safetensors"
    other.write_bytes(tiny_weights.read_bytes() + b" ")
    assert evaluate.NetworkCache(tmp_path / "cache", other).folder != cache.folder


def test_an_enclosed_classifier_is_read_from_json_or_left_out(tmp_path):
    from studio.segment.enclosed_classifier import EnclosedClassifier
    from studio.segment.enclosed_features import FEATURE_NAMES

    count = len(FEATURE_NAMES)
    classifier = EnclosedClassifier(
        mean=np.zeros(count, np.float32),
        std=np.ones(count, np.float32),
        hidden_weight=np.full((count, 2), 0.1, np.float32),
        hidden_bias=np.zeros(2, np.float32),
        out_weight=np.ones(2, np.float32),
        out_bias=-0.5,
    )
    stored = tmp_path / "classifier.json"
    stored.write_text(json.dumps(classifier.to_dict()))
    features = np.linspace(-1, 1, 3 * count, dtype=np.float32).reshape(3, count)
    read = evaluate.read_classifier(str(stored))
    assert np.allclose(read.paint_probability(features), classifier.paint_probability(features))
    assert evaluate.read_classifier("none") is None


def test_the_error_masks_split_every_wrong_pixel_into_one_kind():
    size = 64
    truth = np.zeros((size, size), np.float32)
    truth[10:40, 10:40] = 1.0
    truth[20:30, 20:30] = 0.0  # a hole
    image = np.full((size, size, 3), 120, np.uint8)
    image[10:16, 10:40] = 250
    predicted = np.zeros((size, size), bool)
    predicted[16:40, 10:40] = True  # the white top missed, the hole filled
    predicted[58:62, 50:60] = True  # a blotch on the open paper
    masks = evaluate.error_masks(predicted, truth, image)
    assert list(masks) == list(evaluate.ERROR_KINDS)
    stacked = np.stack(list(masks.values())).astype(int)
    assert stacked.sum(axis=0).max() == 1  # no pixel is two kinds
    assert np.array_equal(stacked.sum(axis=0) == 1, predicted != (truth >= 0.5))
    counts = evaluate.error_breakdown(predicted, truth, image)
    assert counts == {kind: int(mask.sum()) for kind, mask in masks.items()}
    assert evaluate.main_error(counts) == "edge"  # the outline's band is the widest here
    # The white top (4 x 26 px, a white region off the border) against the hole (36 px).
    assert evaluate.main_error({**counts, "edge": 0}) == "white enclosed"
    assert evaluate.main_error({}) == "edge"  # a tie goes to the first kind


def _named_squares(count: int) -> evaluate.TestSet:
    red = np.zeros((20, 20, 4), np.uint8)
    red[...] = (200, 0, 0, 255)
    blue = red.copy()
    blue[..., :3] = (0, 0, 200)
    return evaluate.make_named_test_set(
        "squares", [("red", red), ("blue", blue)], count, 48, 2, None
    )


def test_the_failure_table_says_what_the_failures_are_and_on_which_emoji():
    test_set = _named_squares(8)
    assert test_set.glyph_names == ("red", "blue")
    drawn = [test_set.glyphs_of(p) for p in test_set.pictures]
    assert all(names and set(names) <= {"red", "blue"} for names in drawn)

    # The cut-out drops every picture that shows the red square: those fail on "other missed".
    def method(image):
        picture = next(p for p in test_set.pictures if p.image is image)
        right = picture.alpha >= 0.5
        fails = "red" in test_set.glyphs_of(picture)
        return np.where(right & ~fails, 255, 0).astype(np.uint8), False, 1.0

    seen = []
    scores = evaluate.evaluate(
        [test_set], {"ours": method}, lambda *told: seen.append(told[1:3] + told[4:])
    )
    score = scores[("squares", "ours")]
    failed = sum("red" in names for names in drawn)
    assert 1 < failed < 8 and score.failures == failed
    assert score.failure_kinds == {"other missed": failed}
    assert score.glyphs == drawn
    assert [(i, "ours") for i in range(8)] == [told[:2] for told in seen]
    assert all((told[2] < 0.9) == ("red" in drawn[told[0]]) for told in seen)
    table = evaluate.failure_table(scores, "ours").splitlines()
    assert table[3].split()[:2] == ["squares", str(failed)]
    assert table[3].split()[-1] == str(failed)  # the last column: other missed
    # A picture showing both squares fails on both emoji; every red one fails.
    reds = sum(names.count("red") for names in drawn)
    both = sum(set(names) == {"red", "blue"} for names in drawn)
    blues = sum(names.count("blue") for names in drawn)
    emoji = 2 if both else 1
    assert table[4].startswith(f"  squares: on {emoji} emoji of 2 drawn; {failed} of {failed} on")
    assert table[4].endswith(f"most: red {failed}/{reds}" + (f", blue {both}/{blues}" * (both > 0)))
