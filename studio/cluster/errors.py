"""What can go wrong when generating on Ray replicas, as errors the user can act on."""

from __future__ import annotations

from studio.errors import StudioError


class ClusterLost(StudioError):
    """The Ray cluster went away (or every replica died) while a job ran; the batches already
    stored are kept and the job can be resumed."""


class ReplicaError(StudioError):
    """A replica could not load or run (the message names its node)."""
