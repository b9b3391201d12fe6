"""Publishing from the window: token in the keyring, Test connection, progress, the countdown of
a flood wait, cancel and publish again; coroutines on a qasync loop against the fake Bot API."""

from __future__ import annotations

import asyncio
import json

import keyring
import pytest
import qasync
from keyring.backend import KeyringBackend
from PySide6.QtCore import Qt

from studio.ui.pack import PackPanel
from studio.ui.pack.publish_model import PublishModel
from studio.ui.pack.token_store import NO_KEYRING, SERVICE
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.publish_helpers import TOKEN, USER_ID, assert_set_equals_pack
from tests.ui.pack.conftest import add_candidates

pytestmark = pytest.mark.gui


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        self.entries.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def qloop(qapp):
    """The app's qasync loop, running inside Qt's event loop as it does under run_app."""
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    asyncio.events._set_running_loop(None)
    asyncio.set_event_loop(None)


@pytest.fixture
def fake():
    api = FakeBotApi(TOKEN)
    api.started_users.add(USER_ID)
    api.url = api.start()
    yield api
    api.stop()


@pytest.fixture
def window_panel(qtbot, library, fake, qloop, memory_keyring):
    model = PublishModel(library, library.paths.cache / "publish", api_url=fake.url)
    panel = PackPanel(library, publisher=model)
    qtbot.addWidget(panel)
    panel.resize(1300, 900)
    panel.show()
    yield panel
    panel.shutdown()


def _ready(panel, library, count):
    panel.add_candidates(add_candidates(library, count))
    panel.sticker_list.selectAll()
    panel.assign_emoji(["😺"])
    panel.fields.name.setText("window_cats")
    panel._field_changed("name", "window_cats")
    assert panel.problem_list.messages() == []


def _connect(qtbot, panel):
    section = panel.publish_section
    section.token_edit.setText(TOKEN)
    qtbot.mouseClick(section.save_token_button, Qt.MouseButton.LeftButton)
    assert section.token_edit.text() == ""  # not left on screen
    qtbot.waitUntil(lambda: section.bot_label.text() == "@studio_test_bot", timeout=20_000)
    section.user_edit.clear()
    qtbot.keyClicks(section.user_edit, str(USER_ID))
    assert panel.publisher.user_id == USER_ID
    return section


def test_publish_from_the_window(qtbot, window_panel, library, fake, memory_keyring):
    panel = window_panel
    _ready(panel, library, 3)
    section = panel.publish_section
    assert not section.publish_button.isEnabled()  # no bot yet
    _connect(qtbot, panel)
    assert memory_keyring.entries == {(SERVICE, "telegram-bot-token"): TOKEN}
    assert "window_cats_by_studio_test_bot" in section.name_label.text()
    assert "publishes as window_cats_by_studio_test_bot" in panel.status_label.text()
    assert section.publish_button.isEnabled()

    fake.inject("createNewStickerSet", "429", retry_after=2)
    countdown = []
    progress = []
    panel.publisher.countdown_changed.connect(countdown.append)
    panel.publisher.progress_changed.connect(lambda d, t, m: progress.append((d, t, m)))
    with qtbot.waitSignal(panel.publisher.published, timeout=60_000) as done:
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
        assert section.cancel_button.isVisible() and section.progress.isVisible()
        qtbot.waitUntil(lambda: section.countdown_label.isVisible(), timeout=30_000)
        assert "Telegram asks to wait: 2 s" in section.countdown_label.text()
    link = "https://t.me/addstickers/window_cats_by_studio_test_bot"
    assert done.args == [link]
    assert 2 in countdown and 1 in countdown and countdown[-1] == 0  # a visible countdown
    assert progress[-1][0] == progress[-1][1] > 0
    assert link in section.status_label.text()
    qtbot.waitUntil(lambda: not panel.publisher.running)
    assert not section.cancel_button.isVisible()
    folder = library.paths.cache / "publish" / "window_cats"
    assert json.loads((folder / "manifest.json").read_text("utf-8"))["stickers"][0]["emoji_list"]
    assert_set_equals_pack(fake, folder)

    # Edit and publish again: updated in place.
    panel.sticker_list.select_index(1)
    panel.assign_emoji(["🐯"])
    panel.sticker_list.select_index(0)
    panel.sticker_list.move_selected(1)
    start = len(fake.calls)
    qtbot.waitUntil(section.publish_button.isEnabled)
    with qtbot.waitSignal(panel.publisher.published, timeout=60_000):
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
    assert_set_equals_pack(fake, folder)
    assert "createNewStickerSet" not in fake.calls[start:]
    assert "setStickerEmojiList" in fake.calls[start:]

    # No secret in the library, the settings or the logs.
    for path in library.paths.data.parent.rglob("*"):
        if path.is_file():
            assert TOKEN.encode() not in path.read_bytes(), path


