"""Lower precisions on the CPU against fp32 on the tiny model, page release of converted loads,
and start-up without torch's compiler stack.

Tolerances (measured on the tiny random-weight model, whose logits span about +-1.3, then
given headroom): the logits of the same token sequence differ from fp32's by at most 0.04 in
bf16 (8 mantissa bits), 0.005 in fp16 (11 bits) and 0.04 in int8 (bitsandbytes' LLM.int8 on its
CPU backend). Greedy codes: every precision may flip near-ties (this model's top logits are
often within 0.01 of each other, and fp16's own error on some CPUs reaches a few thousandths),
so every token it picks must be within twice the logit tolerance of fp32's best at the same
place.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from studio.engine import SamplingParams, load_models
from studio.engine.kvcache import ImageDecoder
from studio.engine.mapped import MappedWeights
from studio.engine.models import available_precisions
from studio.engine.sampling import sample_with_scores

LOGIT_TOLERANCE = {"bf16": 0.04, "fp16": 0.005, "int8": 0.04}
PROMPTS = ("кот", "котик с сердечком", "собака")


def _cpu_precisions() -> list[str]:
    return [p for p in ("bf16", "fp16", "int8") if p in available_precisions("cpu")]


@pytest.fixture(scope="module")
def fp32(tiny_dir):
    return load_models(tiny_dir, device="cpu", precision="fp32")


@torch.no_grad()
def _fp32_margins(model, text_ids: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
    """For each position: fp32's best logit minus fp32's logit of the token in `codes`,
    feeding `codes` to fp32's own cached decoder."""
    decoder = ImageDecoder(model, text_ids)
    logits = decoder.first_logits.float()
    margins = []
    for j in range(codes.shape[1]):
        tokens = codes[:, j]
        margins.append(logits.max(-1).values - logits.gather(-1, tokens[:, None])[:, 0])
        if j + 1 < codes.shape[1]:
            logits = decoder.step(j, tokens).float()
    return torch.stack(margins, dim=1)


@pytest.mark.parametrize("precision", ["bf16", "fp16", "int8"])
def test_lower_precision_logits_and_greedy_codes_against_fp32(tiny_dir, fp32, precision):
    if precision not in _cpu_precisions():
        pytest.skip(f"{precision} is not available on this CPU build")
    low = load_models(tiny_dir, device="cpu", precision=precision)
    tolerance = LOGIT_TOLERANCE[precision]
    for prompt in PROMPTS:
        ids = fp32.tokenizer.encode_text(prompt, fp32.config.text_seq_length)[None]
        reference, _ = sample_with_scores(fp32.dalle, ids, SamplingParams(top_k=1))
        with torch.no_grad():
            sequence = torch.cat((ids, reference), dim=1)
            error = (low.dalle(sequence).float() - fp32.dalle(sequence).float()).abs().max()
        assert error <= tolerance, (prompt, float(error))
        codes, scores = sample_with_scores(low.dalle, ids, SamplingParams(top_k=1))
        assert torch.isfinite(scores).all()
        margins = _fp32_margins(fp32.dalle, ids, codes)
        assert margins.max() <= 2 * tolerance, (prompt, float(margins.max()))


def test_the_cpu_offers_the_lower_precisions():
    offered = available_precisions("cpu")
    assert offered[:3] == ["fp32", "bf16", "fp16"]
    try:
        import bitsandbytes  # noqa: F401

        has_bnb = True
    except Exception:
        has_bnb = False
    assert ("int8" in offered) == (has_bnb and "int8" in _cpu_precisions())


def _file_rss_kib(path: Path) -> int:
    """Resident KiB of this process's mappings of `path` (from /proc/self/smaps)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if "-" in line.split(" ", 1)[0] and len(line.split()) >= 5:
            inside = line.rstrip().endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/smaps")
def test_converted_tensors_give_their_file_pages_back(tmp_path):
    from studio.engine.checkpoints import read_state_dict

    path = tmp_path / "weights.bin"
    original = {"a": torch.randn(512, 1024), "b": torch.randn(1024, 512)}  # 2 MiB each
    torch.save(original, path)
    state = read_state_dict(path)
    assert float(state["a"].sum() + state["b"].sum()) == pytest.approx(
        float(original["a"].sum() + original["b"].sum()), rel=1e-4
    )  # both tensors read: their pages are resident
    assert _file_rss_kib(path) >= 4000
    mapped = MappedWeights(path)
    mapped.release(state["a"], state["a"])  # not converted: the model would use these pages
    assert _file_rss_kib(path) >= 4000
    mapped.release(state["a"], state["a"].to(torch.bfloat16))
    mapped.release(state["b"], state["b"].to(torch.bfloat16))
    assert _file_rss_kib(path) < 64
    # Dropped pages are read from the file again if they are ever touched.
    assert torch.equal(state["a"], original["a"]) and torch.equal(state["b"], original["b"])


def test_loading_does_not_import_torchs_compiler_stack(tiny_dir):
    code = (
        "import sys; from studio.engine import load_models; "
        f"load_models({str(tiny_dir)!r}, device='cpu', precision='bf16'); "
        "print('torch._dynamo' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[-1] == "False"


def test_bitsandbytes_imports_without_telling_users_to_install_a_kernel():
    # On CPUs with AVX512-BF16 its CPU backend warns on the terminal that a 4-bit kernel from a
    # model hub could not be loaded; the studio uses no 4-bit weights. Elsewhere it never warns.
    code = (
        "from studio.engine.models import import_bitsandbytes\n"
        "try:\n    import_bitsandbytes()\nexcept Exception:\n    print('unavailable')"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    if "unavailable" in out.stdout:
        pytest.skip("bitsandbytes does not import here")
    assert "kernels" not in out.stderr, out.stderr


def test_importing_bitsandbytes_fetches_no_kernel(tmp_path):
    # Where bitsandbytes' CPU backend would fetch its 4-bit kernel (CPUs with AVX512-BF16), it
    # asks the `kernels` package; a stand-in that records the request must never be asked.
    fake = tmp_path / "kernels"
    fake.mkdir()
    (fake / "__init__.py").write_text(
        "def get_kernel(*args, **kwargs):\n    print('FETCHED', args)\n    raise RuntimeError\n"
    )
    code = (
        "from studio.engine.models import import_bitsandbytes\n"
        "try:\n    import_bitsandbytes()\nexcept Exception:\n    print('unavailable')\n"
        "import kernels; print('kernels importable again')"
    )
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    if "unavailable" in out.stdout:
        pytest.skip("bitsandbytes does not import here")
    assert "FETCHED" not in out.stdout
    assert "kernels importable again" in out.stdout  # blocked for the import only
