"""Named exceptions for everything a user can cause or hit.

Each carries a one-line, user-facing message. ``permanent`` says whether retrying the
same input can ever succeed: a 404 or a corrupt file is permanent, a timeout or a
truncated download is transient, and the runner retries only transient failures.
"""

from __future__ import annotations


class ArgmapError(Exception):
    """Base class: ``str(err)`` is the one line shown to the user.

    ``redo`` names earlier stages whose output the failure showed to be bad (a partial
    download found while transcribing): the runner marks them failed too, so the next run
    does them again.
    """

    permanent = False
    redo: tuple[str, ...] = ()

    def __init__(self, message: str, *, permanent: bool | None = None, redo: tuple[str, ...] = ()):
        super().__init__(message)
        if permanent is not None:
            self.permanent = permanent
        if redo:
            self.redo = redo


class SourceError(ArgmapError):
    """A source or entry could not be resolved or downloaded (dead URL, private video...)."""


class MediaError(ArgmapError):
    """Media exists but cannot be decoded, or holds no audio."""

    permanent = True


class MediaGone(MediaError):
    """The media file is no longer there: deleted by another run that finished the video, or by
    hand. A re-run downloads it again (a local file the user moved is found by its content)."""

    permanent = False
    redo = ("download",)


class TruncatedMedia(MediaError):
    """Decoded audio is much shorter than the source said: likely a partial download."""

    permanent = False


class ModelError(ArgmapError):
    """A model name or path could not be loaded (offline without the package, bad path).

    Not permanent: the model is the machine's, not the video's. Installing it, or the next run
    with another ``--model``, fixes it; a permanent mark made that run skip the video."""

    permanent = False


class ExtractionError(ArgmapError):
    """An extractor could not produce arguments or a summary for a transcript."""


class ConfigError(ArgmapError):
    """A bad option value or combination."""

    permanent = True


def hidden_interrupt(err: BaseException) -> KeyboardInterrupt | None:
    """The Ctrl-C behind an error, if one is.

    A Ctrl-C that lands while a library cleans up (sqlite-utils' savepoint guard rolling back
    a savepoint it had just released) comes out as that cleanup's own error, with the
    interrupt only as its context: recorded as the video's failure, the user's stop would
    become one failed video and the batch would go on.
    """
    pending: list[BaseException] = [err]
    seen: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, KeyboardInterrupt):
            return current
        pending.extend(e for e in (current.__cause__, current.__context__) if e is not None)
    return None