def test_cancel_then_publish_again_finishes(qtbot, window_panel, library, fake):
    panel = window_panel
    _ready(panel, library, 4)
    section = _connect(qtbot, panel)
    fake.inject("createNewStickerSet", "429", retry_after=30)  # a long wait, cancelled
    with qtbot.waitSignal(panel.publisher.cancelled, timeout=60_000):
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: section.countdown_label.isVisible(), timeout=30_000)
        qtbot.mouseClick(section.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in section.status_label.text().lower()
    assert not section.countdown_label.isVisible()
    fake.faults.clear()
    qtbot.waitUntil(section.publish_button.isEnabled)
    with qtbot.waitSignal(panel.publisher.published, timeout=60_000):
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
    assert_set_equals_pack(fake, library.paths.cache / "publish" / "window_cats")


def test_an_emoji_pack_switches_kind_and_checks_follow(qtbot, window_panel, library, fake):
    panel = window_panel
    _ready(panel, library, 2)
    panel.fields.kind.setCurrentIndex(panel.fields.kind.findData("emoji"))
    assert library.pack(panel.current_pack_id()).kind == "emoji"
    assert panel.fields.adaptive.isEnabled()
    panel.fields.adaptive.setChecked(True)
    panel.sticker_list.select_index(0)  # previewed at the emoji's own 100 px

    def previewed_at_100():
        image = panel.preview.shown_image()
        return image is not None and max(image.width(), image.height()) == 100

    qtbot.waitUntil(previewed_at_100, timeout=20_000)
    section = _connect(qtbot, panel)
    assert "https://t.me/addemoji/window_cats_by_studio_test_bot" in section.name_label.text()
    with qtbot.waitSignal(panel.publisher.published, timeout=60_000):
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
    live = fake.sticker_set("window_cats_by_studio_test_bot")
    assert live.sticker_type == "custom_emoji" and live.needs_repainting
    assert_set_equals_pack(fake, library.paths.cache / "publish" / "window_cats")


def test_a_long_name_with_the_bot_suffix_is_a_problem(qtbot, window_panel, library):
    panel = window_panel
    _ready(panel, library, 1)
    name = "n" * 60
    panel.fields.name.setText(name)
    panel._field_changed("name", name)
    assert panel.problem_list.messages() == []
    _connect(qtbot, panel)
    messages = panel.problem_list.messages()
    assert len(messages) == 1 and "_by_studio_test_bot" in messages[0]
    assert not panel.publish_section.publish_button.isEnabled()


def test_no_keyring_is_explained_and_the_token_kept_for_the_session(qtbot, library, fake, qloop):
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        model = PublishModel(library, library.paths.cache / "publish", api_url=fake.url)
        panel = PackPanel(library, publisher=model)
        qtbot.addWidget(panel)
        section = panel.publish_section
        section.token_edit.setText(TOKEN)
        section.save_token()
        qtbot.waitUntil(lambda: model.bot_username == "studio_test_bot", timeout=20_000)
        assert model.tokens.message == NO_KEYRING
        model.test_connection()
        qtbot.waitUntil(lambda: "Connected to @studio_test_bot" in model.status, timeout=20_000)
        panel.shutdown()
    finally:
        keyring.set_keyring(previous)


@pytest.mark.slow
def test_120_stickers_from_the_window_cancelled_then_finished_then_updated(
    qtbot, window_panel, library, fake
):
    panel = window_panel
    _ready(panel, library, 120)
    section = _connect(qtbot, panel)
    fake.inject("addStickerToSet", "429", retry_after=1, skip=5)
    done_calls = []
    panel.publisher.progress_changed.connect(lambda d, t, m: done_calls.append(d))
    with qtbot.waitSignal(panel.publisher.cancelled, timeout=120_000):
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: fake.write_calls().count("addStickerToSet") >= 20, timeout=120_000)
        qtbot.mouseClick(section.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(section.publish_button.isEnabled)
    with qtbot.waitSignal(panel.publisher.published, timeout=120_000):
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
    folder = library.paths.cache / "publish" / "window_cats"
    assert_set_equals_pack(fake, folder)
    assert fake.write_calls().count("createNewStickerSet") == 1

    # Remove one, move one and give it new emoji: updated in place.
    panel.sticker_list.select_index(3)
    panel.remove_stickers(panel.sticker_list.selected_item_ids())
    panel.sticker_list.select_index(0)
    panel.sticker_list.move_selected(1)
    panel.assign_emoji(["🦁"])
    start = len(fake.calls)
    qtbot.waitUntil(section.publish_button.isEnabled)
    with qtbot.waitSignal(panel.publisher.published, timeout=120_000):
        qtbot.mouseClick(section.publish_button, Qt.MouseButton.LeftButton)
    assert_set_equals_pack(fake, folder)
    calls = fake.calls[start:]
    assert "createNewStickerSet" not in calls and "uploadStickerFile" not in calls
    assert calls.count("deleteStickerFromSet") == 1
