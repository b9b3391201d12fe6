"""The models folder: which official files the studio needs, which are there, and getting them.

Imports neither torch nor the network until a download is asked for. A folder holding a
`studio-model.json` describes its own files and configuration (the tiny test models use this);
otherwise the official file names are looked up directly under the folder.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio.engine.errors import ModelDownloadError, ModelFileError, ModelFilesMissing
from studio.fileio import atomic_write_json
from studio.logs import adopt_library_logger
from studio.paths import studio_paths
from studio.translate import files as translator

log = logging.getLogger(__name__)

MODEL_JSON = "studio-model.json"
MANIFEST = ".studio-manifest.json"  # sizes and hashes learned from the hub at download time

EMOJICH_REPOS = ("ai-forever/rudalle-Emojich", "sberbank-ai/rudalle-Emojich")
UTILS_REPOS = ("ai-forever/rudalle-utils", "sberbank-ai/rudalle-utils", "shonenkov/rudalle-utils")

ProgressCallback = Callable[[str, int, int | None], None]  # key, bytes done, total bytes


@dataclass(frozen=True)
class OfficialFile:
    key: str  # the file set it belongs to (most sets are one file; the translator has seven)
    filename: str  # path inside the models folder (and the hub repository, unless `hub_path`)
    repos: tuple[str, ...]  # tried in order: repositories have been renamed before
    required: bool
    description: str
    hub_path: str | None = None  # path inside the hub repository when it differs
    also: tuple[str, ...] = ()  # other names that stand in for this file (safetensors weights)


OFFICIAL_FILES: tuple[OfficialFile, ...] = (
    OfficialFile("dalle", "pytorch_model.bin", EMOJICH_REPOS, True, "Emojich transformer"),
    OfficialFile(
        "vqgan", "vqgan.gumbelf8-sber-dwt.model.ckpt", UTILS_REPOS, True, "VQGAN + DWT (512 px)"
    ),
    OfficialFile("tokenizer", "bpe.model", UTILS_REPOS, True, "text tokenizer"),
    OfficialFile(
        "unet",
        "unet_effnetb5/pytorch_model_v2.bin",
        EMOJICH_REPOS,
        True,
        "Emojich U-Net (cut-outs)",
    ),
    OfficialFile(
        "vqgan256", "vqgan.gumbelf8-sber.model.ckpt", UTILS_REPOS, False, "VQGAN (256 px)"
    ),
)
# The optional English -> Russian translator: a hub snapshot in its own subfolder. Its weights
# may come as safetensors instead of the pickle the hub has always had.
_TRANSLATOR_WEIGHTS = f"{translator.TRANSLATOR_DIR}/model.safetensors"
TRANSLATOR_FILES: tuple[OfficialFile, ...] = tuple(
    OfficialFile(
        translator.TRANSLATOR_KEY,
        f"{translator.TRANSLATOR_DIR}/{name}",
        (translator.TRANSLATOR_REPO,),
        False,
        "English -> Russian translator",
        hub_path=name,
        also=(_TRANSLATOR_WEIGHTS,) if name == "pytorch_model.bin" else (),
    )
    for name in ("config.json", "pytorch_model.bin", *translator.OTHER_FILES[1:])
)
OFFICIAL_FILES = (*OFFICIAL_FILES, *TRANSLATOR_FILES)
GENERATION_KEYS = ("dalle", "vqgan", "tokenizer")


@dataclass(frozen=True)
class ModelFileStatus:
    key: str
    filename: str
    present: bool
    size_bytes: int | None
    expected_size: int | None
    required: bool
    path: Path
    description: str = ""


class DownloadCancelled(ModelDownloadError):
    """The caller stopped a download; the partial file is kept and the next download resumes."""


class ModelStore:
    """The model files of one folder (the studio's models folder by default)."""

    def __init__(self, models_dir: str | Path | None = None) -> None:
        self.models_dir = Path(models_dir) if models_dir is not None else studio_paths().models

    # -- what is there ---------------------------------------------------------------------

    def description(self) -> dict[str, Any] | None:
        """The folder's `studio-model.json`, or None for a standard (official) folder."""
        path = self.models_dir / MODEL_JSON
        if not path.is_file():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelFileError(f"{path} is not valid JSON: {exc}") from None
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            raise ModelFileError(f'{path} must be an object with a "files" mapping')
        return data

    def files(self) -> list[OfficialFile]:
        """The files this folder should hold."""
        described = self.description()
        if described is None:
            return list(OFFICIAL_FILES)
        return [
            OfficialFile(key, str(name), (), True, f"{key} ({described.get('id', 'custom')})")
            for key, name in described["files"].items()
        ] + list(TRANSLATOR_FILES)  # the translator does not depend on the Emojich files

    def path(self, key: str) -> Path:
        for entry in self.files():
            if entry.key == key:
                return self.models_dir / entry.filename
        raise KeyError(key)

    def _manifest(self) -> dict[str, Any]:
        try:
            return json.loads((self.models_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def status(self) -> list[ModelFileStatus]:
        manifest = self._manifest()
        out = []
        for entry in self.files():
            filename = _present_name(self.models_dir, entry)
            path = self.models_dir / filename
            present = path.is_file()
            expected = manifest.get(filename, {}).get("size")
            out.append(
                ModelFileStatus(
                    key=entry.key,
                    filename=filename,
                    present=present,
                    size_bytes=path.stat().st_size if present else None,
                    expected_size=expected,
                    required=entry.required,
                    path=path,
                    description=entry.description,
                )
            )
        return out

    def missing(self, keys: tuple[str, ...] | None = None) -> list[ModelFileStatus]:
        """Required files (or the given keys) that are not present."""
        return [
            s
            for s in self.status()
            if not s.present and (s.key in keys if keys is not None else s.required)
        ]

    def require(self, keys: tuple[str, ...] = GENERATION_KEYS) -> dict[str, Path]:
        """Paths of the given files; raises `ModelFilesMissing` naming those not there."""
        known = {s.key: s for s in self.status()}
        absent = [
            known[k].filename if k in known else k
            for k in keys
            if k not in known or not known[k].present
        ]
        if absent:
            raise ModelFilesMissing(absent, self.models_dir)
        return {k: known[k].path for k in keys}

    def verify(self, check_hashes: bool = False, structure: bool = True) -> list[str]:
        """Problems found: missing required files (or files of a set partly there), empty files,
        sizes (and, with `check_hashes`, SHA-256 digests) that differ from what the hub said at
        download time, and, with `structure`, files the loader would refuse
        (`studio.engine.verify`: read safely, keys and shapes against the configuration). Empty
        means fine."""
        problems = self._file_problems(check_hashes)
        if structure:
            from studio.engine.verify import structure_problems  # torch only when asked

            named = {p.split(":")[0] for p in problems}
            problems += [p for p in structure_problems(self) if p.split(":")[0] not in named]
        return problems

    def _file_problems(self, check_hashes: bool) -> list[str]:
        problems = []
        manifest = self._manifest()
        statuses = self.status()
        started = {s.key for s in statuses if s.present}  # an optional set, partly there
        for s in statuses:
            if not s.present:
                if s.required or s.key in started:
                    problems.append(f"{s.filename}: missing ({s.description})")
                continue
            if s.size_bytes == 0:
                problems.append(f"{s.filename}: empty file")
            elif s.expected_size is not None and s.size_bytes != s.expected_size:
                problems.append(
                    f"{s.filename}: {s.size_bytes} bytes, expected {s.expected_size} "
                    "(incomplete or a different file)"
                )
            elif check_hashes and manifest.get(s.filename, {}).get("sha256"):
                if _sha256(s.path) != manifest[s.filename]["sha256"]:
                    problems.append(f"{s.filename}: content differs from the hub's (damaged?)")
        return problems

    # -- getting files ---------------------------------------------------------------------

    def import_folder(self, source: str | Path, link: bool = False) -> list[str]:
        """Copy (or hard-link when `link` and possible) the official files found anywhere under
        `source` into the models folder; returns the file names imported.

        A file that is a link leading out of `source` is refused (it could expose any file of
        the system); a copy that fails (full or read-only disk) leaves no partial file.
        """
        source = Path(source)
        if not source.is_dir():
            raise ModelFileError(f"not a folder: {source}")
        found = self._find_in(source)
        try:
            self.models_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ModelFileError(_write_problem(exc, self.models_dir)) from None
        _remove_partial_imports(self.models_dir)
        imported = []
        for entry, path in found:
            target = self.models_dir / _present_name(source, entry, path)
            if target.exists() and target.samefile(path):
                continue
            self._import_one(path, target, link)
            imported.append(target.relative_to(self.models_dir).as_posix())
        if not imported and not any(s.present for s in self.status()):
            raise ModelFileError(
                f"no model files found in {source} (looked for: "
                + ", ".join(Path(e.filename).name for e in self.files())
                + ")"
            )
        return imported

    def _find_in(self, source: Path) -> list[tuple[OfficialFile, Path]]:
        """Each wanted file found under `source`; refuses links that lead out of it."""
        root = source.resolve()
        found = []
        for entry in self.files():
            path = _locate(source, entry)
            if path is None:
                continue
            real = path.resolve()
            if not real.is_relative_to(root):
                raise ModelFileError(
                    f"{path} is a link to {real}, outside {source}; refusing to import it. "
                    "Copy the real file into the folder instead"
                )
            found.append((entry, path))
        return found

    def _import_one(self, found: Path, target: Path, link: bool) -> None:
        partial = target.with_name(target.name + PARTIAL_SUFFIX)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial.unlink(missing_ok=True)
            linked = False
            if link:
                try:
                    os.link(found, partial, follow_symlinks=False)
                    linked = True
                except OSError:
                    pass  # another disk, or links not allowed: copy instead
            if not linked:
                shutil.copyfile(found, partial, follow_symlinks=True)
            os.replace(partial, target)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                partial.unlink()
            if isinstance(exc, OSError):
                raise ModelFileError(_write_problem(exc, target)) from None
            raise

    def download(
        self,
        keys: list[str] | tuple[str, ...] | None = None,
        on_progress: ProgressCallback | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[str]:
        """Download missing files (all required ones, or `keys`) from the model hub.

        Resumes partial downloads, calls `on_progress(key, done, total)` as bytes arrive and
        raises `DownloadCancelled` when `should_stop()` turns true. Offline or unreachable hub:
        `ModelDownloadError` with what to do instead. Returns the file names downloaded.
        """
        wanted = [
            e
            for e in self.files()
            if (e.key in keys if keys is not None else e.required)
            and not (self.models_dir / _present_name(self.models_dir, e)).is_file()
        ]
        unknown = set(keys or ()) - {e.key for e in self.files()}
        if unknown:
            raise ModelDownloadError(f"unknown model files: {', '.join(sorted(unknown))}")
        done = []
        for entry in wanted:
            if not entry.repos:
                raise ModelDownloadError(
                    f"{entry.filename} belongs to a custom model folder and cannot be downloaded"
                )
            self._download_one(entry, on_progress, should_stop)
            done.append(entry.filename)
        return done

    def _download_one(
        self,
        entry: OfficialFile,
        on_progress: ProgressCallback | None,
        should_stop: Callable[[], bool] | None,
    ) -> None:
        from huggingface_hub import hf_hub_download
        from huggingface_hub.errors import (
            EntryNotFoundError,
            LocalEntryNotFoundError,
            OfflineModeIsEnabled,
            RepositoryNotFoundError,
        )

        adopt_library_logger("huggingface_hub")  # its retries go to the log, not the terminal
        progress_class = _progress_class(entry.key, on_progress, should_stop)
        self.models_dir.mkdir(parents=True, exist_ok=True)
        tried = []
        remote = entry.hub_path or entry.filename
        local_dir = self.models_dir / entry.filename.removesuffix(remote)
        for repo in entry.repos:
            try:
                path = hf_hub_download(repo, remote, local_dir=local_dir, tqdm_class=progress_class)
            except (OfflineModeIsEnabled, LocalEntryNotFoundError) as exc:
                log.warning("downloading %s from %s failed", remote, repo, exc_info=True)
                status = _http_status(exc)
                why = (
                    f"the model hub kept answering {status}; try again later"
                    if status
                    else "the model hub is unreachable or offline mode is on "
                    f"({type(exc).__name__}). Connect to the internet"
                )
                raise ModelDownloadError(
                    f"cannot download {entry.filename}: {why}, or copy the files from another "
                    "machine and run `sticker-studio models import FOLDER`. The log has details."
                ) from None
            except (RepositoryNotFoundError, EntryNotFoundError):
                tried.append(repo)  # renamed or moved: try the next known name
                continue
            except DownloadCancelled:
                raise
            except OSError as exc:
                log.warning("downloading %s from %s failed", remote, repo, exc_info=True)
                raise ModelDownloadError(
                    f"downloading {entry.filename} failed: {exc}. Run the download again to "
                    "resume it."
                ) from None
            self._record(entry.filename, Path(path), _hub_sha256(repo, remote))
            return
        raise ModelDownloadError(
            f"{entry.filename} was not found in any of: {', '.join(tried)}. "
            "Get the file elsewhere and run `sticker-studio models import FOLDER`."
        )

    def _record(self, filename: str, path: Path, sha256: str | None) -> None:
        manifest = self._manifest()
        manifest[filename] = {"size": path.stat().st_size}
        if sha256:
            manifest[filename]["sha256"] = sha256
        atomic_write_json(self.models_dir / MANIFEST, manifest)


def _present_name(folder: Path, entry: OfficialFile, found: Path | None = None) -> str:
    """The name the file has in `folder`: its own, or a stand-in that is there instead (for an
    import, the stand-in `found` in the source)."""
    for name in entry.also:
        if (found is not None and found.name == Path(name).name) or (
            found is None and (folder / name).is_file() and not (folder / entry.filename).is_file()
        ):
            return name
    return entry.filename


def _locate(source: Path, entry: OfficialFile) -> Path | None:
    """Where `entry` (or a stand-in) is under `source`: at its own path, else anywhere below.
    A hub snapshot's files (common names such as config.json) come only from a folder that
    holds the whole snapshot, never one by one from anywhere; and no other file is taken from
    such a folder (its pytorch_model.bin is not the Emojich transformer's)."""
    if entry.hub_path is not None:
        for folder in _snapshot_folders(source, entry):
            for name in (entry.filename, *entry.also):
                if (folder / Path(name).name).is_file():
                    return folder / Path(name).name
        return None
    names = (entry.filename, *entry.also)
    for name in names:
        if _official_candidate(source / name):
            return source / name
    for name in names:
        found = sorted(p for p in source.rglob(Path(name).name) if _official_candidate(p))
        if found:
            return found[0]
    return None


def _official_candidate(path: Path) -> bool:
    """A file that may be an official Emojich file: not one of a translator snapshot."""
    return path.is_file() and not (path.parent / "source.spm").is_file()


def _snapshot_folders(source: Path, entry: OfficialFile) -> list[Path]:
    """Folders under `source` that hold a complete translator snapshot, likeliest first."""
    if entry.key != translator.TRANSLATOR_KEY:
        return []
    candidates = [source / translator.TRANSLATOR_DIR, source]
    candidates += sorted(p.parent for p in source.rglob("source.spm") if p.is_file())
    return [c for c in dict.fromkeys(candidates) if c.is_dir() and not translator.missing_files(c)]


PARTIAL_SUFFIX = ".importing"


def _remove_partial_imports(folder: Path) -> None:
    """Partial copies an interrupted import left (`<file>.importing`): ours, never finished."""
    for partial in folder.rglob(f"*{PARTIAL_SUFFIX}"):
        if partial.is_file() and not partial.is_symlink():
            with contextlib.suppress(OSError):
                partial.unlink()


def _write_problem(exc: OSError, where: Path) -> str:
    from studio.faults import describe

    return describe(exc, f"cannot import into {where}") or f"cannot import into {where}: {exc}"


def _http_status(exc: BaseException) -> str | None:
    """'503 Service Unavailable' when the hub answered with an error status somewhere in the
    chain of causes (it retried first); None when it was never reached."""
    seen = 0
    while exc is not None and seen < 5:
        response = getattr(exc, "response", None)
        code = getattr(response, "status_code", None)
        if isinstance(code, int):
            phrase = getattr(response, "reason_phrase", "") or ""
            return f"HTTP {code} {phrase}".strip()
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def _hub_sha256(repo: str, filename: str) -> str | None:
    """The hub's SHA-256 of a large (LFS) file: its ETag. None when unknown or unreachable."""
    from huggingface_hub import get_hf_file_metadata, hf_hub_url

    try:
        etag = get_hf_file_metadata(hf_hub_url(repo, filename)).etag or ""
    except Exception:  # the file is already here; a missing digest only weakens `verify`
        return None
    etag = etag.strip('"').removeprefix("W/").strip('"')
    return etag if len(etag) == 64 and all(c in "0123456789abcdef" for c in etag) else None


def _progress_class(
    key: str, on_progress: ProgressCallback | None, should_stop: Callable[[], bool] | None
) -> type:
    """A silent tqdm the hub client drives: reports bytes and lets the caller cancel."""
    from tqdm.auto import tqdm

    class _Progress(tqdm):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            self._done = int(kwargs.get("initial") or 0)
            self._expected = kwargs.get("total")
            super().__init__(*args, **kwargs)

        def update(self, n: float | None = 1) -> bool | None:
            self._done += int(n or 0)
            if on_progress is not None:
                on_progress(key, self._done, self._expected)
            if should_stop is not None and should_stop():
                raise DownloadCancelled(
                    f"download of {key} stopped; run it again to resume where it stopped"
                )
            return None

    return _Progress
