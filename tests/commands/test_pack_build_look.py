"""`pack build --look telegram`: Telegram's tip from the command line, and its overrides."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from studio import cli
from studio.commands.pack import LOOK_KEYS
from studio.pack.looks import LOOKS, TELEGRAM_TIP


@pytest.fixture(autouse=True)
def _in_process(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "install_excepthook", lambda: None)
    monkeypatch.chdir(tmp_path)


def _square(path):
    pixels = np.zeros((120, 120, 4), np.uint8)
    pixels[...] = (240, 150, 30, 255)  # opaque to the edges: the worst case
    Image.fromarray(pixels, "RGBA").save(path)
    return path


def _build(tmp_path, *extra):
    out = tmp_path / "out"
    code = cli.main(
        ["pack", "build", str(_square(tmp_path / "a.png")), "--title", "T", "--name", "t_look",
         "--emoji", "🟧", "--out", str(out), "--force", *extra]
    )  # fmt: skip
    assert code == 0
    return np.asarray(Image.open(out / "001.webp").convert("RGBA"))


def test_the_command_knows_every_named_look():
    assert LOOK_KEYS == [look.key for look in LOOKS]


def test_plain_by_default_and_telegrams_tip_on_request(tmp_path):
    plain = _build(tmp_path)
    assert plain[0, :, 3].max() > 0  # edge to edge
    tip = _build(tmp_path, "--look", "telegram")
    padding = TELEGRAM_TIP.options.padding_px
    assert tip[:padding, :, 3].max() == 0 and tip[:, -padding:, 3].max() == 0
    middle = tip[tip.shape[0] // 2]
    orange = np.flatnonzero((middle[:, 0] > 200) & (middle[:, 2] < 80) & (middle[:, 3] > 250))
    assert tuple(middle[orange[-1] + 4, :3]) == (255, 255, 255)  # the white outline


def test_explicit_values_change_the_look(tmp_path):
    tip = _build(tmp_path, "--look", "telegram", "--padding", "0", "--outline", "0")
    # No padding: the figure reaches into the 16 px band; no outline: no white beside it, the
    # shadow's dark grey instead.
    assert tip[: TELEGRAM_TIP.options.padding_px, :, 3].max() == 255
    middle = tip[tip.shape[0] // 2]
    orange = np.flatnonzero((middle[:, 0] > 200) & (middle[:, 2] < 80) & (middle[:, 3] > 250))
    beside = middle[orange[-1] + 3]
    assert beside[:3].max() < 60 and 0 < beside[3] < 255
