"""Logging to a rotating file in the log folder, and an exception hook that records crashes.

Qt-free: the window adds its own Qt message handler and dialog on top (studio/ui/app.py).
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

LOG_FILE_NAME = "studio.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(threadName)s %(name)s: %(message)s"

log = logging.getLogger("studio")


class _LogFile(logging.handlers.RotatingFileHandler):
    """The rotating log file; when it cannot be written (a full disk), records are dropped
    quietly instead of Python printing "--- Logging error ---" and a traceback on the terminal,
    which would bury the one line a command prints for the user."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        self.failed = True


def _stderr_handler(level: int) -> logging.Handler:
    stream = logging.StreamHandler(sys.stderr)
    stream.setLevel(level)
    stream.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    stream._studio = True  # type: ignore[attr-defined]
    return stream


def setup_logging(log_dir: Path, level: int = logging.INFO, console: bool = False) -> Path | None:
    """Send the `studio` loggers to `log_dir/studio.log` (2 MB x 5 files). Idempotent.

    When the log folder cannot be created or written (read-only, full, not a folder), errors go
    to stderr instead and None is returned: the command still runs.
    """
    root = logging.getLogger("studio")
    root.setLevel(level)
    for handler in list(root.handlers):
        if getattr(handler, "_studio", False):
            root.removeHandler(handler)
            handler.close()
    log_file: Path | None = log_dir / LOG_FILE_NAME
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        file_handler = _LogFile(log_file, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError:
        log_file = None
        if not console:  # only what is worth a terminal line: a bug's details
            root.addHandler(_stderr_handler(logging.ERROR))
    else:
        file_handler.setFormatter(logging.Formatter(_FORMAT))
        file_handler._studio = True  # type: ignore[attr-defined]
        root.addHandler(file_handler)
    if console:
        root.addHandler(_stderr_handler(logging.NOTSET))
    return log_file


class _IntoStudioLog(logging.Handler):
    """Hands a library's log records to the `studio` loggers, whose handlers write the file."""

    def __init__(self, target: logging.Logger) -> None:
        super().__init__()
        self._target = target

    def emit(self, record: logging.LogRecord) -> None:
        self._target.handle(record)


def adopt_library_logger(name: str) -> None:
    """Send a library's log records (retries, warnings) to the studio's log file instead of the
    terminal. Some libraries put their own terminal handler on their logger when imported
    (huggingface_hub prints every download retry), so call this after importing the library.
    Idempotent; with `-v` the records still reach the terminal through the studio's handler."""
    library = logging.getLogger(name)
    for handler in list(library.handlers):
        if isinstance(handler, _IntoStudioLog):
            return
        if isinstance(handler, logging.StreamHandler) and not isinstance(
            handler, logging.FileHandler
        ):
            library.removeHandler(handler)
    library.addHandler(_IntoStudioLog(logging.getLogger(f"studio.{name}")))
    library.propagate = False  # not to the root logger's handlers (or Python's last resort)


ExceptionListener = Callable[[type[BaseException], BaseException, TracebackType | None], None]


def install_excepthook(on_exception: ExceptionListener | None = None) -> None:
    """Log every uncaught exception (main and other threads), then tell `on_exception`.

    The window passes a listener that shows a dialog; the CLI passes none.
    """

    def hook(exc_type, exc, tb):  # noqa: ANN001 - the sys.excepthook signature
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        log.critical("Uncaught exception", exc_info=(exc_type, exc, tb))
        if on_exception is not None:
            try:
                on_exception(exc_type, exc, tb)
            except Exception:  # the listener must never take the hook down with it
                log.exception("The exception listener failed")

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        hook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = hook
    threading.excepthook = thread_hook
