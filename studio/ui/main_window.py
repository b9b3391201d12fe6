"""The main window: it composes the panels and owns nothing else."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox

from studio import APP_NAME
from studio.library import Library


class MainWindow(QMainWindow):
    def __init__(self, library: Library | None = None) -> None:
        super().__init__()
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)
        self.library = library or Library()
        if self.library.moved_aside_to is not None:
            QMessageBox.warning(
                self,
                APP_NAME,
                "Your library file was damaged and could not be opened. It was kept as\n"
                f"{self.library.moved_aside_to}\nand a new, empty library was started.",
            )
        count = len(self.library.candidates())
        self.setCentralWidget(QLabel(f"{count} candidates in the library"))
        self.statusBar().showMessage(f"Library: {self.library.paths.library_db}")
