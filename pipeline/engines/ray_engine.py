"""Ray: the stages' heavy work on many machines, the database on one.

``argmap ingest --engine ray [--ray-address ADDR]`` drives the same streaming loop as the
local engine (:func:`argmap.pipeline.engines.streaming.stream`) with Ray as the executor:

* each stage that can leave the writer gets a pool of Ray actors; an actor holds the stage's
  model, loaded once, and computes one video at a time. Stages that run on a GPU ask Ray
  for one (``num_gpus``) when the cluster has any;
* this process stays the only SQLite writer: actors get work records and return result
  records, never a database handle;
* an actor whose process dies is restarted and its task retried (``max_restarts``,
  ``max_task_retries``); what still fails is recorded for that video like any failure.

Media is written to the media folder by the download actor and read from it by the
transcription and diarization actors: on one machine that just works; across machines the
media folder must be a path every node sees (a shared file system), see ``docs/scale.md``.
Every node needs argmap installed in the same Python as the driver.
"""

from __future__ import annotations

import contextlib
import math
import threading
import uuid
from concurrent.futures import Future
from typing import Any

from argmap.pipeline.config import IngestOptions
from argmap.pipeline.engines.streaming import fresh_copy, pool_size
from argmap.pipeline.errors import ArgmapError, ConfigError
from argmap.pipeline.heavy_imports import HEAVY_IMPORTS
from argmap.pipeline.stages import Stage, StageContext, worker_context

#: how often a dead actor is restarted, and its task retried, before the video fails
RESTARTS = 3
NAMESPACE = "argmap"
#: seconds a stage's workers may take to start (import argmap, unpickle the stage)
START_TIMEOUT = 300.0


class StageWorker:
    """One Ray actor: a stage instance opened once, computing one work record per call."""

    def __init__(self, stage: Stage, ctx: StageContext):
        self.stage = stage
        self.ctx = ctx
        self.opened = False
        # The model loads as the actor starts, while the first downloads are on the network;
        # an error is left for the first compute to raise, where it is recorded per video.
        with contextlib.suppress(Exception):
            self._open()

    def _open(self) -> None:
        if not self.opened:
            self.stage.open(self.ctx)
            self.opened = True

    def compute(self, work: Any) -> Any:
        self._open()
        return self.stage.compute(work)

    def pid(self) -> int:
        import os

        return os.getpid()


class RayExecutor:
    """The streaming loop's executor on Ray actors (see the module docstring)."""

    def __init__(self, options: IngestOptions):
        try:
            with HEAVY_IMPORTS:
                import ray
        except ImportError as err:
            raise ConfigError("--engine ray needs Ray: pip install 'argmap[ray]'") from err
        self.ray = ray
        self.options = options
        self._started_here = False
        if not ray.is_initialized():
            try:
                ray.init(
                    address=options.ray_address,
                    namespace=NAMESPACE,
                    include_dashboard=False,
                    log_to_driver=False,
                    configure_logging=False,
                )
            except Exception as err:  # ConnectionError, ValueError, RuntimeError...
                where = options.ray_address or "a local Ray instance"
                raise ConfigError(f"cannot start or reach {where}: {str(err).splitlines()[0]}") from err
            self._started_here = True
        self.resources = ray.cluster_resources()
        self.gpus = int(self.resources.get("GPU", 0)) if options.device != "cpu" else 0
        self.cpu_share = 1.0
        self._actors: dict[str, list[Any]] = {}
        self._free: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self.run = uuid.uuid4().hex[:8]

    def start(self, stages: list[Stage], ctx: StageContext) -> dict[str, int]:
        sizes = {s.name: pool_size(s, self.options.workers, self.gpus) for s in stages}
        # An actor holds the cores it asks for as long as it lives, and every stage's pool is
        # alive at once: each computing actor asks for an equal share of the cluster's cores
        # (at most one), so all are placed however small the cluster; downloads wait on the
        # network and ask for none.
        computing = sum(sizes[s.name] for s in stages if s.kind != "io") or 1
        share = min(1.0, float(self.resources.get("CPU", 1)) / computing)
        self.cpu_share = math.floor(1000 * share) / 1000
        for stage in stages:
            self._start(stage, sizes[stage.name], ctx)
        # Workers Ray cannot place (a GPU asked of a cluster without one, cores all taken)
        # would leave the batch waiting forever: say so instead.
        pending = {actor.pid.remote(): name for name, actors in self._actors.items() for actor in actors}
        ready, waiting = self.ray.wait(list(pending), num_returns=len(pending), timeout=START_TIMEOUT)
        if waiting:
            stuck = sorted({pending[ref] for ref in waiting})
            raise ConfigError(
                f"Ray could not start {len(waiting)} of {len(pending)} workers ({', '.join(stuck)}) "
                f"in {START_TIMEOUT:.0f} s; free resources: {self.ray.available_resources()}"
            )
        return sizes

    def _start(self, stage: Stage, size: int, ctx: StageContext) -> None:
        gpu = 1 if stage.kind == "gpu" and self.gpus else 0
        actor_class = self.ray.remote(StageWorker)
        actors: list[Any] = [
            # Named per run, so a person (or a test) can find a worker: ray.get_actor(name, NAMESPACE).
            actor_class.options(
                name=f"argmap-{self.run}-{stage.name}-{n}",
                namespace=NAMESPACE,
                max_restarts=RESTARTS,
                max_task_retries=RESTARTS,
                num_gpus=gpu,
                num_cpus=0 if stage.kind == "io" else self.cpu_share,
            ).remote(fresh_copy(stage), worker_context(ctx))
            for n in range(size)
        ]
        self._actors[stage.name] = actors
        self._free[stage.name] = list(actors)

    def submit(self, stage: str, work: Any) -> Future[Any]:
        with self._lock:
            actor = self._free[stage].pop()
        outer: Future[Any] = Future()
        inner = actor.compute.remote(work).future()

        def settle(done: Future[Any]) -> None:
            with self._lock:
                self._free[stage].append(actor)
            try:
                outer.set_result(done.result())
            except BaseException as err:  # noqa: BLE001 - handed to the writer, which records it
                outer.set_exception(self._cause(err))

        inner.add_done_callback(settle)
        return outer

    def _cause(self, err: BaseException) -> BaseException:
        """The stage's own error out of Ray's wrapper, so it is recorded as the stage meant it."""
        exceptions = self.ray.exceptions
        if isinstance(err, exceptions.RayTaskError):
            cause = getattr(err, "cause", None)
            if isinstance(cause, BaseException):
                return cause
        if isinstance(err, exceptions.RayActorError | exceptions.WorkerCrashedError):
            return ArgmapError(f"the Ray worker died {RESTARTS + 1} times on this video", permanent=False)
        return err

    def close(self) -> None:
        for actors in self._actors.values():
            for actor in actors:
                self.ray.kill(actor, no_restart=True)
        self._actors.clear()
        if self._started_here:
            self.ray.shutdown()
