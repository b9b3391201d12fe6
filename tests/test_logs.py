from __future__ import annotations

import logging
import sys

from studio.logs import LOG_FILE_NAME, install_excepthook, setup_logging


def test_log_file_and_excepthook(tmp_path, monkeypatch):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    log_file = setup_logging(tmp_path / "logs")
    assert log_file == tmp_path / "logs" / LOG_FILE_NAME
    seen = []
    install_excepthook(lambda exc_type, exc, tb: seen.append(exc))
    try:
        raise ValueError("kaboom")
    except ValueError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    for handler in logging.getLogger("studio").handlers:
        handler.flush()
    text = log_file.read_text()
    assert "Uncaught exception" in text and "ValueError: kaboom" in text
    assert [str(e) for e in seen] == ["kaboom"]


def test_setup_logging_twice_keeps_one_file_handler(tmp_path):
    setup_logging(tmp_path)
    setup_logging(tmp_path)
    handlers = [h for h in logging.getLogger("studio").handlers if getattr(h, "_studio", False)]
    assert len(handlers) == 1
