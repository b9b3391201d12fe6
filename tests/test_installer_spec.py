"""build_installer.spec, checked without building: run it with recording stand-ins for
PyInstaller's build steps, on the real tree and on a tree with model files planted in it."""

from __future__ import annotations

import inspect
import shutil
from pathlib import Path

import pytest

from studio.cli import COMMAND_MODULES

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "build_installer.spec"


class Recorder:
    """Stands in for Analysis/PYZ/EXE/COLLECT: keeps its arguments."""

    hook_datas: list[tuple[str, str, str]] = []

    def __init__(self, *args, **kwargs):
        self.args = args
        self.kwargs = kwargs
        # Analysis exposes TOCs of (destination, source, kind); a hook may add model files.
        datas = [(f"{dest}/{Path(src).name}", src, "DATA") for src, dest in kwargs.get("datas", [])]
        self.datas = datas + list(self.hook_datas)
        self.binaries = [("libtorch.so", "/x/libtorch.so", "BINARY")]
        self.scripts = []
        self.pure = []


def run_spec(root: Path, hook_datas=()) -> dict:
    calls: dict[str, Recorder] = {}

    def stand_in(kind):
        def make(*args, **kwargs):
            Recorder.hook_datas = list(hook_datas)
            calls[kind] = Recorder(*args, **kwargs)
            return calls[kind]

        return make

    namespace = {
        "SPECPATH": str(root),
        "__file__": str(root / SPEC.name),
        **{kind: stand_in(kind) for kind in ("Analysis", "PYZ", "EXE", "COLLECT")},
    }
    code = compile(SPEC.read_text("utf-8"), str(SPEC), "exec")
    exec(code, namespace)  # noqa: S102 (the project's own build file)
    return calls


def test_spec_is_a_one_folder_build_of_the_cli_entry_point():
    calls = run_spec(ROOT)
    analysis = calls["Analysis"]
    assert analysis.args[0] == [str(ROOT / "studio" / "__main__.py")]
    assert (ROOT / "studio" / "__main__.py").is_file()
    exe = calls["EXE"].kwargs
    assert exe["exclude_binaries"] is True  # binaries go to COLLECT: one folder, not one file
    assert exe["name"] == calls["COLLECT"].kwargs["name"] == "sticker-studio"
    assert exe["console"] is True  # `--help` and the sub-commands print


def test_spec_ships_every_resource_and_every_studio_module():
    analysis = run_spec(ROOT)["Analysis"].kwargs
    shipped = {Path(src).resolve() for src, _dest in analysis["datas"]}
    for path in (ROOT / "resources").rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            assert path.resolve() in shipped, f"{path} is not in the build"
    for src, dest in analysis["datas"]:
        relative = Path(src).resolve().relative_to(ROOT / "resources")
        assert Path(dest) == Path("resources") / relative.parent
    hidden = set(analysis["hiddenimports"])
    assert set(COMMAND_MODULES) <= hidden
    assert {"studio.ui.app", "studio.ui.pack.panel", "studio.pack.export"} <= hidden
    # Nothing the studio itself imports is excluded.
    excluded = set(analysis["excludes"])
    assert not excluded & {"PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets", "torch"}


def test_spec_leaves_model_files_out(tmp_path):
    tree = tmp_path / "checkout"
    (tree / "studio").mkdir(parents=True)
    shutil.copy(ROOT / "studio" / "__main__.py", tree / "studio" / "__main__.py")
    (tree / "studio" / "__init__.py").write_text("")
    files = {
        "resources/icons/app.svg": True,
        "resources/styles/app.qss": True,
        "resources/models/cutout_tinyunet.safetensors": True,  # our own cut-out weights
        "resources/models/pytorch_model.bin": False,
        "resources/models/unet_effnetb5/pytorch_model_v2.bin": False,
        "resources/models/vqgan.gumbelf8-sber.model.ckpt": False,
        "resources/models/bpe.model": False,
        "resources/models/someone_elses.safetensors": False,
        "resources/.DS_Store": False,
    }
    for relative in files:
        path = tree / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    hook_model = ("transformers/pytorch_model.bin", "/cache/pytorch_model.bin", "DATA")
    hook_data = ("emoji/unicode_codes/emoji.json", "/x/emoji.json", "DATA")
    calls = run_spec(tree, hook_datas=[hook_model, hook_data])

    given = {Path(src).relative_to(tree).as_posix() for src, _ in calls["Analysis"].kwargs["datas"]}
    assert given == {name for name, ships in files.items() if ships}
    # A model file that a hook brought in is dropped from the final table; other data stays.
    final = calls["Analysis"].datas
    assert hook_model not in final
    assert hook_data in final
    assert set(calls["Analysis"].kwargs["hiddenimports"]) == {"studio", "studio.__main__"}


def test_spec_arguments_fit_pyinstallers_analysis():
    build_main = pytest.importorskip("PyInstaller.building.build_main")
    recorded = run_spec(ROOT)["Analysis"]
    signature = inspect.signature(build_main.Analysis.__init__)
    signature.bind(None, *recorded.args, **recorded.kwargs)  # raises on an unknown argument
