"""Name -> factory registries: how extractors, summarisers and stages are found.

Built-ins are named by ``"module:attribute"`` strings and imported only when asked for, so
choosing the offline extractor never imports the LLM client, and no module has to import the
ones it offers (which is what used to tie extract, llm and summarise into a cycle). Third-party
packages add their own under an entry-point group, the way simonw/llm's plugins do; a broken
plugin becomes a one-line :class:`ConfigError`, never a traceback.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from argmap.pipeline.errors import ConfigError

T = TypeVar("T")


def load_attribute(spec: str) -> Any:
    """``"package.module:attr"`` -> the attribute."""
    module, _, attr = spec.partition(":")
    return getattr(importlib.import_module(module), attr)


class Registry(Generic[T]):
    """Factories of one kind of plugin, by name.

    Args:
        kind: what the plugins are, for messages ("extractor").
        group: the entry-point group outside packages register under.
        builtins: name -> ``"module:attr"`` of a factory shipped with argmap.
        accepts: says whether a made object honours the kind's protocol.
    """

    def __init__(self, kind: str, group: str, builtins: dict[str, str], accepts: Callable[[Any], bool]):
        self.kind = kind
        self.group = group
        self.builtins = dict(builtins)
        self.accepts = accepts

    def _entry_points(self) -> dict[str, Any]:
        from importlib.metadata import entry_points

        return {ep.name: ep for ep in entry_points(group=self.group)}

    def names(self) -> list[str]:
        return sorted({*self.builtins, *self._entry_points()})

    def factory(self, name: str) -> Callable[..., T]:
        spec = self.builtins.get(name)
        if spec is not None:
            factory: Callable[..., T] = load_attribute(spec)
            return factory
        ep = self._entry_points().get(name)
        if ep is None:
            raise ConfigError(f"unknown {self.kind} {name!r}; available: {', '.join(self.names())}")
        try:
            loaded: Callable[..., T] = ep.load()
        except Exception as err:  # a broken plugin must not take the CLI down with a traceback
            raise ConfigError(f"{self.kind} {name!r} could not be loaded: {err}") from err
        return loaded

    def create(self, name: str, **options: Any) -> T:
        try:
            made = self.factory(name)(**options)
        except TypeError as err:  # a plugin that takes none of the options it was given
            raise ConfigError(f"{self.kind} {name!r} does not take these options: {err}") from err
        if not self.accepts(made):
            raise ConfigError(f"{self.kind} {name!r} does not provide what a {self.kind} must")
        return made
