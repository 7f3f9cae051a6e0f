"""The stage status half of the Store: what each stage did for each video.

One row per (video, stage) says ``pending``, ``done`` or ``failed`` (with the reason, whether a
retry can help, and how often it was tried). The runner decides from these rows what a run still
has to do, and ``argmap videos`` shows them. Kept apart from :mod:`.database` so that module stays
a readable size; :class:`~argmap.store.database.Store` inherits it.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from .records import STAGES, StageStatus, to_row

if TYPE_CHECKING:
    from sqlite_utils import Database


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()


class StageStatusMixin:
    """Stage outcomes per video; needs the Store's ``db``, ``rows``, ``upsert`` and ``transaction``."""

    db: Database

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[Database]: ...

        def rows(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]: ...

        def upsert(self, table: str, records: Iterable[Any], pk: str | tuple[str, ...] = "id") -> None: ...

    def mark(
        self,
        video_id: str,
        stage: str,
        status: str,
        reason: str | None = None,
        *,
        permanent: bool = False,
    ) -> StageStatus:
        """Record a stage outcome. Failures count attempts; ``done`` keeps the count it had."""
        if stage not in STAGES:
            raise ValueError(f"unknown stage {stage!r}")
        with self.transaction():
            return self._mark(video_id, stage, status, reason, permanent)

    def _mark(
        self, video_id: str, stage: str, status: str, reason: str | None, permanent: bool
    ) -> StageStatus:
        previous = self.status(video_id, stage)
        attempts = previous.attempts if previous else 0
        if status == "failed":
            attempts += 1
        if previous and previous.status == status == "done" and previous.reason == reason:
            return previous  # re-running finished work leaves the row untouched
        record = StageStatus(
            video_id=video_id,
            stage=stage,
            status=status,
            reason=reason,
            attempts=attempts,
            permanent=permanent,
            updated_at=_now(),
        )
        self.upsert("stage_status", [record], pk=("video_id", "stage"))
        return record

    def status(self, video_id: str, stage: str) -> StageStatus | None:
        rows = self.rows("select * from stage_status where video_id = ? and stage = ?", [video_id, stage])
        return _stage_status(rows[0]) if rows else None

    def statuses(self, video_id: str) -> dict[str, StageStatus]:
        rows = self.rows("select * from stage_status where video_id = ?", [video_id])
        return {row["stage"]: _stage_status(row) for row in rows}

    def is_done(self, video_id: str, stage: str) -> bool:
        s = self.status(video_id, stage)
        return bool(s and s.status == "done")

    def mark_pending(self, video_id: str, stages: Iterable[str]) -> None:
        """Record that a run is about to do these stages, where no outcome is stored yet, so a run
        killed half way leaves the video ``pending`` rather than looking finished."""
        now = _now()
        todo = [StageStatus(video_id, name, "pending", updated_at=now) for name in stages if name in STAGES]
        rows = [to_row(s) for s in todo]
        if rows:
            with self.transaction():
                self.db["stage_status"].insert_all(rows, ignore=True)  # type: ignore[union-attr]

    def reset_stages(self, video_id: str, stages: Iterable[str]) -> None:
        """Forget the given stages' outcomes for a video, so the next run does them again."""
        names = list(stages)
        if not names:
            return
        with self.transaction():
            self.db.execute(
                f"delete from stage_status where video_id = ? and stage in ({', '.join('?' * len(names))})",
                [video_id, *names],
            )

    def failed_video_ids(self) -> list[str]:
        """Videos with at least one failed stage, by id."""
        rows = self.db.execute(
            "select distinct video_id from stage_status where status = 'failed' order by video_id"
        )
        return [r[0] for r in rows]

    def clear_failures(self, video_id: str) -> int:
        """Forget a video's failed stages (permanent ones too); returns how many were cleared."""
        with self.transaction():
            cur = self.db.execute(
                "delete from stage_status where video_id = ? and status = 'failed'", [video_id]
            )
        return cur.rowcount


def _stage_status(row: dict[str, Any]) -> StageStatus:
    return StageStatus(**{**row, "permanent": bool(row["permanent"])})
