"""The export row: status, progress, cancel, zip option, and the export itself.

The export runs as a background task (`studio.ui.tasks`) on a finished `PackSpec` that holds
only file paths, so it never touches the library (whose SQLite connection belongs to the UI
thread) nor any widget. The bar shows its progress, lets the user cancel (the export checks
between stickers and leaves nothing behind), and when it is done offers to open the folder (a
non-blocking message box, so the window stays live). The last export folder is kept in the
window-state store (`studio.ui.window_state`).
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

from studio.pack import ExportProgress, ExportResult, PackSpec, export_pack
from studio.ui.tasks import Task, TaskControl, TaskFailure, TaskRunner

_FOLDER_SETTING = "pack/export_folder"


class ExportBar(QWidget):
    """`exported(folder)`, `export_failed(message)` or `export_cancelled()` end each export."""

    exported = Signal(Path)
    export_failed = Signal(str)
    export_cancelled = Signal()
    busy_changed = Signal(bool)

    def __init__(
        self, spec: Callable[[], PackSpec], store: QSettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._spec = spec  # the pack as it stands when an export starts
        self._store = store
        self._tasks = TaskRunner(self, threads=1)
        self.export_task: Task | None = None
        self.message_box: QMessageBox | None = None
        self._ready = False
        self._build()
        self._connect()

    def _build(self) -> None:
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

    def _connect(self) -> None:
        self.export_button.clicked.connect(self.ask_and_export)
        self.cancel_button.clicked.connect(self.cancel)

    def set_ready(self, ready: bool, status: str) -> None:
        """Whether the pack may be exported now, and what to tell the user about it."""
        self._ready = ready
        self.export_button.setEnabled(ready and self.export_task is None)
        if self.export_task is None:
            self.status_label.setText(status)

    def ask_and_export(self) -> None:
        """Ask for the folder to export into (and before replacing a pack), then export."""
        spec = self._spec()
        start = str(self._store.value(_FOLDER_SETTING, "") or Path.home())
        parent = QFileDialog.getExistingDirectory(self, "Export the pack into folder", start)
        if not parent:
            return
        self._store.setValue(_FOLDER_SETTING, parent)
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

    def start(self, out: Path, make_zip: bool, force: bool = False) -> Task:
        """Export the pack into `out` in the background; the task's `progress` carries
        `ExportProgress` steps."""
        if self.export_task is not None:
            raise RuntimeError("an export is already running")
        spec, out = self._spec(), Path(out)

        def export(control: TaskControl) -> ExportResult:
            return export_pack(
                spec,
                out,
                make_zip=make_zip,
                force=force,
                on_progress=control.report,
                should_stop=control.should_stop,
            )

        self.export_task = self._tasks.submit(
            export,
            on_result=self._succeeded,
            on_error=self._failed,
            on_progress=self._progress,
            on_cancelled=self._cancelled,
            what="the export",
        )
        self.progress.setRange(0, len(spec.stickers) + 1 + (1 if make_zip else 0))
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        self.cancel_button.setEnabled(True)
        self.export_button.setEnabled(False)
        self.status_label.setText("Exporting…")
        self.busy_changed.emit(True)
        return self.export_task

    def cancel(self) -> None:
        """Stop the running export; it leaves nothing behind."""
        if self.export_task is not None:
            self.export_task.cancel()
            self.cancel_button.setEnabled(False)
            self.status_label.setText("Cancelling…")

    def shutdown(self) -> None:
        """Cancel a running export and wait for it to clean up after itself."""
        self._tasks.close()

    def _progress(self, step: ExportProgress) -> None:
        self.progress.setRange(0, step.total)
        self.progress.setValue(step.done)
        self.status_label.setText(f"Exporting: {step.message}")

    def _succeeded(self, result: ExportResult) -> None:
        self._finished()
        self.status_label.setText(f"Exported to {result.folder}")
        self.exported.emit(result.folder)
        where = f"{result.folder}" + (f"\nand {result.zip_path}" if result.zip_path else "")
        self._show_message(
            QMessageBox.Icon.Information,
            f"Exported {len(result.stickers)} stickers to\n{where}",
            open_folder=result.folder,
        )

    def _failed(self, failure: TaskFailure) -> None:
        self._finished()
        message = failure.message
        self.status_label.setText("The pack was not exported")
        self.export_failed.emit(message)
        self._show_message(QMessageBox.Icon.Warning, f"The pack was not exported: {message}")

    def _cancelled(self) -> None:
        self._finished()
        self.status_label.setText("Export cancelled; nothing was written")
        self.export_cancelled.emit()

    def _finished(self) -> None:
        self.export_task = None
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.export_button.setEnabled(self._ready)
        self.busy_changed.emit(False)

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
