"""Where to generate: parsing, the settings file, and the message when Ray is missing."""

from __future__ import annotations

import sys

import pytest

from studio.cluster.plan import plan_batches
from studio.cluster.ray_import import RayMissing, import_ray
from studio.cluster.where import InvalidWhere, Where
from studio.settings import Settings, load_settings, save_settings


@pytest.mark.parametrize(
    ("text", "kind", "uses_ray"),
    [
        (None, "local", False),
        ("", "local", False),
        ("local", "local", False),
        ("gpus", "gpus", True),
        ("ray://10.0.0.5:10001", "ray", True),
        ("ray://head.example:1", "ray", True),
    ],
)
def test_where_forms(text, kind, uses_ray):
    where = Where.parse(text)
    assert where.kind == kind and where.uses_ray is uses_ray
    assert Where.parse(str(where)) == where


@pytest.mark.parametrize(
    "text",
    [
        "cluster",
        "ray://",
        "ray://host",
        "ray://host:0",
        "ray://host:99999",
        "ray://:10001",
        "http://host:1",
    ],
)
def test_bad_where_names_the_accepted_forms(text):
    with pytest.raises(InvalidWhere, match="local, gpus or ray://HOST:PORT"):
        Where.parse(text)


def test_settings_keep_a_valid_where_and_drop_a_bad_one(tmp_path):
    path = tmp_path / "settings.json"
    save_settings(Settings(where="ray://10.0.0.5:10001"), path)
    assert load_settings(path).where == "ray://10.0.0.5:10001"
    path.write_text('{"where": "somewhere", "device": "cpu"}', encoding="utf-8")
    assert load_settings(path) == Settings(device="cpu")


def test_missing_ray_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(RayMissing) as caught:
        import_ray()
    message = str(caught.value)
    assert "pip install -e .[cluster]" in message and "\n" not in message


def test_batches_are_seeded_as_on_one_worker():
    orders = plan_batches(n_images=10, batch_size=4, seed=7)
    assert [(o.batch_index, o.first_index, o.size, o.seed) for o in orders] == [
        (0, 0, 4, 7),
        (1, 4, 4, 8),
        (2, 8, 2, 9),
    ]


def test_the_core_and_the_window_do_not_import_ray():
    import subprocess

    code = (
        "import sys; import studio.cluster.where, studio.settings, studio.jobs.replicas, "
        "studio.jobs.queue; print('ray' in sys.modules, 'torch' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_the_command_writes_the_finished_batches_when_the_cluster_goes(
    tmp_path, monkeypatch, capsys
):
    """`generate --where ray://…` keeps what finished before the cluster went away."""
    import json

    import numpy as np
    from PIL import Image

    from studio.cli import main
    from studio.cluster import pool as pool_module
    from studio.cluster.errors import ClusterLost
    from studio.cluster.replica import ReplicaInfo
    from studio.engine.events import BatchReady, GeneratedImage

    class GoneAfterOneBatch:
        replicas = [ReplicaInfo("node-a", "cpu", "fp32", "tiny")]
        model_id = "tiny"
        closed = False

        @classmethod
        def start(cls, where, models_dir, precision=None, cpu_replicas=None):
            return cls()

        def run(self, job, orders, should_stop):
            first = orders[0]
            yield BatchReady(
                0,
                [
                    GeneratedImage(i, Image.new("RGB", (8, 8)), np.arange(4), 10.0 + i, first.seed)
                    for i in range(first.size)
                ],
            )
            raise ClusterLost("the Ray cluster went away (ConnectionError)")

        def close(self):
            GoneAfterOneBatch.closed = True

    monkeypatch.setattr(pool_module, "ReplicaPool", GoneAfterOneBatch)
    out = tmp_path / "out"
    code = main(
        [
            "generate",
            "кот",
            "-n",
            "6",
            "--batch-size",
            "2",
            "--seed",
            "3",
            "--where",
            "ray://head:10001",
            "--out",
            str(out),
        ]
    )
    assert code == 2 and GoneAfterOneBatch.closed
    assert "went away (ConnectionError): 2 of 6 images written to" in capsys.readouterr().err
    written = json.loads((out / "generation.json").read_text())
    assert [i["seed"] for i in written["images"]] == [3, 3]
    assert written["where"] == "ray://head:10001"
    assert sorted(p.name for p in out.glob("*.png")) == ["001.png", "002.png"]
