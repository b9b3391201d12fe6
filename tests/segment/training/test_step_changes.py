import numpy as np
import pytest

from studio.segment import segmenter
from studio.segment.training import evaluate as ev
from studio.segment.training import step_changes
from tests.segment.training.conftest import exported_network, held_out_squares


def _score(ious):
    """A score holding only its pictures' IoUs."""
    made = ev.Score()
    made.ious = list(ious)
    return made


def test_the_changed_table_names_each_styles_largest_loss_and_gain():
    step = "ground-shadows"
    scores = {
        ("squares", step_changes.without(step)): _score([0.8, 0.9, 0.95]),
        ("squares", step_changes.SHIPPED): _score([0.95, 0.88, 0.95]),
        ("circles", step_changes.without(step)): _score([0.9, 0.9]),
        ("circles", step_changes.SHIPPED): _score([0.9, 0.9]),
    }
    lines = step_changes.changed_table(scores, step).splitlines()
    assert lines[0] == "pictures the step changes (ground-shadows):"
    assert lines[3].split() == [
        "squares", "2", "1", "1", "#1", "0.9000", "->", "0.8800", "#0", "0.8000", "->", "0.9500"
    ]  # fmt: skip
    assert lines[4].split() == ["circles", "0", "0", "0", "-", "-"]


def test_every_step_named_is_one_the_segmenter_can_leave_out():
    for method in step_changes.STEPS.values():
        assert callable(getattr(segmenter.Segmenter, method))


@pytest.fixture
def network(tmp_path):
    # Never routed to the contour fallback, so that every cut-out goes through the steps.
    return exported_network(tmp_path / "a.safetensors", 1, meta={"threshold": 0.0})


def test_the_command_cuts_each_picture_with_and_without_the_step(
    tmp_path, network, few_glyphs, capsys, monkeypatch
):
    # A stand-in step that clears every cut-out: shipped, every picture scores 0; without it,
    # the network's own cut.
    monkeypatch.setattr(
        segmenter, "ground_shadows", lambda rgb, mask, **_: (np.zeros_like(mask), 1)
    )
    design = held_out_squares(tmp_path)
    cache = tmp_path / "cache"
    argv = ["--without", "ground-shadows", "--weights", str(network), "--count", "2"]
    argv += ["--size", "64", "--seed", "7", "--designs", str(design), "--network-cache", str(cache)]
    assert step_changes.main(argv) == 0
    out = capsys.readouterr().out
    summary = out.split("\n\n")[0].splitlines()
    names = [line[:40].strip() for line in summary[2:4]]
    assert names == ["without ground-shadows", "shipped"]
    assert float(summary[3].split()[1]) == 0.0  # shipped: every picture cleared
    assert float(summary[2].split()[2]) > 0.0  # without it: the network's cut
    changed = out.split("pictures the step changes (ground-shadows):\n")[1].split("\n\n")[0]
    assert [line.split()[0] for line in changed.splitlines()[2:]] == ["noto", "squares"]
    assert "per style, shipped:" in out and "per style, without ground-shadows:" in out
    assert len(list(cache.rglob("*.npz"))) == 4  # the network ran once per picture


def test_the_command_refuses_an_unknown_step(capsys):
    with pytest.raises(SystemExit):
        step_changes.main(["--without", "everything", "--seed", "7"])
    assert "invalid choice" in capsys.readouterr().err
