"""The export row: status, progress, cancel, zip option, and the export itself.

The export runs on an `ExportRunner` thread; the bar shows its progress, lets the user cancel,
and when it is done offers to open the folder (a non-blocking message box, so the window stays
live).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from studio.pack import ExportResult, PackSpec
from studio.ui.pack.export_runner import ExportRunner

_FOLDER_SETTING = "pack/export_folder"


class ExportBar(QWidget):
    """`exported(folder)`, `exportFailed(message)` or `exportCancelled()` end each export."""

    exported = Signal(Path)
    exportFailed = Signal(str)
    exportCancelled = Signal()
    busyChanged = Signal(bool)

    def __init__(self, spec: Callable[[], PackSpec], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._spec = spec  # the pack as it stands when an export starts
        self.runner: ExportRunner | None = None
        self.message_box: QMessageBox | None = None
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.zip_box = QCheckBox("Also write a .zip")
        self.zip_box.setChecked(True)
        self.export_button = QPushButton("Export pack…")
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel export")
        self.cancel_button.setVisible(False)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status_label, 1)
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.zip_box)
        row.addWidget(self.export_button)
        self.export_button.clicked.connect(self.ask_and_export)
        self.cancel_button.clicked.connect(self.cancel)
        self._ready = False

    def set_ready(self, ready: bool, status: str) -> None:
        """Whether the pack may be exported now, and what to tell the user about it."""
        self._ready = ready
        self.export_button.setEnabled(ready and self.runner is None)
        if self.runner is None:
            self.status_label.setText(status)

    def ask_and_export(self) -> None:
        """Ask for the folder to export into (and before replacing a pack), then export."""
        spec = self._spec()
        settings = QSettings()  # window state lives in QSettings; the last export folder too
        start = str(settings.value(_FOLDER_SETTING, "") or Path.home())
        parent = QFileDialog.getExistingDirectory(self, "Export the pack into folder", start)
        if not parent:
            return
        settings.setValue(_FOLDER_SETTING, parent)
        out = Path(parent) / spec.name
        zip_path = out.with_name(out.name + ".zip")
        force = False
        if out.exists() or (self.zip_box.isChecked() and zip_path.exists()):
            answer = QMessageBox.question(
                self, "Replace pack", f"{out} already exists. Replace it with this export?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            force = True
        self.start(out, self.zip_box.isChecked(), force)

    def start(self, out: Path, make_zip: bool, force: bool = False) -> ExportRunner:
        """Export the pack into `out` on a background thread."""
        if self.runner is not None:
            raise RuntimeError("an export is already running")
        spec = self._spec()
        self.runner = ExportRunner(spec, Path(out), make_zip, force, self)
        self.runner.progress.connect(self._progress)
        self.runner.succeeded.connect(self._succeeded)
        self.runner.failed.connect(self._failed)
        self.runner.cancelled.connect(self._cancelled)
        self.runner.finished.connect(self._finished)
        self.progress.setRange(0, len(spec.stickers) + 1 + (1 if make_zip else 0))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(False)
        self.status_label.setText("Exporting…")
        self.busyChanged.emit(True)
        self.runner.start()
        return self.runner

    def cancel(self) -> None:
        """Stop the running export; it leaves nothing behind."""
        if self.runner is not None:
            self.runner.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling…")

    def shutdown(self) -> None:
        if self.runner is not None:
            self.runner.cancel()
            self.runner.wait()

    def _progress(self, done: int, total: int, message: str) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status_label.setText(f"Exporting: {message}")

    def _succeeded(self, result: ExportResult) -> None:
        self.status_label.setText(f"Exported to {result.folder}")
        self.exported.emit(result.folder)
        where = f"{result.folder}" + (f"\nand {result.zip_path}" if result.zip_path else "")
        self._show_message(
            QMessageBox.Icon.Information,
            f"Exported {len(result.stickers)} stickers to\n{where}",
            open_folder=result.folder,
        )

    def _failed(self, message: str) -> None:
        self.status_label.setText("The pack was not exported")
        self.exportFailed.emit(message)
        self._show_message(QMessageBox.Icon.Warning, f"The pack was not exported: {message}")

    def _cancelled(self) -> None:
        self.status_label.setText("Export cancelled; nothing was written")
        self.exportCancelled.emit()

    def _finished(self) -> None:
        runner, self.runner = self.runner, None
        if runner is not None:
            runner.deleteLater()
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.export_button.setEnabled(self._ready)
        self.busyChanged.emit(False)

    def _show_message(
        self, icon: QMessageBox.Icon, text: str, open_folder: Path | None = None
    ) -> None:
        # open(), not exec(): the window stays live, and the box can be answered later.
        box = QMessageBox(icon, "Export", text, QMessageBox.StandardButton.Close, self)
        if open_folder is not None:
            button = box.addButton("Open folder", QMessageBox.ButtonRole.AcceptRole)
            button.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(open_folder)))
            )
        self.message_box = box
        box.open()
