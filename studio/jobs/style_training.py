"""A style-training job: its request, and the run the generation worker drives.

The worker owns the loaded model, so training runs there, between generation jobs, on the same
weights: the trainable tensors are swapped for float32 copies while it runs and the base ones put
back after. A checkpoint is written every `checkpoint_every` steps and when the user stops, so a
stopped or crashed training continues where it was (`StyleTrainer.resume` restores the weights,
the optimiser, the schedule and the random state: the result is the uninterrupted one's).

Importing this module never imports torch; `run_training` does, in the worker thread.
"""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from studio.engine.styles.library import (
    CHECKPOINT_SUFFIX,
    check_style_name,
    checkpoint_path,
    style_path,
    styles_dir,
)
from studio.engine.styles.recipe import InvalidRecipe, StyleRecipe
from studio.errors import StudioError
from studio.faults import describe
from studio.fileio import atomic_write_text
from studio.jobs.events import JobEvent
from studio.jobs.training_events import (
    StyleSaved,
    TrainingPlanned,
    TrainingPreview,
    TrainingProgress,
)

log = logging.getLogger(__name__)

MIN_PICTURES = 20
MAX_PICTURES = 500
MAX_PREVIEWS = 2
REQUEST_SUFFIX = ".training.json"


class InvalidTrainingRequest(StudioError):
    """A style training that cannot run as asked."""


@dataclass(frozen=True)
class TrainingPicture:
    """One training picture: `caption` is what the model reads (Russian), `caption_typed` the
    text the user wrote when `caption` is its translation; `mask` a cut-out (a kept photo's or
    candidate's) the picture is trained through, on white, as stickers are."""

    image: str
    caption: str
    caption_typed: str | None = None
    mask: str | None = None


@dataclass(frozen=True)
class StyleTrainingRequest:
    """Everything one style training needs: the pictures, the settings, the previews."""

    name: str
    pictures: tuple[TrainingPicture, ...]
    steps: int = 400
    lr: float = 1e-5
    image_loss_weight: float = 1000.0
    batch_size: int = 2
    optimizer: str = "adamw8bit"
    seed: int = 0
    previews: tuple[str, ...] = ()  # held-out captions drawn every `preview_every` steps
    preview_every: int = 0  # 0: a quarter of the steps
    checkpoint_every: int = 50
    min_pictures: int = field(default=MIN_PICTURES, compare=False)

    def recipe(self) -> StyleRecipe:
        try:
            return StyleRecipe(
                steps=self.steps,
                lr=self.lr,
                image_loss_weight=self.image_loss_weight,
                batch_size=self.batch_size,
                optimizer=self.optimizer,
                seed=self.seed,
            )
        except InvalidRecipe as exc:
            raise InvalidTrainingRequest(str(exc)) from None

    def validate(self) -> StyleTrainingRequest:
        """Raise `InvalidTrainingRequest` with a message the user can act on; returns self."""
        try:
            check_style_name(self.name)
        except StudioError as exc:
            raise InvalidTrainingRequest(str(exc)) from None
        count = len({p.image for p in self.pictures})
        if count < self.min_pictures:
            raise InvalidTrainingRequest(
                f"A style needs at least {self.min_pictures} different pictures; {count} chosen."
            )
        if len(self.pictures) > MAX_PICTURES:
            raise InvalidTrainingRequest(
                f"At most {MAX_PICTURES} pictures per style; {len(self.pictures)} chosen."
            )
        blank = [p for p in self.pictures if not p.caption.strip()]
        if blank:
            raise InvalidTrainingRequest(
                f"{len(blank)} picture(s) have no caption, e.g. {Path(blank[0].image).name}."
            )
        if len(self.previews) > MAX_PREVIEWS:
            raise InvalidTrainingRequest(f"At most {MAX_PREVIEWS} preview captions.")
        if self.preview_every < 0 or self.checkpoint_every < 1:
            raise InvalidTrainingRequest("Previews and checkpoints need a positive interval.")
        self.recipe()
        return self

    @property
    def previews_every(self) -> int:
        return self.preview_every or max(1, self.steps // 4)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> StyleTrainingRequest:
        data: dict[str, Any] = json.loads(text)
        known = {f.name for f in fields(cls)}
        data = {k: v for k, v in data.items() if k in known}
        data["pictures"] = tuple(TrainingPicture(**p) for p in data.get("pictures", ()))
        data["previews"] = tuple(data.get("previews", ()))
        return cls(**data)


def request_path(name: str) -> Path:
    """Where a training's request is kept while it is unfinished (beside its checkpoint)."""
    return styles_dir() / f"{check_style_name(name)}{REQUEST_SUFFIX}"


def save_request(request: StyleTrainingRequest) -> None:
    atomic_write_text(request_path(request.name), request.to_json())


def save_queued_request(request: StyleTrainingRequest) -> None:
    """Keep a training's request from the moment it is queued (`unfinished_trainings` finds it
    after a quit); a full or read-only disk refuses the training in one line."""
    try:
        save_request(request)
    except OSError as exc:
        problem = describe(exc, "cannot save the training's request")
        if problem is None:
            raise
        raise InvalidTrainingRequest(problem[0].upper() + problem[1:] + ".") from None


def unfinished_trainings() -> list[tuple[StyleTrainingRequest, bool]]:
    """Trainings a stop, a crash or a closed app left unfinished: (request, has a checkpoint)."""
    folder = styles_dir()
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob(f"*{REQUEST_SUFFIX}")):
        try:
            request = StyleTrainingRequest.from_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError, TypeError) as exc:
            log.warning("Skipping the unreadable training request %s: %s", path, exc)
            continue
        name = path.name.removesuffix(REQUEST_SUFFIX)
        out.append((request, (folder / f"{name}{CHECKPOINT_SUFFIX}").exists()))
    return out


