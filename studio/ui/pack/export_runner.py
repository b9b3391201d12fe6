"""The export on its own thread: progress as signals, cancel through an interruption request.

The runner gets a finished `PackSpec` that holds only file paths, so the thread never touches
the library (whose SQLite connection belongs to the UI thread) nor any widget.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from studio.errors import StudioError
from studio.pack import ExportCancelled, ExportProgress, PackSpec, export_pack

log = logging.getLogger(__name__)


class ExportRunner(QThread):
    """Runs `studio.pack.export_pack` in the background.

    Exactly one of `succeeded(ExportResult)`, `failed(message)` or `cancelled()` follows
    `start()`; `progress(done, total, message)` comes after each step.
    """

    progress = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, spec: PackSpec, out: Path, make_zip: bool, force: bool, parent=None):
        super().__init__(parent)
        self.spec = spec
        self.out = out
        self.make_zip = make_zip
        self.force = force

    def cancel(self) -> None:
        """Ask the export to stop; it checks between stickers and leaves nothing behind."""
        self.requestInterruption()

    def _on_progress(self, step: ExportProgress) -> None:
        self.progress.emit(step.done, step.total, step.message)

    def run(self) -> None:
        try:
            result = export_pack(
                self.spec,
                self.out,
                make_zip=self.make_zip,
                force=self.force,
                on_progress=self._on_progress,
                should_stop=self.isInterruptionRequested,
            )
        except ExportCancelled:
            self.cancelled.emit()
        except StudioError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: logged with its traceback, told to the user plainly
            log.exception("pack export failed")
            self.failed.emit(f"the export stopped on an unexpected problem ({exc}); see the log")
        else:
            self.succeeded.emit(result)
