"""The prompt panel's Russian: shown under a prompt in another language, editable, "send as
typed", waited for by Generate; with a fake translator and with a tiny real MarianMT one."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from studio.translate.marian import LazyTranslator
from studio.ui.prompt_panel import PromptPanel
from studio.ui.prompt_translation import PromptTranslation, Submission, TranslationStatus
from tests.translate.tiny_marian import reference_translation, write_tiny_marian

pytestmark = pytest.mark.gui


class FakeTranslator:
    """Upper-cases into brackets; `gate` holds every call until the test opens it."""

    def __init__(self):
        self.calls = []
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, text):
        self.calls.append(text)
        assert threading.current_thread() is not threading.main_thread()  # never the UI thread
        self.gate.wait(10)
        return f"[{text.upper()}]"


@pytest.fixture
def panel(qtbot):
    panel = PromptPanel(PromptTranslation(debounce_ms=20))
    qtbot.addWidget(panel)
    panel.show()
    panel.set_model_state(missing=[])
    yield panel
    panel.translation.close()


@pytest.fixture(scope="module")
def marian(tmp_path_factory):
    return write_tiny_marian(tmp_path_factory.mktemp("marian"))


def _sent(panel):
    fired = []
    panel.generate_requested.connect(fired.append)
    return fired


def test_english_shows_its_russian_and_generate_sends_both(panel, qtbot):
    fake = FakeTranslator()
    panel.set_translator(fake)
    fired = _sent(panel)
    panel.set_prompt("a cat")
    assert panel.translation_row.isVisible()
    qtbot.waitUntil(lambda: panel.russian() == "[A CAT]", timeout=5000)
    assert panel.russian_edit.isEnabled()
    panel.generate_button.click()
    assert fired == [Submission("[A CAT]", "a cat")]


def test_russian_goes_as_typed_without_a_translation_row(panel, qtbot):
    fake = FakeTranslator()
    panel.set_translator(fake)
    fired = _sent(panel)
    panel.set_prompt("кот в шляпе")
    assert not panel.translation_row.isVisible()
    panel.generate_button.click()
    assert fired == [Submission("кот в шляпе")] and fake.calls == []


def test_the_russian_is_editable_and_send_as_typed_is_one_click(panel, qtbot):
    panel.set_translator(FakeTranslator())
    fired = _sent(panel)
    panel.set_prompt("a dog")
    qtbot.waitUntil(lambda: panel.russian() == "[A DOG]", timeout=5000)
    panel.russian_edit.selectAll()
    panel.russian_edit.insert("пёс")  # as typing does (keyClicks types only ASCII)
    assert panel.translation.edited and "Edited by you" in panel.translation_note.text()
    panel.generate_button.click()
    panel.send_as_typed_box.click()  # one click
    assert not panel.russian_edit.isEnabled()
    panel.generate_button.click()
    assert fired == [Submission("пёс", "a dog"), Submission("a dog")]


def test_generate_while_translating_waits_for_the_russian(panel, qtbot):
    fake = FakeTranslator()
    fake.gate.clear()
    panel.set_translator(fake)
    fired = _sent(panel)
    panel.set_prompt("a frog")
    panel.generate_button.click()
    assert fired == [] and panel.translation.waiting
    assert "after the translation" in panel.generate_button.text()
    fake.gate.set()
    qtbot.waitUntil(lambda: bool(fired), timeout=5000)
    assert fired == [Submission("[A FROG]", "a frog")]
    assert panel.generate_button.text() == "Generate"


def test_typing_on_translates_only_the_latest_text(panel, qtbot):
    fake = FakeTranslator()
    fake.gate.clear()
    panel.set_translator(fake)
    panel.set_prompt("a")
    qtbot.waitUntil(lambda: fake.calls == ["a"], timeout=5000)  # busy with "a"
    for text in ("a c", "a ca", "a cat"):
        panel.set_prompt(text)
    fake.gate.set()
    qtbot.waitUntil(lambda: panel.russian() == "[A CAT]", timeout=5000)
    assert fake.calls[0] == "a" and fake.calls[-1] == "a cat" and len(fake.calls) <= 3


def test_without_a_translator_the_prompt_goes_as_typed(panel, qtbot):
    fired = _sent(panel)
    panel.set_prompt("a cat")
    assert panel.translation.status is TranslationStatus.LOOKING
    panel.set_translator(None)
    assert "not installed" in panel.translation_note.text()
    asked = []
    panel.model_manager_requested.connect(lambda: asked.append(True))
    panel.translation_note.linkActivated.emit("models")
    assert asked
    panel.generate_button.click()
    assert fired == [Submission("a cat")]


def test_a_failed_translation_says_so(panel, qtbot):
    def broken(text):
        raise RuntimeError("boom")

    panel.set_translator(broken)
    panel.set_prompt("a cat")
    qtbot.waitUntil(lambda: panel.translation.status is TranslationStatus.FAILED, timeout=5000)
    assert "boom" in panel.translation_note.text()


def test_history_finds_either_text_and_brings_the_russian_back(panel, qtbot):
    fake = FakeTranslator()
    panel.set_translator(fake)
    panel.set_history(["a cat", "кот"], {"a cat": "котик (правка)"})
    model = panel.history_completer.entries
    shown = [model.item(i).text() for i in range(model.rowCount())]
    assert shown == ["a cat  →  котик (правка)", "кот"]
    for typed in ("cat", "прав"):
        panel.history_completer.setCompletionPrefix(typed)
        found = panel.history_completer.completionModel()
        assert found.rowCount() == 1
        assert panel.history_completer.pathFromIndex(found.index(0, 0)) == "a cat"
    panel.set_prompt("a cat")
    assert panel.russian() == "котик (правка)" and fake.calls == []  # no model call
    panel.remember("a dog", "собака")
    assert panel.prompt_box.itemText(0) == "a dog"


def test_tiny_marian_translation_matches_transformers(panel, qtbot, marian):
    panel.set_translator(LazyTranslator(marian))
    panel.set_prompt("a cat in a space helmet")
    assert "first use" in panel.russian_edit.placeholderText()
    expected = reference_translation(marian, "a cat in a space helmet")
    qtbot.waitUntil(lambda: panel.russian() == expected, timeout=30_000)


@pytest.mark.slow
def test_torch_loads_on_the_worker_never_on_the_ui_thread(marian):
    code = f"""
import sys, threading
from studio.ui.app import create_application
seen = []
class Watch:
    def find_spec(self, name, path=None, target=None):
        if name in ("torch", "transformers"):
            seen.append((name, threading.current_thread() is threading.main_thread()))
        return None
sys.meta_path.insert(0, Watch())
app = create_application()
from studio.translate.marian import LazyTranslator
from studio.ui.prompt_panel import PromptPanel
panel = PromptPanel()
panel.show()
panel.set_translator(LazyTranslator({str(marian)!r}))
panel.set_prompt("a happy frog")
import time
deadline = time.time() + 60
while not panel.russian() and time.time() < deadline:
    app.processEvents()
    time.sleep(0.01)
panel.translation.close()
print(bool(panel.russian()), sorted(set(seen)))
"""
    env_out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert env_out.stdout.strip() == "True [('torch', False), ('transformers', False)]"
