"""A job spread over two Ray replicas on the CPU, with the tiny random-weight model: the same
images as one worker, a replica killed mid-batch, cancel, a cluster that disappears.

One local Ray instance (2 CPUs) serves the whole module.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
import torch

from studio.cluster.errors import ClusterLost
from studio.cluster.events import ReplicasProgress
from studio.cluster.plan import SamplingJob, plan_batches
from studio.cluster.pool import ReplicaPool
from studio.cluster.where import Where
from studio.engine.errors import GenerationCancelled
from studio.engine.events import BatchReady
from studio.errors import StudioError
from studio.jobs import GenerationRequest, JobQueue
from studio.jobs.backend import EngineBackend
from studio.jobs.codes import codes_from_bytes
from studio.jobs.events import JobFailed, JobFinished, JobProgress
from studio.jobs.replicas import ReplicaBackend
from studio.library import JobState
from studio.settings import Settings

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def ray_instance():
    ray.init(
        address="local",
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        configure_logging=False,
        object_store_memory=100 * 2**20,
    )
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    from studio.engine.testing import write_tiny_model_dir

    return write_tiny_model_dir(tmp_path_factory.mktemp("tiny-model"))


def _settings(model_dir) -> Settings:
    return Settings(models_dir=str(model_dir), device="cpu", where="gpus")


def _backend(model_dir) -> ReplicaBackend:
    backend = ReplicaBackend(_settings(model_dir), cpu_replicas=2)
    backend.load()
    return backend


@pytest.fixture(scope="class")
def two_replicas(ray_instance, model_dir):
    backend = _backend(model_dir)
    yield backend
    backend.close()


def _single_worker(model_dir, request) -> dict:
    """index -> GeneratedImage from the one-model path, on one thread as the replicas run."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        backend = EngineBackend(Settings(models_dir=str(model_dir), device="cpu"))
        events = backend.generate(request, None, lambda: False)
        return {i.index: i for e in events if isinstance(e, BatchReady) for i in e.images}
    finally:
        torch.set_num_threads(before)


class TestTwoReplicas:
    """One pool of two replicas for these tests (it holds both CPUs of the Ray instance)."""

    def test_same_images_as_the_single_worker(self, two_replicas, model_dir):
        _same_images_as_the_single_worker(two_replicas, model_dir)

    def test_cancel_reaches_every_replica(self, two_replicas):
        _cancel_reaches_every_replica(two_replicas)

    def test_no_room_for_more_replicas_is_said_at_once(self, two_replicas, model_dir, monkeypatch):
        monkeypatch.setattr("studio.cluster.pool._ROOM_WAIT_S", 0.5)
        with pytest.raises(StudioError, match="free CPUs"):
            ReplicaPool.start(Where.parse("gpus"), str(model_dir), cpu_replicas=1)


def _same_images_as_the_single_worker(two_replicas, model_dir):
    request = GenerationRequest("котик с сердечком", n_images=10, batch_size=3, seed=5)
    assert len(two_replicas.pool.replicas) == 2
    events = list(two_replicas.generate(request, None, lambda: False))
    batches = [e for e in events if isinstance(e, BatchReady)]
    # Every batch once, each holding its own images: batch b is images 3b.. seeded 5 + b.
    assert sorted(b.batch_index for b in batches) == [0, 1, 2, 3]
    for batch in batches:
        first = batch.batch_index * 3
        assert [i.index for i in batch.images] == list(range(first, min(first + 3, 10)))
        assert {i.seed for i in batch.images} == {5 + batch.batch_index}
    ours = {i.index: i for b in batches for i in b.images}
    reference = _single_worker(model_dir, request)
    assert sorted(ours) == sorted(reference) == list(range(10))
    for index, image in reference.items():
        assert np.array_equal(ours[index].codes, image.codes)
        assert ours[index].perplexity == pytest.approx(image.perplexity, rel=1e-6)
        assert np.array_equal(np.asarray(ours[index].image), np.asarray(image.image))
    progress = [e for e in events if isinstance(e, ReplicasProgress)]
    assert progress and all(p.tokens_total == 10 * 64 and p.replicas == 2 for p in progress)
    assert [p.tokens_done for p in progress] == sorted(p.tokens_done for p in progress)


def _cancel_reaches_every_replica(two_replicas):
    pool = two_replicas.pool
    job = SamplingJob("кот", 2048, 0.995, 1.0)
    # Far more batches than can finish before a poll finds the replicas mid-batch: on a loaded
    # machine their progress answers can come late for several batches in a row.
    orders = plan_batches(n_images=400, batch_size=4, seed=1)
    stop = threading.Event()
    finished = []
    run = pool.run(job, orders, stop.is_set)
    with pytest.raises(GenerationCancelled):
        for event in run:
            if isinstance(event, BatchReady):
                finished.append(event.batch_index)
            elif isinstance(event, ReplicasProgress) and event.tokens_done > event.images_done * 64:
                stop.set()  # both replicas are mid-batch
                stopped_at = time.monotonic()
    assert time.monotonic() - stopped_at < 5.0
    assert len(finished) < len(orders)
    # Both replicas are idle again, and the stop belonged to that job only.
    states = ray.get([actor.progress.remote() for actor in pool.actors])
    assert all(s.token is None for s in states)
    again = list(pool.run(SamplingJob("кот", 2048, 0.995, 1.0), orders[:2], lambda: False))
    assert sorted(e.batch_index for e in again if isinstance(e, BatchReady)) == [0, 1]


def test_a_node_without_the_model_files_says_so(ray_instance, tmp_path):
    with pytest.raises(StudioError, match=r"node .*model files missing in .*empty"):
        ReplicaPool.start(Where.parse("gpus"), str(tmp_path / "empty"), cpu_replicas=1)


