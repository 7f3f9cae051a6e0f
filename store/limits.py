"""Time limits on a connection's queries.

``argmap serve`` answers each request on its own read-only connection and must not let one
page's query (a broad search, a large map) hold a thread for ever. SQLite's progress handler
is the one way to stop a running statement from Python, and it needs the raw connection, which
only the store package should touch; so the limit lives here, as functions taking a
:class:`Store`.
"""

from __future__ import annotations

import time

from .database import Store

# SQLite calls the handler every this many virtual-machine steps: often enough to stop within
# milliseconds of the deadline, rarely enough to cost nothing measurable.
_STEPS = 10_000


def set_deadline(store: Store, seconds: float) -> None:
    """Abort any statement on ``store`` still running ``seconds`` from now, for the rest of the
    connection's life. The statement fails with ``sqlite3.OperationalError: interrupted``."""
    deadline = time.monotonic() + seconds
    # A non-zero return from the handler aborts the statement in progress.
    store.db.conn.set_progress_handler(lambda: int(time.monotonic() > deadline), _STEPS)
