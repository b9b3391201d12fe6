"""While a token is in use, no log handler prints it: URL loggers are held at WARNING and every
record that still carries it is redacted."""

from __future__ import annotations

import io
import logging

from studio.telegram import hide_token
from studio.telegram.redaction import MARK, redact

TOKEN = "123456:SecretPartOfTheToken"


def test_records_carrying_the_token_are_redacted():
    sink = io.StringIO()
    handler = logging.StreamHandler(sink)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    logging.getLogger().addHandler(handler)
    try:
        with hide_token(TOKEN):
            logging.getLogger("httpx").info("HTTP Request: POST https://x/bot%s/getMe", TOKEN)
            logging.getLogger("studio.test").warning("url was https://x/bot%s/getMe", TOKEN)
            try:
                raise ValueError(f"failed on https://x/bot{TOKEN}/getMe")
            except ValueError:
                logging.getLogger("studio.test").exception("call failed")
        logging.getLogger("studio.test").warning("after: %s", "plain")
    finally:
        logging.getLogger().removeHandler(handler)
    text = sink.getvalue()
    assert TOKEN not in text
    assert "HTTP Request" not in text  # httpx held at WARNING
    assert f"url was https://x/bot{MARK}/getMe" in text
    assert f"ValueError: failed on https://x/bot{MARK}/getMe" in text
    assert "after: plain" in text
    assert logging.getLogger("httpx").level == logging.NOTSET  # restored


def test_redact():
    assert redact(f"a {TOKEN} b {TOKEN}", TOKEN) == f"a {MARK} b {MARK}"
    assert redact("nothing", "") == "nothing"
