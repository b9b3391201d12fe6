"""The "Train a style" view-model: what it accepts, what it refuses and why, and its estimate."""

from __future__ import annotations

import pytest

from studio.jobs.style_training import InvalidTrainingRequest
from studio.ui.styles.form import (
    CaptionState,
    DeviceFacts,
    KnownSpeed,
    StyleTrainingForm,
    default_caption,
)

pytestmark = pytest.mark.gui

GIB = 1024**3


def _rows(pictures, caption="рыжий кот"):
    return [(str(p), caption, None) for p in pictures]


@pytest.fixture
def form(qtbot):
    form = StyleTrainingForm(existing_styles={"Old style"}, min_pictures=3)
    yield form
    form.close(5000)


def test_the_number_of_pictures_is_checked(form, pictures):
    form.set_settings(name="cat")
    form.add_pictures(_rows(pictures[:2]))
    assert form.problems() == ["Add at least 3 pictures (2 so far)."]
    assert form.add_pictures(_rows(pictures[:3])) == 1  # the two already in are skipped
    assert form.problems() == []
    form.remove_rows([0])
    assert "Add at least 3 pictures (2 so far)." in form.problems()


def test_the_product_asks_for_twenty_to_five_hundred(pictures, tmp_path, qtbot):
    form = StyleTrainingForm()
    form.set_settings(name="cat")
    form.add_pictures(_rows(pictures[:19]))
    assert form.problems() == ["Add at least 20 pictures (19 so far)."]
    form.add_pictures(_rows(pictures[19:]))
    assert form.problems() == []
    many = [(str(tmp_path / f"p{i}.png"), "кот", None) for i in range(481)]
    form.add_pictures(many)
    assert form.problems() == ["At most 500 pictures (501 chosen)."]
    with pytest.raises(InvalidTrainingRequest, match="At most 500"):
        form.request()


def test_the_name_must_be_new_and_usable(form, pictures):
    form.add_pictures(_rows(pictures[:3]))
    assert form.problems() == ["Give the style a name."]
    form.set_settings(name="a/b")
    assert any("bad style name" in p.lower() for p in form.problems())
    form.set_settings(name="old STYLE")
    assert form.problems() == ["A style named “old STYLE” exists already; choose another name."]
    form.set_settings(name="  Ginger cat ")
    assert form.problems() == [] and form.name == "Ginger cat"


def test_every_picture_needs_a_caption(form, pictures):
    form.set_settings(name="cat")
    form.add_pictures(_rows(pictures[:3], caption=""))
    assert form.problems() == ["3 picture(s) have no caption."]
    for row in range(3):
        form.set_caption(row, "котик")
    assert form.problems() == []


def test_captions_in_other_languages_are_translated_and_can_be_edited(form, pictures, qtbot):
    form.set_settings(name="cat")
    form.add_pictures(_rows(pictures[:2], "рыжий кот") + [(str(pictures[2]), "a ginger cat", None)])
    form.set_translator(lambda text: {"a ginger cat": "рыжий котик"}[text])
    qtbot.waitUntil(lambda: form.translating == 0, timeout=10_000)
    assert [r.state for r in form.rows] == [CaptionState.AS_TYPED] * 2 + [CaptionState.TRANSLATED]
    form.set_russian(2, "рыжий котик в шляпе")
    request = form.request()
    assert [p.caption for p in request.pictures] == [
        "рыжий кот",
        "рыжий кот",
        "рыжий котик в шляпе",
    ]
    assert request.pictures[2].caption_typed == "a ginger cat"
    assert request.pictures[0].caption_typed is None


def test_a_caption_the_translator_cannot_handle_stops_the_training(form, pictures, qtbot):
    form.set_settings(name="cat")
    form.add_pictures(_rows(pictures[:3], "a cat"))

    def broken(_text):
        raise RuntimeError("no model")

    form.set_translator(broken)
    qtbot.waitUntil(lambda: form.translating == 0, timeout=10_000)
    assert form.problems() == ["3 caption(s) could not be translated: write them in Russian."]
    for row in range(3):
        form.set_caption(row, "кот")
    assert form.problems() == []


def test_a_gpu_too_small_says_what_to_change(form, pictures):
    form.set_settings(name="cat", batch_size=8)
    form.add_pictures(_rows(pictures[:3]))
    form.set_device(DeviceFacts("cuda", None, 8 * GIB))
    message = form.too_small()
    assert message.startswith("The GPU has 8.0 GiB but this training needs about")
    assert "batch size 1" in message and message in form.problems()
    assert form.cpu_warning() is None
    form.set_device(DeviceFacts("cuda", None, 80 * GIB))
    assert form.too_small() is None and form.problems() == []
    assert "of GPU" in form.estimate_text()


def test_cpu_training_is_allowed_with_a_warning(form, pictures):
    form.set_settings(name="cat")
    form.add_pictures(_rows(pictures[:3]))
    form.set_device(DeviceFacts("cpu"))
    assert "slow" in form.cpu_warning() and form.problems() == []
    assert "of RAM" in form.estimate_text()


def test_the_time_comes_from_a_measured_training_or_the_first_step(form):
    assert "measured on the first step" in form.estimate_text()
    form.set_known_speed(KnownSpeed(seconds_per_step=3.0, batch_size=1, style="Old style"))
    form.set_settings(steps=100, batch_size=2)
    text = form.estimate_text()
    assert "6.0 s a step" in text and "10 min" in text and "“Old style”" in text


def test_the_request_carries_the_settings_and_the_cut_outs(form, pictures):
    form.set_settings(
        name="cat",
        steps=50,
        lr=2e-5,
        image_loss_weight=500.0,
        batch_size=1,
        previews=("кот в шляпе",),
    )
    form.add_pictures([(str(p), "кот", f"{p}.mask.png") for p in pictures[:3]])
    request = form.request()
    assert (
        request.name,
        request.steps,
        request.lr,
        request.image_loss_weight,
        request.batch_size,
        request.previews,
    ) == ("cat", 50, 2e-5, 500.0, 1, ("кот в шляпе",))
    assert request.pictures[0].mask == f"{pictures[0]}.mask.png"
    assert request.min_pictures == 3


def test_folder_pictures_are_captioned_with_their_names(tmp_path):
    assert default_caption(tmp_path / "ginger_cat-smiling_03.png") == "ginger cat smiling"
    assert default_caption(tmp_path / "2024.png") == "2024"


def test_a_prompt_already_translated_keeps_its_russian(form, pictures, qtbot):
    calls = []
    form.set_translator(lambda text: calls.append(text) or "другое")
    form.set_settings(name="cat")
    form.add_pictures(
        _rows(pictures[:3], "a ginger cat"),
        russian={str(pictures[0]): "рыжий кот", str(pictures[1]): "рыжий кот"},
    )
    qtbot.waitUntil(lambda: form.translating == 0, timeout=10_000)
    assert [r.caption for r in form.rows] == ["рыжий кот", "рыжий кот", "другое"]
    assert calls == ["a ginger cat"]  # only the picture without a Russian was translated


def test_an_unfinished_training_holds_its_name(pictures, qtbot):
    form = StyleTrainingForm(min_pictures=3, unfinished={"Left over"})
    form.set_settings(name="left over")
    form.add_pictures(_rows(pictures[:3]))
    assert form.problems() == [
        "A training named “left over” is not finished: wait for it or resume it in Jobs, "
        "discard it in Style training, or choose another name."
    ]
    form.close(5000)
