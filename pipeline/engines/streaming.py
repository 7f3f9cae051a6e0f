"""Streaming: videos flow through the stages one by one while the batch runs.

The stage-at-a-time runner downloads everything before the first word is transcribed, holds
the whole batch's media on disk and stores the first argument only near the end. Here each
video moves on as soon as its previous stage is committed, so downloads overlap
transcription and results appear while the batch runs:

* this process is the only writer: ``prepare`` and ``commit`` run here, ``compute`` runs in an
  executor's workers (threads on this machine, Ray actors on a cluster), each worker with its
  own stage instance whose model loads once;
* queues are bounded: each stage has as many videos in flight as it has workers, and at
  most ``media_ahead`` videos hold downloaded media at once, so disk use follows the
  workers, not the batch;
* a video that has passed every stage that listens to it loses its media (``--keep-media``
  keeps it); a killed run loses only the work in flight, which the next run redoes.
"""

from __future__ import annotations

import copy
import queue
import threading
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any, Protocol

from argmap.pipeline.engines.steps import Reporter, needs, report_failure, run_in_writer
from argmap.pipeline.stages import Stage, StageContext, splits, worker_context
from argmap.store import Video


class Executor(Protocol):
    """Where ``compute`` runs. ``start`` makes each stage's workers and returns how many of
    each stage's tasks may run at once."""

    def start(self, stages: list[Stage], ctx: StageContext) -> dict[str, int]: ...

    def submit(self, stage: str, work: Any) -> Future[Any]: ...

    def close(self) -> None: ...


def pool_size(stage: Stage, workers: int, gpus: int = 0) -> int:
    """Workers for a stage: downloads overlap freely, GPU stages get one per GPU."""
    if stage.kind == "io":
        return max(2, workers)
    if stage.kind == "gpu" and gpus:
        return gpus
    return max(1, workers)


def fresh_copy(stage: Stage) -> Stage:
    """A worker's own instance of a stage: the run's settings, none of its loaded models."""
    twin = copy.copy(stage)
    twin.close()
    return twin


class LocalExecutor:
    """Each stage's compute on a pool of threads of this process, one stage instance per
    thread. Whisper (CTranslate2), torch and onnxruntime release the GIL while they work,
    and downloads wait on the network, so threads overlap where it matters."""

    def __init__(self, workers: int = 1):
        self.workers = max(1, workers)
        self._pools: dict[str, ThreadPoolExecutor] = {}
        self._instances: dict[str, queue.SimpleQueue[Stage]] = {}
        self._opened: set[int] = set()
        self._ctx: dict[str, StageContext] = {}
        self._lock = threading.Lock()

    def start(self, stages: list[Stage], ctx: StageContext) -> dict[str, int]:
        return {stage.name: self._start(stage, ctx) for stage in stages}

    def _start(self, stage: Stage, ctx: StageContext) -> int:
        size = pool_size(stage, self.workers)
        self._pools[stage.name] = ThreadPoolExecutor(size, thread_name_prefix=f"argmap-{stage.name}")
        instances: queue.SimpleQueue[Stage] = queue.SimpleQueue()
        for _ in range(size):
            instances.put(fresh_copy(stage))
        self._instances[stage.name] = instances
        self._ctx[stage.name] = worker_context(ctx)
        # Models load while the first downloads are on the network, not after them.
        for _ in range(size):
            self._pools[stage.name].submit(self._warm, stage.name)
        return size

    def submit(self, stage: str, work: Any) -> Future[Any]:
        return self._pools[stage].submit(self._compute, stage, work)

    def _open(self, name: str, stage: Stage) -> None:
        if id(stage) not in self._opened:
            stage.open(self._ctx[name])  # an error here is the video's, raised from compute
            with self._lock:
                self._opened.add(id(stage))

    def _warm(self, name: str) -> None:
        stage = self._instances[name].get()
        try:
            self._open(name, stage)
        except Exception:  # noqa: BLE001, S110 - reported by the first compute that needs it
            pass
        finally:
            self._instances[name].put(stage)

    def _compute(self, name: str, work: Any) -> Any:
        stage = self._instances[name].get()
        try:
            self._open(name, stage)
            return stage.compute(work)
        finally:
            self._instances[name].put(stage)

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=True, cancel_futures=True)
        for instances in self._instances.values():
            while not instances.empty():
                instances.get().close()
        self._pools.clear()


@dataclass
class _Task:
    video_id: str
    index: int  # the stage's position in the run


def media_window(stages: list[Stage]) -> int:
    """Index of the last stage that listens to the media (-1: none does)."""
    last = -1
    for i, stage in enumerate(stages):
        if stage.uses_media:
            last = i
    return last


