"""Starting replicas on a Ray cluster and spreading a job's batches over them.

`ReplicaPool.start` connects to Ray (a local instance for this machine's GPUs, or a cluster at
`ray://HOST:PORT`), starts one replica per GPU (or the number asked for, on the CPU) and loads
the model on each. `ReplicaPool.run` hands batches to idle replicas and yields each finished
batch as soon as it arrives:

- a replica that dies mid-batch is dropped and its batch runs again on another;
- a stop request reaches every replica at once and ends the job within one sampling step;
- a cluster that disappears (or loses every replica) ends the job with `ClusterLost`; the
  batches already yielded stay valid.
"""

from __future__ import annotations

import collections
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from studio.cluster.errors import ClusterLost
from studio.cluster.events import ReplicasProgress
from studio.cluster.plan import BatchOrder, SamplingJob
from studio.cluster.ray_import import import_ray
from studio.cluster.replica import Replica, ReplicaInfo, ReplicaProgress
from studio.cluster.where import GPUS, Where
from studio.engine.errors import GenerationCancelled
from studio.engine.events import BatchReady
from studio.errors import StudioError

log = logging.getLogger(__name__)

# How often the pool looks at progress and at the stop flag while batches sample.
POLL_S = 0.1
# A replica that does not answer a progress question within this long is asked again later.
_PROGRESS_TIMEOUT_S = 2.0
# Replicas just stopped give their CPUs/GPUs back within moments.
_ROOM_WAIT_S = 10.0


@dataclass
class _Member:
    actor: Any  # the Ray actor handle
    info: ReplicaInfo
    alive: bool = True


def _ray_errors(ray: Any) -> tuple[type[BaseException], ...]:
    """Exceptions that mean the connection to the cluster is gone, not a replica's fault."""
    return (ConnectionError, ray.exceptions.RaySystemError, ray.exceptions.GetTimeoutError)


