"""The view-model of the "Train a style" dialog: the pictures and their captions, the settings,
the memory and time estimate, and what stops the training from starting.

Captions not in Russian are translated off the UI thread by the prompts' own translator (Emojich
reads Russian only); the Russian can be edited, and with no translator installed a caption goes
as typed, as prompts do.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from studio.engine.config import DalleConfig
from studio.engine.styles.estimate import GIB, estimate_training_memory, suggested_changes
from studio.engine.styles.library import check_style_name
from studio.engine.styles.recipe import StyleRecipe
from studio.errors import StudioError
from studio.jobs.style_training import (
    MAX_PICTURES,
    MIN_PICTURES,
    InvalidTrainingRequest,
    StyleTrainingRequest,
    TrainingPicture,
)
from studio.translate.script import needs_translation
from studio.ui.tasks import TaskFailure, TaskRunner

log = logging.getLogger(__name__)

Translate = Callable[[str], str]  # text -> Russian; blocking, run off the UI thread
_WEIGHT_BYTES = {"fp32": 4, "bf16": 2, "fp16": 2, "int8": 1}


class CaptionState(enum.Enum):
    AS_TYPED = "as typed"  # Russian already, or no translator: the model reads it as typed
    TRANSLATING = "translating"
    TRANSLATED = "translated"
    FAILED = "failed"


@dataclass(frozen=True)
class PictureRow:
    """One training picture: its file, its cut-out mask (a kept candidate's), the caption as
    typed and the Russian the model will read."""

    image: str
    typed: str
    mask: str | None = None
    russian: str = ""
    state: CaptionState = CaptionState.AS_TYPED

    @property
    def caption(self) -> str:
        """What the model reads."""
        return self.russian if self.state is CaptionState.TRANSLATED else self.typed


@dataclass(frozen=True)
class DeviceFacts:
    """What the dialog knows of the device the worker trains on."""

    device: str = "cpu"  # "cuda" or "cpu"
    precision: str | None = None  # the settings' (None: the device's default)
    gpu_memory_bytes: int | None = None


@dataclass(frozen=True)
class KnownSpeed:
    """Seconds per step measured by an earlier training on this computer."""

    seconds_per_step: float
    batch_size: int
    style: str


class StyleTrainingForm(QObject):
    """State of the dialog; `changed` after every change."""

    changed = Signal()

    def __init__(
        self,
        existing_styles: set[str] | None = None,
        min_pictures: int = MIN_PICTURES,
        tasks: TaskRunner | None = None,
        parent: QObject | None = None,
        unfinished: set[str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.min_pictures = min_pictures
        self._existing = {s.lower() for s in existing_styles or ()}
        # Names of trainings a stop or a crash left unfinished (their checkpoints hold them).
        self._unfinished = {s.lower() for s in unfinished or ()}
        self._tasks = tasks or TaskRunner(self, threads=1)
        self._translate: Translate | None = None
        self.rows: list[PictureRow] = []
        self.name = ""
        self.steps = 400
        self.lr = 1e-5
        self.image_loss_weight = 1000.0
        self.batch_size = 2
        self.previews: tuple[str, ...] = ()
        self.device = DeviceFacts()
        self.known_speed: KnownSpeed | None = None
        self.config = DalleConfig.emojich()

    # -- pictures -------------------------------------------------------------------------------

    def add_pictures(
        self, pictures: list[tuple[str, str, str | None]], russian: dict[str, str] | None = None
    ) -> int:
        """Add (image, caption, mask) rows, skipping pictures already in; returns how many.
        `russian` holds, by image, the Russian a caption already has (a prompt's translation,
        as it was sent to the model), which is then used instead of translating again."""
        known = {r.image for r in self.rows}
        russian = russian or {}
        added = 0
        for image, caption, mask in pictures:
            if image in known:
                continue
            known.add(image)
            row = PictureRow(image, caption.strip(), mask)
            if russian.get(image) and needs_translation(row.typed):
                row = replace(row, russian=russian[image], state=CaptionState.TRANSLATED)
            self.rows.append(row)
            added += 1
        if added:
            self._translate_pending()
            self.changed.emit()
        return added

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            if 0 <= row < len(self.rows):
                del self.rows[row]
        self.changed.emit()

    def set_caption(self, row: int, typed: str) -> None:
        """The user typed a new caption: it is translated again when it needs to be."""
        typed = typed.strip()
        if typed == self.rows[row].typed:
            return
        self.rows[row] = PictureRow(self.rows[row].image, typed, self.rows[row].mask)
        self._translate_pending()
        self.changed.emit()

    def set_russian(self, row: int, russian: str) -> None:
        """The user edited a translation."""
        current = self.rows[row]
        if current.state is CaptionState.TRANSLATED and russian.strip() != current.russian:
            self.rows[row] = replace(current, russian=russian.strip())
            self.changed.emit()

    # -- settings -------------------------------------------------------------------------------

    def set_settings(self, **values: object) -> None:
        """name, steps, lr, image_loss_weight, batch_size, previews."""
        for key, value in values.items():
            if key not in ("name", "steps", "lr", "image_loss_weight", "batch_size", "previews"):
                raise TypeError(f"unknown setting {key}")
            setattr(self, key, value.strip() if isinstance(value, str) else value)
        self.changed.emit()

    def set_device(self, device: DeviceFacts) -> None:
        self.device = device
        self.changed.emit()

    def set_known_speed(self, speed: KnownSpeed | None) -> None:
        self.known_speed = speed
        self.changed.emit()

    # -- translation ----------------------------------------------------------------------------

    def set_translator(self, translate: Translate | None) -> None:
        self._translate = translate
        self._translate_pending()
        self.changed.emit()

    def _translate_pending(self) -> None:
        if self._translate is None:
            return
        translate = self._translate
        for i, row in enumerate(self.rows):
            if row.state is CaptionState.AS_TYPED and needs_translation(row.typed):
                self.rows[i] = replace(row, state=CaptionState.TRANSLATING)
                image, typed = row.image, row.typed
                self._tasks.submit(
                    lambda _c, typed=typed: translate(typed),
                    on_result=lambda russian, image=image, typed=typed: self._translated(
                        image, typed, russian
                    ),
                    on_error=lambda failure, image=image, typed=typed: self._failed(
                        image, typed, failure
                    ),
                    what="translating a caption",
                )

    def _find(self, image: str, typed: str) -> int | None:
        for i, row in enumerate(self.rows):
            if row.image == image and row.typed == typed:
                return i
        return None  # removed or retyped meanwhile

    def _translated(self, image: str, typed: str, russian: str) -> None:
        i = self._find(image, typed)
        if i is not None and self.rows[i].state is CaptionState.TRANSLATING:
            state = CaptionState.TRANSLATED if russian.strip() else CaptionState.FAILED
            self.rows[i] = replace(self.rows[i], russian=russian.strip(), state=state)
            self.changed.emit()

    def _failed(self, image: str, typed: str, _failure: TaskFailure) -> None:
        # A bug was logged with its traceback when the failure was described.
        i = self._find(image, typed)
        if i is not None:
            self.rows[i] = replace(self.rows[i], state=CaptionState.FAILED)
            self.changed.emit()

    @property
    def translating(self) -> int:
        return sum(r.state is CaptionState.TRANSLATING for r in self.rows)

    # -- the estimate ---------------------------------------------------------------------------

    def _recipe(self) -> StyleRecipe | None:
        try:
            return StyleRecipe(
                steps=self.steps,
                lr=self.lr,
                image_loss_weight=self.image_loss_weight,
                batch_size=self.batch_size,
            )
        except StudioError:
            return None

    def memory_bytes(self) -> int | None:
        """The estimated peak memory of a step with these settings on the device."""
        recipe = self._recipe()
        if recipe is None:
            return None
        gpu = self.device.device == "cuda"
        precision = self.device.precision or ("bf16" if gpu else "fp32")
        weight = _WEIGHT_BYTES.get(precision, 4)
        return estimate_training_memory(self.config, recipe, weight, gpu).total

    def too_small(self) -> str | None:
        """What to change when the GPU cannot hold this training; None when it can."""
        need, total = self.memory_bytes(), self.device.gpu_memory_bytes
        recipe = self._recipe()
        if self.device.device != "cuda" or need is None or not total or recipe is None:
            return None
        if need <= total:
            return None
        return (
            f"The GPU has {total / GIB:.1f} GiB but this training needs about {need / GIB:.1f} "
            f"GiB: try {', '.join(suggested_changes(recipe, command_line=False))}."
        )

    def estimate_text(self) -> str:
        """Memory and time, saying where each figure comes from."""
        need = self.memory_bytes()
        where = "GPU" if self.device.device == "cuda" else "RAM"
        memory = (
            f"Memory: about {need / GIB:.1f} GiB of {where} (estimated from the model's shapes)."
            if need
            else "Memory: —"
        )
        speed = self.known_speed
        if speed is None:
            time = (
                "Time: measured on the first step once it starts (shown in Jobs); no earlier "
                "training on this computer to go by."
            )
        else:
            per_step = speed.seconds_per_step * self.batch_size / max(1, speed.batch_size)
            time = (
                f"Time: about {_duration(per_step * self.steps)} ({per_step:.1f} s a step, "
                f"scaled from the style “{speed.style}” trained here at batch "
                f"{speed.batch_size}); measured again on the first step."
            )
        return f"{memory}\n{time}"

    def cpu_warning(self) -> str | None:
        if self.device.device == "cuda":
            return None
        return (
            "No GPU: training runs on the CPU and is slow (hours for a few hundred steps of "
            "the real model); generation waits until it ends."
        )

    # -- starting -------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """Why Train cannot start yet (empty: it can)."""
        out = []
        count = len(self.rows)
        if count < self.min_pictures:
            out.append(f"Add at least {self.min_pictures} pictures ({count} so far).")
        elif count > MAX_PICTURES:
            out.append(f"At most {MAX_PICTURES} pictures ({count} chosen).")
        if not self.name:
            out.append("Give the style a name.")
        else:
            try:
                check_style_name(self.name)
            except StudioError as exc:
                out.append(str(exc)[0].upper() + str(exc)[1:] + ".")
            if self.name.lower() in self._existing:
                out.append(f"A style named “{self.name}” exists already; choose another name.")
            elif self.name.lower() in self._unfinished:
                out.append(
                    f"A training named “{self.name}” is not finished: wait for it or resume "
                    "it in Jobs, discard it in Style training, or choose another name."
                )
        blank = sum(not r.caption for r in self.rows)
        if blank:
            out.append(f"{blank} picture(s) have no caption.")
        if self.translating:
            out.append(f"Translating {self.translating} caption(s)…")
        failed = sum(r.state is CaptionState.FAILED for r in self.rows)
        if failed:
            out.append(f"{failed} caption(s) could not be translated: write them in Russian.")
        if self._recipe() is None:
            out.append("A setting is out of range.")
        too_small = self.too_small()
        if too_small:
            out.append(too_small)
        return out

    def request(self) -> StyleTrainingRequest:
        """The training to queue; `InvalidTrainingRequest` saying what is missing."""
        problems = self.problems()
        if problems:
            raise InvalidTrainingRequest(" ".join(problems))
        pictures = tuple(
            TrainingPicture(
                r.image,
                r.caption,
                r.typed if r.caption != r.typed else None,
                r.mask,
            )
            for r in self.rows
        )
        return StyleTrainingRequest(
            self.name,
            pictures,
            steps=self.steps,
            lr=self.lr,
            image_loss_weight=self.image_loss_weight,
            batch_size=self.batch_size,
            previews=self.previews,
            min_pictures=self.min_pictures,
        ).validate()

    def close(self, msecs: int = 0) -> bool:
        return self._tasks.close(msecs)


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds >= 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    if seconds >= 60:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def default_caption(path: Path) -> str:
    """A folder picture's caption until the user writes one: its file name in words."""
    words = path.stem.replace("_", " ").replace("-", " ").split()
    while len(words) > 1 and words[-1].isdigit():  # "cat_smiling_03": the number says nothing
        words.pop()
    return " ".join(words)