def test_generate_command_on_two_replicas_writes_the_local_images(
    ray_instance, model_dir, tmp_path, capsys
):
    import json

    from studio.cli import main

    common = [
        "generate",
        "Котик с сердечком",
        "-n",
        "5",
        "--seed",
        "7",
        "--batch-size",
        "2",
        "--model-dir",
        str(model_dir),
    ]
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # as each replica runs
    try:
        assert main([*common, "--device", "cpu", "--out", str(tmp_path / "local")]) == 0
    finally:
        torch.set_num_threads(before)
    assert (
        main([*common, "--where", "gpus", "--cpu-replicas", "2", "--out", str(tmp_path / "ray")])
        == 0
    )
    assert "2 replica(s)" in capsys.readouterr().err
    local = json.loads((tmp_path / "local" / "generation.json").read_text())
    spread = json.loads((tmp_path / "ray" / "generation.json").read_text())
    assert spread["where"] == "gpus" and len(spread["replicas"]) == 2
    assert [(i["index"], i["seed"], i["codes"]) for i in spread["images"]] == [
        (i["index"], i["seed"], i["codes"]) for i in local["images"]
    ]
    assert ray.is_initialized()  # the command left the instance it did not start running


def _queue(library, backend) -> JobQueue:
    return JobQueue(library, backend_factory=lambda: backend)


@pytest.mark.gui
def test_a_job_survives_a_replica_killed_mid_batch(ray_instance, model_dir, library, qtbot):
    backend = _backend(model_dir)
    queue = _queue(library, backend)
    killed = []

    def kill_one(event):
        # Kill one replica mid-batch when a progress poll lands there; on a quiet machine the
        # tiny batches may all finish between polls, so the first finished batch also serves
        # (the killed replica is then found dead when it is given the next batch).
        mid_batch = isinstance(event, JobProgress) and event.tokens_done % 64
        if not killed and (mid_batch or getattr(event, "kind", None) == "batch_ready"):
            killed.append(backend.pool.actors[0])
            ray.kill(killed[0])

    queue.event.connect(kill_one)
    events = []
    queue.event.connect(events.append)
    request = GenerationRequest("котик с сердечком", n_images=12, batch_size=2, seed=11)
    try:
        job = queue.submit(request)
        qtbot.waitUntil(queue.is_idle, timeout=120_000)
    finally:
        queue.shutdown()
    assert killed and isinstance(events[-1], JobFinished), events[-1]
    assert len(backend.pool.replicas if backend.pool else []) <= 1
    assert library.job(job.id).state is JobState.FINISHED
    stored = {c.index: c for c in library.candidates(job_id=job.id)}
    reference = _single_worker(model_dir, request)
    assert sorted(stored) == list(range(12))
    for index, image in reference.items():
        assert np.array_equal(codes_from_bytes(stored[index].codes), image.codes)
        assert stored[index].seed == image.seed


@pytest.mark.gui
def test_a_lost_cluster_interrupts_the_job_and_keeps_its_batches(
    ray_instance, model_dir, library, qtbot
):
    backend = _backend(model_dir)
    queue = _queue(library, backend)
    stored = []

    def kill_all(event):
        if event.kind == "batch_ready" and not stored:
            stored.append(event)
            for actor in backend.pool.actors:
                ray.kill(actor)

    queue.event.connect(kill_all)
    events = []
    queue.event.connect(events.append)
    try:
        job = queue.submit(GenerationRequest("кот", n_images=40, batch_size=2, seed=3))
        qtbot.waitUntil(queue.is_idle, timeout=120_000)
    finally:
        queue.shutdown()
    assert isinstance(events[-1], JobFailed) and "finished batches are kept" in events[-1].message
    record = library.job(job.id)
    assert record.state is JobState.INTERRUPTED
    kept = library.candidates(job_id=job.id)
    assert 2 <= len(kept) < 40


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_one_replica_per_gpu_gives_the_single_gpu_images(ray_instance, model_dir):
    settings = Settings(models_dir=str(model_dir), precision="fp32", where="gpus")
    backend = ReplicaBackend(settings)
    backend.load()
    try:
        assert len(backend.pool.replicas) == torch.cuda.device_count()
        assert all(r.device.startswith("cuda") for r in backend.pool.replicas)
        request = GenerationRequest("кот", n_images=6, batch_size=2, seed=4)
        events = backend.generate(request, None, lambda: False)
        ours = {i.index: i for e in events if isinstance(e, BatchReady) for i in e.images}
    finally:
        backend.close()
    single = EngineBackend(Settings(models_dir=str(model_dir), device="cuda", precision="fp32"))
    events = single.generate(request, None, lambda: False)
    reference = {i.index: i for e in events if isinstance(e, BatchReady) for i in e.images}
    assert sorted(ours) == sorted(reference)
    for index, image in reference.items():
        assert np.array_equal(ours[index].codes, image.codes)


def test_the_pool_reports_a_lost_cluster(monkeypatch):
    """Calls that fail because the cluster is unreachable become `ClusterLost`."""

    class Unreachable:
        exceptions = ray.exceptions

        def wait(self, *args, **kwargs):
            raise ConnectionError("Ray client disconnected")

    class Member:
        alive = True
        info = None

        class actor:  # noqa: N801 - stands in for an actor handle
            class run_batch:  # noqa: N801
                @staticmethod
                def remote(job, order):
                    return object()

    pool = ReplicaPool(Unreachable(), [Member()], started_ray=False)
    job = SamplingJob("кот", 2048, 0.995, 1.0)
    with pytest.raises(ClusterLost, match="went away"):
        list(pool.run(job, plan_batches(4, 2, 0), lambda: False))
