"""The sampler's Style choice lists the trained styles and goes into the request."""

from __future__ import annotations

import pytest

from studio.ui.sampler_panel import SamplerPanel

pytestmark = pytest.mark.gui


@pytest.fixture
def sampler(qtbot):
    panel = SamplerPanel()
    qtbot.addWidget(panel)
    return panel


def test_none_is_the_default_and_sends_the_base_model(sampler):
    assert [sampler.style_box.itemText(i) for i in range(sampler.style_box.count())] == ["none"]
    assert sampler.make_request("кот").style is None


def test_trained_styles_are_listed_with_their_size_and_the_choice_is_sent(sampler):
    sampler.set_styles([("Ginger cat", 3 * 1024**2), ("Pixel", 512 * 1024)])
    texts = [sampler.style_box.itemText(i) for i in range(sampler.style_box.count())]
    assert texts == ["none", "Ginger cat (3.0 MB)", "Pixel (0.5 MB)"]
    sampler.set_style("Pixel")
    request = sampler.make_request("кот")
    assert request.style == "Pixel" and request.to_spec().style == "Pixel"


def test_the_choice_survives_a_new_list_while_the_style_exists(sampler):
    sampler.set_styles([("Ginger cat", 1), ("Pixel", 1)])
    sampler.set_style("Pixel")
    sampler.set_styles([("A new one", 1), ("Ginger cat", 1), ("Pixel", 1)])
    assert sampler.style() == "Pixel"
    sampler.set_styles([("Ginger cat", 1)])
    assert sampler.style() is None
