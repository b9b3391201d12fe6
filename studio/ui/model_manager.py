"""The model manager: which files are present or missing, download them (with progress and
cancel), use a folder you already have, choose the device and precision, and where to generate."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.jobs.backend import DeviceInfo
from studio.settings import PRECISIONS, Settings, save_settings
from studio.ui.model_files import TRANSLATOR_KEY, ModelCheck, check_model_files, human_size
from studio.ui.tasks import Task, TaskControl, TaskFailure, TaskRunner
from studio.ui.where_chooser import WhereChooser

log = logging.getLogger(__name__)

AUTO = "Automatic"


class ModelManagerDialog(QDialog):
    settings_changed = Signal(object)  # Settings, already saved
    files_changed = Signal(object)  # ModelCheck

    def __init__(
        self,
        settings: Settings,
        tasks: TaskRunner,
        device_info: DeviceInfo | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Model manager")
        self.resize(720, 460)
        self._settings = settings
        self._tasks = tasks
        self._device_info = device_info
        self._download: Task | None = None
        self._build()
        self._connect()
        self._fill_devices()
        self.refresh()

    def _build(self) -> None:
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.folder_label.setWordWrap(True)
        self.use_folder_button = QPushButton("Use folder…")
        self.use_folder_button.setToolTip("Use model files you already have, where they are")
        self.default_folder_button = QPushButton("Studio folder")
        self.default_folder_button.setToolTip("Go back to the studio's own model folder")
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_label, 1)
        folder_row.addWidget(self.use_folder_button)
        folder_row.addWidget(self.default_folder_button)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["File", "Part", "Status", "Size"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)

        self.summary = QLabel("Looking for the model files…")
        self.summary.setWordWrap(True)
        self.download_button = QPushButton("Download missing files")
        self.translator_button = QPushButton("Download the translator")
        self.translator_button.setToolTip(
            "The optional English -> Russian translator (Helsinki-NLP/opus-mt-en-ru, about "
            "300 MB): prompts in English are shown and sent in Russian"
        )
        self.translator_button.setEnabled(False)
        self.cancel_button = QPushButton("Cancel download")
        self.cancel_button.setEnabled(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.progress_label = QLabel()
        self.progress_label.setWordWrap(True)
        download_row = QHBoxLayout()
        download_row.addWidget(self.download_button)
        download_row.addWidget(self.translator_button)
        download_row.addWidget(self.cancel_button)
        download_row.addWidget(self.progress, 1)

        self.device_box = QComboBox()
        self.precision_box = QComboBox()
        self.device_label = QLabel()
        self.device_label.setObjectName("hint")
        self.where_chooser = WhereChooser(self._settings.where)
        form = QFormLayout()
        form.addRow("Where to generate", self.where_chooser)
        form.addRow("Device", self.device_box)
        form.addRow("Precision", self.precision_box)
        form.addRow("", self.device_label)

        self.close_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)

        layout = QVBoxLayout(self)
        layout.addLayout(folder_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addLayout(download_row)
        layout.addWidget(self.progress_label)
        layout.addLayout(form)
        layout.addWidget(self.close_buttons)

    def _connect(self) -> None:
        self.close_buttons.rejected.connect(self.reject)
        self.use_folder_button.clicked.connect(self._choose_folder)
        self.default_folder_button.clicked.connect(lambda: self.use_folder(None))
        self.download_button.clicked.connect(lambda: self.start_download())
        self.translator_button.clicked.connect(lambda: self.start_download([TRANSLATOR_KEY]))
        self.cancel_button.clicked.connect(self.cancel_download)
        self.device_box.currentIndexChanged.connect(self._on_device)
        self.precision_box.currentIndexChanged.connect(self._on_precision)
        self.where_chooser.where_changed.connect(lambda where: self._update_settings(where=where))

    # -- files ----------------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    def refresh(self) -> None:
        folder = self._settings.models_path
        self.folder_label.setText(f"Model folder: {folder}")
        self.default_folder_button.setEnabled(self._settings.models_dir is not None)
        self._tasks.submit(
            lambda _c: check_model_files(folder),
            on_result=self._show_check,
            what="checking the model files",
        )

    def _show_check(self, check: ModelCheck) -> None:
        if check.folder != self._settings.models_path:
            return  # an older answer, for a folder no longer chosen
        rows = check.rows()
        self.table.setRowCount(len(rows))
        for row, f in enumerate(rows):
            status = f.status
            if f.size_bytes is not None:
                size = human_size(f.size_bytes)
            elif f.expected_size:
                size = f"{human_size(f.expected_size)} to download"
            else:
                size = "—"
            for col, text in enumerate((f.name, f.part, status, size)):
                item = QTableWidgetItem(text)
                if col == 2:
                    item.setForeground(
                        Qt.GlobalColor.darkGreen
                        if f.present
                        else Qt.GlobalColor.red
                        if f.required
                        else Qt.GlobalColor.darkGray
                    )
                self.table.setItem(row, col, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        if check.error:
            self.summary.setText(check.error)
        elif check.missing:
            self.summary.setText(
                f"{len(check.missing)} required file(s) missing. Download them (resumable), or "
                "choose a folder that already has them with Use folder…"
            )
        else:
            self.summary.setText("All required files are present: the studio can generate.")
        downloading = self._download is not None
        self.download_button.setEnabled(
            bool(check.missing) and not downloading and check.error is None
        )
        self.translator_button.setEnabled(
            not check.translator_ready and not downloading and check.error is None
        )
        self.files_changed.emit(check)

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Folder with the Emojich model files", str(self._settings.models_path)
        )
        if folder:
            self.use_folder(folder)

    def use_folder(self, folder: str | None) -> None:
        """Read the model files from `folder` (None: the studio's own folder); saved at once."""
        self._update_settings(models_dir=folder)
        self.refresh()

    # -- download -------------------------------------------------------------------------------

    @property
    def downloading(self) -> bool:
        return self._download is not None

    def start_download(self, keys: list[str] | None = None) -> None:
        """Download the missing required files, or the file sets `keys` (the translator)."""
        folder = self._settings.models_path
        self.download_button.setEnabled(False)
        self.translator_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.progress.setVisible(True)
        self.progress.setRange(0, 0)
        self.progress_label.setText("Connecting to the model hub…")

        def download(control: TaskControl) -> None:
            from studio.engine import ModelStore

            ModelStore(folder).download(
                keys,
                on_progress=lambda key, done, total: control.report((key, done, total)),
                should_stop=control.should_stop,
            )

        self._download = self._tasks.submit(
            download,
            on_result=lambda _r: self._download_finished("Download finished."),
            on_error=self._download_failed,
            on_progress=self._download_progress,
            on_cancelled=lambda: self._download_finished(
                "Download cancelled; it resumes where it stopped next time."
            ),
            what="the download",
        )

    def cancel_download(self) -> None:
        if self._download is not None:
            self._download.cancel()
            self.progress_label.setText("Stopping the download…")
            self.cancel_button.setEnabled(False)

    def _download_progress(self, update: tuple[str, int, int | None]) -> None:
        key, done, total = update
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
            self.progress_label.setText(f"{key}: {human_size(done)} of {human_size(total)}")
        else:
            self.progress.setRange(0, 0)
            self.progress_label.setText(f"{key}: {human_size(done)}")

    def _download_finished(self, message: str) -> None:
        self._download = None
        self.cancel_button.setEnabled(False)
        self.progress.setVisible(False)
        self.progress_label.setText(message)
        self.refresh()

    def _download_failed(self, failure: TaskFailure) -> None:
        message = failure.message
        if "offline" in message or "unreachable" in message:
            message += " Or choose Use folder… if the files are already on this machine."
        self._download_finished(message)
        self.progress_label.setStyleSheet("color: #c0392b")

    # -- device and precision -------------------------------------------------------------------

    def set_device_info(self, info: DeviceInfo) -> None:
        self._device_info = info
        self._fill_devices()

    def _fill_devices(self) -> None:
        info = self._device_info
        self.device_box.blockSignals(True)
        self.device_box.clear()
        if info is None:
            self.device_box.addItem("Detecting…", None)
            self.device_box.setEnabled(False)
            self.device_label.setText("Finding out what this machine supports…")
        else:
            self.device_box.setEnabled(True)
            self.device_box.addItem(f"{AUTO} ({info.default_device})", None)
            for device in info.devices:
                self.device_box.addItem("GPU (CUDA)" if device == "cuda" else "CPU", device)
            self.device_box.setCurrentIndex(max(self.device_box.findData(self._settings.device), 0))
            note = info.description
            if "cuda" not in info.devices:
                note += " — no CUDA GPU found: generation runs on the CPU and is slow"
            if info.error:
                note = f"torch could not be loaded: {info.error}"
            self.device_label.setText(note)
        self.device_box.blockSignals(False)
        self._fill_precisions()

    def _device(self) -> str | None:
        info = self._device_info
        chosen = self._settings.device
        if info is None:
            return chosen
        return chosen or info.default_device

    def _fill_precisions(self) -> None:
        info = self._device_info
        device = self._device()
        supported = info.precisions.get(device, ()) if info and device else PRECISIONS
        self.precision_box.blockSignals(True)
        self.precision_box.clear()
        self.precision_box.addItem(AUTO, None)
        for p in PRECISIONS:
            self.precision_box.addItem(p if p in supported else f"{p} (not supported here)", p)
            if p not in supported:
                item = self.precision_box.model().item(self.precision_box.count() - 1)
                item.setEnabled(False)
        chosen = self._settings.precision
        if chosen is not None and chosen not in supported:
            chosen = None
        self.precision_box.setCurrentIndex(max(self.precision_box.findData(chosen), 0))
        self.precision_box.setEnabled(info is not None)
        self.precision_box.blockSignals(False)

    def _on_device(self) -> None:
        self._update_settings(device=self.device_box.currentData())
        self._fill_precisions()
        self._on_precision()

    def _on_precision(self) -> None:
        self._update_settings(precision=self.precision_box.currentData())

    def _update_settings(self, **changes: object) -> None:
        new = self._settings.with_changes(**changes)
        if new == self._settings:
            return
        self._settings = new
        save_settings(new)
        self.settings_changed.emit(new)

    def closeEvent(self, event) -> None:  # noqa: ANN001, N802
        self.cancel_download()
        super().closeEvent(event)