def stream(
    ctx: StageContext,
    stages: list[Stage],
    video_ids: list[str],
    executor: Executor,
    reporter: Reporter,
    *,
    media_ahead: int | None = None,
    on_passed_media: Callable[[str], None] = lambda video_id: None,
) -> None:
    """Drive every video through the stages; returns when each is done or failed.

    ``on_passed_media(video_id)`` is called once a video has passed the last stage that
    listens to its media (the runner deletes the media there unless it is kept).
    """
    store = ctx.store
    try:
        capacity = executor.start([s for s in stages if splits(s)], ctx)
    except BaseException:
        executor.close()
        raise
    last_media = media_window(stages)
    if media_ahead is None:
        media_ahead = 2 * max(capacity.values(), default=1) + 2
    position = dict.fromkeys(video_ids, 0)
    waiting = deque(video_ids)  # not started yet, in batch order: earlier videos finish first
    ready: list[str] = []  # started, between two stages (at most the work in flight)
    in_flight: dict[Future[Any], _Task] = {}
    busy: Counter[str] = Counter()
    ran: Counter[str] = Counter()  # videos each stage worked on, for the closing summary
    total, finished = len(video_ids), 0
    holders = 0  # videos past the first stage, not yet past the last one listening to media

    def holding_media() -> int:
        return busy[stages[0].name] + holders

    def advance(video_id: str) -> bool:
        """Move a video along until it waits on a worker or is finished; False if blocked."""
        i = position[video_id]
        while i < len(stages):
            stage = stages[i]
            video = store.video(video_id)
            if not needs(ctx, video, stage):
                i = _passed(video_id, i)
                continue
            if i == 0 and last_media >= 0 and holding_media() >= media_ahead:
                return False  # enough media on disk: downloading more only fills it
            if not splits(stage):
                ran[stage.name] += 1
                run_in_writer(ctx, stage, video, reporter)
                i = _passed(video_id, i)
                continue
            if busy[stage.name] >= capacity[stage.name]:
                return False
            ran[stage.name] += 1
            try:
                work = stage.prepare(ctx, video)
            except Exception as err:  # noqa: BLE001 - recorded for this video; the batch goes on
                report_failure(reporter, store, video, stage.name, err)
                i = _passed(video_id, i)
                continue
            if work is None:  # settled without a worker (an import, a local file, unchanged)
                i = _passed(video_id, i)
                continue
            in_flight[executor.submit(stage.name, work)] = _Task(video_id, i)
            busy[stage.name] += 1
            return True
        return True

    def _passed(video_id: str, i: int) -> int:
        nonlocal finished, holders
        position[video_id] = i + 1
        if last_media > 0 and i in (0, last_media):
            holders += 1 if i == 0 else -1
        if i == last_media:
            on_passed_media(video_id)
        if i + 1 == len(stages):
            finished += 1
            video = store.video(video_id)
            reporter.info(f"[{finished}/{total}] {video.title or video.id}: {_state(ctx, video, stages)}")
        return i + 1

    def commit(future: Future[Any], task: _Task) -> None:
        stage = stages[task.index]
        video = store.video(task.video_id)
        busy[stage.name] -= 1
        try:
            stage.commit(ctx, video, future.result())
        except Exception as err:  # noqa: BLE001 - a worker's failure is this video's, not the batch's
            report_failure(reporter, store, video, stage.name, err)
        finally:
            reporter.finish(f"{stage.name} {video.title or video.id}")
        _passed(task.video_id, task.index)

    try:
        while waiting or ready or in_flight:
            # Videos nearest the end first: their results appear soonest, their media goes first.
            for video_id in sorted(ready, key=lambda v: -position[v]):
                if advance(video_id):
                    ready.remove(video_id)
            # Then new videos, in order, until one has to wait for a worker or for disk.
            while waiting:
                if not advance(waiting[0]):
                    break
                waiting.popleft()
            if not in_flight:
                if ready or waiting:  # cannot happen: a blocked video always waits on work in flight
                    raise RuntimeError("streaming engine stalled with nothing in flight")
                break
            done, _ = wait(list(in_flight), return_when=FIRST_COMPLETED)
            for future in done:
                task = in_flight.pop(future)
                commit(future, task)
                ready.append(task.video_id)
    finally:
        for future in in_flight:
            future.cancel()
        executor.close()
    # The same lines the stage-at-a-time runner prints as it starts each stage.
    for stage in stages:
        if ran[stage.name]:
            reporter.info(f"{stage.name}: {ran[stage.name]} video(s)")


def _state(ctx: StageContext, video: Video, stages: list[Stage]) -> str:
    statuses = ctx.store.statuses(video.id)
    failed = [s.name for s in stages if statuses.get(s.name) and statuses[s.name].status == "failed"]
    return f"failed at {failed[0]}" if failed else "done"