def _one_line(exc: BaseException) -> str:
    """Ray's messages can carry a server's whole traceback: its first and last lines."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    if len(lines) > 1:
        lines = [lines[0], lines[-1]]
    return " ".join(lines)[:300]


class ReplicaPool:
    """Loaded replicas on one Ray cluster; one job at a time."""

    def __init__(self, ray: Any, members: list[_Member], started_ray: bool) -> None:
        self._ray = ray
        self._members = members
        self._started_ray = started_ray

    # -- start and stop -------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        where: Where,
        models_dir: str | None,
        precision: str | None = None,
        cpu_replicas: int | None = None,
    ) -> ReplicaPool:
        """Connect to Ray and load one replica per GPU (`cpu_replicas` on the CPU instead).

        `models_dir` is used for this machine's replicas (`gpus`); a cluster's nodes each read
        their own model store. A node without the model files is named in the error.
        """
        ray = import_ray()
        started_ray = False
        if not ray.is_initialized():
            # Runs on the thread that generates; Ray ties its local processes to that thread,
            # which lives as long as the app (or the command).
            # "local" starts this machine's own instance even if another one runs here.
            address = where.address if where.kind == "ray" else "local"
            try:
                ray.init(
                    address=address,
                    include_dashboard=False if address == "local" else None,
                    log_to_driver=False,
                    configure_logging=False,
                )
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ClusterLost(
                    f"cannot reach the Ray cluster at {where}: {_one_line(exc)} (check the "
                    "address, that its "
                    "client port is open and, if the cluster uses token authentication, "
                    "RAY_AUTH_MODE=token with its token in ~/.ray/auth_token)"
                ) from None
            started_ray = True
        pool = cls(ray, [], started_ray)
        try:
            pool._members = pool._start_members(where, models_dir, precision, cpu_replicas)
        except BaseException:
            pool.close()
            raise
        return pool

    def _start_members(
        self, where: Where, models_dir: str | None, precision: str | None, cpu_replicas: int | None
    ) -> list[_Member]:
        ray = self._ray
        gpus = int(ray.cluster_resources().get("GPU", 0))
        remote = ray.remote(Replica)
        own_dir = None if where.kind == "ray" else models_dir
        if cpu_replicas:
            options = [{"num_cpus": 1, "num_gpus": 0}] * cpu_replicas
            device = "cpu"
        elif gpus:
            # The GPU is what a replica needs; it holds no CPU back from other work.
            options = [{"num_cpus": 0, "num_gpus": 1}] * gpus
            device = "cuda"
        elif where.kind == GPUS:
            raise StudioError(
                "this machine has no GPU that Ray can see; generate on this device instead"
            )
        else:  # a cluster of CPU nodes: one replica per node
            nodes = [n for n in ray.nodes() if n.get("Alive")]
            options = [
                {"num_cpus": 1, "num_gpus": 0, "scheduling_strategy": "SPREAD"} for _ in nodes
            ]
            device = "cpu"
        self._wait_for_room(options)
        actors = [
            remote.options(max_concurrency=2, max_restarts=0, **opts).remote(
                own_dir, device, precision
            )
            for opts in options
        ]
        try:
            infos = ray.get([actor.load.remote() for actor in actors])
        except (ray.exceptions.RayTaskError, ray.exceptions.RayActorError) as exc:
            for actor in actors:
                ray.kill(actor)
            if isinstance(exc, ray.exceptions.RayActorError):
                raise StudioError(
                    "a replica stopped while loading the model (out of memory on its node?)"
                ) from None
            cause = exc.cause if isinstance(exc.cause, StudioError) else None
            if cause is not None:
                raise StudioError(str(cause)) from None
            raise
        members = [_Member(actor, info) for actor, info in zip(actors, infos, strict=True)]
        log.info("replicas: %s", ", ".join(m.info.name for m in members))
        return members

    def _wait_for_room(self, options: list[dict]) -> None:
        """Refuse at once (instead of waiting forever for the actors to be placed) when the
        cluster has too few free CPUs or GPUs; replicas just stopped free theirs within
        moments, so their room is waited for briefly."""
        deadline = time.monotonic() + _ROOM_WAIT_S
        while True:
            free = self._ray.available_resources()
            short = [
                (key, sum(opts[resource] for opts in options), free.get(key, 0))
                for resource, key in (("num_gpus", "GPU"), ("num_cpus", "CPU"))
                if sum(opts[resource] for opts in options) > free.get(key, 0)
            ]
            if not short:
                return
            if time.monotonic() > deadline:
                key, needed, have = short[0]
                raise StudioError(
                    f"the Ray cluster has {have:g} free {key}s, and {len(options)} replicas "
                    f"need {needed}: stop what else runs there, or ask for fewer"
                )
            time.sleep(0.2)

    def close(self) -> None:
        """Stop the replicas (and the local Ray instance this pool started)."""
        for member in self._members:
            try:
                self._ray.kill(member.actor)
            except Exception:  # already gone with its cluster
                log.debug("replica already gone", exc_info=True)
        self._members = []
        if self._started_ray and self._ray.is_initialized():
            self._ray.shutdown()

    # -- what it has ----------------------------------------------------------------------------

    @property
    def replicas(self) -> list[ReplicaInfo]:
        return [m.info for m in self._members if m.alive]

    @property
    def actors(self) -> list[Any]:
        """The live replicas' actor handles (tests kill one to see the job survive)."""
        return [m.actor for m in self._members if m.alive]

    @property
    def model_id(self) -> str:
        return self._members[0].info.model_id if self._members else ""

    # -- running a job --------------------------------------------------------------------------

    def run(
        self,
        job: SamplingJob,
        orders: list[BatchOrder],
        should_stop: Callable[[], bool],
    ) -> Iterator[BatchReady | ReplicasProgress]:
        """Yield each batch as it finishes (in any order) and progress every `POLL_S`.

        Raises `GenerationCancelled` after a stop, `ClusterLost` when no replica is left or the
        cluster is unreachable, `StudioError` when a replica reports a problem the user can fix.
        """
        ray = self._ray
        try:
            yield from self._run(job, orders, should_stop)
        except _ray_errors(ray) as exc:
            raise ClusterLost(
                f"the Ray cluster went away ({type(exc).__name__}); the finished batches are kept"
            ) from None

    def _run(
        self, job: SamplingJob, orders: list[BatchOrder], should_stop: Callable[[], bool]
    ) -> Iterator[BatchReady | ReplicasProgress]:
        ray = self._ray
        pending = collections.deque(orders)
        running: dict[Any, tuple[_Member, BatchOrder]] = {}
        idle = [m for m in self._members if m.alive]
        images_total = sum(o.size for o in orders)
        images_done = 0
        steps_total = 0
        stopping = False
        last_progress = 0.0
        # A replica that is slow to answer, or has just finished a batch whose result is not read
        # yet, counts nothing in one poll; the reported figure only ever grows, so a progress bar
        # never runs backwards.
        tokens_reported = 0
        while pending or running:
            if not stopping and should_stop():
                stopping = True
                pending.clear()
                for member in self._members:
                    if member.alive:
                        member.actor.stop.remote(job.token)
            while idle and pending:
                member, order = idle.pop(0), pending.popleft()
                running[member.actor.run_batch.remote(job, order)] = (member, order)
            if not running:
                break
            ready, _ = ray.wait(list(running), num_returns=1, timeout=POLL_S)
            finished = False  # a batch finished in this round
            for ref in ready:
                member, order = running.pop(ref)
                try:
                    images = ray.get(ref)
                except ray.exceptions.RayActorError:
                    log.warning("replica %s died in batch %d", member.info.name, order.batch_index)
                    member.alive = False
                    if not stopping:
                        pending.appendleft(order)  # runs again on another replica
                    continue
                except ray.exceptions.RayTaskError as exc:
                    if isinstance(exc.cause, GenerationCancelled):
                        idle.append(member)
                        continue
                    if isinstance(exc.cause, StudioError):
                        raise StudioError(f"{member.info.name}: {exc.cause}") from None
                    raise
                idle.append(member)
                images_done += len(images)
                if images and not steps_total:
                    steps_total = len(images[0].codes)  # one step per image token
                finished = True
                yield BatchReady(order.batch_index, images)
            if not any(m.alive for m in self._members) and (pending or running):
                raise ClusterLost(
                    "every replica stopped while the job ran; the finished batches are kept"
                )
            now = time.monotonic()
            # Progress every poll, and as each batch finishes: batches quicker than a poll
            # would otherwise finish unreported.
            poll = bool(running) and now - last_progress >= POLL_S
            if poll or finished:
                tokens_done = 0
                if poll:
                    last_progress = now
                    tokens_done, steps_total = self._progress(running, job.token, steps_total)
                if steps_total:
                    tokens_reported = min(
                        max(tokens_reported, images_done * steps_total + tokens_done),
                        images_total * steps_total,
                    )
                    yield ReplicasProgress(
                        tokens_reported,
                        images_total * steps_total,
                        images_done,
                        images_total,
                        sum(m.alive for m in self._members),
                    )
        if stopping:
            raise GenerationCancelled()

    def _progress(
        self, running: dict[Any, tuple[_Member, BatchOrder]], token: str, steps_total: int
    ) -> tuple[int, int]:
        """Ask the busy replicas how far they are: (tokens sampled in the running batches,
        steps per image)."""
        ray = self._ray
        busy = list(running.values())
        refs = [member.actor.progress.remote() for member, _ in busy]
        ready, _ = ray.wait(refs, num_returns=len(refs), timeout=_PROGRESS_TIMEOUT_S)
        in_flight = 0
        for ref, (_member, order) in zip(refs, busy, strict=True):
            if ref not in ready:
                continue
            try:
                progress: ReplicaProgress = ray.get(ref)
            except ray.exceptions.RayActorError:
                continue  # found dead when its batch's result comes back
            if progress.token == token and progress.batch_index == order.batch_index:
                steps_total = progress.steps_total
                in_flight += progress.step * order.size
        return in_flight, steps_total
