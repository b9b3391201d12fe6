"""`SettingsBackend` follows "where to generate" (the Ray runs are in tests/cluster)."""

from __future__ import annotations

from studio.jobs.backend import EngineBackend
from studio.jobs.replicas import ReplicaBackend, SettingsBackend
from studio.settings import Settings


def test_the_backend_follows_where_to_generate(tiny_model_dir):
    local = Settings(models_dir=str(tiny_model_dir), device="cpu")
    backend = SettingsBackend(local)
    assert isinstance(backend.active(), EngineBackend)
    backend.load()
    assert not backend.needs_loading()
    backend.configure(local.with_changes(where="gpus"))
    assert isinstance(backend.active(), ReplicaBackend)  # the local model was let go
    assert backend.needs_loading()
    backend.configure(local.with_changes(where="ray://10.0.0.5:10001"))
    assert isinstance(backend.active(), ReplicaBackend)
    backend.configure(local)
    assert isinstance(backend.active(), EngineBackend) and backend.needs_loading()
