"""The prompt's Russian: the view-model behind the prompt panel's translation row.

Emojich reads Russian only. A prompt typed in another script is translated off the UI thread
(the translator loads on the worker at first use, so torch never loads on the UI thread), a
quarter of a second after the typing stops. The Russian is editable; "send as typed" skips it.
Generate asks `request_submission()`: the texts to send now, or, while the Russian is still being
made, a `submission_ready` signal once it is.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from studio.translate.script import needs_translation
from studio.ui.tasks import TaskFailure, TaskRunner

log = logging.getLogger(__name__)

DEBOUNCE_MS = 250  # typing pauses this long before a translation starts

Translate = Callable[[str], str]  # text -> Russian; blocking, run on the worker


class TranslationStatus(enum.Enum):
    NOT_NEEDED = "not needed"  # empty, or already Russian: goes as typed
    NO_TRANSLATOR = "no translator"  # not installed: goes as typed
    LOOKING = "looking"  # not yet known whether a translator is installed
    TRANSLATING = "translating"
    READY = "ready"
    FAILED = "failed"


@dataclass(frozen=True)
class Submission:
    """What Generate sends: `prompt` for the model and, when that is a translation, `original`
    as typed."""

    prompt: str
    original: str | None = None


class PromptTranslation(QObject):
    """State of the prompt's translation; `changed` after every change."""

    changed = Signal()
    submission_ready = Signal(object)  # Submission, for a Generate asked while translating

    def __init__(
        self,
        tasks: TaskRunner | None = None,
        debounce_ms: int = DEBOUNCE_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        # One worker thread of its own: a first load takes seconds and must not hold up the
        # window's other background calls; one at a time, so translations never pile up.
        self._tasks = tasks or TaskRunner(self, threads=1)
        self._translate: Translate | None = None
        self._translator_known = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self._start)
        self._known: dict[str, str] = {}  # typed text -> Russian sent before (the history)
        self.text = ""
        self.russian = ""
        self.edited = False  # the user changed the Russian by hand
        self.send_as_typed = False
        self.status = TranslationStatus.NOT_NEEDED
        self.error = ""
        self._in_flight: str | None = None  # the text the worker is translating
        self._waiting = False  # Generate was pressed before the Russian was ready

    # -- inputs ---------------------------------------------------------------------------------

    def set_translator(self, translate: Translate | None) -> None:
        """The translator to use (None: not installed). Retranslates the current text."""
        self._translate = translate
        self._translator_known = True
        self.set_text(self.text, force=True)

    def remember(self, typed: str, russian: str) -> None:
        """A pair sent before: typing `typed` again brings back this Russian, edits included."""
        if typed and russian and typed != russian:
            self._known[typed] = russian

    def set_text(self, text: str, force: bool = False) -> None:
        """The prompt as typed changed."""
        text = text.strip()
        if text == self.text and not force:
            return
        self.text = text
        self.edited = False
        self.error = ""
        self._timer.stop()
        if not needs_translation(text):
            self._set(TranslationStatus.NOT_NEEDED, "")
        elif text in self._known:
            self._set(TranslationStatus.READY, self._known[text])
        elif self._translate is None:
            status = (
                TranslationStatus.NO_TRANSLATOR
                if self._translator_known
                else TranslationStatus.LOOKING
            )
            self._set(status, "")
        else:
            self._set(TranslationStatus.TRANSLATING, "")
            self._timer.start()
        if self._waiting and self.status is not TranslationStatus.TRANSLATING:
            self._waiting = False

    def set_russian(self, russian: str) -> None:
        """The user edited the Russian."""
        if self.status is not TranslationStatus.READY or russian == self.russian:
            return
        self.russian = russian
        self.edited = True
        self.changed.emit()

    def set_send_as_typed(self, on: bool) -> None:
        if on != self.send_as_typed:
            self.send_as_typed = on
            self.changed.emit()

    # -- Generate -------------------------------------------------------------------------------

    @property
    def first_load(self) -> bool:
        """The translator is being loaded for its first translation (that takes seconds)."""
        loaded = getattr(self._translate, "loaded", True)
        return self.status is TranslationStatus.TRANSLATING and not loaded

    @property
    def pending(self) -> bool:
        """The Russian is still being made (Generate will wait for it)."""
        return self.status is TranslationStatus.TRANSLATING and not self.send_as_typed

    def submission(self) -> Submission | None:
        """The texts to send now; None while the Russian is being made."""
        if self.pending:
            return None
        russian = self.russian.strip()
        if self.status is TranslationStatus.READY and not self.send_as_typed and russian:
            return Submission(russian, self.text)
        return Submission(self.text)

    def request_submission(self) -> Submission | None:
        """`submission()`, and when that must wait, `submission_ready` once it can be made."""
        ready = self.submission()
        self._waiting = ready is None
        if self._waiting and self._timer.isActive():  # no need to wait out the typing pause
            self._timer.stop()
            self._start()
        return ready

    @property
    def waiting(self) -> bool:
        return self._waiting

    # -- the worker -----------------------------------------------------------------------------

    def _set(self, status: TranslationStatus, russian: str) -> None:
        self.status = status
        self.russian = russian
        self.changed.emit()

    def _start(self) -> None:
        if self._in_flight is not None or self._translate is None:
            return  # the answer in flight starts the next one (see `_finished`)
        text, translate = self.text, self._translate
        self._in_flight = text
        self._tasks.submit(
            lambda _control: translate(text),
            on_result=lambda russian: self._finished(text, russian),
            on_error=lambda failure: self._failed(text, failure),
            what="the translation",
        )

    def _finished(self, text: str, russian: str) -> None:
        self._in_flight = None
        if text != self.text or self.status is not TranslationStatus.TRANSLATING:
            self._restart_if_needed()
            return
        self._set(TranslationStatus.READY, russian)
        if self._waiting:
            self._waiting = False
            self.submission_ready.emit(self.submission())

    def _failed(self, text: str, failure: TaskFailure) -> None:
        self._in_flight = None
        if text != self.text or self.status is not TranslationStatus.TRANSLATING:
            self._restart_if_needed()
            return
        self.error = failure.message
        self._waiting = False
        self._set(TranslationStatus.FAILED, "")

    def _restart_if_needed(self) -> None:
        """The text changed while the worker was busy: translate the new one."""
        if self.status is TranslationStatus.TRANSLATING and not self._timer.isActive():
            self._start()

    def close(self, msecs: int = 0) -> bool:
        """Drop answers still on their way (the window is closing); False when a translation
        (or the translator's first load, which cannot be interrupted) still runs."""
        self._timer.stop()
        return self._tasks.close(msecs)
