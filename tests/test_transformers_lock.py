"""Imports from transformers wait for one another: its lazy top-level module is not thread-safe."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# In a fresh interpreter: hold the lock, start `TARGET` on a thread, and see whether it waits.
# The modules it needs are imported first, so without the lock it would finish at once.
_PROBE = textwrap.dedent(
    """
    import sys, threading
    import torch, transformers.generation.logits_process
    import transformers.models.marian.modeling_marian
    import transformers.models.marian.tokenization_marian
    from studio.transformers_lock import TRANSFORMERS_IMPORT
    done = threading.Event()

    def target():
        TARGET
        done.set()

    with TRANSFORMERS_IMPORT:
        thread = threading.Thread(target=target)
        thread.start()
        waited = not done.wait(2.0)
    thread.join(120)
    print(waited, done.is_set())
    """
)


def _waits_for_the_lock(target: str) -> str:
    code = _PROBE.replace("TARGET", target)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_engine_imports_from_transformers_under_the_lock():
    # The window's engine probe and the translator's loader start together on two threads; one
    # of them failed with "cannot import name ... from 'transformers'" in about one start of 3.
    assert _waits_for_the_lock("import studio.engine.filtering") == "True True"


def test_the_translator_loads_under_the_lock(tmp_path):
    from tests.translate.tiny_marian import write_tiny_marian

    folder = write_tiny_marian(tmp_path / "marian")
    target = f"from studio.translate.marian import Translator; Translator.load({str(folder)!r})"
    assert _waits_for_the_lock(target) == "True True"
