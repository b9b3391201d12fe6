"""The "Train a style" dialog: 20-500 pictures with their captions, the settings, an honest
estimate, and Train. The logic is `StyleTrainingForm`'s; this only shows and edits it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from studio.library.importing import IMAGE_SUFFIXES
from studio.translate.script import needs_translation
from studio.ui.styles.form import CaptionState, StyleTrainingForm, default_caption

# The pictures to add, (image, caption as typed, cut-out mask or None) each, and the Russian
# their captions already have, by image.
PictureSource = Callable[[], tuple[list[tuple[str, str, str | None]], dict[str, str]]]

_RUSSIAN_TEXT = {
    CaptionState.AS_TYPED: "(as typed)",
    CaptionState.TRANSLATING: "translating…",
    CaptionState.FAILED: "no translation: write the caption in Russian",
}


class TrainStyleDialog(QDialog):
    """Emits `train_requested(StyleTrainingRequest)`; the window queues it."""

    train_requested = Signal(object)

    def __init__(
        self,
        form: StyleTrainingForm,
        selected_pictures: PictureSource | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train a style")
        self.form = form
        self._selected_pictures = selected_pictures
        self._build()
        self._connect()
        self._refresh()

    def _build(self) -> None:
        intro = QLabel(
            f"Teach Emojich a look or a character from {self.form.min_pictures}–500 of your "
            "pictures. Each needs a caption saying what it shows (other languages are "
            "translated to Russian). A photo learns best after its cut-out: keep it in the "
            "gallery, check the cut-out, then add it here."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(["Picture", "Caption", "Russian (what it reads)"])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(180)
        self.count_label = QLabel()
        self.from_gallery = QPushButton("Add selected kept pictures")
        self.from_gallery.setToolTip(
            "The kept candidates and imported pictures selected in the gallery, through their "
            "cut-outs, captioned with their prompts"
        )
        self.from_gallery.setEnabled(self._selected_pictures is not None)
        self.from_files = QPushButton("Add pictures…")
        self.from_folder = QPushButton("Add a folder…")
        self.remove = QPushButton("Remove")
        sources = QHBoxLayout()
        for button in (self.from_gallery, self.from_files, self.from_folder, self.remove):
            sources.addWidget(button)
        sources.addStretch(1)
        sources.addWidget(self.count_label)

        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Ginger cat")
        self.steps = QSpinBox(minimum=1, maximum=100_000, value=self.form.steps)
        self.steps.setToolTip("Optimiser steps; a few hundred for 20-500 pictures")
        self.lr = QDoubleSpinBox(decimals=7, minimum=1e-7, maximum=0.01, singleStep=1e-6)
        self.lr.setValue(self.form.lr)
        self.lr.setToolTip("Peak learning rate (the paper's: 0.00001)")
        self.image_weight = QDoubleSpinBox(decimals=0, minimum=0, maximum=100_000, singleStep=100)
        self.image_weight.setValue(self.form.image_loss_weight)
        self.image_weight.setToolTip(
            "How much more the picture counts than the caption in the loss (the paper's: 1000)"
        )
        self.batch = QSpinBox(minimum=1, maximum=64, value=self.form.batch_size)
        self.batch.setToolTip("Pictures per step; lower needs less memory")
        self.previews = QLineEdit()
        self.previews.setPlaceholderText("up to two captions not in the pictures, separated by ;")
        self.previews.setToolTip("Drawn every quarter of the training, so you can see it learn")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Steps", self.steps)
        form.addRow("Learning rate", self.lr)
        form.addRow("Image-loss weight", self.image_weight)
        form.addRow("Batch size", self.batch)
        form.addRow("Preview captions", self.previews)

        self.estimate = QLabel()
        self.estimate.setWordWrap(True)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #9a6700;")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        self.train = QPushButton("Train")
        self.train.setDefault(True)
        self.cancel = QPushButton("Close")
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.train)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(sources)
        layout.addLayout(form)
        layout.addWidget(self.estimate)
        layout.addWidget(self.warning)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)
        self.resize(760, 640)

    def _connect(self) -> None:
        self.form.changed.connect(self._refresh)
        self.table.cellChanged.connect(self._on_cell_changed)
        self.from_gallery.clicked.connect(self.add_selected)
        self.from_files.clicked.connect(self._choose_files)
        self.from_folder.clicked.connect(self._choose_folder)
        self.remove.clicked.connect(self._remove_selected)
        self.name.textChanged.connect(lambda text: self.form.set_settings(name=text))
        self.steps.valueChanged.connect(lambda v: self.form.set_settings(steps=v))
        self.lr.valueChanged.connect(lambda v: self.form.set_settings(lr=v))
        self.image_weight.valueChanged.connect(
            lambda v: self.form.set_settings(image_loss_weight=v)
        )
        self.batch.valueChanged.connect(lambda v: self.form.set_settings(batch_size=v))
        self.previews.textChanged.connect(self._on_previews)
        self.train.clicked.connect(self._train)
        self.cancel.clicked.connect(self.reject)

    # -- adding pictures ------------------------------------------------------------------------

    def add_selected(self) -> None:
        if self._selected_pictures is not None:
            self.form.add_pictures(*self._selected_pictures())

    def add_files(self, paths: list[Path]) -> None:
        """Pictures from disk, captioned with their file names until edited."""
        self.form.add_pictures([(str(p), default_caption(p), None) for p in paths])

    def _choose_files(self) -> None:
        patterns = " ".join(f"*{s}" for s in IMAGE_SUFFIXES)
        files, _ = QFileDialog.getOpenFileNames(
            self, "Training pictures", str(Path.home()), f"Images ({patterns})"
        )
        self.add_files([Path(f) for f in files])

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "A folder of training pictures")
        if folder:
            self.add_files(
                sorted(p for p in Path(folder).iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
            )

    def _remove_selected(self) -> None:
        self.form.remove_rows([i.row() for i in self.table.selectionModel().selectedRows()])

    # -- editing --------------------------------------------------------------------------------

    def _on_cell_changed(self, row: int, column: int) -> None:
        text = self.table.item(row, column).text()
        if column == 1:
            self.form.set_caption(row, text)
        elif column == 2:
            self.form.set_russian(row, text)

    def _on_previews(self, text: str) -> None:
        captions = tuple(c.strip() for c in text.split(";") if c.strip())
        self.form.set_settings(previews=captions[:2])

    def _refresh(self) -> None:
        form = self.form
        self.table.blockSignals(True)
        self.table.setRowCount(len(form.rows))
        for i, row in enumerate(form.rows):
            name = QTableWidgetItem(Path(row.image).name + (" (cut out)" if row.mask else ""))
            name.setFlags(name.flags() & ~Qt.ItemFlag.ItemIsEditable)
            name.setToolTip(row.image)
            if row.state is CaptionState.TRANSLATED:
                text = row.russian
            elif row.state is CaptionState.AS_TYPED and needs_translation(row.typed):
                text = "(as typed: no translator installed, see Models)"
            else:
                text = _RUSSIAN_TEXT[row.state]
            russian = QTableWidgetItem(text)
            if row.state is not CaptionState.TRANSLATED:
                russian.setFlags(russian.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(i, 0, name)
            self.table.setItem(i, 1, QTableWidgetItem(row.typed))
            self.table.setItem(i, 2, russian)
        self.table.blockSignals(False)
        self.count_label.setText(f"{len(form.rows)} picture(s)")
        self.estimate.setText(form.estimate_text())
        warning = form.cpu_warning()
        self.warning.setText(warning or "")
        self.warning.setVisible(bool(warning))
        problems = form.problems()
        self.problems.setText("\n".join(problems))
        self.problems.setVisible(bool(problems))
        self.train.setEnabled(not problems)

    def _train(self) -> None:
        self.train_requested.emit(self.form.request())
        self.accept()

    def done(self, result: int) -> None:  # noqa: D102 - QDialog's
        self.form.close()
        super().done(result)
