import numpy as np
import pytest

from studio.segment import Segmenter
from studio.segment.training import combine, pairings, synth
from studio.segment.training import evaluate as ev
from studio.segment.training.pairings import Pass
from tests.segment.training.conftest import exported_network, held_out_squares


def test_a_pairing_is_networks_at_sizes():
    assert pairings.parse_pairing("s8@256+s14@384") == (Pass("s8", 256), Pass("s14", 384))
    assert pairings.output_size(pairings.parse_pairing("a@96+b@64")) == 96
    for bad in ("s8", "s8@", "@256", "s8@256+", "s8@big"):
        with pytest.raises(ValueError, match="NETWORK@SIZE"):
            pairings.parse_pairing(bad)
    with pytest.raises(ValueError, match="from 32 to 2048"):
        pairings.parse_pairing("s8@256+s14@16")


@pytest.fixture
def two_networks(tmp_path):
    # Never routed to the contour fallback, so that every cut-out shows the network's passes.
    files = {
        "a": exported_network(tmp_path / "a.safetensors", 1, meta={"threshold": 0.0}),
        "b": exported_network(tmp_path / "b.safetensors", 2, meta={"threshold": 0.0}),
    }
    segmenters = {name: Segmenter.from_shipped_weights(path, "cpu") for name, path in files.items()}
    return files, segmenters


@pytest.fixture
def test_sets(few_glyphs):
    return [ev.make_test_set("few", few_glyphs, 3, 96, 5, ev.EMOJICH_LOOK)]


def _ious(scores, method):
    return [score.ious for (_, name), score in scores.items() if name == method]


def _confidences(scores, method):
    return [score.confidences for (_, name), score in scores.items() if name == method]


def test_a_pairing_cuts_as_the_model_file_fed_that_way(tmp_path, two_networks, test_sets):
    files, segmenters = two_networks
    out = tmp_path / "pair.safetensors"
    combine.combine(files["a"], {96: files["b"]}, out)
    methods = {
        "own": ev.segmenter_method(segmenters["a"]),
        "combined": ev.segmenter_method(Segmenter.from_shipped_weights(out, "cpu")),
    }
    expected = ev.evaluate(test_sets, methods)
    chosen = {"own": "a@64+a@96", "combined": "a@64+b@96"}
    outputs = pairings.PassOutputs(segmenters, files, None)
    parsed = {text: pairings.parse_pairing(text) for text in chosen.values()}
    scores = pairings.score_pairings(test_sets, parsed, outputs)
    for method, text in chosen.items():
        assert _ious(scores, text) == _ious(expected, method)
        np.testing.assert_allclose(
            _confidences(scores, text), _confidences(expected, method), atol=1e-6
        )
    assert not np.allclose(
        _confidences(scores, "a@64+a@96"), _confidences(scores, "a@64+b@96"), atol=1e-4
    )


def test_passes_kept_on_disk_are_reused(tmp_path, two_networks, test_sets, monkeypatch):
    files, segmenters = two_networks
    chosen = {"a@64+b@96": pairings.parse_pairing("a@64+b@96")}
    first = pairings.score_pairings(
        test_sets, chosen, pairings.PassOutputs(segmenters, files, tmp_path / "c")
    )
    assert len(list((tmp_path / "c").rglob("*.npy"))) == 2 * 3  # two passes, three pictures

    def no_network(*args):
        raise AssertionError("the network ran again")

    for segmenter in segmenters.values():
        monkeypatch.setattr(segmenter, "pass_outputs", no_network)
    again = pairings.score_pairings(
        test_sets, chosen, pairings.PassOutputs(segmenters, files, tmp_path / "c")
    )
    assert _ious(again, "a@64+b@96") == _ious(first, "a@64+b@96")


def test_the_command_prints_a_line_per_pairing_and_each_ones_styles(
    tmp_path, two_networks, few_glyphs, capsys
):
    files, _ = two_networks
    design = held_out_squares(tmp_path)
    argv = ["--count", "2", "--size", "64", "--seed", "7", "--designs", str(design)]
    argv += ["--network", f"a={files['a']}", "--network", f"b={files['b']}", "a@64", "a@64+b@96"]
    assert pairings.main(argv) == 0
    out = capsys.readouterr().out
    summary = out.split("\n\n")[0].splitlines()
    assert summary[0].split()[:3] == ["pairing", "mean", "IoU"]
    assert [line.split()[0] for line in summary[2:-1]] == ["a@64", "a@64+b@96"]
    assert summary[2].split()[2:4] == ["+0.00000", "±0.00000"]  # the first against itself
    assert summary[-1].startswith("vs first:")
    changes = out.split("per style, against the first:\n")[1].split("\n\n")[0].splitlines()
    assert [row.split("a@64+b@96")[0].strip() for row in changes[2:]] == [
        "noto held-out",
        "squares",
    ]
    for name in ("a@64", "a@64+b@96"):
        table = out.split(f"per style, {name}:\n")[1].split("goal:")[0]
        assert [line.split()[0] for line in table.splitlines()[2:]] == ["noto", "squares"]
        assert f"what the failures are (each by its largest kind of error), {name}:" in out
        lost = out.split(f"where the IoU goes, {name}:\n")[1].splitlines()
        assert [line.split()[0] for line in lost[2:4]] == ["noto", "squares"]


