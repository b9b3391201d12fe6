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


def test_a_library_logger_is_adopted_into_the_log_file_not_the_terminal(tmp_path, capsys):
    from studio.logs import adopt_library_logger

    log_file = setup_logging(tmp_path / "logs")
    library = logging.getLogger("some_library_under_test")
    library.addHandler(logging.StreamHandler())  # what such a library does when imported
    try:
        adopt_library_logger("some_library_under_test")
        adopt_library_logger("some_library_under_test")  # twice: still one copy of each record
        logging.getLogger("some_library_under_test.http").warning("Retrying in 1s [Retry 1/5].")
        for handler in logging.getLogger("studio").handlers:
            handler.flush()
        assert capsys.readouterr().err == ""
        assert log_file.read_text(encoding="utf-8").count("Retrying in 1s") == 1
    finally:
        for handler in list(library.handlers):
            library.removeHandler(handler)
        library.propagate = True