def forget_training(name: str) -> None:
    """Delete an unfinished training's request and checkpoint (the user discards it)."""
    request_path(name).unlink(missing_ok=True)
    checkpoint_path(name).unlink(missing_ok=True)


def cut_out_pictures(request: StyleTrainingRequest) -> list[Path]:
    """The files the model learns from: a picture with a cut-out is drawn through it into
    `<styles>/NAME.pictures/` (kept with the style's data list), the others are used as they are."""
    from studio.fileio import atomic_save_image
    from studio.pack.imageload import load_source
    from studio.pack.spec import MaskedImage

    folder = styles_dir() / f"{check_style_name(request.name)}.pictures"
    out = []
    for i, picture in enumerate(request.pictures):
        if picture.mask is None:
            out.append(Path(picture.image))
            continue
        path = folder / f"{i:03}-{Path(picture.image).stem}.png"
        try:
            rgba = load_source(MaskedImage(Path(picture.image), Path(picture.mask)))
        except (OSError, ValueError) as exc:
            raise StudioError(f"cannot cut out {picture.image}: {exc}") from None
        atomic_save_image(path, rgba)
        out.append(path)
    return out


def _png(picture: Any) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def run_training(
    models: Any,  # EmojichModels, loaded
    request: StyleTrainingRequest,
    job_id: int,
    should_stop: Callable[[], bool],
) -> Iterator[JobEvent]:
    """Train (or continue) the style `request.name` on `models`, yielding its events; raises
    `GenerationCancelled` after saving a checkpoint when `should_stop()` turns true. The model
    is given back as loaded, whatever happens."""
    import torch

    from studio.engine.errors import GenerationCancelled
    from studio.engine.styles import StyleExample, StyleTrainer, encode_examples, write_style
    from studio.engine.styles.estimate import check_fits, estimate_training_memory
    from studio.engine.styles.preview import preview_pictures
    from studio.engine.styles.trainer import default_autocast

    name = check_style_name(request.name)
    target, checkpoint = style_path(name), checkpoint_path(name)
    if target.exists():
        raise InvalidTrainingRequest(f"A style named {name!r} exists already; choose another name.")
    save_request(request)
    autocast = default_autocast(models.device)
    if checkpoint.exists():
        trainer = StyleTrainer.resume(models.dalle, checkpoint, autocast=autocast)
    else:
        files = cut_out_pictures(request)
        examples = [
            StyleExample(f, p.caption) for f, p in zip(files, request.pictures, strict=True)
        ]
        text_ids, codes = encode_examples(models, examples)
        data = [
            {"image": str(f), "caption": p.caption}
            | ({"caption_typed": p.caption_typed} if p.caption_typed else {})
            | ({"source": p.image} if p.mask else {})
            for f, p in zip(files, request.pictures, strict=True)
        ]
        trainer = StyleTrainer(models.dalle, text_ids, codes, request.recipe(), autocast, data)
    try:
        recipe = trainer.recipe
        need = estimate_training_memory(
            models.config, recipe, models.dtype.itemsize, models.device.type == "cuda"
        ).total
        if models.device.type == "cuda":
            check_fits(need, torch.cuda.mem_get_info(models.device)[0], recipe, False)
        per_step = trainer.probe_seconds()
        yield TrainingPlanned(
            job_id,
            name,
            trainer.step,
            recipe.steps,
            per_step,
            need,
            f"{models.device.type} ({models.precision})",
            trainer.optimizer_name,
        )
        started, first = time.monotonic(), trainer.step
        every = replace(request, steps=recipe.steps).previews_every
        for record in trainer.steps(should_stop):
            if record.step % request.checkpoint_every == 0 and record.step < record.steps:
                trainer.save_checkpoint(checkpoint)
            rate = (time.monotonic() - started) / (record.step - first)
            yield TrainingProgress(
                job_id,
                record.step,
                record.steps,
                record.loss,
                record.text_loss,
                record.image_loss,
                record.lr,
                rate * (record.steps - record.step),
            )
            if request.previews and (record.step % every == 0 or record.step == record.steps):
                pictures = preview_pictures(models, trainer, list(request.previews))
                yield TrainingPreview(
                    job_id,
                    record.step,
                    tuple(request.previews),
                    tuple(_png(p) for p in pictures),
                )
        if not trainer.done:
            trainer.save_checkpoint(checkpoint)
            raise GenerationCancelled(f"style training stopped at step {trainer.step}")
        style = trainer.style(name, model_id=models.model_id)
        write_style(target, style)
    finally:
        trainer.restore_base()
    checkpoint.unlink(missing_ok=True)
    request_path(name).unlink(missing_ok=True)
    yield StyleSaved(job_id, name, str(target), target.stat().st_size)