def _score(ious):
    """A score holding only its pictures' IoUs."""
    made = ev.Score()
    made.ious = list(ious)
    return made


def test_the_summary_counts_the_failures_each_pairing_fixes_and_adds():
    # Four pictures: the first pairing fails the first two; the second fixes one of them and
    # fails the third.
    scores = {
        ("squares", "first"): _score([0.5, 0.8, 0.95, 0.99]),
        ("squares", "second"): _score([0.95, 0.7, 0.85, 0.99]),
    }
    lines = pairings.summary_table(scores, ["first", "second"]).splitlines()
    assert lines[0].split()[7:9] == ["fixed", "new"]
    assert lines[2].split()[4:7] == ["2", "0", "0"]  # below 0.9, fixed, new: against itself
    assert lines[3].split()[4:7] == ["2", "1", "1"]


def test_the_command_refuses_a_pairing_without_its_network(tmp_path, two_networks, capsys):
    files, _ = two_networks
    argv = ["--seed", "7", "--network", f"a={files['a']}", "a@64+c@96"]
    with pytest.raises(SystemExit):
        pairings.main(argv)
    assert "no --network for c" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        pairings.main(["--seed", "7", "--network", f"a={files['a']}", "a64"])
    assert "NETWORK@SIZE" in capsys.readouterr().err


def test_the_command_refuses_unseen_styles_it_cannot_find(
    tmp_path, two_networks, capsys, monkeypatch
):
    files, _ = two_networks
    monkeypatch.setattr(synth, "unseen_designs_folder", lambda: tmp_path / "missing")
    with pytest.raises(SystemExit):
        pairings.main(["--seed", "7", "--network", f"a={files['a']}", "--unseen", "a@64"])
    assert "--unseen: no emoji designs under" in capsys.readouterr().err


def test_the_averaged_passes_are_the_mean_of_each_networks_pass(two_networks, test_sets):
    files, segmenters = two_networks
    image = test_sets[0].pictures[0].image
    outputs = pairings.PassOutputs(segmenters, files, None)
    mean = outputs.average(image, pairings.parse_pairing("a@64+b@96"))
    (small,) = segmenters["a"].pass_outputs([image], [64], 96)[64]
    (large,) = segmenters["b"].pass_outputs([image], [96], 96)[96]
    np.testing.assert_allclose(mean, 0.5 * (small + large), atol=1e-6)
    assert mean.shape == (96, 96)


def test_the_paired_difference_is_the_mean_change_with_its_margin():
    before = np.array([0.9, 0.5, 0.8, 0.7])
    after = before + np.array([0.1, 0.3, 0.1, 0.3])
    change, margin = pairings.paired_difference(before, after)
    assert change == pytest.approx(0.2)
    # The changes' standard deviation is 0.11547; 1.96 of it over the root of four pictures.
    assert margin == pytest.approx(1.96 * 0.115470 / 2, rel=1e-4)
    # Alike changes are sure however far apart the pictures themselves are.
    assert pairings.paired_difference(before, before + 0.01)[1] == pytest.approx(0, abs=1e-12)


def test_the_style_table_shows_a_loss_the_total_hides():
    # "circles" gains what "squares" loses: the total moves by nothing, each style by 0.2.
    scores = {
        ("squares", "first"): _score([0.95, 0.99]),
        ("circles", "first"): _score([0.6, 0.9]),
        ("squares", "second"): _score([0.75, 0.79]),
        ("circles", "second"): _score([0.95, 0.95]),
    }
    lines = pairings.style_changes_table(scores, ["first", "second"]).splitlines()
    assert [line.split()[:3] for line in lines[2:]] == [
        ["squares", "second", "-0.20000"],
        ["circles", "second", "+0.20000"],
    ]
    assert lines[2].split()[4:9] == ["0", "->", "2", "0", "2"]  # below 0.9, fixed, new
    assert lines[3].split()[4:9] == ["1", "->", "0", "1", "0"]
