"""`models download` against a hub that keeps failing (a fake server on 127.0.0.1): the terminal
gets one line saying what is downloaded and one error line; the retries and the failure's
details go to the log file."""

from __future__ import annotations

import http.server
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# The hub client waits 1, 2, 4, 8, 8 s between its retries; the probe takes the waits out (and
# nothing else) so the test runs in a second or two. The client is imported first, as in real
# use, so that its own terminal handler is in place before the command runs.
_PROBE = """
import sys, time
import huggingface_hub.utils._http as hub_http

class _NoWaiting:
    def __getattr__(self, name):
        return getattr(time, name)

    @staticmethod
    def sleep(seconds):
        pass

hub_http.time = _NoWaiting()
from studio.cli import main
sys.exit(main(sys.argv[1:]))
"""


class _Failing(http.server.BaseHTTPRequestHandler):
    requests = 0

    def _fail(self) -> None:
        type(self).requests += 1
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _fail

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def failing_hub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_retries_go_to_the_log_and_the_terminal_gets_one_error_line(tmp_path, failing_hub):
    home = tmp_path / "home"
    env = {
        **os.environ,
        "STUDIO_HOME": str(home),
        "HF_ENDPOINT": failing_hub,
        "HF_HUB_OFFLINE": "0",
        "HF_HOME": str(tmp_path / "hf"),
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, "models", "download", "tokenizer"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert _Failing.requests > 1  # the client did retry: that used to be ~11 terminal lines
    lines = done.stderr.splitlines()
    assert lines[0] == "downloading bpe.model…"
    assert len(lines) == 2, done.stderr
    assert lines[1].startswith("error: cannot download bpe.model: the model hub kept answering ")
    assert "503" in lines[1] and "models import FOLDER" in lines[1]
    log = (home / "logs" / "studio.log").read_text(encoding="utf-8")
    assert "Retrying in" in log and "HTTP Error 503" in log
    assert "downloading bpe.model from ai-forever/rudalle-utils failed" in log
    assert "sticker-studio models: cannot download bpe.model" in log
    assert not (home / "models" / "bpe.model").exists()
