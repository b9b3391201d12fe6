"""The pack panel's "Publish to Telegram" section: token, bot, owner, progress, countdown.

A thin view over `PublishModel`: it shows the model's state and turns clicks into the model's
calls; the work itself runs as coroutines on the app's qasync loop.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)

from studio.pack import PackSpec
from studio.ui.pack.publish_model import PublishModel

_USER_SETTING = "pack/telegram_user_id"  # not a secret; the token never goes to settings
USER_HINT = "From @userinfobot; press Start in your bot once."  # one line under the field
USER_TIP = (
    "Your own numeric id (message @userinfobot to see it). "
    "Open your bot and press Start once, or Telegram refuses the set."
)


class PublishSection(QGroupBox):
    """Signals: `published(link)`, `publish_failed(message)`; `set_pack(...)` keeps it current."""

    published = Signal(str)
    publish_failed = Signal(str)

    def __init__(
        self,
        model: PublishModel,
        spec: Callable[[], PackSpec],
        store: QSettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Publish to Telegram", parent)
        self.model = model
        self._spec = spec
        self._store = store  # the window-state store (`studio.ui.window_state`)
        self._pack_name = ""
        self._kind = "stickers"
        self._ready = False
        self._build()
        self._connect()
        saved = self._store.value(_USER_SETTING, "")
        if saved:
            self.user_edit.setText(str(saved))
            self.model.set_user_id(str(saved))
        self._refresh()

    def _build(self) -> None:
        self.token_edit = QLineEdit(placeholderText="Bot token from @BotFather")
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_token_button = QPushButton("Save token")
        self.test_button = QPushButton("Test connection")
        self.bot_label = QLabel("No bot yet")
        self.user_edit = QLineEdit(placeholderText="e.g. 123456789")
        self.user_edit.setValidator(QIntValidator(1, 2_147_483_647, self))
        self.user_hint = QLabel(USER_HINT)
        self.user_hint.setWordWrap(True)
        self.user_hint.setObjectName("hint")
        self.user_hint.setToolTip(USER_TIP)
        self.user_edit.setToolTip(USER_TIP)
        self.name_label = QLabel()
        self.name_label.setTextInteractionFlags(self.name_label.textInteractionFlags())
        self.publish_button = QPushButton("Publish")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.countdown_label = QLabel()
        self.countdown_label.setVisible(False)
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.status_label.setOpenExternalLinks(True)

        grid = QGridLayout(self)
        grid.addWidget(QLabel("Bot token"), 0, 0)
        grid.addWidget(self.token_edit, 0, 1)
        token_buttons = QHBoxLayout()
        token_buttons.addWidget(self.save_token_button)
        token_buttons.addWidget(self.test_button)
        token_buttons.addWidget(self.bot_label, 1)
        grid.addLayout(token_buttons, 0, 2)
        grid.addWidget(QLabel("Your user id"), 1, 0)
        grid.addWidget(self.user_edit, 1, 1)
        grid.addWidget(self.user_hint, 2, 1, 1, 2)
        grid.addWidget(QLabel("Set"), 3, 0)
        grid.addWidget(self.name_label, 3, 1, 1, 2)
        run_row = QHBoxLayout()
        run_row.addWidget(self.publish_button)
        run_row.addWidget(self.cancel_button)
        run_row.addWidget(self.progress, 4)
        run_row.addWidget(self.countdown_label)
        run_row.addStretch(1)
        grid.addLayout(run_row, 4, 0, 1, 3)
        grid.addWidget(self.status_label, 5, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 2)

    def _connect(self) -> None:
        self.save_token_button.clicked.connect(self.save_token)
        self.token_edit.returnPressed.connect(self.save_token)
        self.test_button.clicked.connect(self.model.test_connection)
        self.user_edit.textEdited.connect(self._user_edited)
        self.publish_button.clicked.connect(self.publish)
        self.cancel_button.clicked.connect(self.model.cancel)
        self.model.state_changed.connect(self._refresh)
        self.model.progress_changed.connect(self._progress)
        self.model.countdown_changed.connect(self._countdown)
        self.model.published.connect(self.published)
        self.model.failed.connect(self.publish_failed)

    # -- public ---------------------------------------------------------------------------------

    def set_pack(self, name: str, kind: str, ready: bool) -> None:
        """The pack to publish: its name, its kind, and whether its checks pass."""
        self._pack_name, self._kind, self._ready = name, kind, ready
        self._refresh()

    def final_name_problem(self) -> str | None:
        """What is wrong with the set's name once `_by_<bot>` is added, if anything."""
        return self.model.final_name(self._pack_name)[1]

    def save_token(self) -> None:
        """Keep the pasted token in the keyring (the field is cleared) and test it."""
        token = self.token_edit.text().strip()
        self.token_edit.clear()
        self.model.save_token(token)

    def publish(self) -> None:
        self.model.publish(self._spec())

    # -- view -----------------------------------------------------------------------------------

    def _user_edited(self, text: str) -> None:
        problem = self.model.set_user_id(text)
        if problem is None:
            self._store.setValue(_USER_SETTING, text.strip())
        self.user_edit.setToolTip(problem or "")

    def _refresh(self) -> None:
        model = self.model
        running = model.running
        self.bot_label.setText(f"@{model.bot_username}" if model.bot_username else "No bot yet")
        link = model.link_for(self._pack_name, self._kind)
        name_problem = self.final_name_problem()
        if name_problem:
            self.name_label.setText(name_problem)
        elif link:
            self.name_label.setText(f"Publishes as {link}")
        else:
            self.name_label.setText("Test the connection to see the set's name (…_by_<bot>)")
        self.status_label.setText(_linked(model.status, model.link))
        can = (
            self._ready
            and not running
            and model.user_id is not None
            and model.bot_username is not None
            and not name_problem
        )
        self.publish_button.setEnabled(can)
        for widget in (self.token_edit, self.save_token_button, self.test_button, self.user_edit):
            widget.setEnabled(not running)
        self.cancel_button.setVisible(running)
        self.progress.setVisible(running)
        if not running:
            self.countdown_label.setVisible(False)

    def _progress(self, done: int, total: int, _message: str) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _countdown(self, seconds: int) -> None:
        self.countdown_label.setVisible(seconds > 0)
        self.countdown_label.setText(f"Telegram asks to wait: {seconds} s")


def _linked(status: str, link: str) -> str:
    """The status as rich text, its set link clickable."""
    from html import escape

    text = escape(status)
    if link and link in status:
        text = text.replace(escape(link), f'<a href="{escape(link)}">{escape(link)}</a>')
    return text
